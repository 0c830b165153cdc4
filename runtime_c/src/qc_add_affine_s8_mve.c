/*
 * qc_add_affine_s8 for cores with Helium (MVE): the same outputs (qc_kernels.h), four elements per
 * pass in int32 lanes: widening loads, the offsets and the left shift, three qc_mbqm4, the clamp
 * and a narrowing store; tail-predicated. Works in place like the portable kernel: each pass reads
 * its elements before writing them.
 */
#include "qc_add_affine.h"
#include "qc_kernels.h"
#include "qc_mve.h"

void qc_add_affine_s8_mve(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const qc_add_affine_params q = *p;
    int32_t i;
#if QC_MVE_NATIVE
    const int32x4_t left = vdupq_n_s32(q.left_shift);
    const int32x4_t a_mult = vdupq_n_s32(q.a_mult), a_shift = vdupq_n_s32(q.a_shift);
    const int32x4_t b_mult = vdupq_n_s32(q.b_mult), b_shift = vdupq_n_s32(q.b_shift);
    const int32x4_t out_mult = vdupq_n_s32(q.out_mult), out_shift = vdupq_n_s32(q.out_shift);
    for (i = 0; i < q.count; i += 4) {
        const mve_pred16_t pr = vctp32q((uint32_t)(q.count - i));
        const int32x4_t u = vshlq_s32(vaddq_n_s32(vldrbq_z_s32(a + i, pr), q.a_offset), left);
        const int32x4_t v = vshlq_s32(vaddq_n_s32(vldrbq_z_s32(b + i, pr), q.b_offset), left);
        const int32x4_t sum = vaddq_s32(qc_mbqm4(u, a_mult, a_shift), qc_mbqm4(v, b_mult, b_shift));
        qc_store4_s8(y + i, qc_mbqm4(sum, out_mult, out_shift), q.out_offset, q.act_min, q.act_max, pr);
    }
#else
    for (i = 0; i < q.count; ++i) {
        y[i] = qc_add_affine_one(&q, a[i], b[i]);
    }
#endif
}
