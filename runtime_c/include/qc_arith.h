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

/* floor(v / 2^s) for 0 <= s <= 30. GCC and Clang define >> of a negative value as the arithmetic
 * shift (one ASR; GCC 12 does not see through the portable form). Elsewhere the shifted value m ^ v
 * is never negative (m = -1 for negative v, else 0), so the shift is defined. */
static inline int32_t qc_floor_shift_s32(int32_t v, int s)
{
#if defined(__GNUC__)
    return v >> s;
#else
    const int32_t m = -(int32_t)(v < 0);
    return m ^ ((m ^ v) >> s);
#endif
}

/*
 * rshift_round(v, s) = floor((v + 2^(s-1)) / 2^s) for 1 <= s <= 30 in 32-bit arithmetic (cheap on
 * cores without 64-bit shifts): with v = q * 2^s + r, 0 <= r < 2^s, it is q plus bit s-1 of r,
 * which is bit s-1 of v's two's complement.
 */
static inline int32_t qc_rshift_round_s32(int32_t v, int s)
{
    return qc_floor_shift_s32(v, s) + (int32_t)(((uint32_t)v >> (s - 1)) & 1u);
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
        /* Shift magnitudes (|acc| <= 2^40, so the result stays below 2^62): no multiply, no
         * left shift of a negative value. */
        acc = acc >= 0 ? (int64_t)((uint64_t)acc << left) : -(int64_t)((uint64_t)-acc << left);
        return qc_clamp_s64(acc, lo, hi);
    }
    return qc_clamp_s64(acc, lo, hi);
}

/* The rare shifts of qc_requantize_s32, out of line so the common case stays small enough to
 * inline into every kernel's output loop. */
static int32_t qc_requantize_s32_rare(int32_t acc, int shift, int32_t lo, int32_t hi)
{
    return qc_requantize_s64(acc, shift, lo, hi);
}

/* The same result as qc_requantize_s64 for a 32-bit accumulator, in 32-bit arithmetic where it can. */
static inline int32_t qc_requantize_s32(int32_t acc, int shift, int32_t lo, int32_t hi)
{
    if (shift >= 1 && shift <= 30) {
        const int32_t v = qc_rshift_round_s32(acc, shift);
        return v < lo ? lo : (v > hi ? hi : v);
    }
    return qc_requantize_s32_rare(acc, shift, lo, hi);
}

/*
 * sum * 2^shift / n for average pooling, 0 <= shift <= 15 (the output's frac minus the input's: an
 * average resolves finer steps than its inputs), saturated to [lo, hi]; 0 when n <= 0.
 * A power of two n = 2^s divides by rshift_round(sum, s - shift) (a left shift when shift > s);
 * any other n computes rshift_round(sum * round(2^16 / n), 16 - shift) with
 * round(2^16 / n) = (2^16 + n/2) / n.
 */
static inline int32_t qc_average_of(int32_t sum, int32_t n, int shift, int32_t lo, int32_t hi)
{
    int s = 0;
    int64_t v;
    if (n <= 0) {
        return 0;
    }
    if ((n & (n - 1)) == 0) {
        while (((int32_t)1 << s) < n) {
            ++s;
        }
        v = s > shift ? qc_rshift_round_s32(sum, s - shift) : (int64_t)sum * ((int64_t)1 << (shift - s));
    } else {
        v = qc_rshift_round_s64((int64_t)sum * ((65536 + n / 2) / n), 16 - shift);
    }
    return qc_clamp_s64(v, lo, hi);
}

/*
 * Signed-digit weights (the shift scheme): one byte code per weight, q = s1*2^e1 + s2*2^e2.
 * bit 7: first term negative; bits 6:4: e1; bits 3:1: e2; bit 0: second term's sign opposite to
 * the first's. e2 == e1 means no second term, and then bit 0 set means the weight is 0.
 * Returns q*v as the uint32_t residue mod 2^32, using only shifts, xors, adds and subtracts;
 * accumulating residues in uint32_t is exact whenever the true sum fits in int32_t.
 */
static inline uint32_t qc_digit_product_u32(uint32_t code, int32_t v)
{
    const uint32_t u = (uint32_t)v;
    const uint32_t e1 = (code >> 4) & 7u, e2 = (code >> 1) & 7u;
    const uint32_t m1 = 0u - (code >> 7);            /* all ones when the first term is negative */
    const uint32_t m2 = m1 ^ (0u - (code & 1u));     /* the second term's sign */
    const uint32_t t1 = ((u << e1) ^ m1) - m1;
    if (e1 == e2) {
        return (code & 1u) ? 0u : t1;
    }
    return t1 + (((u << e2) ^ m2) - m2);
}

/* The same for a 64-bit accumulator. */
static inline uint64_t qc_digit_product_u64(uint32_t code, int32_t v)
{
    const uint64_t u = (uint64_t)(int64_t)v;
    const uint32_t e1 = (code >> 4) & 7u, e2 = (code >> 1) & 7u;
    const uint64_t m1 = 0u - (uint64_t)(code >> 7);
    const uint64_t m2 = m1 ^ (0u - (uint64_t)(code & 1u));
    const uint64_t t1 = ((u << e1) ^ m1) - m1;
    if (e1 == e2) {
        return (code & 1u) ? 0u : t1;
    }
    return t1 + (((u << e2) ^ m2) - m2);
}

/* The int32_t whose two's complement residue is u (defined for every u, unlike a cast). */
static inline int32_t qc_s32_from_u32(uint32_t u)
{
    return u <= 0x7FFFFFFFu ? (int32_t)u : -(int32_t)(~u) - 1;
}

static inline int64_t qc_s64_from_u64(uint64_t u)
{
    return u <= 0x7FFFFFFFFFFFFFFFu ? (int64_t)u : -(int64_t)(~u) - 1;
}

#endif /* QC_ARITH_H */
