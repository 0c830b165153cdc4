/*
 * Template of the convolution over packed weights; contract in qc_kernels.h (qc_conv_packed_params).
 * The including file defines QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE.
 */
#include "qc_arith.h"
#include "qc_kernels.h"
#include "qc_packed.h"

void QC_NAME(const qc_conv_packed_params *p, const QC_X_T *x, const uint8_t *w, const QC_ACC_T *bias, const int8_t *shift, QC_Y_T *y)
{
    const int32_t cin = p->in_c / p->groups, cog = p->out_c / p->groups, bits = p->weight_bits;
    const uint32_t taps = (uint32_t)(p->kernel_h * p->kernel_w * cin);
    int32_t b, oy, ox, o, ky, kx, i;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * p->out_c;
                for (o = 0; o < p->out_c; ++o) {
                    const QC_X_T *xg = x + (b * p->in_h * p->in_w) * p->in_c + (o / cog) * cin;
                    QC_ACC_T acc = bias[o];
                    for (ky = 0; ky < p->kernel_h; ++ky) {
                        const int32_t iy = iy0 + ky * p->dilation_h;
                        for (kx = 0; kx < p->kernel_w; ++kx) {
                            const int32_t ix = ix0 + kx * p->dilation_w;
                            /* Bit position of weight (o, ky, kx, 0). */
                            uint32_t bit = ((uint32_t)o * taps + (uint32_t)((ky * p->kernel_w + kx) * cin)) * (uint32_t)bits;
                            const QC_X_T *xp;
                            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                                continue;
                            }
                            xp = xg + (iy * p->in_w + ix) * p->in_c;
                            for (i = 0; i < cin; ++i, bit += (uint32_t)bits) {
                                acc += (QC_ACC_T)((int32_t)xp[i] * qc_packed_weight(w, bit, bits));
                            }
                        }
                    }
                    out[o] = (QC_Y_T)QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : o], p->act_min, p->act_max);
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_REQUANTIZE
