/*
 * int8-affine softmax, TFLite's reference integer softmax in gemmlowp fixed point; contract in
 * qc_kernels.h. Twin: Affine.softmax (Sources/FixedPoint/AffineArithmetic.swift), whose comments
 * name the same steps. Qm.n below: m integer bits, n = 31 - m fractional bits, in an int32_t.
 */
#include "qc_fixedpoint_exp.h"
#include "qc_kernels.h"

void qc_softmax_s8(const qc_softmax_params *p, const int8_t *x, int8_t *y)
{
    const int32_t depth = p->depth, multiplier = p->multiplier, diff_min = p->diff_min;
    const int left_shift = p->left_shift;
    int32_t r, c;
    for (r = 0; r < p->rows; ++r) {
        const int8_t *xr = x + r * depth;
        int8_t *yr = y + r * depth;
        int32_t max = -128, sum = 0, scale;
        int headroom, bits_over_unit;
        for (c = 0; c < depth; ++c) {
            max = xr[c] > max ? xr[c] : max;
        }
        for (c = 0; c < depth; ++c) {
            const int32_t diff = xr[c] - max;
            if (diff >= diff_min) {
                const int32_t scaled = qc_srdhm((int32_t)((uint32_t)diff << left_shift), multiplier);
                sum = qc_add_wrap(sum, qc_rdbpot(qc_exp_negative(scaled), QC_SUM_BITS));
            }
        }
        /* The reciprocal of the sum: normalised to [1, 2), as 1 / (1 + x) and the bits above one. */
        for (headroom = 0; headroom < 32 && !((uint32_t)sum & (0x80000000u >> headroom)); ++headroom) {
        }
        bits_over_unit = QC_SUM_BITS - headroom;
        scale = qc_one_over_one_plus((int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
        for (c = 0; c < depth; ++c) {
            const int32_t diff = xr[c] - max;
            int32_t v = -128;
            if (diff >= diff_min) {
                const int32_t scaled = qc_srdhm((int32_t)((uint32_t)diff << left_shift), multiplier);
                v = qc_rdbpot(qc_srdhm(scale, qc_exp_negative(scaled)), bits_over_unit + 31 - 8) - 128;
                v = v > 127 ? 127 : (v < -128 ? -128 : v);
            }
            yr[c] = (int8_t)v;
        }
    }
}
