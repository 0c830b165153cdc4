/*
 * qc_add_affine_s8 for cores with the DSP extension: the same outputs (qc_kernels.h). TFLite's adds
 * rescale each input by a multiplier below one (shift -2..-31, or 0 with the input of the larger
 * scale) and the sum by one below one (shift -2..-31): then each rescaling is one SMLAL from
 * constants found once per call (qc_rescale_apply, qc_affine.h), the input of shift 0 by the doubling
 * high multiply alone (qc_srdhm): about 33 instructions per element instead of the portable kernel's
 * 87. Other shifts take the portable element. Works in place:
 * each element is read before it is written.
 */
#include "qc_add_affine.h"
#include "qc_dsp.h"
#include "qc_kernels.h"

/* An input's rescaling of its shifted sum u: by the doubling high multiply alone (`halving`, a
 * constant where this inlines, for shift 0: qc_mbqm's whole rescaling there) or by qc_rescale_apply. */
static inline int32_t qc_add_input(int32_t u, qc_rescale q, int halving)
{
    return halving ? qc_srdhm(u, q.multiplier) : qc_rescale_apply(u, q, 1);
}

/* Whether an input rescaling takes qc_add_input: shift 0 or qc_mbqm_right's. */
static inline int qc_add_input_fast(int32_t multiplier, int32_t shift)
{
    return multiplier >= 0 && (shift == 0 || qc_mbqm_right_applies(multiplier, shift));
}

/* An input's constants: qc_rescale_right's, or for shift 0 just the multiplier (qc_add_input). */
static inline qc_rescale qc_add_rescale(int32_t multiplier, int32_t shift)
{
    if (shift == 0) {
        qc_rescale q;
        q.multiplier = multiplier;
        q.round_hi = 0;
        q.shift = 0;
        return q;
    }
    return qc_rescale_right(multiplier, -shift);
}

/* The elements, with the inputs' kinds of rescaling (a_halving, b_halving) and the clamp's mode
 * (qc_clamp_mode) constants at each call: inlined into each, so that every loop is specialised. */
static QC_ALWAYS_INLINE void qc_add_fast_loop(const qc_add_affine_params *q, const int8_t *a, const int8_t *b, int8_t *y, int a_halving,
                                              int b_halving, int mode)
{
    const qc_rescale qa = qc_add_rescale(q->a_mult, q->a_shift), qb = qc_add_rescale(q->b_mult, q->b_shift);
    const qc_rescale qo = qc_rescale_right(q->out_mult, -q->out_shift);
    const int32_t a_offset = q->a_offset, b_offset = q->b_offset, left = q->left_shift, offset = q->out_offset;
    const int32_t lo = q->act_min, hi = q->act_max, count = q->count;
    int32_t i;
    for (i = 0; i < count; ++i) {
        /* (x + offset) lies in [-255, 255]: shifted left by at most 20 it stays inside int32. */
        const int32_t u = qc_add_input((int32_t)((uint32_t)(a[i] + a_offset) << left), qa, a_halving);
        const int32_t v = qc_add_input((int32_t)((uint32_t)(b[i] + b_offset) << left), qb, b_halving);
        y[i] = (int8_t)qc_clamp_by(qc_rescale_apply(u + v, qo, 1) + offset, mode, lo, hi);
    }
}

void qc_add_affine_s8_dsp(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_add_affine_params q = *p;
    int32_t i;
    if (qc_add_input_fast(q.a_mult, q.a_shift) && qc_add_input_fast(q.b_mult, q.b_shift) && qc_mbqm_right_applies(q.out_mult, q.out_shift)) {
        /* TFLite's adds: one input of the larger scale (shift 0), no activation (an int8 clamp). */
        if (q.a_shift != 0 && q.b_shift == 0 && qc_clamp_mode(q.act_min, q.act_max) == QC_CLAMP_S8) {
            qc_add_fast_loop(&q, a, b, y, 0, 1, QC_CLAMP_S8);
        } else if (q.a_shift == 0 && q.b_shift != 0 && qc_clamp_mode(q.act_min, q.act_max) == QC_CLAMP_S8) {
            qc_add_fast_loop(&q, a, b, y, 1, 0, QC_CLAMP_S8);
        } else {
            qc_add_fast_loop(&q, a, b, y, q.a_shift == 0, q.b_shift == 0, QC_CLAMP_ANY);
        }
        return;
    }
    for (i = 0; i < q.count; ++i) {
        y[i] = qc_add_affine_one(&q, a[i], b[i]);
    }
}
