/*
 * The Helium (MVE) building blocks of the _mve kernels, with portable twins: on a core with MVE
 * (__ARM_FEATURE_MVE: Cortex-M55, M85) each loop below runs 16 int8 multiply-accumulates per
 * VMLADAVA instruction; elsewhere plain C computes the same sums, so an _mve kernel gives the same
 * outputs on every compiler (the host tests run the twins; QEMU's mps3-an547 runs the vectors).
 * Full vectors of 16 run unpredicated; a tail of n % 16 runs once with a tail predicate (VCTP),
 * whose inactive lanes load as 0 and touch no memory.
 */
#ifndef QC_MVE_H
#define QC_MVE_H

#include <stdint.h>
#include <string.h>

#include "qc_dsp.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#define QC_MVE_NATIVE 1
#else
#define QC_MVE_NATIVE 0
#endif

/* acc[2*r + c] += row r (w0, w1) . column c (a, b), over n int8 values. */
static inline void qc_mve_dot_2x2(const int8_t *w0, const int8_t *w1, const int8_t *a, const int8_t *b, int32_t n, int32_t acc[4])
{
    int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
#if QC_MVE_NATIVE
    int32_t k;
    for (k = n >> 4; k > 0; --k) {
        const int8x16_t va = vldrbq_s8(a), vb = vldrbq_s8(b);
        int8x16_t wv = vldrbq_s8(w0);
        s00 = vmladavaq_s8(s00, va, wv);
        s01 = vmladavaq_s8(s01, vb, wv);
        wv = vldrbq_s8(w1);
        s10 = vmladavaq_s8(s10, va, wv);
        s11 = vmladavaq_s8(s11, vb, wv);
        a += 16;
        b += 16;
        w0 += 16;
        w1 += 16;
    }
    if (n & 15) {
        const mve_pred16_t pr = vctp8q((uint32_t)(n & 15));
        const int8x16_t va = vldrbq_z_s8(a, pr), vb = vldrbq_z_s8(b, pr);
        int8x16_t wv = vldrbq_z_s8(w0, pr);
        s00 = vmladavaq_s8(s00, va, wv);
        s01 = vmladavaq_s8(s01, vb, wv);
        wv = vldrbq_z_s8(w1, pr);
        s10 = vmladavaq_s8(s10, va, wv);
        s11 = vmladavaq_s8(s11, vb, wv);
    }
#else
    int32_t i;
    for (i = 0; i < n; ++i) {
        s00 += (int32_t)w0[i] * a[i];
        s01 += (int32_t)w0[i] * b[i];
        s10 += (int32_t)w1[i] * a[i];
        s11 += (int32_t)w1[i] * b[i];
    }
#endif
    acc[0] = s00;
    acc[1] = s01;
    acc[2] = s10;
    acc[3] = s11;
}

/* acc[r] += row r (w0..w3) . column a, over n int8 values. */
static inline void qc_mve_dot_4x1(const int8_t *w0, const int8_t *w1, const int8_t *w2, const int8_t *w3, const int8_t *a,
                                  int32_t n, int32_t acc[4])
{
    int32_t s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3];
#if QC_MVE_NATIVE
    int32_t k;
    for (k = n >> 4; k > 0; --k) {
        const int8x16_t va = vldrbq_s8(a);
        s0 = vmladavaq_s8(s0, va, vldrbq_s8(w0));
        s1 = vmladavaq_s8(s1, va, vldrbq_s8(w1));
        s2 = vmladavaq_s8(s2, va, vldrbq_s8(w2));
        s3 = vmladavaq_s8(s3, va, vldrbq_s8(w3));
        a += 16;
        w0 += 16;
        w1 += 16;
        w2 += 16;
        w3 += 16;
    }
    if (n & 15) {
        const mve_pred16_t pr = vctp8q((uint32_t)(n & 15));
        const int8x16_t va = vldrbq_z_s8(a, pr);
        s0 = vmladavaq_s8(s0, va, vldrbq_z_s8(w0, pr));
        s1 = vmladavaq_s8(s1, va, vldrbq_z_s8(w1, pr));
        s2 = vmladavaq_s8(s2, va, vldrbq_z_s8(w2, pr));
        s3 = vmladavaq_s8(s3, va, vldrbq_z_s8(w3, pr));
    }
#else
    int32_t i;
    for (i = 0; i < n; ++i) {
        s0 += (int32_t)w0[i] * a[i];
        s1 += (int32_t)w1[i] * a[i];
        s2 += (int32_t)w2[i] * a[i];
        s3 += (int32_t)w3[i] * a[i];
    }
#endif
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

/* Row w0 . column a, over n int8 values, added to acc. */
static inline int32_t qc_mve_dot_1x1(const int8_t *w0, const int8_t *a, int32_t n, int32_t acc)
{
#if QC_MVE_NATIVE
    int32_t k;
    for (k = n >> 4; k > 0; --k) {
        acc = vmladavaq_s8(acc, vldrbq_s8(a), vldrbq_s8(w0));
        a += 16;
        w0 += 16;
    }
    if (n & 15) {
        const mve_pred16_t pr = vctp8q((uint32_t)(n & 15));
        acc = vmladavaq_s8(acc, vldrbq_z_s8(a, pr), vldrbq_z_s8(w0, pr));
    }
#else
    int32_t i;
    for (i = 0; i < n; ++i) {
        acc += (int32_t)w0[i] * a[i];
    }
#endif
    return acc;
}

/* Four int32 lanes: depthwise accumulators of four neighbouring channels. */
#if QC_MVE_NATIVE
typedef int32x4_t qc_lanes4;
#else
typedef struct {
    int32_t v[4];
} qc_lanes4;
#endif

/* The lanes bias[0..count-1] (count <= 4; the others 0). */
static inline qc_lanes4 qc_lanes4_load32(const int32_t *bias, int32_t count)
{
#if QC_MVE_NATIVE
    return vldrwq_z_s32(bias, vctp32q((uint32_t)count));
#else
    qc_lanes4 r;
    int32_t k;
    for (k = 0; k < 4; ++k) {
        r.v[k] = k < count ? bias[k] : 0;
    }
    return r;
#endif
}

/* acc[k] += x[k] * w[k] for the first `count` lanes (count <= 4). */
static inline qc_lanes4 qc_lanes4_mac(qc_lanes4 acc, const int8_t *x, const int8_t *w, int32_t count)
{
#if QC_MVE_NATIVE
    /* Inactive lanes load 0, so their product adds 0. */
    const mve_pred16_t pr = vctp32q((uint32_t)count);
    return vaddq_s32(acc, vmulq_s32(vldrbq_z_s32(x, pr), vldrbq_z_s32(w, pr)));
#else
    int32_t k;
    for (k = 0; k < count; ++k) {
        acc.v[k] += (int32_t)x[k] * w[k];
    }
    return acc;
#endif
}

/* Four zero lanes. */
static inline qc_lanes4 qc_lanes4_zero(void)
{
#if QC_MVE_NATIVE
    return vdupq_n_s32(0);
#else
    qc_lanes4 r;
    memset(r.v, 0, sizeof r.v);
    return r;
#endif
}

/* acc[k] += x[k] for the first min(count, 4) lanes (none when count <= 0). */
static inline qc_lanes4 qc_lanes4_add(qc_lanes4 acc, const int8_t *x, int32_t count)
{
#if QC_MVE_NATIVE
    return vaddq_s32(acc, vldrbq_z_s32(x, vctp32q((uint32_t)(count > 0 ? count : 0))));
#else
    int32_t k;
    for (k = 0; k < count && k < 4; ++k) {
        acc.v[k] += x[k];
    }
    return acc;
#endif
}

/* The four lanes to memory. */
static inline void qc_lanes4_store(int32_t *dst, qc_lanes4 acc)
{
#if QC_MVE_NATIVE
    vstrwq_s32(dst, acc);
#else
    memcpy(dst, acc.v, sizeof acc.v);
#endif
}

/* acc[k] += scalar * w[k] for the first `count` lanes (count <= 4): one VMLA by a scalar. */
static inline qc_lanes4 qc_lanes4_mac_scalar(qc_lanes4 acc, const int8_t *w, int32_t scalar, int32_t count)
{
#if QC_MVE_NATIVE
    return vmlaq_n_s32(acc, vldrbq_z_s32(w, vctp32q((uint32_t)count)), scalar);
#else
    int32_t k;
    for (k = 0; k < count; ++k) {
        acc.v[k] += scalar * w[k];
    }
    return acc;
#endif
}

/* acc[k] += x[k] * w[k] for all four lanes. */
static inline qc_lanes4 qc_lanes4_mac4(qc_lanes4 acc, const int8_t *x, const int8_t *w)
{
#if QC_MVE_NATIVE
    return vaddq_s32(acc, vmulq_s32(vldrbq_s32(x), vldrbq_s32(w)));
#else
    return qc_lanes4_mac(acc, x, w, 4);
#endif
}

static inline int32_t qc_lanes4_get(qc_lanes4 acc, int32_t k)
{
#if QC_MVE_NATIVE
    switch (k) {
    case 0: return vgetq_lane_s32(acc, 0);
    case 1: return vgetq_lane_s32(acc, 1);
    case 2: return vgetq_lane_s32(acc, 2);
    default: return vgetq_lane_s32(acc, 3);
    }
#else
    return acc.v[k];
#endif
}

/* Writes y[k] = requantized acc[k] of channel o + k for k < count (count <= 4). Helium's VQRSHL by
 * the negated shift is exactly qc_requantize_s32 before its clamp for every shift but -128 (whose
 * negation VQRSHL would read as -128 again; no format pair comes near it): a negative
 * count is a rounding right shift (adding 2^(s-1) at full precision, then shifting; 0 for counts
 * of 32 or more, as rshift_round gives for a 32-bit value), a positive one a left shift saturating
 * to int32, which the clamp to the output range then makes exact. With the clamp and the
 * narrowing store: five instructions for four outputs instead of the scalar sequence per output. */
static inline void qc_requant4_s8(qc_requant r, int32_t o, qc_lanes4 acc, int8_t *y, int32_t count)
{
#if QC_MVE_NATIVE
    const mve_pred16_t pr = vctp32q((uint32_t)count);
    const int32x4_t shifts = r.shift_step ? vldrbq_z_s32(r.shift + o, pr) : vdupq_n_s32(r.shift[0]);
    int32x4_t v = vqrshlq_s32(acc, vnegq_s32(shifts));
    v = vminq_s32(vmaxq_s32(v, vdupq_n_s32(r.lo)), vdupq_n_s32(r.hi));
    vstrbq_p_s32(y, v, pr);
#else
    int32_t k;
    for (k = 0; k < count; ++k) {
        y[k] = qc_requant_s8(r, o + k, qc_lanes4_get(acc, k));
    }
#endif
}

/* Four accumulators from memory as lanes. */
static inline qc_lanes4 qc_lanes4_of(const int32_t acc[4])
{
#if QC_MVE_NATIVE
    return vldrwq_s32(acc);
#else
    qc_lanes4 r;
    memcpy(r.v, acc, sizeof r.v);
    return r;
#endif
}

#if QC_MVE_NATIVE
/* qc_mbqm (qc_affine.h) of four lanes, each with its multiplier and shift: VQRDMULH is the doubling
 * high multiply (halves up, the one overflow saturating) and VRSHL by the negated right shift rounds
 * halves up, so one is first subtracted from negative values (as TFLite's and CMSIS-NN's vector code
 * do) to round their halves away from zero; a positive shift is VSHL's wrapping left shift. */
static inline int32x4_t qc_mbqm4(int32x4_t x, int32x4_t multiplier, int32x4_t shift)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t right = vminq_s32(shift, zero); /* minus the right shift */
    int32x4_t v = vqrdmulhq_s32(vshlq_s32(x, vmaxq_s32(shift, zero)), multiplier);
    v = vqaddq_s32(v, vshrq_n_s32(vandq_s32(v, right), 31));
    return vrshlq_s32(v, right);
}

/* qc_mbqm4 with one multiplier and one shift <= 0 for all lanes: no left shift, no vector of
 * multipliers, and qc_mbqm4's sign mask by the shift is all ones (shift < 0) or zeros (shift 0),
 * loop-invariant: five instructions in a loop. */
static inline int32x4_t qc_mbqm4_right(int32x4_t x, int32_t multiplier, int32_t shift)
{
    const int32x4_t v = vqrdmulhq_n_s32(x, multiplier);
    const int32x4_t negative = vdupq_n_s32(shift < 0 ? -1 : 0);
    return vrshlq_n_s32(vqaddq_s32(v, vandq_s32(vshrq_n_s32(v, 31), negative)), shift);
}

/* clamp(v + offset, lo, hi) narrowed to int8 and stored in the lanes pr enables. */
static inline void qc_store4_s8(int8_t *y, int32x4_t v, int32_t offset, int32_t lo, int32_t hi, mve_pred16_t pr)
{
    v = vaddq_s32(v, vdupq_n_s32(offset));
    v = vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
    vstrbq_p_s32(y, v, pr);
}
#endif

/* The scalar path of qc_requant4_affine_s8, out of line so the vector path stays small enough to
 * inline into the kernels' output loops. */
static void qc_requant4_affine_scalar(qc_requant_affine r, int32_t o, qc_lanes4 acc, int8_t *y, int32_t count)
{
    int32_t k;
    for (k = 0; k < count; ++k) {
        y[k] = qc_requant_affine_s8(r, o + k, qc_lanes4_get(acc, k), r.single_rounding);
    }
}

/* Four outputs of an int8-affine layer at once, with qc_requantize_affine's results (qc_affine.h);
 * single-rounding layers take the scalar path. */
static inline void qc_requant4_affine_s8(qc_requant_affine r, int32_t o, qc_lanes4 acc, int8_t *y, int32_t count)
{
#if QC_MVE_NATIVE
    if (!r.single_rounding) {
        const mve_pred16_t pr = vctp32q((uint32_t)count);
        const int32x4_t multiplier = r.step ? vldrwq_z_s32(r.multiplier + o, pr) : vdupq_n_s32(r.multiplier[0]);
        const int32x4_t shift = r.step ? vldrbq_z_s32(r.shift + o, pr) : vdupq_n_s32(r.shift[0]);
        qc_store4_s8(y, qc_mbqm4(acc, multiplier, shift), r.offset, r.lo, r.hi, pr);
        return;
    }
#endif
    qc_requant4_affine_scalar(r, o, acc, y, count);
}

/* Output channels o..o+3 (weight rows w, w + n, ...) at two positions (columns a and b, n taps):
 * two 2x2 products; ra and rb get each position's four sums, ready for a four-lane requantization. */
static inline void qc_mve_dot_4x2(const int8_t *w, int32_t n, const int8_t *a, const int8_t *b, const int32_t *bias, int32_t o,
                                  int32_t ra[4], int32_t rb[4])
{
    int32_t lo[4], hi[4];
    lo[0] = lo[1] = bias[o];
    lo[2] = lo[3] = bias[o + 1];
    hi[0] = hi[1] = bias[o + 2];
    hi[2] = hi[3] = bias[o + 3];
    qc_mve_dot_2x2(w, w + n, a, b, n, lo);
    qc_mve_dot_2x2(w + 2 * n, w + 3 * n, a, b, n, hi);
    ra[0] = lo[0];
    ra[1] = lo[2];
    ra[2] = hi[0];
    ra[3] = hi[2];
    rb[0] = lo[1];
    rb[1] = lo[3];
    rb[2] = hi[1];
    rb[3] = hi[3];
}

/* memcpy and memset of int8 runs (n >= 0), 16 bytes per vector instruction on Helium. */
static inline void qc_copy_s8(int8_t *dst, const int8_t *src, int32_t n)
{
#if QC_MVE_NATIVE
    for (; n > 0; n -= 16, dst += 16, src += 16) {
        const mve_pred16_t pr = vctp8q((uint32_t)n);
        vstrbq_p_s8(dst, vldrbq_z_s8(src, pr), pr);
    }
#else
    memcpy(dst, src, (size_t)n);
#endif
}

static inline void qc_fill_s8(int8_t *dst, int32_t n, int8_t value)
{
#if QC_MVE_NATIVE
    const int8x16_t v = vdupq_n_s8(value);
    for (; n > 0; n -= 16, dst += 16) {
        vstrbq_p_s8(dst, v, vctp8q((uint32_t)n));
    }
#else
    memset(dst, value, (size_t)n);
#endif
}

#endif /* QC_MVE_H */
