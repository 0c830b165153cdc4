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

/* qc_mbqm4 of x when every shift is a right shift (qc_rescalings_right): the doubling high
 * multiply, then one subtracted from negative values so that VRSHL's halves round away from zero. */
static inline int32x4_t qc_mbqm4_rightward(int32x4_t x, int32x4_t multiplier, int32x4_t shift)
{
    const int32x4_t v = vqrdmulhq_s32(x, multiplier);
    return vrshlq_s32(vqaddq_s32(v, vshrq_n_s32(v, 31)), shift);
}

/* clamp(v + offset, lo, hi) narrowed to int8 and stored in the lanes pr enables. */
static inline void qc_store4_s8(int8_t *y, int32x4_t v, int32_t offset, int32_t lo, int32_t hi, mve_pred16_t pr)
{
    v = vaddq_s32(v, vdupq_n_s32(offset));
    v = vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
    vstrbq_p_s32(y, v, pr);
}
#endif

/* Eight neighbouring channels' int32 sums, as Helium's widening multiplies leave them: e holds
 * channels 0, 2, 4, 6 and o channels 1, 3, 5, 7. */
typedef struct {
    qc_lanes4 e, o;
} qc_lanes8;

/* Eight int32 values (bias or sums) into that layout: VLD20/VLD21 de-interleave them. */
static inline qc_lanes8 qc_lanes8_load(const int32_t *v)
{
    qc_lanes8 a;
#if QC_MVE_NATIVE
    const int32x4x2_t pair = vld2q_s32(v);
    a.e = pair.val[0];
    a.o = pair.val[1];
#else
    int32_t k;
    for (k = 0; k < 4; ++k) {
        a.e.v[k] = v[2 * k];
        a.o.v[k] = v[2 * k + 1];
    }
#endif
    return a;
}

/* The eight sums back in channel order: VST20/VST21 interleave them. */
static inline void qc_lanes8_store(int32_t *dst, qc_lanes8 a)
{
#if QC_MVE_NATIVE
    int32x4x2_t pair;
    pair.val[0] = a.e;
    pair.val[1] = a.o;
    vst2q_s32(dst, pair);
#else
    int32_t k;
    for (k = 0; k < 4; ++k) {
        dst[2 * k] = a.e.v[k];
        dst[2 * k + 1] = a.o.v[k];
    }
#endif
}

/* a += x[k] * w[k] for eight channels: int8 loaded as int16 lanes, whose even and odd lanes
 * VMULLB/VMULLT multiply into int32. Two loads, two multiplies and two adds. */
static inline qc_lanes8 qc_lanes8_mac(qc_lanes8 a, const int8_t *x, const int8_t *w)
{
#if QC_MVE_NATIVE
    const int16x8_t xv = vldrbq_s16(x), wv = vldrbq_s16(w);
    a.e = vaddq_s32(a.e, vmullbq_int_s16(xv, wv));
    a.o = vaddq_s32(a.o, vmulltq_int_s16(xv, wv));
#else
    int32_t k;
    for (k = 0; k < 4; ++k) {
        a.e.v[k] += (int32_t)x[2 * k] * w[2 * k];
        a.o.v[k] += (int32_t)x[2 * k + 1] * w[2 * k + 1];
    }
#endif
    return a;
}

/* a += (x[k] - offset) * w[k] for eight channels: qc_lanes8_mac with the inputs moved by offset
 * (as int16 lanes, exact for int8 inputs and offsets). */
static inline qc_lanes8 qc_lanes8_mac_offset(qc_lanes8 a, const int8_t *x, const int8_t *w, int32_t offset)
{
#if QC_MVE_NATIVE
    const int16x8_t xv = vsubq_n_s16(vldrbq_s16(x), (int16_t)offset), wv = vldrbq_s16(w);
    a.e = vaddq_s32(a.e, vmullbq_int_s16(xv, wv));
    a.o = vaddq_s32(a.o, vmulltq_int_s16(xv, wv));
#else
    int32_t k;
    for (k = 0; k < 4; ++k) {
        a.e.v[k] += ((int32_t)x[2 * k] - offset) * w[2 * k];
        a.o.v[k] += ((int32_t)x[2 * k + 1] - offset) * w[2 * k + 1];
    }
#endif
    return a;
}

/* a += scalar * w[k] for eight channels (scalar an int8 value). */
static inline qc_lanes8 qc_lanes8_mac_scalar(qc_lanes8 a, const int8_t *w, int32_t scalar)
{
#if QC_MVE_NATIVE
    const int16x8_t wv = vldrbq_s16(w), s = vdupq_n_s16((int16_t)scalar);
    a.e = vaddq_s32(a.e, vmullbq_int_s16(wv, s));
    a.o = vaddq_s32(a.o, vmulltq_int_s16(wv, s));
#else
    int32_t k;
    for (k = 0; k < 4; ++k) {
        a.e.v[k] += scalar * w[2 * k];
        a.o.v[k] += scalar * w[2 * k + 1];
    }
#endif
    return a;
}

/* The first `count` lanes (count <= 4) to memory. */
static inline void qc_lanes4_store_n(int32_t *dst, qc_lanes4 acc, int32_t count)
{
#if QC_MVE_NATIVE
    vstrwq_p_s32(dst, acc, vctp32q((uint32_t)count));
#else
    memcpy(dst, acc.v, (size_t)count * sizeof acc.v[0]);
#endif
}

/* One output position's `count` channels: sums[k] requantized into y[k], four lanes at a time.
 * A loop of its own, out of line, so that the loops filling `sums` keep their vector registers;
 * whole vectors run unpredicated and the last count % 4 channels once with a tail predicate. */
static QC_NOINLINE void qc_requant_lanes_s8(qc_requant r, const int32_t *sums, int32_t count, int8_t *y)
{
    int32_t c = 0;
#if QC_MVE_NATIVE
    const int32x4_t lo = vdupq_n_s32(r.lo), hi = vdupq_n_s32(r.hi);
    const int32_t right = -r.shift[0]; /* loaded once: the int8 stores could alias the shifts */
    mve_pred16_t pr;
    if (r.shift_step) {
        for (; c + 4 <= count; c += 4) {
            const int32x4_t v = vqrshlq_s32(vldrwq_s32(sums + c), vnegq_s32(vldrbq_s32(r.shift + c)));
            vstrbq_s32(y + c, vminq_s32(vmaxq_s32(v, lo), hi));
        }
    } else {
        for (; c + 4 <= count; c += 4) {
            vstrbq_s32(y + c, vminq_s32(vmaxq_s32(vqrshlq_n_s32(vldrwq_s32(sums + c), right), lo), hi));
        }
    }
    if (c < count) {
        int32x4_t v;
        pr = vctp32q((uint32_t)(count - c));
        v = vldrwq_z_s32(sums + c, pr);
        v = r.shift_step ? vqrshlq_s32(v, vnegq_s32(vldrbq_z_s32(r.shift + c, pr))) : vqrshlq_n_s32(v, right);
        vstrbq_p_s32(y + c, vminq_s32(vmaxq_s32(v, lo), hi), pr);
    }
#else
    for (; c < count; ++c) {
        y[c] = qc_requant_s8(r, c, sums[c]);
    }
#endif
}

/* qc_requant_lanes_s8 for an int8-affine layer (qc_requantize_affine's results, qc_affine.h);
 * `right` (qc_rescalings_right) says every shift is a right shift, so that qc_mbqm4's left shift
 * and sign mask drop out. Single-rounding layers take the scalar path. The offset is added with
 * saturation where a left shift may bring the rescaled value near the int32 bounds (the clamp then
 * gives what qc_requantize_affine's 64-bit sum gives); a right shift keeps it within 2^29. */
static QC_NOINLINE void qc_requant_affine_lanes_s8(qc_requant_affine r, int right, const int32_t *sums, int32_t count, int8_t *y)
{
    int32_t c = 0;
#if QC_MVE_NATIVE
    if (!r.single_rounding) {
        const int32x4_t lo = vdupq_n_s32(r.lo), hi = vdupq_n_s32(r.hi);
        const int32x4_t multiplier = vdupq_n_s32(r.multiplier[0]), shift = vdupq_n_s32(r.shift[0]);
        const int32_t offset = r.offset;
        mve_pred16_t pr;
        int32x4_t v;
        if (right && r.step) {
            for (; c + 4 <= count; c += 4) {
                v = qc_mbqm4_rightward(vldrwq_s32(sums + c), vldrwq_s32(r.multiplier + c), vldrbq_s32(r.shift + c));
                vstrbq_s32(y + c, vminq_s32(vmaxq_s32(vaddq_n_s32(v, offset), lo), hi));
            }
        } else if (r.step) {
            for (; c + 4 <= count; c += 4) {
                v = qc_mbqm4(vldrwq_s32(sums + c), vldrwq_s32(r.multiplier + c), vldrbq_s32(r.shift + c));
                vstrbq_s32(y + c, vminq_s32(vmaxq_s32(vqaddq_n_s32(v, offset), lo), hi));
            }
        } else {
            for (; c + 4 <= count; c += 4) {
                v = qc_mbqm4(vldrwq_s32(sums + c), multiplier, shift);
                vstrbq_s32(y + c, vminq_s32(vmaxq_s32(vqaddq_n_s32(v, offset), lo), hi));
            }
        }
        if (c < count) {
            pr = vctp32q((uint32_t)(count - c));
            v = vldrwq_z_s32(sums + c, pr);
            v = r.step ? qc_mbqm4(v, vldrwq_z_s32(r.multiplier + c, pr), vldrbq_z_s32(r.shift + c, pr)) : qc_mbqm4(v, multiplier, shift);
            vstrbq_p_s32(y + c, vminq_s32(vmaxq_s32(vqaddq_n_s32(v, offset), lo), hi), pr);
        }
        return;
    }
#endif
    (void)right;
    for (; c < count; ++c) {
        y[c] = qc_requant_affine_s8(r, c, sums[c], r.single_rounding);
    }
}

/* The sums of two int8 columns a and b (n taps) with every weight row (row o at w + o * n):
 * sa[o] = bias[o] + row o . a and sb[o] = bias[o] + row o . b, two rows at a time (four VMLADAVA
 * per 16 taps). Out of line, so that the requantization loops after it keep their registers. */
static QC_NOINLINE void qc_mve_sums_2cols(const int8_t *w, int32_t n, int32_t rows, const int8_t *a, const int8_t *b,
                                          const int32_t *bias, int32_t *sa, int32_t *sb)
{
    int32_t o;
    for (o = 0; o + 1 < rows; o += 2) {
        int32_t acc[4];
        acc[0] = acc[1] = bias[o];
        acc[2] = acc[3] = bias[o + 1];
        qc_mve_dot_2x2(w + o * n, w + (o + 1) * n, a, b, n, acc);
        sa[o] = acc[0];
        sb[o] = acc[1];
        sa[o + 1] = acc[2];
        sb[o + 1] = acc[3];
    }
    if (o < rows) {
        sa[o] = qc_mve_dot_1x1(w + o * n, a, n, bias[o]);
        sb[o] = qc_mve_dot_1x1(w + o * n, b, n, bias[o]);
    }
}

/* The sums of one int8 column a with every weight row: s[o] = bias[o] + row o . a, four rows at a
 * time. */
static QC_NOINLINE void qc_mve_sums_1col(const int8_t *w, int32_t n, int32_t rows, const int8_t *a, const int32_t *bias, int32_t *s)
{
    int32_t o;
    for (o = 0; o + 3 < rows; o += 4) {
        int32_t acc[4];
        acc[0] = bias[o];
        acc[1] = bias[o + 1];
        acc[2] = bias[o + 2];
        acc[3] = bias[o + 3];
        qc_mve_dot_4x1(w + o * n, w + (o + 1) * n, w + (o + 2) * n, w + (o + 3) * n, a, n, acc);
        memcpy(s + o, acc, sizeof acc);
    }
    for (; o < rows; ++o) {
        s[o] = qc_mve_dot_1x1(w + o * n, a, n, bias[o]);
    }
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
