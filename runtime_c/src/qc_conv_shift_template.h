/*
 * Template of the shift-scheme convolution; contract in qc_kernels.h. The including file defines
 * QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T (the bias type), and QC_WIDE (1 for a 64-bit accumulator).
 * Every index is advanced by additions of precomputed strides, so no multiply is emitted.
 */
#include "qc_kernels.h"
#include "qc_shift_accumulator.h"

void QC_NAME(const qc_shift_conv_params *p, const QC_X_T *x, const uint8_t *w, const QC_ACC_T *bias,
             const int8_t *shift, QC_Y_T *y)
{
    int32_t b, oy, ox, g, oc, ky, kx, i, iy, ix, iy0, ix0, o;
    int32_t image = 0, row, col, tap_y, tap, group_in;
    const int contiguous = p->groups == 1 && p->dilation_w == 1;
    for (b = 0; b < p->batch; ++b, image += p->in_image) {
        for (oy = 0, iy0 = -p->pad_top, row = image + p->origin; oy < p->out_h; ++oy, iy0 += p->stride_h, row += p->step_row) {
            for (ox = 0, ix0 = -p->pad_left, col = row; ox < p->out_w; ++ox, ix0 += p->stride_w, col += p->step_col) {
                const uint8_t *wo = w;
                /* skip: elements before the first valid tap of a kernel row; run: valid elements
                 * (counted by additions, so no multiply is needed). */
                int32_t skip = 0, run = 0;
                for (kx = 0, ix = ix0; kx < p->kernel_w; ++kx, ++ix) {
                    if (ix < 0) {
                        skip += p->in_c_per_group;
                    } else if (ix < p->in_w) {
                        run += p->in_c_per_group;
                    }
                }
                o = 0;
                for (g = 0, group_in = 0; g < p->groups; ++g, group_in += p->in_c_per_group) {
                    for (oc = 0; oc < p->out_c_per_group; ++oc, ++o) {
                        QC_UACC_T acc = (QC_UACC_T)bias[o];
                        for (ky = 0, iy = iy0, tap_y = col + group_in; ky < p->kernel_h; ++ky, iy += p->dilation_h, tap_y += p->tap_row) {
                            if (iy < 0 || iy >= p->in_h) {
                                wo += p->weights_per_row;
                                continue;
                            }
                            if (contiguous) {
                                /* One group, no horizontal dilation: the row's valid taps are contiguous. */
                                for (i = 0; i < run; ++i) {
                                    acc += QC_PRODUCT(wo[skip + i], x[tap_y + skip + i]);
                                }
                                wo += p->weights_per_row;
                                continue;
                            }
                            for (kx = 0, ix = ix0, tap = tap_y; kx < p->kernel_w; ++kx, ix += p->dilation_w, tap += p->tap_col) {
                                if (ix < 0 || ix >= p->in_w) {
                                    wo += p->in_c_per_group;
                                    continue;
                                }
                                for (i = 0; i < p->in_c_per_group; ++i) {
                                    acc += QC_PRODUCT(*wo++, x[tap + i]);
                                }
                            }
                        }
                        *y++ = (QC_Y_T)QC_FINISH(acc, shift[p->shift_count == 1 ? 0 : o], p->act_min, p->act_max);
                    }
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_WIDE
#undef QC_UACC_T
#undef QC_PRODUCT
#undef QC_FINISH
