/*
 * Template of max and average pooling; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_T (storage of x and y) and QC_MAX (1 for max, 0 for average),
 * and QC_AFFINE for the int8-affine average (the sum divided by the count, rounded half away from zero).
 */
#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_kernels.h"

#ifndef QC_AFFINE
#define QC_AFFINE 0
#endif

void QC_NAME(const qc_pool_params *p, const QC_T *x, QC_T *y)
{
    const int32_t c = p->channels;
    int32_t b, oy, ox, ch, ky, kx;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                QC_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * c;
                int32_t inside = 0;
#if !QC_MAX && !QC_AFFINE
                int32_t padded = 0;
#endif
                /* Count the taps once; they are the same for every channel. */
                for (ky = 0; ky < p->kernel_h; ++ky) {
                    const int32_t iy = iy0 + ky * p->dilation_h;
                    for (kx = 0; kx < p->kernel_w; ++kx) {
                        const int32_t ix = ix0 + kx * p->dilation_w;
#if !QC_MAX && !QC_AFFINE
                        if (iy >= -p->pad_top && iy < p->in_h + p->pad_bottom && ix >= -p->pad_left &&
                            ix < p->in_w + p->pad_right) {
                            ++padded;
                        }
#endif
                        if (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) {
                            ++inside;
                        }
                    }
                }
                for (ch = 0; ch < c; ++ch) {
#if QC_MAX
                    int32_t acc = INT32_MIN;
#else
                    int32_t acc = 0;
#endif
                    for (ky = 0; ky < p->kernel_h; ++ky) {
                        const int32_t iy = iy0 + ky * p->dilation_h;
                        if (iy < 0 || iy >= p->in_h) {
                            continue;
                        }
                        for (kx = 0; kx < p->kernel_w; ++kx) {
                            const int32_t ix = ix0 + kx * p->dilation_w;
                            int32_t v;
                            if (ix < 0 || ix >= p->in_w) {
                                continue;
                            }
                            v = x[((b * p->in_h + iy) * p->in_w + ix) * c + ch];
#if QC_MAX
                            acc = v > acc ? v : acc;
#else
                            acc += v;
#endif
                        }
                    }
#if QC_MAX
                    out[ch] = (QC_T)(inside > 0 ? acc : 0);
#elif QC_AFFINE
                    out[ch] = (QC_T)(inside > 0 ? qc_divide_round(acc, inside) : 0);
#else
                    out[ch] = (QC_T)qc_average_of(acc, p->count_include_pad ? padded : inside, p->out_shift, p->act_min, p->act_max);
#endif
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_T
#undef QC_MAX
#undef QC_AFFINE
