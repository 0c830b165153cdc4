/*
 * quantc runtime: the integer arithmetic every kernel ends with.
 *
 * Everything here is exact integer arithmetic with one rounding rule, "round half up" (towards
 * +infinity on ties), and never relies on implementation-defined behaviour: right shifts of
 * negative values go through qc_floor_shift_s32/_s64, which are defined for every input.
 * Swift twins live in Sources/FixedPoint (roundingRightShift, saturate) and
 * Sources/IntegerSimulator/Arithmetic.swift (requantize).
 */
#ifndef QC_ARITH_H
#define QC_ARITH_H

#include <stdint.h>

/* floor(v / 2^s) for 0 <= s <= 62, defined for negative v (no implementation-defined >>). */
static inline int64_t qc_floor_shift_s64(int64_t v, int s)
{
    return v >= 0 ? v >> s : -1 - ((-1 - v) >> s);
}

/* floor(v / 2^s) for 0 <= s <= 30. */
static inline int32_t qc_floor_shift_s32(int32_t v, int s)
{
    return v >= 0 ? v >> s : -1 - ((-1 - v) >> s);
}

/*
 * rshift_round(v, s) = floor((v + 2^(s-1)) / 2^s) for s >= 1, computed without overflow for every
 * int64_t v. For s >= 63 the result is -1 when v < -2^62, else 0.
 */
static inline int64_t qc_rshift_round_s64(int64_t v, int s)
{
    int64_t q, r;
    if (s >= 63) {
        return v < -((int64_t)1 << 62) ? -1 : 0;
    }
    q = qc_floor_shift_s64(v, s);
    r = v & (((int64_t)1 << s) - 1);
    return q + (r >= ((int64_t)1 << (s - 1)) ? 1 : 0);
}

/* rshift_round for 1 <= s <= 30 in 32-bit arithmetic (cheap on cores without 64-bit shifts). */
static inline int32_t qc_rshift_round_s32(int32_t v, int s)
{
    const int32_t q = qc_floor_shift_s32(v, s);
    const int32_t r = v & (((int32_t)1 << s) - 1);
    return q + (r >= ((int32_t)1 << (s - 1)) ? 1 : 0);
}

/* Clamps v to [lo, hi]. */
static inline int32_t qc_clamp_s64(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : (int32_t)v);
}

/*
 * Requantize an accumulator: y = clamp(rshift_round(acc, shift), lo, hi).
 * shift > 0: rounding right shift. shift == 0: acc. shift < 0: saturating left shift; acc is first
 * limited to +-2^40 and shifted by at most 22 bits, which saturates every output of <= 32 bits
 * exactly as an unbounded shift would.
 * [lo, hi] is the output range: the saturation bounds of the output bits intersected with a fused
 * activation's clamp (ReLU: lo = 0; ReLU6: hi = 6 * 2^frac).
 */
static inline int32_t qc_requantize_s64(int64_t acc, int shift, int32_t lo, int32_t hi)
{
    if (shift > 0) {
        return qc_clamp_s64(qc_rshift_round_s64(acc, shift), lo, hi);
    }
    if (shift < 0) {
        const int64_t limit = (int64_t)1 << 40;
        const int left = -shift > 22 ? 22 : -shift;
        acc = acc > limit ? limit : (acc < -limit ? -limit : acc);
        return qc_clamp_s64(acc * ((int64_t)1 << left), lo, hi);
    }
    return qc_clamp_s64(acc, lo, hi);
}

/* The same result as qc_requantize_s64 for a 32-bit accumulator, in 32-bit arithmetic where it can. */
static inline int32_t qc_requantize_s32(int32_t acc, int shift, int32_t lo, int32_t hi)
{
    if (shift >= 1 && shift <= 30) {
        const int32_t v = qc_rshift_round_s32(acc, shift);
        return v < lo ? lo : (v > hi ? hi : v);
    }
    return qc_requantize_s64(acc, shift, lo, hi);
}

/*
 * sum / n for pooling: rshift_round(sum, log2 n) when n is a power of two, else
 * rshift_round(sum * round(2^16 / n), 16) with round(2^16 / n) = (2^16 + n/2) / n; 0 when n <= 0.
 */
static inline int32_t qc_average_of(int32_t sum, int32_t n)
{
    int s = 0;
    if (n <= 0) {
        return 0;
    }
    if ((n & (n - 1)) == 0) {
        while (((int32_t)1 << s) < n) {
            ++s;
        }
        return s == 0 ? sum : qc_rshift_round_s32(sum, s);
    }
    return (int32_t)qc_rshift_round_s64((int64_t)sum * ((65536 + n / 2) / n), 16);
}

#endif /* QC_ARITH_H */
