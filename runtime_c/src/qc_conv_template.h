/*
 * Template of the general (and grouped) convolution; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_X_T, QC_W_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE, or
 * QC_AFFINE for the int8-affine instance (qc_conv_affine_params, a multiplier per channel, and
 * taps outside the input reading pad_value: they are summed as pad_value * w, not skipped).
 * Products are formed in the accumulator's type (or int32_t for a 64-bit accumulator, where the
 * product of two <= 16-bit operands always fits) so 16-bit-int targets never overflow `int`.
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
    const int32_t cin = p->in_c / p->groups;
    const int32_t cog = p->out_c / p->groups;
    const int32_t taps = p->kernel_h * p->kernel_w * cin;
    int32_t b, oy, ox, o, ky, kx, i;
    if (!QC_AFFINE && p->groups == 1 && p->dilation_w == 1) {
        /* With one group and no horizontal dilation, the valid taps of a kernel row are contiguous
         * in both the input and the weights: one dot product per valid kernel row. The valid rows
         * and columns depend only on the output position, so they and the start offsets are
         * found once per position; the output-channel loop only advances the weight offset. */
        const int32_t x_row_step = p->dilation_h * p->in_w * cin;
        const int32_t w_row_step = p->kernel_w * cin;
        for (b = 0; b < p->batch; ++b) {
            const QC_X_T *xb = x + b * p->in_h * p->in_w * p->in_c;
            for (oy = 0; oy < p->out_h; ++oy) {
                const int32_t iy0 = oy * p->stride_h - p->pad_top;
                int32_t ky0 = 0, ky1 = p->kernel_h;
                while (ky0 < ky1 && iy0 + ky0 * p->dilation_h < 0) {
                    ++ky0;
                }
                while (ky1 > ky0 && iy0 + (ky1 - 1) * p->dilation_h >= p->in_h) {
                    --ky1;
                }
                for (ox = 0; ox < p->out_w; ++ox) {
                    const int32_t ix0 = ox * p->stride_w - p->pad_left;
                    const int32_t kx0 = ix0 < 0 ? -ix0 : 0;
                    const int32_t kx1 = p->in_w - ix0 < p->kernel_w ? p->in_w - ix0 : p->kernel_w;
                    const int32_t n = (kx1 - kx0) * cin;
                    QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * p->out_c;
                    /* Offsets, not pointers, advance between rows and channels: no pointer is
                     * ever formed outside its array. */
                    const int32_t x_first = ((iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0) * cin;
                    int32_t w_first = (ky0 * p->kernel_w + kx0) * cin;
                    for (o = 0; o < p->out_c; ++o, w_first += taps) {
                        QC_ACC_T acc = bias[o];
                        int32_t xo = x_first, wo = w_first;
                        for (ky = ky0; ky < ky1 && n > 0; ++ky, xo += x_row_step, wo += w_row_step) {
                            const QC_X_T *xp = xb + xo;
                            const QC_W_T *wp = w + wo;
                            for (i = 0; i < n; ++i) {
                                acc += (QC_ACC_T)((int32_t)xp[i] * (int32_t)wp[i]);
                            }
                        }
                        out[o] = (QC_Y_T)QC_OUTPUT(acc, o);
                    }
                }
            }
        }
        return;
    }
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * p->out_c;
                for (o = 0; o < p->out_c; ++o) {
                    const QC_W_T *wo = w + o * taps;
                    const QC_X_T *xg = x + (b * p->in_h * p->in_w) * p->in_c + (o / cog) * cin;
                    QC_ACC_T acc = bias[o];
                    for (ky = 0; ky < p->kernel_h; ++ky) {
                        const int32_t iy = iy0 + ky * p->dilation_h;
                        for (kx = 0; kx < p->kernel_w; ++kx) {
                            const int32_t ix = ix0 + kx * p->dilation_w;
                            const QC_X_T *xp;
                            const QC_W_T *wp = wo + (ky * p->kernel_w + kx) * cin;
                            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
#if QC_AFFINE
                                for (i = 0; i < cin; ++i) {
                                    acc += p->pad_value * (int32_t)wp[i];
                                }
#endif
                                continue;
                            }
                            xp = xg + (iy * p->in_w + ix) * p->in_c;
                            for (i = 0; i < cin; ++i) {
                                acc += (QC_ACC_T)((int32_t)xp[i] * (int32_t)wp[i]);
                            }
                        }
                    }
                    out[o] = (QC_Y_T)QC_OUTPUT(acc, o);
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
