/*
 * Template of the depthwise convolution (channel multiplier 1); contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_X_T, QC_W_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE, or
 * QC_AFFINE for the int8-affine instance (as in qc_conv_template.h).
 */
#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_kernels.h"

#ifndef QC_AFFINE
#define QC_AFFINE 0
#endif

#if QC_AFFINE
#define QC_OUTPUT(acc, o) QC_AFFINE_OUTPUT(acc, o, 0)
void QC_NAME(const qc_conv_affine_params *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias,
             const int32_t *multiplier, const int8_t *shift, QC_Y_T *y)
#else
#define QC_OUTPUT(acc, o) QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : (o)], p->act_min, p->act_max)
void QC_NAME(const qc_conv_params *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias,
             const int8_t *shift, QC_Y_T *y)
#endif
{
    const int32_t channels = p->out_c;
    const int32_t taps = p->kernel_h * p->kernel_w;
    int32_t b, oy, ox, c, ky, kx;
    for (b = 0; b < p->batch; ++b) {
        const QC_X_T *xb = x + b * p->in_h * p->in_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * channels;
                for (c = 0; c < channels; ++c) {
                    const QC_W_T *wc = w + c * taps;
                    QC_ACC_T acc = bias[c];
                    for (ky = 0; ky < p->kernel_h; ++ky) {
                        const int32_t iy = iy0 + ky * p->dilation_h;
                        for (kx = 0; kx < p->kernel_w; ++kx) {
                            const int32_t ix = ix0 + kx * p->dilation_w;
                            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
#if QC_AFFINE
                                acc += p->pad_value * (int32_t)wc[ky * p->kernel_w + kx];
#endif
                                continue;
                            }
                            acc += (QC_ACC_T)((int32_t)xb[(iy * p->in_w + ix) * channels + c] *
                                              (int32_t)wc[ky * p->kernel_w + kx]);
                        }
                    }
                    out[c] = (QC_Y_T)QC_OUTPUT(acc, c);
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_W_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_REQUANTIZE
#undef QC_AFFINE
#undef QC_OUTPUT
