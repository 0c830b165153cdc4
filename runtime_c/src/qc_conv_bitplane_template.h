/*
 * Template of the bit-plane convolution; contract in qc_kernels.h. The including file defines
 * QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T (the bias type) and QC_REQUANTIZE.
 * Inputs are read by integer offsets from x, never by pointers outside the tensor, so padded
 * windows need no special pointer arithmetic; every offset is advanced by precomputed strides, so
 * the only multiplies are the alpha products.
 */
#include "qc_arith.h"
#include "qc_kernels.h"
#include "qc_window.h"

/* Helper names carry the instance's name, so the instances also build as one translation unit. */
#define QC_PASTE2(a, b) a##_##b
#define QC_PASTE(a, b) QC_PASTE2(a, b)
#define QC_RUN_SUM QC_PASTE(QC_NAME, run_sum)
#define QC_RUN_SELECT QC_PASTE(QC_NAME, run_select)
#define QC_RUN_SELECT_STRIDED QC_PASTE(QC_NAME, run_select_strided)
#define QC_WINDOW_SUM QC_PASTE(QC_NAME, window_sum)

/* x[base] + x[base + stride] + ... (count terms). */
static int32_t QC_RUN_SUM(const QC_X_T *x, int32_t base, int32_t count, int32_t stride)
{
    int32_t sum = 0;
    for (; count > 0; --count, base += stride) {
        sum += x[base];
    }
    return sum;
}

/* x[base] + ... + x[base + count - 1] over the terms whose bit is set, bits read from position
 * `bit` of `words` on, a word at a time. (Stride 1 keeps the loops free of multiplies: a compiler
 * may compute an induction variable's final value as start + trips * stride.) */
static int32_t QC_RUN_SELECT(const uint32_t *words, int32_t bit, const QC_X_T *x, int32_t base, int32_t count)
{
    const uint32_t *word = words + (bit >> 5);
    int32_t left = 32 - (bit & 31), sum = 0, n;
    uint32_t w;
    if (count <= 0) {
        return 0;
    }
    w = *word << (bit & 31);
    for (;;) {
        n = count < left ? count : left;
        count -= n;
        for (; n > 0; --n, ++base) {
            /* -(top bit) is 0 or all ones: the input or nothing, without a branch. */
            sum += (int32_t)x[base] & -(int32_t)(w >> 31);
            w <<= 1;
        }
        if (count == 0) {
            return sum;
        }
        w = *++word;
        left = 32;
    }
}

/* The same over x[base], x[base + stride], ... (kernel2d: one channel of the window), a bit at a time. */
static int32_t QC_RUN_SELECT_STRIDED(const uint32_t *words, int32_t bit, const QC_X_T *x, int32_t base, int32_t count, int32_t stride)
{
    int32_t sum = 0;
    for (; count > 0; --count, ++bit, base += stride) {
        sum += (int32_t)x[base] & -(int32_t)((words[bit >> 5] >> (31 - (bit & 31))) & 1u);
    }
    return sum;
}

/* Sum over the valid window of the inputs from offset `base` (a group's first channel, or one
 * input channel in kernel2d mode): all of them when words is 0, else those whose bit is set. */
static int32_t QC_WINDOW_SUM(const qc_bitplane_conv_params *p, const QC_X_T *x, int32_t base, const uint32_t *words,
                             const qc_window *win)
{
    int32_t r, t, k, tap_bit, sum = 0, bit = win->bit;
    for (r = 0; r < win->rows; ++r, base += p->in_row, bit += p->row_bits) {
        if (p->kernel2d) {
            /* One input channel: the row's taps are in_c apart. */
            sum += words ? QC_RUN_SELECT_STRIDED(words, bit, x, base, win->run, p->in_c) : QC_RUN_SUM(x, base, win->run, p->in_c);
        } else if (p->in_c_per_group == p->in_c) {
            /* A filter of an ungrouped convolution: the row's pixels are contiguous. */
            sum += words ? QC_RUN_SELECT(words, bit, x, base, win->run) : QC_RUN_SUM(x, base, win->run, 1);
        } else {
            for (t = 0, k = base, tap_bit = bit; t < win->cols; ++t, k += p->in_c, tap_bit += p->tap_bits) {
                sum += words ? QC_RUN_SELECT(words, tap_bit, x, k, p->in_c_per_group) : QC_RUN_SUM(x, k, p->in_c_per_group, 1);
            }
        }
    }
    return sum;
}

void QC_NAME(const qc_bitplane_conv_params *p, const QC_X_T *x, const uint32_t *planes, const int16_t *alpha,
             const QC_ACC_T *bias, const int8_t *shift, QC_Y_T *y)
{
    int32_t b, oy, ox, iy0, ix0, g, oc, o, c, m;
    int32_t image = 0, row, col, group_in;
    for (b = 0; b < p->batch; ++b, image += p->in_image) {
        for (oy = 0, iy0 = -p->pad_top, row = image + p->origin; oy < p->out_h; ++oy, iy0 += p->stride_h, row += p->step_row) {
            for (ox = 0, ix0 = -p->pad_left, col = row; ox < p->out_w; ++ox, ix0 += p->stride_w, col += p->step_col) {
                const uint32_t *bits = planes;
                const int16_t *a = alpha;
                qc_window win;
                int empty;
                qc_clip_window(&win, col, iy0, ix0, p->kernel_h, p->kernel_w, p->in_h, p->in_w, p->in_row, p->in_c, p->row_bits,
                               p->tap_bits, p->tap_bits);
                /* A window entirely in the padding reads nothing (its sums are 0), but its alpha
                 * products still run, so executed multiplies always equal the static count. */
                empty = win.rows == 0 || win.cols == 0;
                o = 0;
                for (g = 0, group_in = 0; g < p->groups; ++g, group_in += p->in_c_per_group) {
                    const int32_t base = win.first + group_in;
                    /* Filter mode: S of the group's window, shared by its output channels. */
                    const int32_t s = p->kernel2d || empty ? 0 : QC_WINDOW_SUM(p, x, base, 0, &win);
                    for (oc = 0; oc < p->out_c_per_group; ++oc, ++o) {
                        QC_ACC_T acc = bias[o];
                        if (p->kernel2d) {
                            for (c = 0; c < p->in_c_per_group; ++c) {
                                const int32_t sc = empty ? 0 : QC_WINDOW_SUM(p, x, base + c, 0, &win);
                                for (m = 0; m < p->planes; ++m, ++a, bits += p->group_words) {
                                    if (*a != 0) {
                                        const int32_t pm = empty ? 0 : QC_WINDOW_SUM(p, x, base + c, bits, &win);
                                        acc += (QC_ACC_T)*a * (QC_ACC_T)(2 * pm - sc);
                                    }
                                }
                            }
                        } else {
                            for (m = 0; m < p->planes; ++m, ++a, bits += p->group_words) {
                                if (*a != 0) {
                                    const int32_t pm = empty ? 0 : QC_WINDOW_SUM(p, x, base, bits, &win);
                                    acc += (QC_ACC_T)*a * (QC_ACC_T)(2 * pm - s);
                                }
                            }
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
#undef QC_RUN_SUM
#undef QC_RUN_SELECT
#undef QC_RUN_SELECT_STRIDED
#undef QC_WINDOW_SUM
