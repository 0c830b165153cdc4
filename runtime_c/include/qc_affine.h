/*
 * quantc runtime: TFLite's integer arithmetic, for int8-affine programs (--scheme int8), where a
 * tensor's integer q means scale * (q - zero_point). These reproduce TFLite's reference kernels bit
 * for bit: the doubling high multiply (rounding halves up) and the rounding divide by a power of two
 * (rounding halves away from zero), and the multiplier-and-shift requantization built from them.
 * Swift twins: Sources/FixedPoint/AffineArithmetic.swift (Affine).
 */
#ifndef QC_AFFINE_H
#define QC_AFFINE_H

#include <stdint.h>

#include "qc_arith.h"

/* round(a * b / 2^31), halves up; the one overflow (INT32_MIN * INT32_MIN) saturates.
 * TFLite adds a sign-dependent nudge and divides with truncation; that equals floor((ab + 2^30) / 2^31),
 * whose low 32 bits a logical shift of the unsigned sum gives: one SMLAL and two shifts on a Cortex-M4.
 * Twin: Affine.doublingHighMultiply. */
static inline int32_t qc_srdhm(int32_t a, int32_t b)
{
    const uint64_t sum = (uint64_t)((int64_t)a * (int64_t)b) + ((uint64_t)1 << 30);
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(uint32_t)(sum >> 31);
}

/* x / 2^e rounded to nearest, halves away from zero, 0 <= e <= 31: floor(x / 2^e) plus one when the
 * remainder exceeds half (or reaches it, for negative x). Twin: Affine.roundingDivideByPOT. */
static inline int32_t qc_rdbpot(int32_t x, int e)
{
    const int32_t mask = (int32_t)(((uint32_t)1 << e) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    const int32_t m = -(int32_t)(x < 0);
    return (m ^ ((m ^ x) >> e)) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^(shift - 31) as TFLite's MultiplyByQuantizedMultiplier: a left shift for
 * shift > 0 (wrapping in 32 bits like TFLite's int32 product), the doubling high multiply, a
 * rounding right shift for shift < 0. Twin: Affine.multiplyByQuantizedMultiplier. */
static inline int32_t qc_mbqm(int32_t x, int32_t multiplier, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    return qc_rdbpot(qc_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* One channel's qc_mbqm_right constants, found once per kernel call instead of per output: the
 * multiplier, the high word 2^(e-2) of the rounding constant and the final shift e - 1. */
typedef struct {
    int32_t multiplier;
    int32_t round_hi;
    int32_t shift;
} qc_rescale;

static inline qc_rescale qc_rescale_right(int32_t multiplier, int e)
{
    qc_rescale q;
    q.multiplier = multiplier;
    q.round_hi = (int32_t)(1u << (e - 2));
    q.shift = e - 1;
    return q;
}

/*
 * qc_mbqm(x, multiplier, -e) for 2 <= e <= 31 and multiplier >= 0 (every TFLite multiplier), in one
 * 64-bit multiply-accumulate: floor((x*m + 2^30) / 2^31) rounded again by 2^e, halves away from zero,
 * is floor((x*m + 2^30 + 2^(30+e) - [x < 0] * 2^31) / 2^(31+e)) (nested floors of integer
 * divisions merge; with m >= 0 the sign of x stands in for the sign of the first quotient). The
 * constant's low word is 2^30 with x's sign bit, its high word [x < 0] ? -1 : 0 plus 2^(e-2), and the
 * quotient is the high word shifted by e - 1: AND, ORR, SUB, SMLAL and ASR on a Cortex-M4.
 * With `any_sign` 0 the sign terms drop out (a MOV and the SMLAL): exact for x >= 0, and for x < 0
 * some value <= 0 like the exact one, so layers whose clamp floors every value <= 0 may use it.
 */
static inline int32_t qc_rescale_apply(int32_t x, qc_rescale q, int any_sign)
{
    const uint32_t lo = 0x40000000u | (any_sign ? (uint32_t)x & 0x80000000u : 0u);
    const uint32_t hi = (uint32_t)q.round_hi - (any_sign ? (uint32_t)(x < 0) : 0u);
    const uint64_t sum = (((uint64_t)hi << 32) | lo) + (uint64_t)((int64_t)x * q.multiplier);
    return qc_floor_shift_s32((int32_t)(uint32_t)(sum >> 32), q.shift);
}

/* qc_mbqm_single(x, multiplier, -e) from qc_rescale_right(multiplier, e)'s constants (2 <= e <= 31,
 * multiplier >= 0): one rounding half up is floor((x * m + 2^(30+e)) / 2^(31+e)), the SMLAL of
 * qc_rescale_apply with a low word of 0 and no sign terms. */
static inline int32_t qc_rescale_apply_once(int32_t x, qc_rescale q)
{
    const uint64_t sum = ((uint64_t)(uint32_t)q.round_hi << 32) + (uint64_t)((int64_t)x * q.multiplier);
    return qc_floor_shift_s32((int32_t)(uint32_t)(sum >> 32), q.shift);
}

static inline int32_t qc_mbqm_right(int32_t x, int32_t multiplier, int e)
{
    return qc_rescale_apply(x, qc_rescale_right(multiplier, e), 1);
}

/* Whether qc_mbqm(x, multiplier, shift) is qc_mbqm_right(x, multiplier, -shift) (TFLite's convolutions
 * almost always). Kernels decide it once per call (qc_dsp.h), not per output. */
static inline int qc_mbqm_right_applies(int32_t multiplier, int shift)
{
    return shift <= -2 && shift >= -31 && multiplier >= 0;
}

/* x * multiplier * 2^(shift - 31) rounded once, half up (TFLite's single-rounding variant, which
 * ai-edge-litert's reference fully-connected kernel computes). Twin: Affine.multiplyByQuantizedMultiplierSingleRounding. */
static inline int32_t qc_mbqm_single(int32_t x, int32_t multiplier, int shift)
{
    const int total = 31 - shift;
    return (int32_t)qc_floor_shift_s64((int64_t)x * multiplier + ((int64_t)1 << (total - 1)), total);
}

/* An int8-affine layer's output: clamp(offset + mbqm(acc, multiplier, shift), lo, hi). The sum is
 * taken in 64 bits: with a left-shifting rescaling mbqm may come within `offset` of the int32 range,
 * where TFLite's int32 addition would overflow; the clamp then gives the bound the exact sum lies
 * beyond. Twin: Requantization.apply's affine branch. */
static inline int32_t qc_requantize_affine(int32_t acc, int32_t multiplier, int shift, int32_t offset, int32_t lo, int32_t hi)
{
    const int64_t v = (int64_t)qc_mbqm(acc, multiplier, shift) + offset;
    return v < lo ? lo : (v > hi ? hi : (int32_t)v);
}

/* The same with qc_mbqm_single: fully-connected layers as ai-edge-litert computes them. */
static inline int32_t qc_requantize_affine_single(int32_t acc, int32_t multiplier, int shift, int32_t offset, int32_t lo, int32_t hi)
{
    const int64_t v = (int64_t)qc_mbqm_single(acc, multiplier, shift) + offset;
    return v < lo ? lo : (v > hi ? hi : (int32_t)v);
}

/* Either, by the layer's single_rounding flag (a constant 0 at the convolutions' call sites, where
 * the choice folds away). */
static inline int32_t qc_requantize_affine_rounded(int32_t acc, int32_t multiplier, int shift, int32_t offset, int32_t lo, int32_t hi,
                                                   int single_rounding)
{
    if (single_rounding) {
        return qc_requantize_affine_single(acc, multiplier, shift, offset, lo, hi);
    }
    return qc_requantize_affine(acc, multiplier, shift, offset, lo, hi);
}

/* Channel o's output in an int8-affine kernel template: `p` has shift_count, out_offset, act_min
 * and act_max; `multiplier` and `shift` hold one entry or one per channel. */
#define QC_AFFINE_OUTPUT(acc, o, single_rounding)                                                                          \
    qc_requantize_affine_rounded(acc, multiplier[p->shift_count == 1 ? 0 : (o)], shift[p->shift_count == 1 ? 0 : (o)],        \
                                 p->out_offset, p->act_min, p->act_max, single_rounding)

/* The sum of the weights that a convolution window's padding taps meet, which int8-affine kernels
 * multiply by pad_value instead of reading padding: `rows` kernel rows of row_len weights each, one
 * after another; rows outside [row0, row1) lie wholly in the padding, and within the others the
 * weights outside [first, last). Only the padding's weights are read. */
static inline int32_t qc_padding_weight_sum(const int8_t *w, int32_t rows, int32_t row_len, int32_t row0, int32_t row1,
                                            int32_t first, int32_t last)
{
    int32_t sum = 0, r, i;
    for (r = 0; r < rows; ++r, w += row_len) {
        if (r < row0 || r >= row1) {
            for (i = 0; i < row_len; ++i) {
                sum += w[i];
            }
        } else {
            for (i = 0; i < first; ++i) {
                sum += w[i];
            }
            for (i = last; i < row_len; ++i) {
                sum += w[i];
            }
        }
    }
    return sum;
}

/* A window sum divided by its tap count n >= 1, rounded half away from zero (TFLite's average pool). */
static inline int32_t qc_divide_round(int32_t sum, int32_t n)
{
    return sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
}

#endif /* QC_AFFINE_H */
