/*
 * Template of the codebook convolution; contract in qc_kernels.h. The including file defines
 * QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T (the bias type) and QC_REQUANTIZE.
 * As in the bit-plane kernel, inputs are read by integer offsets from x and every offset and bit
 * position is advanced by precomputed strides, so the only multiplies are the centroid products.
 */
#include "qc_arith.h"
#include "qc_kernels.h"
#include "qc_window.h"

/* Helper names carry the instance's name, so the instances also build as one translation unit. */
#define QC_PASTE2(a, b) a##_##b
#define QC_PASTE(a, b) QC_PASTE2(a, b)
#define QC_RUN_LOOKUP QC_PASTE(QC_NAME, run_lookup)
#define QC_RUN_BIN QC_PASTE(QC_NAME, run_bin)
#define QC_WINDOW QC_PASTE(QC_NAME, window_pass)

/* The index at bit position `bit` of the stream: two bytes hold any index of at most 8 bits. */
#define QC_INDEX(indices, bit, mask) \
    ((((uint32_t)(indices)[(bit) >> 3] | ((uint32_t)(indices)[((bit) >> 3) + 1] << 8)) >> ((bit) & 7)) & (mask))

/* codebook[index] * x[base] summed over `count` consecutive inputs (stride 1 keeps the loop free
 * of multiplies: a compiler may compute an induction variable's final value as start + trips * stride). */
static QC_ACC_T QC_RUN_LOOKUP(const qc_codebook_conv_params *p, const uint8_t *indices, int32_t bit, const int16_t *codebook,
                              const QC_X_T *x, int32_t base, int32_t count)
{
    const uint32_t mask = (1u << p->index_bits) - 1u;
    const int32_t step = p->index_bits;
    QC_ACC_T acc = 0;
    for (; count > 0; --count, ++base) {
        acc += (QC_ACC_T)codebook[QC_INDEX(indices, bit, mask)] * (QC_ACC_T)x[base];
        bit += step;
    }
    return acc;
}

/* bins[index] += x[base] over `count` consecutive inputs. */
static void QC_RUN_BIN(const qc_codebook_conv_params *p, const uint8_t *indices, int32_t bit, const QC_X_T *x, int32_t base,
                       int32_t count, int32_t *bins)
{
    const uint32_t mask = (1u << p->index_bits) - 1u;
    const int32_t step = p->index_bits;
    for (; count > 0; --count, ++base) {
        bins[QC_INDEX(indices, bit, mask)] += x[base];
        bit += step;
    }
}

/* One output channel's pass over the valid window from input offset `base`: its products summed
 * (lookup form, bins == 0) or its inputs binned by index (accumulating form). */
static QC_ACC_T QC_WINDOW(const qc_codebook_conv_params *p, const QC_X_T *x, int32_t base, const uint8_t *indices, int32_t bit,
                          const int16_t *codebook, const qc_window *win, int32_t *bins)
{
    int32_t r, t, k, tap_bit;
    QC_ACC_T acc = 0;
    for (r = 0; r < win->rows; ++r, base += p->in_row, bit += p->row_bits) {
        if (p->in_c_per_group == p->in_c) {
            /* Ungrouped: the row's valid taps are contiguous in x and in the index stream. */
            if (bins) {
                QC_RUN_BIN(p, indices, bit, x, base, win->run, bins);
            } else {
                acc += QC_RUN_LOOKUP(p, indices, bit, codebook, x, base, win->run);
            }
        } else {
            for (t = 0, k = base, tap_bit = bit; t < win->cols; ++t, k += p->in_c, tap_bit += p->tap_bits) {
                if (bins) {
                    QC_RUN_BIN(p, indices, tap_bit, x, k, p->in_c_per_group, bins);
                } else {
                    acc += QC_RUN_LOOKUP(p, indices, tap_bit, codebook, x, k, p->in_c_per_group);
                }
            }
        }
    }
    return acc;
}

void QC_NAME(const qc_codebook_conv_params *p, const QC_X_T *x, const uint8_t *indices, const int16_t *codebook,
             const QC_ACC_T *bias, const int8_t *shift, QC_Y_T *y)
{
    int32_t b, oy, ox, iy0, ix0, g, oc, o, c, channel_bit;
    int32_t image = 0, row, col, group_in;
    int32_t bins[QC_CODEBOOK_MAX_CLUSTERS];
    for (b = 0; b < p->batch; ++b, image += p->in_image) {
        for (oy = 0, iy0 = -p->pad_top, row = image + p->origin; oy < p->out_h; ++oy, iy0 += p->stride_h, row += p->step_row) {
            for (ox = 0, ix0 = -p->pad_left, col = row; ox < p->out_w; ++ox, ix0 += p->stride_w, col += p->step_col) {
                qc_window win;
                qc_clip_window(&win, col, iy0, ix0, p->kernel_h, p->kernel_w, p->in_h, p->in_w, p->in_row, p->in_c, p->row_bits,
                               p->tap_bits, p->in_c_per_group);
                o = 0;
                channel_bit = win.bit;
                for (g = 0, group_in = 0; g < p->groups; ++g, group_in += p->in_c_per_group) {
                    for (oc = 0; oc < p->out_c_per_group; ++oc, ++o, channel_bit += p->channel_bits) {
                        QC_ACC_T acc = bias[o];
                        if (p->accumulate) {
                            /* The window's inputs binned by centroid, then one product per nonzero
                             * centroid (also for a window entirely in the padding, so executed
                             * multiplies always equal the static count). */
                            for (c = 0; c < p->clusters; ++c) {
                                bins[c] = 0;
                            }
                            (void)QC_WINDOW(p, x, win.first + group_in, indices, channel_bit, codebook, &win, bins);
                            for (c = 0; c < p->clusters; ++c) {
                                if (codebook[c] != 0) {
                                    acc += (QC_ACC_T)codebook[c] * (QC_ACC_T)bins[c];
                                }
                            }
                        } else {
                            acc += QC_WINDOW(p, x, win.first + group_in, indices, channel_bit, codebook, &win, 0);
                        }
                        *y++ = (QC_Y_T)QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : o], p->act_min, p->act_max);
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
#undef QC_REQUANTIZE
#undef QC_PASTE2
#undef QC_PASTE
#undef QC_RUN_LOOKUP
#undef QC_RUN_BIN
#undef QC_WINDOW
#undef QC_INDEX
