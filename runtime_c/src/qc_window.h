/*
 * The valid part of one output position's window, shared by the bit-plane and codebook kernels,
 * which walk their packed weights by bit positions, the depthwise kernel variants and the average
 * pool variants (with the pools' divisor and division). Every quantity is advanced by additions of
 * precomputed strides, so finding the window costs no multiply.
 */
#ifndef QC_WINDOW_H
#define QC_WINDOW_H

#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_kernels.h"

/* `rows` kernel rows and `cols` kernel columns inside the input; the offset in x of the first
 * valid tap (channel 0); the bit of that tap in a weight stream; and `run`, the valid columns
 * times the caller's `run_step` (bits or inputs of one row). */
typedef struct {
    int32_t first, bit, rows, cols, run;
} qc_window;

/* The window whose top-left tap is at input row iy0, column ix0 (negative in the padding) and at
 * offset `first` of x: taps above or left of the input are skipped by advancing `first` (by in_row
 * per row, in_c per column) and `bit` (by row_bits, tap_bits). */
static inline void qc_clip_window(qc_window *win, int32_t first, int32_t iy0, int32_t ix0, int32_t kernel_h, int32_t kernel_w,
                           int32_t in_h, int32_t in_w, int32_t in_row, int32_t in_c, int32_t row_bits, int32_t tap_bits,
                           int32_t run_step)
{
    int32_t k, i;
    win->first = first;
    win->bit = 0;
    win->rows = 0;
    win->cols = 0;
    win->run = 0;
    for (k = 0, i = iy0; k < kernel_h; ++k, ++i) {
        if (i < 0) {
            win->first += in_row;
            win->bit += row_bits;
        } else if (i < in_h) {
            ++win->rows;
        }
    }
    for (k = 0, i = ix0; k < kernel_w; ++k, ++i) {
        if (i < 0) {
            win->first += in_c;
            win->bit += tap_bits;
        } else if (i < in_w) {
            ++win->cols;
            win->run += run_step;
        }
    }
}

/* First and one-past-last kernel index whose input coordinate origin + k * step lies in [0, size). */
static inline void qc_valid_range(int32_t origin, int32_t step, int32_t kernel, int32_t size, int32_t *k0, int32_t *k1)
{
    *k0 = 0;
    *k1 = kernel;
    while (*k0 < *k1 && origin + *k0 * step < 0) {
        ++*k0;
    }
    while (*k1 > *k0 && origin + (*k1 - 1) * step >= size) {
        --*k1;
    }
}

/* The taps of one window dimension inside the explicitly padded input (average pools with
 * count_include_pad). */
static inline int32_t qc_padded_taps(int32_t origin, int32_t step, int32_t kernel, int32_t lo, int32_t hi)
{
    int32_t k, n = 0;
    for (k = 0; k < kernel; ++k) {
        n += origin + k * step >= lo && origin + k * step < hi;
    }
    return n;
}

/* What an average pool's window at (iy0, ix0), with `count` taps inside the input, divides by: those
 * taps, or for a fixed-point pool with count_include_pad the taps inside the padded input. */
static inline int32_t qc_pool_divisor(const qc_pool_params *p, int affine, int32_t iy0, int32_t ix0, int32_t count)
{
    if (affine || !p->count_include_pad) {
        return count;
    }
    return qc_padded_taps(iy0, p->dilation_h, p->kernel_h, -p->pad_top, p->in_h + p->pad_bottom) *
           qc_padded_taps(ix0, p->dilation_w, p->kernel_w, -p->pad_left, p->in_w + p->pad_right);
}

/* An average pool's output from a window sum, as the portable kernels divide it. */
static inline int8_t qc_pool_average_s8(const qc_pool_params *p, int affine, int32_t sum, int32_t divisor)
{
    if (affine) {
        return (int8_t)(divisor > 0 ? qc_divide_round(sum, divisor) : 0);
    }
    return (int8_t)qc_average_of(sum, divisor, p->out_shift, p->act_min, p->act_max);
}

#endif /* QC_WINDOW_H */
