/*
 * Template of qc_dense_s8s8s8_dsp and qc_dense_affine_s8s8s8_dsp (QC_NAME and QC_AFFINE defined by
 * the including file), for cores with the DSP extension; same contract and outputs as the portable
 * kernels (qc_kernels.h), plus a
 * scratch buffer of QC_DENSE_DSP_SCRATCH_BYTES. Input rows are widened into int16 columns in SMLAD
 * order (qc_dsp_dot.h). Two rows at a time (a 1x1 convolution over pixels) go into the two lanes
 * and meet two weight rows at once, as in qc_conv_s8s8s8_dsp (qc_dsp_pairs.h: weights in pairs of
 * rows). A layer over one row (rows == 1) meets four weight rows at once instead, its weights in
 * blocks of four rows, interleaved by four taps (qc_kernels.h).
 */
#include "qc_arith.h"
#include "qc_dsp_pairs.h"
#include "qc_kernels.h"

#if QC_AFFINE
#define QC_PARAMS qc_dense_affine_params
#define QC_REQUANT qc_requant_affine
#define QC_FAST const qc_rescale *
#define QC_OUT(o, acc) qc_requant_affine_s8_known(rq, fast, o, acc)
/* QC_OUT on one_row_blocked's paths: 1, every rescaling from the table and an int8 clamp; 2, the
 * same with single rounding; 0, QC_OUT. */
#define QC_OUT_BY(path, o, acc)                                                                                                         \
    ((path) == 1   ? (int8_t)qc_clamp_by(qc_rescale_apply(acc, fast[(o) * rq.step], 1) + rq.offset, QC_CLAMP_S8, rq.lo, rq.hi)      \
     : (path) == 2 ? (int8_t)qc_clamp_by(qc_rescale_apply_once(acc, fast[(o) * rq.step]) + rq.offset, QC_CLAMP_S8, rq.lo, rq.hi) \
                   : QC_OUT(o, acc))
#define QC_PATH (fast && qc_clamp_mode(rq.lo, rq.hi) == QC_CLAMP_S8 ? (rq.single_rounding ? 2 : 1) : 0)
#define QC_REQUANT_RUN qc_requant_affine_run
#else
#define QC_PARAMS qc_dense_params
#define QC_REQUANT qc_requant
#define QC_FAST int
#define QC_OUT(o, acc) qc_requant_s8_known(rq, fast, o, acc)
/* QC_OUT on one_row_blocked's paths: 1, plain shifts and an int8 clamp; 0, QC_OUT. */
#define QC_OUT_BY(path, o, acc) \
    ((path) == 1 ? (int8_t)qc_clamp_by(qc_rshift_round_s32(acc, rq.shift[(o) * rq.shift_step]), QC_CLAMP_S8, rq.lo, rq.hi) : QC_OUT(o, acc))
#define QC_PATH (fast && qc_clamp_mode(rq.lo, rq.hi) == QC_CLAMP_S8 ? 1 : 0)
#define QC_REQUANT_RUN qc_requant_run
#endif

/* Row m, and row m + 1 unless `two` is 0 (the last of an odd number of rows, whose second lane is
 * zeros and whose results are dropped): both lanes against the weights in pairs of rows. */
static void two_rows(const QC_PARAMS *p, const int8_t *x, const int8_t *w, const int32_t *bias, QC_REQUANT rq, QC_FAST fast,
                     int rounded, int16_t *lanes, int8_t *ya, int two)
{
    const int32_t n = p->in_features;
    int8_t *yb = two ? ya + p->out_features : 0;
    /* After the two int16 columns of n taps (QC_DENSE_DSP_SCRATCH_BYTES): two int32 rows of sums, the
     * first of which holds the rounded biases where the sums are requantized from registers. */
    int32_t *const sums_a = (int32_t *)(void *)(lanes + 2 * n), *const sums_b = sums_a + p->out_features;
    qc_widen_to_column(x, n, lanes, 0, n & ~3, 2, 0);
    if (two) {
        qc_widen_to_column(x + n, n, lanes, 0, n & ~3, 2, 1);
    } else {
        qc_fill_column(n, lanes, 0, n & ~3, 2, 1, 0);
    }
#if !QC_AFFINE
    if (rounded) {
        qc_pairs_fixed(w, lanes, n, p->out_features, sums_a, rq.shift, rq.shift_step, rq.lo, rq.hi, ya, yb);
        return;
    }
#else
    (void)rounded;
    if (fast && !rq.single_rounding) {
        qc_pairs_affine(w, lanes, n, p->out_features, bias, fast, rq.step, rq.offset, rq.lo, rq.hi, ya, yb);
        return;
    }
#endif
    qc_pairs_sums(w, lanes, n, p->out_features, bias, sums_a, sums_b);
    QC_REQUANT_RUN(rq, fast, sums_a, p->out_features, ya);
    if (two) {
        QC_REQUANT_RUN(rq, fast, sums_b, p->out_features, yb);
    }
}

/* One row against weights in blocks of four rows (a dense layer over one row: the emitter interleaves
 * them): per block and four taps, the four rows' words are adjacent (qc_dot_block4). `path` (a
 * constant at each call, QC_OUT_BY) picks the requantization. */
static QC_ALWAYS_INLINE void one_row_blocked_by(const QC_PARAMS *p, const int8_t *x, const int8_t *w, const int32_t *bias, QC_REQUANT rq,
                                                QC_FAST fast, int16_t *column, int8_t *y, int path)
{
    const int32_t n = p->in_features, groups = n >> 2, tail = n & 3;
    int32_t o, k;
    qc_widen_to_column(x, n, column, 0, n & ~3, 1, 0);
    for (o = 0; o + 3 < p->out_features; o += 4) {
        const int16_t *const a = column + 4 * groups;
        int32_t s[4], s0, s1, s2, s3;
        const int8_t *wp;
        s[0] = bias[o];
        s[1] = bias[o + 1];
        s[2] = bias[o + 2];
        s[3] = bias[o + 3];
        wp = qc_dot_block4(w + o * n, column, groups, s);
        s0 = s[0];
        s1 = s[1];
        s2 = s[2];
        s3 = s[3];
        /* The last n % 4 taps: [4 rows][tail]. */
        for (k = 0; k < tail; ++k) {
            const int32_t v = a[k];
            s0 += v * wp[k];
            s1 += v * wp[tail + k];
            s2 += v * wp[2 * tail + k];
            s3 += v * wp[3 * tail + k];
        }
        y[o] = QC_OUT_BY(path, o, s0);
        y[o + 1] = QC_OUT_BY(path, o + 1, s1);
        y[o + 2] = QC_OUT_BY(path, o + 2, s2);
        y[o + 3] = QC_OUT_BY(path, o + 3, s3);
    }
    for (; o < p->out_features; ++o) {
        y[o] = QC_OUT(o, qc_dot_1x1(w + o * n, column, n, bias[o]));
    }
}

static QC_NOINLINE void one_row_blocked(const QC_PARAMS *p, const int8_t *x, const int8_t *w, const int32_t *bias, QC_REQUANT rq, QC_FAST fast,
                                        int16_t *column, int8_t *y)
{
    const int path = QC_PATH;
    if (path == 1) {
        one_row_blocked_by(p, x, w, bias, rq, fast, column, y, 1);
        return;
    }
#if QC_AFFINE
    if (path == 2) {
        one_row_blocked_by(p, x, w, bias, rq, fast, column, y, 2);
        return;
    }
#endif
    one_row_blocked_by(p, x, w, bias, rq, fast, column, y, 0);
}

#if QC_AFFINE
void QC_NAME(const qc_dense_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int16_t *scratch, int8_t *y)
#else
void QC_NAME(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
             int16_t *scratch, int8_t *y)
#endif
{
    const int32_t n = p->in_features;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, p->single_rounding);
    /* After the columns and rows: the rescaling table (QC_DENSE_AFFINE_DSP_SCRATCH_BYTES). */
    const qc_rescale *const fast = qc_rescales_right(multiplier, shift, p->shift_count,
                                                     (qc_rescale *)(void *)((int8_t *)scratch + ((QC_DENSE_DSP_SCRATCH_BYTES(p) + 3) & ~3)));
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
    const int fast = qc_shifts_plain(shift, p->shift_count);
#endif
    int32_t m, rounded = 0;
    if (p->rows == 1) {
        one_row_blocked(p, x, w, bias, rq, fast, scratch, y);
        return;
    }
#if !QC_AFFINE
    rounded = qc_pairs_round_biases(bias, shift, rq.shift_step, p->out_features, n, (int32_t *)(void *)(scratch + 2 * n));
#endif
    /* Rows from the last when outputs are longer than inputs, so that a layer written over its input
     * (the planner may place them so) never overwrites a row before reading it. */
    if (p->out_features > n) {
        for (m = (p->rows - 1) & ~1; m >= 0; m -= 2) {
            two_rows(p, x + m * n, w, bias, rq, fast, rounded, scratch, y + m * p->out_features, m + 1 < p->rows);
        }
        return;
    }
    for (m = 0; m < p->rows; m += 2) {
        two_rows(p, x + m * n, w, bias, rq, fast, rounded, scratch, y + m * p->out_features, m + 1 < p->rows);
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_PARAMS
#undef QC_REQUANT
#undef QC_OUT
#undef QC_OUT_BY
#undef QC_PATH
#undef QC_REQUANT_RUN
#undef QC_FAST
