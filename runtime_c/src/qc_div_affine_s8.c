/* int8-affine division, TFLite's DIV; contract in qc_kernels.h. Twin: Affine.divide. */
#include "qc_fixedpoint_exp.h"
#include "qc_kernels.h"

static int32_t qc_div_clamp(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : (int32_t)v);
}

void qc_div_affine_s8(const qc_mul_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_mul_affine_params q = *p;
    int32_t i, j = 0;
    for (i = 0; i < q.count; ++i) {
        int32_t u = (int32_t)a[i] + q.a_offset, d = (int32_t)b[j] + q.b_offset;
        j = j + 1 == q.b_count ? 0 : j + 1;
        if (d == 0) {
            y[i] = (int8_t)(u > 0 ? q.act_max : (u < 0 ? q.act_min : qc_div_clamp(q.out_offset, q.act_min, q.act_max)));
            continue;
        }
        if (d < 0) {
            u = -u;
            d = -d;
        }
        {
            /* 1/d: d normalised to [1, 2) as 1 + x, then 1 / (1 + x) and the bits above one. */
            const int d_zeros = qc_leading_zeros((uint32_t)d);
            const int32_t inverse = qc_one_over_one_plus((int32_t)(((uint32_t)d << d_zeros) - 0x80000000u));
            const int headroom = qc_leading_zeros(u < 0 ? ~(uint32_t)u : (uint32_t)u) - 1;
            const int32_t unscaled = qc_srdhm((int32_t)((uint32_t)u << headroom), inverse);
            const int right = (31 - d_zeros) + headroom - q.shift;
            const int32_t product = qc_srdhm(unscaled, q.multiplier);
            /* Past 31 bits, TFLite's rounding division as ai-edge-litert computes it on x86-64: the mask
             * covers the word (one added to any value >= 0), the shift count is taken mod 32. */
            const int32_t scaled = right > 31 ? (int32_t)((uint32_t)qc_floor_shift_s32(product, right & 31) + (uint32_t)(product >= 0))
                                              : qc_rdbpot(product, right < 0 ? 0 : right);
            y[i] = (int8_t)qc_div_clamp((int64_t)q.out_offset + scaled, q.act_min, q.act_max);
        }
    }
}
