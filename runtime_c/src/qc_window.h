/*
 * The valid part of one output position's window, shared by the bit-plane and codebook kernels,
 * which walk their packed weights by bit positions, and the depthwise kernel variants. Every quantity is advanced by additions of
 * precomputed strides, so finding the window costs no multiply.
 */
#ifndef QC_WINDOW_H
#define QC_WINDOW_H

#include "qc_arith.h"

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

#endif /* QC_WINDOW_H */
