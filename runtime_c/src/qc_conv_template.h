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

#define QC_PASTE2(a, b) a##_##b
#define QC_PASTE(a, b) QC_PASTE2(a, b)
#define QC_POSITION QC_PASTE(QC_NAME, position)

#if QC_AFFINE
#define QC_PARAMS qc_conv_affine_params
#define QC_RESCALE_PARAMS const int32_t *multiplier, const int8_t *shift
#define QC_RESCALE_ARGS multiplier, shift
#define QC_OUTPUT(acc, o) QC_AFFINE_OUTPUT(acc, o, 0)
/* What channel o's padding taps add at a clipped window position. */
#define QC_PADDING(o) (clipped ? p->pad_value * qc_padding_weight_sum(w + (o) * taps, p->kernel_h, w_row_step, ky0, ky1, kx0 * cin, kx1 * cin) : 0)
#else
#define QC_PARAMS qc_conv_params
#define QC_RESCALE_PARAMS const int8_t *shift
#define QC_RESCALE_ARGS shift
#define QC_OUTPUT(acc, o) QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : (o)], p->act_min, p->act_max)
#define QC_PADDING(o) 0
#endif

/* Every output channel of one output position, tap by tap: any groups, stride and dilation. */
static void QC_POSITION(const QC_PARAMS *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias, QC_RESCALE_PARAMS, QC_Y_T *y,
                        int32_t b, int32_t oy, int32_t ox)
{
    const int32_t cin = p->in_c / p->groups;
    const int32_t cog = p->out_c / p->groups;
    const int32_t taps = p->kernel_h * p->kernel_w * cin;
    const int32_t iy0 = oy * p->stride_h - p->pad_top;
    const int32_t ix0 = ox * p->stride_w - p->pad_left;
    QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * p->out_c;
    int32_t o, ky, kx, i;
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

void QC_NAME(const QC_PARAMS *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias, QC_RESCALE_PARAMS, QC_Y_T *y)
{
    const int32_t cin = p->in_c;
    const int32_t taps = p->kernel_h * p->kernel_w * cin;
    /* Offsets, not pointers, advance between rows and channels: no pointer is ever formed
     * outside its array. */
    const int32_t x_row_step = p->dilation_h * p->in_w * cin;
    const int32_t w_row_step = p->kernel_w * cin;
    int32_t b, oy, ox, o, ky, i;
    if (p->groups != 1 || p->dilation_w != 1) {
        for (b = 0; b < p->batch; ++b) {
            for (oy = 0; oy < p->out_h; ++oy) {
                for (ox = 0; ox < p->out_w; ++ox) {
                    QC_POSITION(p, x, w, bias, QC_RESCALE_ARGS, y, b, oy, ox);
                }
            }
        }
        return;
    }
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
                /* With one group and no horizontal dilation (else tap by tap, above), the valid taps
                 * of a kernel row are contiguous in both the input and the weights: one dot product
                 * per valid kernel row, over n taps from the offsets found here (and, for
                 * int8-affine, the padding's weights times pad_value). */
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                /* 0 <= kx0 <= kx1 <= kernel_w, even for a window wholly in the padding. */
                const int32_t kx0 = ix0 >= 0 ? 0 : -ix0 < p->kernel_w ? -ix0 : p->kernel_w;
                const int32_t kx_end = p->in_w - ix0 < p->kernel_w ? p->in_w - ix0 : p->kernel_w;
                const int32_t kx1 = kx_end > kx0 ? kx_end : kx0;
                const int32_t n = (kx1 - kx0) * cin;
                const int32_t x_first = ((iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0) * cin;
                QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * p->out_c;
                const int clipped = ky0 > 0 || ky1 < p->kernel_h || kx0 > 0 || kx1 < p->kernel_w;
                int32_t w_first = (ky0 * p->kernel_w + kx0) * cin;
                (void)clipped;
                /* Output channels go in pairs, so each input value loaded serves two products: on
                 * cores without SIMD (RISC-V, Cortex-M0/M3) loads and loop overhead, not
                 * multiplies, are most of a MAC's instructions. (Unrolling the taps by two as well
                 * saves more on RISC-V, but costs on the M0 and M3, which run out of registers.) */
                for (o = 0; o + 1 < p->out_c; o += 2, w_first += 2 * taps) {
                    QC_ACC_T acc0 = bias[o] + QC_PADDING(o), acc1 = bias[o + 1] + QC_PADDING(o + 1);
                    int32_t xo = x_first, wo = w_first;
                    for (ky = ky0; ky < ky1 && n > 0; ++ky, xo += x_row_step, wo += w_row_step) {
                        const QC_X_T *xp = xb + xo;
                        const QC_W_T *wp0 = w + wo;
                        const QC_W_T *wp1 = wp0 + taps;
                        for (i = 0; i < n; ++i) {
                            const int32_t xa = xp[i];
                            acc0 += (QC_ACC_T)(xa * (int32_t)wp0[i]);
                            acc1 += (QC_ACC_T)(xa * (int32_t)wp1[i]);
                        }
                    }
                    out[o] = (QC_Y_T)QC_OUTPUT(acc0, o);
                    out[o + 1] = (QC_Y_T)QC_OUTPUT(acc1, o + 1);
                }
                if (o < p->out_c) {
                    QC_ACC_T acc = bias[o] + QC_PADDING(o);
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
}

#undef QC_NAME
#undef QC_X_T
#undef QC_W_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_REQUANTIZE
#undef QC_AFFINE
#undef QC_OUTPUT
#undef QC_PARAMS
#undef QC_RESCALE_PARAMS
#undef QC_RESCALE_ARGS
#undef QC_POSITION
#undef QC_PADDING
#undef QC_PASTE
#undef QC_PASTE2
