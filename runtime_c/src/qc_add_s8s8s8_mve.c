/*
 * qc_add_s8s8s8 for cores with Helium (MVE): the same outputs (qc_kernels.h), four elements per
 * pass in int32 lanes: widening loads, the alignment shifts, VRSHL for the rounding right shift
 * (exactly rshift_round, see qc_mve.h), the clamp and a narrowing store; tail-predicated. It takes
 * the vector path when b is not broadcast, both alignment shifts are <= 14 (the 32-bit case of the
 * portable kernel) and the output shift is 0..30; otherwise it runs the portable kernel.
 * Works in place like the portable kernel: each pass reads its elements before writing them.
 */
#include "qc_arith.h"
#include "qc_kernels.h"
#include "qc_mve.h"

/* The portable kernel for the other cases, instantiated here so a bundle needs no second file. */
void qc_add_s8s8s8_mve_portable(const qc_add_params *p, const int8_t *a, const int8_t *b, int8_t *y);
#define QC_NAME qc_add_s8s8s8_mve_portable
#define QC_A_T int8_t
#define QC_B_T int8_t
#define QC_Y_T int8_t
#include "qc_add_template.h"

void qc_add_s8s8s8_mve(const qc_add_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const int32_t count = p->count;
    const int32_t fa = (int32_t)1 << (p->a_shift & 15), fb = (p->subtract ? -1 : 1) * ((int32_t)1 << (p->b_shift & 15));
    const int32_t shift = p->out_shift, lo = p->act_min, hi = p->act_max;
    int32_t i;
    if (p->b_count != count || p->a_shift > 14 || p->b_shift > 14 || shift < 0 || shift > 30) {
        qc_add_s8s8s8_mve_portable(p, a, b, y);
        return;
    }
#if QC_MVE_NATIVE
    for (i = 0; i < count; i += 4) {
        const mve_pred16_t pr = vctp32q((uint32_t)(count - i));
        int32x4_t v = vaddq_s32(vmulq_n_s32(vldrbq_z_s32(a + i, pr), fa), vmulq_n_s32(vldrbq_z_s32(b + i, pr), fb));
        v = vrshlq_s32(v, vdupq_n_s32(-shift));
        v = vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
        vstrbq_p_s32(y + i, v, pr);
    }
#else
    for (i = 0; i < count; ++i) {
        const int32_t sum = (int32_t)a[i] * fa + (int32_t)b[i] * fb;
        const int32_t v = shift == 0 ? sum : qc_rshift_round_s32(sum, shift);
        y[i] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
    }
#endif
}
