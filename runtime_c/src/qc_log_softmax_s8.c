/*
 * int8-affine log-softmax, TFLite's reference integer LOG_SOFTMAX in gemmlowp fixed point; contract
 * in qc_kernels.h. Twin: Affine.logSoftmax (Sources/FixedPoint/AffineLogSoftmax.swift).
 */
#include "qc_fixedpoint_exp.h"
#include "qc_kernels.h"

/* x * 2^e saturated for e >= 0, as TFLite's SaturatingRoundingMultiplyByPOTParam (e up to 31). */
static int32_t qc_times_pot(int32_t x, int e)
{
    const int32_t threshold = (int32_t)(((int64_t)1 << (31 - e)) - 1);
    if (e == 0) {
        return x;
    }
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << e);
}

static int32_t qc_saturating_add_s32(int64_t sum)
{
    return sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : (int32_t)sum);
}

/* ln x for x >= 1 in Q12.19, result in Q5.26: x = 2^z * r with r near 1, ln r by a rational
 * approximation around the fourth root of 1/2, accumulated with 6 integer bits. */
static int32_t qc_log_at_least_one(int32_t x)
{
    const int32_t log2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
    const int32_t shifted_quarter = qc_rdbpot(536870912, 6);
    const int headroom_a = qc_leading_zeros((uint32_t)x);
    const int32_t r_a = qc_times_pot(qc_srdhm(qc_times_pot(x, headroom_a - 1), sqrt_half), 1);
    const int32_t power_a = qc_saturating_add_s32((int64_t)qc_times_pot(QC_SUM_BITS - headroom_a, 25) + shifted_quarter);
    const int headroom_b = qc_leading_zeros((uint32_t)qc_srdhm(x, sqrt_half)) - 1;
    const int32_t r_b = qc_times_pot(x, headroom_b);
    const int32_t power_b = qc_saturating_add_s32((int64_t)qc_times_pot(QC_SUM_BITS - headroom_b, 25) - shifted_quarter);
    const int32_t r = r_a < r_b ? r_a : r_b, power = power_a > power_b ? power_a : power_b;
    const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
    const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2);
    const int32_t q = qc_add_wrap(qc_sub_wrap(r, sqrt_sqrt_half), qc_sub_wrap(r, sqrt_sqrt_half));
    const int32_t square = qc_srdhm(q, q);
    const int32_t numerator = qc_add_wrap(qc_srdhm(q, r), qc_srdhm(qc_srdhm(q, square), alpha_n));
    const int32_t denominator_minus_one =
        qc_add_wrap(qc_srdhm(p, qc_add_wrap(qc_add_wrap(alpha_i, q), qc_srdhm(alpha_d, square))), qc_srdhm(alpha_f, q));
    const int32_t sum =
        qc_add_wrap(qc_srdhm(power, log2), qc_srdhm(qc_rdbpot(numerator, 6), qc_one_over_one_plus(denominator_minus_one)));
    return qc_saturating_shift_left(sum, 1);
}

void qc_log_softmax_s8(const qc_log_softmax_params *p, const int8_t *x, int8_t *y)
{
    const int32_t depth = p->depth, diff_min = p->diff_min;
    int32_t r, c;
    for (r = 0; r < p->rows; ++r) {
        const int8_t *xr = x + (int64_t)r * depth;
        int8_t *yr = y + (int64_t)r * depth;
        int32_t max = -128, sum = 0, log_sum, limit;
        for (c = 0; c < depth; ++c) {
            max = xr[c] > max ? xr[c] : max;
        }
        for (c = 0; c < depth; ++c) {
            if (xr[c] - max >= diff_min) {
                const int32_t scaled = qc_mbqm(xr[c] - max, p->multiplier, p->left_shift);
                sum = qc_add_wrap(sum, qc_rdbpot(qc_exp_negative(scaled), QC_SUM_BITS));
            }
        }
        log_sum = qc_log_at_least_one(sum);
        limit = qc_mbqm(qc_add_wrap(log_sum, INT32_MIN), p->reverse_multiplier, p->reverse_shift);
        limit = diff_min - 1 > limit ? diff_min - 1 : limit;
        for (c = 0; c < depth; ++c) {
            int32_t v = -128;
            if (xr[c] - max > limit) {
                const int32_t scaled = qc_mbqm(xr[c] - max, p->multiplier, p->left_shift);
                v = qc_rdbpot(qc_sub_wrap(scaled, log_sum), 22) + 127;
                v = v > 127 ? 127 : (v < -128 ? -128 : v);
            }
            yr[c] = (int8_t)v;
        }
    }
}
