/*
 * qc_add_affine_s8 for cores with Helium (MVE): the same outputs (qc_kernels.h), four elements per
 * pass in int32 lanes, tail-predicated. Works in place like the portable kernel: each pass reads
 * its elements before writing them.
 * When no rescaling shifts left (TFLite's adds: multipliers below one), a pass is two widening
 * loads, one VMLAS each for the offset and the left shift, three rescalings of five instructions
 * (qc_mbqm4_right), the add, the offset, the clamp and a narrowing store. Otherwise each rescaling
 * takes qc_mbqm4's general path.
 */
#include "qc_add_affine.h"
#include "qc_kernels.h"
#include "qc_mve.h"

#if QC_MVE_NATIVE
/* Four elements' outputs (before narrowing) from their inputs a4 and b4: the right-shift pass. */
static inline int32x4_t add4_right_shifts(const qc_add_affine_params *q, int32x4_t scale, int32_t a_base, int32_t b_base,
                                          int32x4_t a4, int32x4_t b4)
{
    const int32x4_t u = vmlasq_n_s32(a4, scale, a_base), v = vmlasq_n_s32(b4, scale, b_base);
    const int32x4_t sum = vaddq_s32(qc_mbqm4_right(u, q->a_mult, q->a_shift), qc_mbqm4_right(v, q->b_mult, q->b_shift));
    const int32x4_t out = vaddq_n_s32(qc_mbqm4_right(sum, q->out_mult, q->out_shift), q->out_offset);
    return vminq_s32(vmaxq_s32(out, vdupq_n_s32(q->act_min)), vdupq_n_s32(q->act_max));
}

static void add_right_shifts(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const qc_add_affine_params q = *p;
    /* (x + offset) << left as x * 2^left + (offset << left), one VMLAS: exact, since the sum lies
     * in [-255, 255] and left <= 20. */
    const int32x4_t scale = vdupq_n_s32((int32_t)((uint32_t)1 << q.left_shift));
    const int32_t a_base = (int32_t)((uint32_t)q.a_offset << q.left_shift), b_base = (int32_t)((uint32_t)q.b_offset << q.left_shift);
    int32_t i;
    /* Whole vectors unpredicated, then the tail once. */
    for (i = 0; i + 4 <= q.count; i += 4) {
        vstrbq_s32(y + i, add4_right_shifts(&q, scale, a_base, b_base, vldrbq_s32(a + i), vldrbq_s32(b + i)));
    }
    if (i < q.count) {
        const mve_pred16_t pr = vctp32q((uint32_t)(q.count - i));
        vstrbq_p_s32(y + i, add4_right_shifts(&q, scale, a_base, b_base, vldrbq_z_s32(a + i, pr), vldrbq_z_s32(b + i, pr)), pr);
    }
}

/* Any shifts: qc_mbqm4 for each rescaling. */
static void add_any_shifts(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const qc_add_affine_params q = *p;
    const int32x4_t left = vdupq_n_s32(q.left_shift);
    const int32x4_t a_mult = vdupq_n_s32(q.a_mult), a_shift = vdupq_n_s32(q.a_shift);
    const int32x4_t b_mult = vdupq_n_s32(q.b_mult), b_shift = vdupq_n_s32(q.b_shift);
    const int32x4_t out_mult = vdupq_n_s32(q.out_mult), out_shift = vdupq_n_s32(q.out_shift);
    int32_t i;
    for (i = 0; i < q.count; i += 4) {
        const mve_pred16_t pr = vctp32q((uint32_t)(q.count - i));
        const int32x4_t u = vshlq_s32(vaddq_n_s32(vldrbq_z_s32(a + i, pr), q.a_offset), left);
        const int32x4_t v = vshlq_s32(vaddq_n_s32(vldrbq_z_s32(b + i, pr), q.b_offset), left);
        const int32x4_t sum = vaddq_s32(qc_mbqm4(u, a_mult, a_shift), qc_mbqm4(v, b_mult, b_shift));
        qc_store4_s8(y + i, qc_mbqm4(sum, out_mult, out_shift), q.out_offset, q.act_min, q.act_max, pr);
    }
}
#endif

void qc_add_affine_s8_mve(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
#if QC_MVE_NATIVE
    if (p->a_shift <= 0 && p->b_shift <= 0 && p->out_shift <= 0) {
        add_right_shifts(p, a, b, y);
    } else {
        add_any_shifts(p, a, b, y);
    }
#else
    const qc_add_affine_params q = *p;
    int32_t i;
    for (i = 0; i < q.count; ++i) {
        y[i] = qc_add_affine_one(&q, a[i], b[i]);
    }
#endif
}
