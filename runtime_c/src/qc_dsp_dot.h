/*
 * Building blocks of the _dsp kernels: int8 inputs widened to int16 "columns" in SMLAD order, and
 * dot products of int8 weight rows with those columns, two multiply-accumulates per SMLAD.
 *
 * SMLAD order: SXTB16 splits four int8 weights w0 w1 w2 w3 into the pairs (w0, w2) and (w1, w3), so
 * a column stores each aligned group of four taps as x0 x2 x1 x3; one SMLAD then pairs (x0, x2) with
 * (w0, w2) and the next (x1, x3) with (w1, w3). The last taps % 4 taps, which form no whole group,
 * stay in order and are summed one by one.
 *
 * Lanes: the convolution gathers two output positions (lanes 0 and 1) into one interleaved buffer,
 * group by group (a group of lane 0, then the same group of lane 1; tail taps alternate), so one
 * pointer walks both columns and the 2x2 loop needs no register spills on a Cortex-M4. The dense
 * kernel uses one lane.
 */
#ifndef QC_DSP_DOT_H
#define QC_DSP_DOT_H

#include "qc_dsp.h"

/* Where tap t of `lane` goes in a buffer of `lanes` interleaved columns with `grouped` = taps & ~3. */
static inline int32_t qc_column_slot(int32_t t, int32_t grouped, int32_t lanes, int32_t lane)
{
    if (t >= grouped) {
        return lanes * t + lane;
    }
    return lanes * (t & ~3) + 4 * lane + ((t & 1) << 1) + ((t >> 1) & 1);
}

/* Writes src[0..n) as taps start..start+n-1 of the lane. */
static inline void qc_widen_to_column(const int8_t *src, int32_t n, int16_t *column, int32_t start, int32_t grouped,
                                      int32_t lanes, int32_t lane)
{
    int32_t i;
    if (((start | n) & 3) == 0 && start + n <= grouped) {
        /* Whole groups: one load, two SXTB16 and two stores per four taps. */
        int16_t *out = column + lanes * start + 4 * lane;
        for (i = 0; i < n; i += 4, out += 4 * lanes) {
            const int32_t v = qc_load4(src + i);
            qc_store4(out, qc_sxtb16(v));
            qc_store4(out + 2, qc_sxtb16_odd(v));
        }
        return;
    }
    for (i = 0; i < n; ++i) {
        column[qc_column_slot(start + i, grouped, lanes, lane)] = src[i];
    }
}

/* Sets taps start..start+n-1 of the lane to `value` (padding: 0, or an int8-affine input's zero point). */
static inline void qc_fill_column(int32_t n, int16_t *column, int32_t start, int32_t grouped, int32_t lanes, int32_t lane, int16_t value)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        column[qc_column_slot(start + i, grouped, lanes, lane)] = value;
    }
}

/* s[r] += row r of a block of four weight rows . the one-lane column a, over `groups` groups of
 * four taps, the block's rows interleaved by groups (per group the four rows' words in turn, 16
 * bytes at w). Per group and four rows: one LDRD of the column's pairs, four LDR, eight SXTB16 and
 * eight SMLAD, in assembly so that nothing else runs in the loop (GCC would copy pointers and
 * hoist loads into spills); four groups per pass. Returns w after the groups. Inlined at each
 * call: a call would cost the block its sums' round trip through memory. */
static QC_ALWAYS_INLINE const int8_t *qc_dot_block4(const int8_t *w, const int16_t *a, int32_t groups, int32_t s[4])
{
#if QC_DSP_NATIVE
    int32_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], x02, x13, u, t;
    int32_t quads = groups >> 2;
#define QC_BLOCK4_GROUP                            \
    "ldrd   %[x02], %[x13], [%[a]], #8\n\t"       \
    "ldr    %[u], [%[w]], #4\n\t"                  \
    "sxtb16 %[t], %[u]\n\t"                        \
    "smlad  %[s0], %[x02], %[t], %[s0]\n\t"        \
    "sxtb16 %[t], %[u], ror #8\n\t"                \
    "smlad  %[s0], %[x13], %[t], %[s0]\n\t"        \
    "ldr    %[u], [%[w]], #4\n\t"                  \
    "sxtb16 %[t], %[u]\n\t"                        \
    "smlad  %[s1], %[x02], %[t], %[s1]\n\t"        \
    "sxtb16 %[t], %[u], ror #8\n\t"                \
    "smlad  %[s1], %[x13], %[t], %[s1]\n\t"        \
    "ldr    %[u], [%[w]], #4\n\t"                  \
    "sxtb16 %[t], %[u]\n\t"                        \
    "smlad  %[s2], %[x02], %[t], %[s2]\n\t"        \
    "sxtb16 %[t], %[u], ror #8\n\t"                \
    "smlad  %[s2], %[x13], %[t], %[s2]\n\t"        \
    "ldr    %[u], [%[w]], #4\n\t"                  \
    "sxtb16 %[t], %[u]\n\t"                        \
    "smlad  %[s3], %[x02], %[t], %[s3]\n\t"        \
    "sxtb16 %[t], %[u], ror #8\n\t"                \
    "smlad  %[s3], %[x13], %[t], %[s3]\n\t"
    if (groups & 1) {
        __asm__ volatile(QC_BLOCK4_GROUP
                         : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [x02] "=&r"(x02), [x13] "=&r"(x13), [u] "=&r"(u),
                           [t] "=&r"(t), [w] "+r"(w), [a] "+r"(a)
                         :
                         : "memory");
    }
    if (groups & 2) {
        __asm__ volatile(QC_BLOCK4_GROUP QC_BLOCK4_GROUP
                         : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [x02] "=&r"(x02), [x13] "=&r"(x13), [u] "=&r"(u),
                           [t] "=&r"(t), [w] "+r"(w), [a] "+r"(a)
                         :
                         : "memory");
    }
    if (quads > 0) {
        __asm__ volatile("1:\n\t" QC_BLOCK4_GROUP QC_BLOCK4_GROUP QC_BLOCK4_GROUP QC_BLOCK4_GROUP
                         "subs   %[n], %[n], #1\n\t"
                         "bne    1b\n\t"
                         : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [x02] "=&r"(x02), [x13] "=&r"(x13), [u] "=&r"(u),
                           [t] "=&r"(t), [w] "+r"(w), [a] "+r"(a), [n] "+r"(quads)
                         :
                         : "memory", "cc");
    }
#undef QC_BLOCK4_GROUP
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return w;
#else
    int32_t g, r;
    for (g = 0; g < groups; ++g, w += 16, a += 4) {
        const int32_t a02 = qc_pack_halves(a[0], a[1]), a13 = qc_pack_halves(a[2], a[3]);
        for (r = 0; r < 4; ++r) {
            const int32_t u = qc_load4(w + 4 * r);
            s[r] = qc_smlad(a13, qc_sxtb16_odd(u), qc_smlad(a02, qc_sxtb16(u), s[r]));
        }
    }
    return w;
#endif
}

/* acc[c] += weight row w0 . lane c of the two-lane buffer ab. */
static inline void qc_dot_1x2(const int8_t *w0, const int16_t *ab, int32_t taps, int32_t acc[2])
{
    int32_t s0 = acc[0], s1 = acc[1];
    const int8_t *const end = w0 + (taps & ~3);
    int32_t k;
    while (w0 != end) {
        const int32_t u = qc_load4(w0), ue = qc_sxtb16(u), uo = qc_sxtb16_odd(u);
        s0 = qc_smlad(qc_load4(ab), ue, s0);
        s1 = qc_smlad(qc_load4(ab + 4), ue, s1);
        s0 = qc_smlad(qc_load4(ab + 2), uo, s0);
        s1 = qc_smlad(qc_load4(ab + 6), uo, s1);
        ab += 8;
        w0 += 4;
    }
    for (k = taps & 3; k > 0; --k, ab += 2) {
        s0 += (int32_t)ab[0] * *w0;
        s1 += (int32_t)ab[1] * *w0++;
    }
    acc[0] = s0;
    acc[1] = s1;
}

/* One weight row . the one-lane column a. */
static inline int32_t qc_dot_1x1(const int8_t *w0, const int16_t *a, int32_t taps, int32_t acc)
{
    int32_t k;
    for (k = taps >> 2; k > 0; --k) {
        const int32_t u = qc_load4(w0);
        acc = qc_smlad(qc_load4(a), qc_sxtb16(u), acc);
        acc = qc_smlad(qc_load4(a + 2), qc_sxtb16_odd(u), acc);
        a += 4;
        w0 += 4;
    }
    for (k = taps & 3; k > 0; --k) {
        acc += (int32_t)*a++ * *w0++;
    }
    return acc;
}

#endif /* QC_DSP_DOT_H */
