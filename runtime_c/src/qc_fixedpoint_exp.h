/*
 * gemmlowp's fixed-point exp and reciprocal as TFLite's reference integer kernels use them (softmax,
 * log-softmax, division, L2 normalization). Twins: Affine.expOnNegativeValues, Affine.oneOverOnePlus. Qm.n below: m integer bits, n = 31 - m fractional bits, in an int32_t.
 */
#ifndef QC_FIXEDPOINT_EXP_H
#define QC_FIXEDPOINT_EXP_H

#include "qc_affine.h"

#define QC_DIFF_BITS 5 /* integer bits of the scaled differences (Q5.26) */
#define QC_SUM_BITS 12 /* integer bits of the sum of exponentials (Q12.19) */

/* x * 2^e, saturating, for 1 <= e <= 30. */
static inline int32_t qc_saturating_shift_left(int32_t x, int e)
{
    const int32_t threshold = (int32_t)(((int32_t)1 << (31 - e)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << e);
}

/* Leading zero bits of v (32 for 0). */
static inline int qc_leading_zeros(uint32_t v)
{
    int n = 0;
    while (n < 32 && !(v & (0x80000000u >> n))) {
        ++n;
    }
    return n;
}

/* Wrapping 32-bit addition, as gemmlowp's raw int32 sums (they never wrap on these inputs). */
static inline int32_t qc_add_wrap(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t qc_sub_wrap(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out: a Taylor polynomial around -1/8. */
static inline int32_t qc_exp_quarter(int32_t a)
{
    const int32_t constant_term = 1895147668; /* exp(-1/8) * 2^31 */
    const int32_t one_third = 715827883;      /* 2^31 / 3 */
    const int32_t x = qc_add_wrap(a, (int32_t)1 << 28);
    const int32_t x2 = qc_srdhm(x, x);
    const int32_t x3 = qc_srdhm(x2, x);
    const int32_t x4 = qc_srdhm(x2, x2);
    const int32_t x4_over_4 = qc_rdbpot(x4, 2);
    const int32_t poly = qc_rdbpot(qc_add_wrap(qc_srdhm(qc_add_wrap(x4_over_4, x3), one_third), x2), 1);
    return qc_add_wrap(constant_term, qc_srdhm(constant_term, qc_add_wrap(x, poly)));
}

/* exp(a) for a <= 0 in Q5.26, result in Q0.31: the fraction modulo 1/4 by the polynomial, then
 * one factor exp(-2^k) per set bit k of the rest. */
static inline int32_t qc_exp_negative(int32_t a)
{
    static const int32_t factors[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int fractional = 31 - QC_DIFF_BITS;
    const int32_t quarter = (int32_t)1 << (fractional - 2);
    const int32_t mod_quarter_minus_quarter = qc_sub_wrap(a & (quarter - 1), quarter);
    const int32_t remainder = qc_sub_wrap(mod_quarter_minus_quarter, a);
    int32_t result = qc_exp_quarter(qc_saturating_shift_left(mod_quarter_minus_quarter, QC_DIFF_BITS));
    int k;
    for (k = 0; k < 7; ++k) {
        if (remainder & ((int32_t)1 << (fractional + k - 2))) {
            result = qc_srdhm(result, factors[k]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + x) for x in [0, 1), Q0.31 in and out: three Newton-Raphson steps in Q2.29. */
static inline int32_t qc_one_over_one_plus(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = qc_add_wrap(1515870810, qc_srdhm(half_denominator, -1010580540)); /* 48/17 - 32/17 * d */
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t one_minus = qc_sub_wrap((int32_t)1 << 29, qc_srdhm(half_denominator, x));
        x = qc_add_wrap(x, qc_saturating_shift_left(qc_srdhm(x, one_minus), 2));
    }
    return qc_saturating_shift_left(x, 1);
}

#endif /* QC_FIXEDPOINT_EXP_H */
