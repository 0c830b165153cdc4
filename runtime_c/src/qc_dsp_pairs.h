/*
 * The inner loops of the DSP convolution and of the DSP dense layer over several rows: every output
 * channel of two positions, the two lanes of an interleaved int16 buffer (qc_dsp_dot.h), against
 * weight rows stored in pairs (qc_pairs_weight_slot): per group of four taps the pair's two
 * words in turn, then the pair's last taps % 4 taps as [2][taps % 4]; an odd last row as it is.
 *
 * A fixed-point layer whose shifts are all rounding right shifts (1 to 30) moves the rounding into
 * its biases, 2^(s-1) each, where no sum can then leave int32: a rounding shift then is one floor
 * shift (ASR), and each pair's four sums are requantized straight from their registers. An
 * int8-affine layer whose rescalings take qc_rescale's form does the same with its table. Otherwise
 * the sums go to two int32 rows that a loop of their own requantizes.
 */
#ifndef QC_DSP_PAIRS_H
#define QC_DSP_PAIRS_H

#include "qc_dsp_dot.h"

/* acc[2*r + c] += row r of the pair at w . lane c of ab, over `taps` taps; returns w after the pair.
 * Per group of four taps and 16 multiply-accumulates: two LDR (the rows' words; LDR, unlike LDRD,
 * allows the unaligned addresses that follow a pair of odd taps % 4), two LDRD (each lane's two
 * pairs), four SXTB16 and eight SMLAD, in assembly so that the twelve live values stay in
 * registers. `any` 0 (a constant where this inlines) promises taps a multiple of 8 (every
 * convolution, whose rows the emitter pads): its copies take four groups per pass and skip the
 * checks for an odd group and for last taps; the others take two. */
static QC_ALWAYS_INLINE const int8_t *qc_dot_pair(const int8_t *w, const int16_t *ab, int32_t taps, int32_t acc[4], int any)
{
    const int32_t groups = taps >> 2, tail = any ? taps & 3 : 0;
    int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3], k;
#if QC_DSP_NATIVE
    int32_t u, v, uo, vo, x02, x13;
#define QC_PAIR_GROUP                                  \
    "ldr    %[u], [%[w]], #4\n\t"                    \
    "ldr    %[v], [%[w]], #4\n\t"                    \
    "ldrd   %[x02], %[x13], [%[ab]], #8\n\t"          \
    "sxtb16 %[uo], %[u], ror #8\n\t"                  \
    "sxtb16 %[u], %[u]\n\t"                           \
    "sxtb16 %[vo], %[v], ror #8\n\t"                  \
    "sxtb16 %[v], %[v]\n\t"                           \
    "smlad  %[s00], %[x02], %[u], %[s00]\n\t"         \
    "smlad  %[s10], %[x02], %[v], %[s10]\n\t"         \
    "smlad  %[s00], %[x13], %[uo], %[s00]\n\t"        \
    "smlad  %[s10], %[x13], %[vo], %[s10]\n\t"        \
    "ldrd   %[x02], %[x13], [%[ab]], #8\n\t"          \
    "smlad  %[s01], %[x02], %[u], %[s01]\n\t"         \
    "smlad  %[s11], %[x02], %[v], %[s11]\n\t"         \
    "smlad  %[s01], %[x13], %[uo], %[s01]\n\t"        \
    "smlad  %[s11], %[x13], %[vo], %[s11]\n\t"
#define QC_PAIR_OUTPUTS                                                                                                  \
    [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10), [s11] "+r"(s11), [u] "=&r"(u), [v] "=&r"(v), [uo] "=&r"(uo), \
        [vo] "=&r"(vo), [x02] "=&r"(x02), [x13] "=&r"(x13), [w] "+r"(w), [ab] "+r"(ab)
/* A loop's end, and its operands: it ends where ab reaches `end`, read into a register free by then. */
#define QC_PAIR_LOOP                \
    "ldr    %[x13], %[end]\n\t"    \
    "cmp    %[ab], %[x13]\n\t"     \
    "bne    1b\n\t"                \
    : QC_PAIR_OUTPUTS               \
    : [end] "m"(end)                \
    : "memory", "cc"
    if (any) {
        if (groups & 1) {
            __asm__ volatile(QC_PAIR_GROUP : QC_PAIR_OUTPUTS : : "memory");
        }
        if (groups > 1) {
            const int16_t *const end = ab + 8 * (groups & ~1);
            __asm__ volatile("1:\n\t" QC_PAIR_GROUP QC_PAIR_GROUP QC_PAIR_LOOP);
        }
    } else {
        /* An even number of groups: two, then four per pass. */
        if (groups & 2) {
            __asm__ volatile(QC_PAIR_GROUP QC_PAIR_GROUP : QC_PAIR_OUTPUTS : : "memory");
        }
        if (groups > 3) {
            const int16_t *const end = ab + 8 * (groups & ~3);
            __asm__ volatile("1:\n\t" QC_PAIR_GROUP QC_PAIR_GROUP QC_PAIR_GROUP QC_PAIR_GROUP QC_PAIR_LOOP);
        }
    }
#undef QC_PAIR_GROUP
#undef QC_PAIR_OUTPUTS
#undef QC_PAIR_LOOP
#else
    int32_t g;
    for (g = 0; g < groups; ++g, w += 8, ab += 8) {
        const int32_t u = qc_load4(w), v = qc_load4(w + 4);
        const int32_t a02 = qc_load4(ab), a13 = qc_load4(ab + 2), b02 = qc_load4(ab + 4), b13 = qc_load4(ab + 6);
        s00 = qc_smlad(a13, qc_sxtb16_odd(u), qc_smlad(a02, qc_sxtb16(u), s00));
        s10 = qc_smlad(a13, qc_sxtb16_odd(v), qc_smlad(a02, qc_sxtb16(v), s10));
        s01 = qc_smlad(b13, qc_sxtb16_odd(u), qc_smlad(b02, qc_sxtb16(u), s01));
        s11 = qc_smlad(b13, qc_sxtb16_odd(v), qc_smlad(b02, qc_sxtb16(v), s11));
    }
#endif
    for (k = 0; k < tail; ++k, ab += 2) {
        s00 += (int32_t)ab[0] * w[k];
        s01 += (int32_t)ab[1] * w[k];
        s10 += (int32_t)ab[0] * w[tail + k];
        s11 += (int32_t)ab[1] * w[tail + k];
    }
    acc[0] = s00;
    acc[1] = s01;
    acc[2] = s10;
    acc[3] = s11;
    return w + 2 * tail;
}

/* qc_pairs_by's `clamp` for layers whose sums are stored, not requantized, and for int8-affine layers
 * requantized from registers by their qc_rescale table (the QC_CLAMP_ modes of qc_dsp.h requantize
 * fixed-point sums). */
#define QC_PAIRS_STORE (-1)
#define QC_PAIRS_AFFINE (-2)

/* One output from its sum: with QC_PAIRS_AFFINE the rescaling q, the offset and the clamp; with a
 * QC_CLAMP_ mode the floor shift by s of the rounded sum and that clamp. */
static QC_ALWAYS_INLINE int8_t qc_pairs_out(int32_t acc, int clamp, int s, const qc_rescale *q, int32_t offset, int32_t lo, int32_t hi)
{
    if (clamp == QC_PAIRS_AFFINE) {
        return (int8_t)qc_clamp_by(qc_rescale_apply(acc, *q, 1) + offset, QC_CLAMP_ANY, lo, hi);
    }
    return (int8_t)qc_clamp_by(qc_floor_shift_s32(acc, s), clamp, lo, hi);
}

/* Every channel of the two lanes of ab: the pairs, then an odd last row (qc_dot_1x2), each into
 * ya and yb (yb null: one lane) through qc_pairs_out or, with QC_PAIRS_STORE, into sums_a and
 * sums_b. `clamp` and `any` (qc_dot_pair) are constants at each call, so every copy keeps only its
 * own code. */
static QC_ALWAYS_INLINE void qc_pairs_by(const int8_t *w, const int16_t *ab, int32_t taps, int32_t channels, const int32_t *bias,
                                         const int8_t *shift, const qc_rescale *table, int32_t offset, int32_t step, int clamp, int any,
                                         int32_t lo, int32_t hi, int8_t *ya, int8_t *yb, int32_t *sums_a, int32_t *sums_b)
{
    const int affine = clamp == QC_PAIRS_AFFINE;
    int32_t k;
    for (k = channels >> 1; k > 0; --k) {
        int32_t acc[4];
        acc[0] = acc[1] = bias[0];
        acc[2] = acc[3] = bias[1];
        bias += 2;
        w = qc_dot_pair(w, ab, taps, acc, any);
        if (clamp == QC_PAIRS_STORE) {
            sums_a[0] = acc[0];
            sums_a[1] = acc[2];
            sums_b[0] = acc[1];
            sums_b[1] = acc[3];
            sums_a += 2;
            sums_b += 2;
        } else {
            /* Channel 0's and 1's shifts, or rescalings. */
            const int s0 = affine ? 0 : shift[0], s1 = affine ? 0 : shift[step];
            const qc_rescale *const q0 = table, *const q1 = affine ? table + step : 0;
            if (affine) {
                table += 2 * step;
            } else {
                shift += 2 * step;
            }
            ya[0] = qc_pairs_out(acc[0], clamp, s0, q0, offset, lo, hi);
            ya[1] = qc_pairs_out(acc[2], clamp, s1, q1, offset, lo, hi);
            ya += 2;
            if (yb) {
                yb[0] = qc_pairs_out(acc[1], clamp, s0, q0, offset, lo, hi);
                yb[1] = qc_pairs_out(acc[3], clamp, s1, q1, offset, lo, hi);
                yb += 2;
            }
        }
    }
    if (channels & 1) {
        int32_t acc[2];
        acc[0] = acc[1] = bias[0];
        qc_dot_1x2(w, ab, taps, acc);
        if (clamp == QC_PAIRS_STORE) {
            sums_a[0] = acc[0];
            sums_b[0] = acc[1];
        } else {
            const int s = affine ? 0 : shift[0];
            ya[0] = qc_pairs_out(acc[0], clamp, s, table, offset, lo, hi);
            if (yb) {
                yb[0] = qc_pairs_out(acc[1], clamp, s, table, offset, lo, hi);
            }
        }
    }
}

/* The sums of every channel of both lanes into sums_a and sums_b. */
static QC_NOINLINE void qc_pairs_sums(const int8_t *w, const int16_t *ab, int32_t taps, int32_t channels, const int32_t *bias,
                                      int32_t *sums_a, int32_t *sums_b)
{
    qc_pairs_by(w, ab, taps, channels, bias, 0, 0, 0, 0, QC_PAIRS_STORE, 1, 0, 0, 0, 0, sums_a, sums_b);
}

/* Writes the biases with their rounding terms into `rounded` and returns 1 when a fixed-point layer
 * can requantize from registers: every shift a rounding right shift of 1 to 30, and every sum plus
 * its rounding term inside int32 (|bias| + 2^(s-1) + taps * 2^14, a product of two int8 values
 * being at most 2^14 in magnitude). Once per call. */
static inline int qc_pairs_round_biases(const int32_t *bias, const int8_t *shift, int32_t step, int32_t channels, int32_t taps,
                                        int32_t *rounded)
{
    const int64_t products = (int64_t)taps * 16384;
    int32_t o;
    for (o = 0; o < channels; ++o) {
        const int s = shift[o * step];
        int64_t b;
        if (s < 1 || s > 30) {
            return 0;
        }
        b = (int64_t)bias[o] + ((int64_t)1 << (s - 1));
        if (b + products > INT32_MAX || b - products < INT32_MIN) {
            return 0;
        }
        rounded[o] = (int32_t)b;
    }
    return 1;
}

/* Every channel of both lanes requantized from registers (after qc_pairs_round_biases): ya, and yb
 * unless it is null. Rows of a multiple of 8 taps with an int8 or ReLU clamp (one SSAT or USAT)
 * have copies of their own; the rest share one. */
static QC_NOINLINE void qc_pairs_fixed(const int8_t *w, const int16_t *ab, int32_t taps, int32_t channels, const int32_t *rounded,
                                       const int8_t *shift, int32_t step, int32_t lo, int32_t hi, int8_t *ya, int8_t *yb)
{
    const int clamp = qc_clamp_mode(lo, hi), common = (taps & 7) == 0;
    if (common && clamp == QC_CLAMP_S8) {
        qc_pairs_by(w, ab, taps, channels, rounded, shift, 0, 0, step, QC_CLAMP_S8, 0, lo, hi, ya, yb, 0, 0);
    } else if (common && clamp == QC_CLAMP_RELU7) {
        qc_pairs_by(w, ab, taps, channels, rounded, shift, 0, 0, step, QC_CLAMP_RELU7, 0, lo, hi, ya, yb, 0, 0);
    } else {
        qc_pairs_by(w, ab, taps, channels, rounded, shift, 0, 0, step, QC_CLAMP_ANY, 1, lo, hi, ya, yb, 0, 0);
    }
}

/* Every channel of both lanes of an int8-affine layer whose rescalings all take qc_rescale's form
 * (qc_rescales_right's table; convolutions round twice), requantized from registers. */
static QC_NOINLINE void qc_pairs_affine(const int8_t *w, const int16_t *ab, int32_t taps, int32_t channels, const int32_t *bias,
                                        const qc_rescale *table, int32_t step, int32_t offset, int32_t lo, int32_t hi, int8_t *ya,
                                        int8_t *yb)
{
    if ((taps & 7) == 0) {
        qc_pairs_by(w, ab, taps, channels, bias, 0, table, offset, step, QC_PAIRS_AFFINE, 0, lo, hi, ya, yb, 0, 0);
    } else {
        qc_pairs_by(w, ab, taps, channels, bias, 0, table, offset, step, QC_PAIRS_AFFINE, 1, lo, hi, ya, yb, 0, 0);
    }
}

#endif /* QC_DSP_PAIRS_H */
