/*
 * Template of qc_conv_s8s8s8_dsp and qc_conv_affine_s8s8s8_dsp, for cores with the DSP extension
 * (Cortex-M4, M7, M33, M55): the portable kernel's contract and outputs (qc_kernels.h) for
 * groups == 1, plus a scratch buffer of QC_CONV_DSP_SCRATCH_BYTES. The including file defines
 * QC_NAME and QC_AFFINE (1: the int8-affine instance, whose padding reads pad_value).
 *
 * Two output positions at a time are gathered into the two lanes of an int16 buffer in SMLAD order
 * (qc_dsp_dot.h; padding as its value, any stride and dilation), then every pair of output channels meets
 * both lanes (qc_dsp_pairs.h, weights in pairs of rows): four dot products share each load, and
 * each SMLAD does two multiply-accumulates. An odd last position runs with a zero second lane whose
 * results are dropped. The sums are requantized from registers or, in int8-affine layers and
 * fixed-point ones with unusual shifts, through an int32 row per position after the columns.
 */
#include "qc_arith.h"
#include "qc_dsp_pairs.h"
#include "qc_kernels.h"
#include "qc_window.h"

#if QC_AFFINE
#define QC_PARAMS qc_conv_affine_params
#define QC_PAD ((int16_t)p->pad_value)
#define QC_REQUANT_RUN qc_requant_affine_run
#else
#define QC_PARAMS qc_conv_params
#define QC_PAD 0
#define QC_REQUANT_RUN qc_requant_run
#endif

static void gather(const QC_PARAMS *p, const int8_t *xb, int32_t position, int16_t *lanes, int32_t lane, int32_t grouped)
{
    const int32_t iy0 = (position / p->out_w) * p->stride_h - p->pad_top;
    const int32_t ix0 = (position % p->out_w) * p->stride_w - p->pad_left;
    const int32_t row_taps = p->kernel_w * p->in_c;
    /* The whole kernel row inside the input: one contiguous run per row. */
    const int whole = p->dilation_w == 1 && ix0 >= 0 && ix0 + p->kernel_w <= p->in_w;
    int32_t ky, kx, kx0 = 0, kx1 = p->kernel_w, t = 0;
    if (!whole) {
        qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
    }
    for (ky = 0; ky < p->kernel_h; ++ky, t += row_taps) {
        const int32_t iy = iy0 + ky * p->dilation_h;
        if (iy < 0 || iy >= p->in_h) {
            qc_fill_column(row_taps, lanes, t, grouped, 2, lane, QC_PAD);
        } else if (whole) {
            qc_widen_to_column(xb + (iy * p->in_w + ix0) * p->in_c, row_taps, lanes, t, grouped, 2, lane);
        } else if (p->dilation_w == 1) {
            /* The valid columns are one contiguous run, the padding on either side two more. */
            qc_fill_column(kx0 * p->in_c, lanes, t, grouped, 2, lane, QC_PAD);
            qc_widen_to_column(xb + (iy * p->in_w + ix0 + kx0) * p->in_c, (kx1 - kx0) * p->in_c, lanes, t + kx0 * p->in_c, grouped, 2, lane);
            qc_fill_column((p->kernel_w - kx1) * p->in_c, lanes, t + kx1 * p->in_c, grouped, 2, lane, QC_PAD);
        } else {
            for (kx = 0; kx < p->kernel_w; ++kx) {
                const int32_t ix = ix0 + kx * p->dilation_w;
                if (ix < 0 || ix >= p->in_w) {
                    qc_fill_column(p->in_c, lanes, t + kx * p->in_c, grouped, 2, lane, QC_PAD);
                } else {
                    qc_widen_to_column(xb + (iy * p->in_w + ix) * p->in_c, p->in_c, lanes, t + kx * p->in_c, grouped, 2, lane);
                }
            }
        }
    }
}

/* n bytes from src to dst, a word at a time (unaligned words are allowed from Armv7-M on), or n
 * copies of `value`: the short runs of gather_staged, where a call of memcpy would cost more. */
static inline void qc_copy_run(int8_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        qc_store4(dst + i, qc_load4(src + i));
    }
    for (; i < n; ++i) {
        dst[i] = src[i];
    }
}

static inline void qc_fill_run(int8_t *dst, int8_t value, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        dst[i] = value;
    }
}

/* gather for kernel rows of kernel_w * in_c taps not a multiple of 4 (a 3x3 kernel over 3 input
 * channels), whose taps would each take the slow path of qc_widen_to_column: the window's int8
 * taps go to `staging` in order, before the zeros up to `grouped` (QC_CONV_DSP_TAPS) that the
 * kernel writes once, and all are widened from there four at a time. */
static void gather_staged(const QC_PARAMS *p, const int8_t *xb, int32_t position, int16_t *lanes, int32_t lane, int32_t grouped,
                          int8_t *staging)
{
    const int32_t iy0 = (position / p->out_w) * p->stride_h - p->pad_top;
    const int32_t ix0 = (position % p->out_w) * p->stride_w - p->pad_left;
    const int32_t in_c = p->in_c, row_taps = p->kernel_w * in_c;
    const int8_t pad = (int8_t)QC_PAD;
    int32_t ky, kx, kx0, kx1;
    int8_t *row = staging;
    if (p->dilation_w == 1 && ix0 >= 0 && ix0 + p->kernel_w <= p->in_w) {
        /* The whole kernel row inside the input, the common case: one run per row. */
        const int8_t *src = xb + (iy0 * p->in_w + ix0) * in_c;
        const int32_t step = p->dilation_h * p->in_w * in_c;
        int32_t iy = iy0;
        for (ky = 0; ky < p->kernel_h; ++ky, row += row_taps, src += step, iy += p->dilation_h) {
            if (iy < 0 || iy >= p->in_h) {
                qc_fill_run(row, pad, row_taps);
            } else {
                qc_copy_run(row, src, row_taps);
            }
        }
        qc_widen_to_column(staging, grouped, lanes, 0, grouped, 2, lane);
        return;
    }
    qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
    for (ky = 0; ky < p->kernel_h; ++ky, row += row_taps) {
        const int32_t iy = iy0 + ky * p->dilation_h;
        if (iy < 0 || iy >= p->in_h) {
            qc_fill_run(row, pad, row_taps);
        } else if (p->dilation_w == 1) {
            /* The valid columns are one contiguous run, the padding on either side two more. */
            qc_fill_run(row, pad, kx0 * in_c);
            qc_copy_run(row + kx0 * in_c, xb + (iy * p->in_w + ix0 + kx0) * in_c, (kx1 - kx0) * in_c);
            qc_fill_run(row + kx1 * in_c, pad, (p->kernel_w - kx1) * in_c);
        } else {
            for (kx = 0; kx < p->kernel_w; ++kx) {
                if (kx < kx0 || kx >= kx1) {
                    qc_fill_run(row + kx * in_c, pad, in_c);
                } else {
                    qc_copy_run(row + kx * in_c, xb + (iy * p->in_w + ix0 + kx * p->dilation_w) * in_c, in_c);
                }
            }
        }
    }
    qc_widen_to_column(staging, grouped, lanes, 0, grouped, 2, lane);
}

#if QC_AFFINE
void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int16_t *scratch, int8_t *y)
#else
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
             int16_t *scratch, int8_t *y)
#endif
{
    /* Every row of weights (and so the columns) padded to a multiple of 8 taps. */
    const int32_t real_taps = p->kernel_h * p->kernel_w * p->in_c, taps = QC_CONV_DSP_TAPS(p), grouped = taps;
    const int32_t positions = p->out_h * p->out_w;
    /* After the two int16 columns: two int32 rows of out_c sums (or the rounded biases, then unused),
     * then the staging bytes of rows whose taps are not a multiple of 4 (QC_CONV_DSP_SCRATCH_BYTES). */
    int32_t *const sums_a = (int32_t *)(void *)(scratch + 2 * taps), *const sums_b = sums_a + p->out_c;
    int8_t *const staging = (p->kernel_w * p->in_c) & 3 ? (int8_t *)(void *)(sums_b + p->out_c) : 0;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    /* After the rest: the rescaling table (QC_CONV_AFFINE_DSP_SCRATCH_BYTES). */
    const qc_rescale *const fast =
        qc_rescales_right(multiplier, shift, p->shift_count, (qc_rescale *)(void *)((int8_t *)scratch + QC_CONV_DSP_SCRATCH_BYTES(p)));
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
    const int fast = qc_shifts_plain(shift, p->shift_count);
    const int rounded = qc_pairs_round_biases(bias, shift, rq.shift_step, p->out_c, taps, sums_a);
#endif
    int32_t batch, pos;
    /* The padding taps of both columns (and of the staging bytes), which gather never writes: zeros, once. */
    qc_fill_column(taps - real_taps, scratch, real_taps, grouped, 2, 0, 0);
    qc_fill_column(taps - real_taps, scratch, real_taps, grouped, 2, 1, 0);
    if (staging) {
        qc_fill_run(staging + real_taps, 0, taps - real_taps);
    }
    for (batch = 0; batch < p->batch; ++batch) {
        const int8_t *xb = x + batch * p->in_h * p->in_w * p->in_c;
        for (pos = 0; pos < positions; pos += 2) {
            const int two = pos + 1 < positions;
            int8_t *ya = y + (batch * positions + pos) * p->out_c;
            int8_t *yb = ya + p->out_c;
            if (staging) {
                gather_staged(p, xb, pos, scratch, 0, grouped, staging);
            } else {
                gather(p, xb, pos, scratch, 0, grouped);
            }
            if (two && staging) {
                gather_staged(p, xb, pos + 1, scratch, 1, grouped, staging);
            } else if (two) {
                gather(p, xb, pos + 1, scratch, 1, grouped);
            } else {
                qc_fill_column(taps, scratch, 0, grouped, 2, 1, 0);
            }
#if QC_AFFINE
            if (fast) {
                qc_pairs_affine(w, scratch, taps, p->out_c, bias, fast, rq.step, rq.offset, rq.lo, rq.hi, ya, two ? yb : 0);
                continue;
            }
#else
            if (rounded) {
                qc_pairs_fixed(w, scratch, taps, p->out_c, sums_a, shift, rq.shift_step, rq.lo, rq.hi, ya, two ? yb : 0);
                continue;
            }
#endif
            qc_pairs_sums(w, scratch, taps, p->out_c, bias, sums_a, sums_b);
            QC_REQUANT_RUN(rq, fast, sums_a, p->out_c, ya);
            if (two) {
                QC_REQUANT_RUN(rq, fast, sums_b, p->out_c, yb);
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_PARAMS
#undef QC_PAD
#undef QC_REQUANT_RUN
