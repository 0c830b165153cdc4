/*
 * The Armv7E-M DSP primitives the _dsp kernels are written in (SXTB16, SMLAD), with portable twins.
 * On a core with the DSP extension (__ARM_FEATURE_SIMD32: Cortex-M4, M7, M33, M55) each is one
 * instruction through the ACLE intrinsics; elsewhere, plain C computes the same value, so a _dsp
 * kernel gives the same outputs on every compiler (the host tests run the portable twins).
 * A packed pair is an int32_t holding two int16 halves: low halfword first.
 */
#ifndef QC_DSP_H
#define QC_DSP_H

#include <stdint.h>
#include <string.h>

#include "qc_affine.h"
#include "qc_arith.h"

#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32
#include <arm_acle.h>
#define QC_DSP_NATIVE 1
#else
#define QC_DSP_NATIVE 0
#endif

/* A helper kept out of line, so that its loop gets the registers to itself (and not reported when a
 * kernel does not call it). */
#if defined(__GNUC__)
#define QC_NOINLINE __attribute__((noinline, unused))
#else
#define QC_NOINLINE
#endif

/* A helper inlined at each call whatever the compiler's size heuristics, so that its constant
 * arguments specialise every copy. */
#if defined(__GNUC__)
#define QC_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define QC_ALWAYS_INLINE inline
#endif

/* Four bytes from any address: compiles to one LDR (unaligned LDR is allowed on Armv7-M and later). */
static inline int32_t qc_load4(const void *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void qc_store4(void *p, int32_t v)
{
    memcpy(p, &v, 4);
}

/* Halfword k (0..1) of a packed pair, sign-extended. */
static inline int32_t qc_half_of(int32_t v, int k)
{
    return (int32_t)((((uint32_t)v >> (16 * k)) & 0xFFFFu) ^ 0x8000u) - 0x8000;
}

#if !QC_DSP_NATIVE
/* Byte k (0..3) of v, sign-extended. */
static inline int32_t qc_byte_of(int32_t v, int k)
{
    return (int32_t)((((uint32_t)v >> (8 * k)) & 0xFFu) ^ 0x80u) - 0x80;
}


static inline int32_t qc_pack_halves(int32_t lo, int32_t hi)
{
    uint32_t u = ((uint32_t)lo & 0xFFFFu) | (((uint32_t)hi & 0xFFFFu) << 16);
    int32_t v;
    memcpy(&v, &u, 4);
    return v;
}
#endif

/* Bytes 0 and 2 of v, sign-extended into the low and high halfwords. */
static inline int32_t qc_sxtb16(int32_t v)
{
#if QC_DSP_NATIVE
    return __sxtb16(v);
#else
    return qc_pack_halves(qc_byte_of(v, 0), qc_byte_of(v, 2));
#endif
}

/* Bytes 1 and 3 of v, sign-extended into the low and high halfwords (SXTB16 with ROR #8). */
static inline int32_t qc_sxtb16_odd(int32_t v)
{
#if QC_DSP_NATIVE
    /* One instruction; the intrinsic of a rotated value costs a separate rotate with GCC 12. */
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
#else
    return qc_pack_halves(qc_byte_of(v, 1), qc_byte_of(v, 3));
#endif
}

/* The halves of acc plus bytes 0 and 2 of v, sign-extended (SXTAB16; each half wraps modulo 2^16). */
static inline int32_t qc_sxtab16(int32_t acc, int32_t v)
{
#if QC_DSP_NATIVE
    return __sxtab16(acc, v);
#else
    return qc_pack_halves(qc_half_of(acc, 0) + qc_byte_of(v, 0), qc_half_of(acc, 1) + qc_byte_of(v, 2));
#endif
}

/* The same with bytes 1 and 3 (SXTAB16 with ROR #8). */
static inline int32_t qc_sxtab16_odd(int32_t acc, int32_t v)
{
#if QC_DSP_NATIVE
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(v));
    return r;
#else
    return qc_pack_halves(qc_half_of(acc, 0) + qc_byte_of(v, 1), qc_half_of(acc, 1) + qc_byte_of(v, 3));
#endif
}

/* The halves of a minus those of b (SSUB16; each half wraps modulo 2^16). */
static inline int32_t qc_ssub16(int32_t a, int32_t b)
{
#if QC_DSP_NATIVE
    return __ssub16(a, b);
#else
    return qc_pack_halves(qc_half_of(a, 0) - qc_half_of(b, 0), qc_half_of(a, 1) - qc_half_of(b, 1));
#endif
}

/* acc + lo(a) * lo(b) + hi(a) * hi(b). The kernels' accumulators never overflow (qc_kernels.h). */
static inline int32_t qc_smlad(int32_t a, int32_t b, int32_t acc)
{
#if QC_DSP_NATIVE
    return __smlad(a, b, acc);
#else
    return acc + qc_half_of(a, 0) * qc_half_of(b, 0) + qc_half_of(a, 1) * qc_half_of(b, 1);
#endif
}

/* acc + lo(a) * lo(b) (SMLABB) and acc + hi(a) * hi(b) (SMLATT): one multiply-accumulate each. */
static inline int32_t qc_smlabb(int32_t a, int32_t b, int32_t acc)
{
#if QC_DSP_NATIVE
    return __smlabb(a, b, acc);
#else
    return acc + qc_half_of(a, 0) * qc_half_of(b, 0);
#endif
}

static inline int32_t qc_smlatt(int32_t a, int32_t b, int32_t acc)
{
#if QC_DSP_NATIVE
    return __smlatt(a, b, acc);
#else
    return acc + qc_half_of(a, 1) * qc_half_of(b, 1);
#endif
}

/* A layer's requantization, copied out of its params once: the kernels' int8_t stores may alias any
 * memory, so fields read through the params pointer would be reloaded after every output. */
typedef struct {
    const int8_t *shift;
    int32_t shift_step; /* 0: one shift for all channels; 1: one per channel */
    int32_t lo, hi;
} qc_requant;

static inline qc_requant qc_requant_of(const int8_t *shift, int32_t shift_count, int32_t lo, int32_t hi)
{
    qc_requant r;
    r.shift = shift;
    r.shift_step = shift_count == 1 ? 0 : 1;
    r.lo = lo;
    r.hi = hi;
    return r;
}

/* Output channel o of an accumulator, as int8_t (lo and hi lie in the int8 range). */
static inline int8_t qc_requant_s8(qc_requant r, int32_t o, int32_t acc)
{
    return (int8_t)qc_requantize_s32(acc, r.shift[o * r.shift_step], r.lo, r.hi);
}

/* The same, knowing whether every shift is plain (qc_shifts_plain, once per kernel call). */
static inline int8_t qc_requant_s8_known(qc_requant r, int plain, int32_t o, int32_t acc)
{
    if (plain) {
        const int32_t v = qc_rshift_round_s32(acc, r.shift[o * r.shift_step]);
        return (int8_t)(v < r.lo ? r.lo : (v > r.hi ? r.hi : v));
    }
    return qc_requant_s8(r, o, acc);
}

/* Clamping to [lo, hi] in the requantization loops: the int8 range and [0, 127] (an int8 ReLU) are
 * one SSAT or USAT; `mode` is a constant at every call, so each loop keeps only its own clamp. */
enum { QC_CLAMP_ANY = 0, QC_CLAMP_S8 = 1, QC_CLAMP_RELU7 = 2 };

static inline int qc_clamp_mode(int32_t lo, int32_t hi)
{
    return lo == -128 && hi == 127 ? QC_CLAMP_S8 : lo == 0 && hi == 127 ? QC_CLAMP_RELU7 : QC_CLAMP_ANY;
}

static inline int32_t qc_clamp_by(int32_t v, int mode, int32_t lo, int32_t hi)
{
#if QC_DSP_NATIVE
    if (mode == QC_CLAMP_S8) {
        return __ssat(v, 8);
    }
    if (mode == QC_CLAMP_RELU7) {
        return (int32_t)__usat(v, 7);
    }
#else
    (void)mode;
#endif
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Whether every shift is a rounding right shift of 1 to 30 (qc_rshift_round_s32): qc_requant_run's
 * `plain`, found once per kernel call. */
static inline int qc_shifts_plain(const int8_t *shift, int32_t count)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        if (shift[k] < 1 || shift[k] > 30) {
            return 0;
        }
    }
    return 1;
}

/* One output position's count channels: acc[k] requantized into out[k]. A separate loop, so the
 * multiply-accumulate loops that fill acc keep their registers to themselves. */
static inline void qc_requant_plain_loop(const int32_t *acc, const int8_t *shift, int32_t step, int32_t count, int8_t *out,
                                         int mode, int32_t lo, int32_t hi)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        out[k] = (int8_t)qc_clamp_by(qc_rshift_round_s32(acc[k], shift[k * step]), mode, lo, hi);
    }
}

static QC_NOINLINE void qc_requant_run(qc_requant r, int plain, const int32_t *acc, int32_t count, int8_t *out)
{
    const int32_t lo = r.lo, hi = r.hi;
    int32_t k;
    if (plain) {
        const int mode = qc_clamp_mode(lo, hi);
        if (r.shift_step == 1) {
            if (mode == QC_CLAMP_S8) {
                qc_requant_plain_loop(acc, r.shift, 1, count, out, QC_CLAMP_S8, lo, hi);
            } else if (mode == QC_CLAMP_RELU7) {
                qc_requant_plain_loop(acc, r.shift, 1, count, out, QC_CLAMP_RELU7, lo, hi);
            } else {
                qc_requant_plain_loop(acc, r.shift, 1, count, out, QC_CLAMP_ANY, lo, hi);
            }
        } else {
            if (mode == QC_CLAMP_S8) {
                qc_requant_plain_loop(acc, r.shift, 0, count, out, QC_CLAMP_S8, lo, hi);
            } else if (mode == QC_CLAMP_RELU7) {
                qc_requant_plain_loop(acc, r.shift, 0, count, out, QC_CLAMP_RELU7, lo, hi);
            } else {
                qc_requant_plain_loop(acc, r.shift, 0, count, out, QC_CLAMP_ANY, lo, hi);
            }
        }
        return;
    }
    for (k = 0; k < count; ++k) {
        out[k] = (int8_t)qc_requantize_s32(acc[k], r.shift[k * r.shift_step], lo, hi);
    }
}

/* An int8-affine layer's requantization (qc_affine.h), copied out of its params like qc_requant. */
typedef struct {
    const int32_t *multiplier;
    const int8_t *shift;
    int32_t step; /* 0: one multiplier and shift for all channels; 1: one per channel */
    int32_t offset, lo, hi;
    int32_t single_rounding; /* dense layers: qc_mbqm_single (the convolutions pass a constant 0 instead) */
} qc_requant_affine;

static inline qc_requant_affine qc_requant_affine_of(const int32_t *multiplier, const int8_t *shift, int32_t count, int32_t offset,
                                                     int32_t lo, int32_t hi, int32_t single_rounding)
{
    qc_requant_affine r;
    r.multiplier = multiplier;
    r.shift = shift;
    r.step = count == 1 ? 0 : 1;
    r.offset = offset;
    r.lo = lo;
    r.hi = hi;
    r.single_rounding = single_rounding;
    return r;
}

/* single_rounding: a constant 0 in the convolutions, so the choice costs them nothing. */
static inline int8_t qc_requant_affine_s8(qc_requant_affine r, int32_t o, int32_t acc, int single_rounding)
{
    return (int8_t)qc_requantize_affine_rounded(acc, r.multiplier[o * r.step], r.shift[o * r.step], r.offset, r.lo, r.hi, single_rounding);
}

/* Whether a channel's rescaling takes qc_rescale's form: qc_mbqm_right's, or a multiplier of 0 (a
 * channel whose weights are all 0, which TFLite gives shift 0), whose every result is 0, as that
 * form's with e = 2 (and as Helium's qc_mbqm4_rightward with any shift). */
static inline int qc_rescale_applies(int32_t multiplier, int shift)
{
    return multiplier == 0 || qc_mbqm_right_applies(multiplier, shift);
}

/* Whether every channel's rescaling takes qc_rescale's form and the layer does not round once;
 * found once per kernel call. */
static inline int qc_rescalings_right(const int32_t *multiplier, const int8_t *shift, int32_t count, int32_t single_rounding)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        if (!qc_rescale_applies(multiplier[k], shift[k])) {
            return 0;
        }
    }
    return !single_rounding;
}

/* qc_requant_affine_run's table (`right`): the qc_rescale of each of the shift_count rescalings
 * where every one takes qc_rescale's form (with single rounding qc_rescale_apply_once's, from the
 * same constants); otherwise null. Found once per kernel call, into scratch. */
static inline const qc_rescale *qc_rescales_right(const int32_t *multiplier, const int8_t *shift, int32_t shift_count, qc_rescale *table)
{
    int32_t k;
    if (!qc_rescalings_right(multiplier, shift, shift_count, 0)) {
        return 0;
    }
    for (k = 0; k < shift_count; ++k) {
        table[k] = multiplier[k] == 0 ? qc_rescale_right(0, 2) : qc_rescale_right(multiplier[k], -shift[k]);
    }
    return table;
}

/* qc_requant_affine_s8, with the table of qc_rescales_right where it is not null. */
static inline int8_t qc_requant_affine_s8_known(qc_requant_affine r, const qc_rescale *right, int32_t o, int32_t acc)
{
    if (right) {
        const qc_rescale q = right[o * r.step];
        const int32_t v = (r.single_rounding ? qc_rescale_apply_once(acc, q) : qc_rescale_apply(acc, q, 1)) + r.offset;
        return (int8_t)(v < r.lo ? r.lo : (v > r.hi ? r.hi : v));
    }
    return qc_requant_affine_s8(r, o, acc, r.single_rounding);
}

/* qc_requant_plain_loop for an int8-affine layer whose rescalings, one per channel, are all
 * qc_mbqm_right's, from their table; any_sign 0 where the clamp floors every value the rescaling
 * leaves <= 0 (qc_rescale_apply). */
static inline void qc_requant_right_loop(const int32_t *acc, const qc_rescale *table, int32_t count, int8_t *out, int32_t offset, int mode,
                                         int any_sign, int32_t lo, int32_t hi)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        out[k] = (int8_t)qc_clamp_by(qc_rescale_apply(acc[k], table[k], any_sign) + offset, mode, lo, hi);
    }
}

/* qc_requant_run for an int8-affine layer; `right`: qc_rescales_right's table, or null. */
static QC_NOINLINE void qc_requant_affine_run(qc_requant_affine r, const qc_rescale *right, const int32_t *acc, int32_t count, int8_t *out)
{
    const int32_t step = r.step, offset = r.offset, lo = r.lo, hi = r.hi;
    int32_t k;
    if (right && r.single_rounding) {
        for (k = 0; k < count; ++k) {
            const int32_t v = qc_rescale_apply_once(acc[k], right[k * step]) + offset;
            out[k] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
        }
        return;
    }
    if (right && step) {
        /* A clamp at or above the offset (a fused ReLU) floors every value <= 0: signs need no rounding of their own. */
        const int any_sign = lo < offset, s8 = qc_clamp_mode(lo, hi) == QC_CLAMP_S8;
        if (any_sign && s8) {
            qc_requant_right_loop(acc, right, count, out, offset, QC_CLAMP_S8, 1, lo, hi);
        } else if (any_sign) {
            qc_requant_right_loop(acc, right, count, out, offset, QC_CLAMP_ANY, 1, lo, hi);
        } else if (s8) {
            qc_requant_right_loop(acc, right, count, out, offset, QC_CLAMP_S8, 0, lo, hi);
        } else {
            qc_requant_right_loop(acc, right, count, out, offset, QC_CLAMP_ANY, 0, lo, hi);
        }
        return;
    }
    if (right) {
        /* One rescaling for all channels, its constants in registers. */
        const qc_rescale one = right[0];
        for (k = 0; k < count; ++k) {
            const int32_t v = qc_rescale_apply(acc[k], one, 1) + offset;
            out[k] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
        }
        return;
    }
    /* Some channel's rescaling is not qc_mbqm_right's (or single rounding): channel by channel. */
    for (k = 0; k < count; ++k) {
        const int32_t m = r.multiplier[k * step];
        const int s = r.shift[k * step];
        if (!r.single_rounding && qc_mbqm_right_applies(m, s)) {
            const int32_t v = qc_mbqm_right(acc[k], m, -s) + offset;
            out[k] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
        } else {
            out[k] = (int8_t)qc_requantize_affine_rounded(acc[k], m, s, offset, lo, hi, r.single_rounding);
        }
    }
}

#endif /* QC_DSP_H */
