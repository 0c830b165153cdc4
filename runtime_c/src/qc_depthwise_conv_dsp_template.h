/*
 * Template of qc_depthwise_conv_s8s8s8_dsp and qc_depthwise_conv_affine_s8s8s8_dsp (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with the DSP extension: the same outputs
 * as the portable kernels (qc_kernels.h).
 *
 * Each input element takes part in up to kernel_h * kernel_w windows, so it is widened to int16
 * once, into a ring of padded input rows in scratch, rather than once per window. A row of the ring
 * holds, per group of four channels, one column per input column plus zero columns for the padding,
 * each column two words: channels 0 and 2, then 1 and 3, as int16 halves (what SXTB16 makes of four
 * bytes). Rows above or below the input are zero rows. The weights are widened the same way, once
 * per call, into a block per group between the group's four biases and its four shifts. Every window then lies
 * inside the ring, and a tap of four channels is two LDRD and four 16x16 multiply-accumulates
 * (SMLABB/SMLATT on the halves). The int8-affine instance, whose outside taps read pad_value,
 * stores x - pad_value (exact in int16) and starts from the bias plus pad_value times all the taps'
 * weights: the padding then adds nothing, as in the fixed-point instance.
 *
 * Weights in channel groups (the emitter reorders them, qc_kernels.h): for each group of four
 * channels, its taps in [kernel_h][kernel_w] order, four bytes per tap; then the channels beyond a
 * multiple of four, [taps][channels], which are summed from x directly. A position's sums go to
 * `scratch` (one int32 per channel) and are requantized in a loop of their own. After them come the
 * int8-affine instance's rescaling constants (qc_rescale), the blocks and the ring
 * (QC_DEPTHWISE_CONV_DSP_SCRATCH_BYTES).
 */
#include "qc_arith.h"
#include "qc_dsp_pairs.h"
#include "qc_kernels.h"
#include "qc_window.h"

/* One tap of four channels: s_k += x_k * w_k, x and w as two words each of int16 halves (channels 0
 * and 2, then 1 and 3). */
static inline void qc_tap4_wide(const int32_t *x, const int32_t *w, int32_t *s0, int32_t *s1, int32_t *s2, int32_t *s3)
{
    *s0 = qc_smlabb(x[0], w[0], *s0);
    *s2 = qc_smlatt(x[0], w[0], *s2);
    *s1 = qc_smlabb(x[1], w[1], *s1);
    *s3 = qc_smlatt(x[1], w[1], *s3);
}

/* Input row `row` (NULL: a row of the padding) into a ring row: per group, `width` columns, input
 * column ix at ring column ix + pad_left, zeros elsewhere; with `moved` (a constant where this
 * inlines) x - pad (pad_pair: pad in both halves). */
static QC_ALWAYS_INLINE void qc_widen_row(const int8_t *row, int32_t *ring_row, int32_t groups, int32_t width, int32_t channels,
                                          int32_t in_w, int32_t pad_left, int moved, int32_t pad_pair)
{
    const int32_t first = pad_left < width ? pad_left : width;
    const int32_t end = row == 0 ? first : (pad_left + in_w < width ? pad_left + in_w : width);
    int32_t g, col;
    for (g = 0; g < groups; ++g, ring_row += 2 * width) {
        int32_t *out = ring_row;
        const int8_t *in = row != 0 ? row + 4 * g : row;
        for (col = 0; col < first; ++col, out += 2) {
            out[0] = 0;
            out[1] = 0;
        }
        for (; col < end; ++col, out += 2, in += channels) {
            const int32_t v = qc_load4(in);
            out[0] = moved ? qc_ssub16(qc_sxtb16(v), pad_pair) : qc_sxtb16(v);
            out[1] = moved ? qc_ssub16(qc_sxtb16_odd(v), pad_pair) : qc_sxtb16_odd(v);
        }
        for (; col < width; ++col, out += 2) {
            out[0] = 0;
            out[1] = 0;
        }
    }
}

/* The sums of `groups` groups of four channels over a 3x3 window of the ring (dilation 1) whose rows
 * start at r0, r1, r2 (group 0, the window's first column; a group's rows are group_row bytes
 * apart): the block's bias + the window's products. The blocks (per group: four int32 biases, nine
 * taps of two words of int16 weights, the four channels' shifts as bytes) are walked by one pointer.
 * With `clamp` QC_PAIRS_STORE the sums go to sums[c]; with QC_CLAMP_S8 or QC_CLAMP_RELU7 (biases
 * holding their rounding terms, qc_dsp_pairs.h) each group's four outputs are floor-shifted,
 * clamped by one SSAT or USAT each and stored as one word at out. Per group, 66 instructions for
 * 36 MACs (plus 13 to requantize): per tap two LDRD and four SMLABB/SMLATT; in assembly, because
 * GCC spills the fourteen live values (three rows, the blocks, the sums, four sums, two words of x
 * and two of w) and copies pointers. */
static QC_ALWAYS_INLINE void qc_window3x3_by(const int32_t *r0, const int32_t *r1, const int32_t *r2, const int32_t *blocks, int32_t groups,
                                             int32_t group_row, int32_t *sums, int8_t *out, int clamp)
{
#if QC_DSP_NATIVE
    int32_t s0, s1, s2, s3, x02, x13, w02, w13;
    const void *const end = clamp == QC_PAIRS_STORE ? (const void *)(sums + 4 * groups) : (const void *)(out + 4 * groups);
    if (groups <= 0) {
        return;
    }
#define QC_WIDE_TAP(row, offset)                           \
    "ldrd   %[x02], %[x13], [%[" row "], #" offset "]\n\t" \
    "ldrd   %[w02], %[w13], [%[b]], #8\n\t"                \
    "smlabb %[s0], %[x02], %[w02], %[s0]\n\t"              \
    "smlatt %[s2], %[x02], %[w02], %[s2]\n\t"              \
    "smlabb %[s1], %[x13], %[w13], %[s1]\n\t"              \
    "smlatt %[s3], %[x13], %[w13], %[s3]\n\t"
#define QC_WINDOW_SUMS                                                               \
    "ldrd   %[s0], %[s1], [%[b]], #8\n\t"                                            \
    "ldrd   %[s2], %[s3], [%[b]], #8\n\t"                                            \
    QC_WIDE_TAP("r0", "0") QC_WIDE_TAP("r0", "8") QC_WIDE_TAP("r0", "16")            \
    QC_WIDE_TAP("r1", "0") QC_WIDE_TAP("r1", "8") QC_WIDE_TAP("r1", "16")            \
    QC_WIDE_TAP("r2", "0") QC_WIDE_TAP("r2", "8") QC_WIDE_TAP("r2", "16")
/* The four floor shifts by the block's shift bytes (ASR by a register reads its low byte). */
#define QC_WINDOW_SHIFTS                    \
    "ldr    %[x02], [%[b]], #4\n\t"         \
    "asr    %[s0], %[s0], %[x02]\n\t"       \
    "lsr    %[x02], %[x02], #8\n\t"         \
    "asr    %[s1], %[s1], %[x02]\n\t"       \
    "lsr    %[x02], %[x02], #8\n\t"         \
    "asr    %[s2], %[s2], %[x02]\n\t"       \
    "lsr    %[x02], %[x02], #8\n\t"         \
    "asr    %[s3], %[s3], %[x02]\n\t"
#define QC_WINDOW_PACK                      \
    "bfi    %[s0], %[s1], #8, #8\n\t"       \
    "bfi    %[s0], %[s2], #16, #8\n\t"      \
    "bfi    %[s0], %[s3], #24, #8\n\t"      \
    "str    %[s0], [%[y]], #4\n\t"
#define QC_WINDOW_NEXT                      \
    "ldr    %[x02], %[step]\n\t"            \
    "add    %[r0], %[r0], %[x02]\n\t"       \
    "add    %[r1], %[r1], %[x02]\n\t"       \
    "add    %[r2], %[r2], %[x02]\n\t"       \
    "ldr    %[x02], %[end]\n\t"             \
    "cmp    %[y], %[x02]\n\t"               \
    "bne    1b\n\t"
#define QC_WINDOW_OPERANDS                                                                                                     \
    : [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3), [x02] "=&r"(x02), [x13] "=&r"(x13), [w02] "=&r"(w02), \
      [w13] "=&r"(w13), [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [b] "+r"(blocks), [y] "+r"(y)                          \
    : [step] "m"(group_row), [end] "m"(end)                                                                                \
    : "memory", "cc"
    if (clamp == QC_PAIRS_STORE) {
        int32_t *y = sums;
        __asm__ volatile("1:\n\t" QC_WINDOW_SUMS
                         "strd   %[s0], %[s1], [%[y]], #8\n\t"
                         "strd   %[s2], %[s3], [%[y]], #8\n\t"
                         "add    %[b], %[b], #4\n\t" QC_WINDOW_NEXT QC_WINDOW_OPERANDS);
    } else if (clamp == QC_CLAMP_S8) {
        int8_t *y = out;
        __asm__ volatile("1:\n\t" QC_WINDOW_SUMS QC_WINDOW_SHIFTS
                         "ssat   %[s0], #8, %[s0]\n\t"
                         "ssat   %[s1], #8, %[s1]\n\t"
                         "ssat   %[s2], #8, %[s2]\n\t"
                         "ssat   %[s3], #8, %[s3]\n\t" QC_WINDOW_PACK QC_WINDOW_NEXT QC_WINDOW_OPERANDS);
    } else {
        int8_t *y = out;
        __asm__ volatile("1:\n\t" QC_WINDOW_SUMS QC_WINDOW_SHIFTS
                         "usat   %[s0], #7, %[s0]\n\t"
                         "usat   %[s1], #7, %[s1]\n\t"
                         "usat   %[s2], #7, %[s2]\n\t"
                         "usat   %[s3], #7, %[s3]\n\t" QC_WINDOW_PACK QC_WINDOW_NEXT QC_WINDOW_OPERANDS);
    }
#undef QC_WIDE_TAP
#undef QC_WINDOW_SUMS
#undef QC_WINDOW_SHIFTS
#undef QC_WINDOW_PACK
#undef QC_WINDOW_NEXT
#undef QC_WINDOW_OPERANDS
#else
    const int32_t words = group_row / 4;
    int32_t g, t, k;
    for (g = 0; g < groups; ++g, r0 += words, r1 += words, r2 += words) {
        const int32_t *rows[3];
        int32_t v[4];
        v[0] = blocks[0];
        v[1] = blocks[1];
        v[2] = blocks[2];
        v[3] = blocks[3];
        rows[0] = r0;
        rows[1] = r1;
        rows[2] = r2;
        for (t = 0, blocks += 4; t < 9; ++t, blocks += 2) {
            qc_tap4_wide(rows[t / 3] + 2 * (t % 3), blocks, &v[0], &v[1], &v[2], &v[3]);
        }
        for (k = 0; k < 4; ++k) {
            if (clamp == QC_PAIRS_STORE) {
                sums[4 * g + k] = v[k];
            } else {
                out[4 * g + k] = (int8_t)qc_clamp_by(qc_floor_shift_s32(v[k], ((const int8_t *)blocks)[k]), clamp, clamp == QC_CLAMP_S8 ? -128 : 0, 127);
            }
        }
        blocks += 1;
    }
#endif
}

static QC_NOINLINE void qc_window3x3_wide(const int32_t *r0, const int32_t *r1, const int32_t *r2, const int32_t *blocks, int32_t groups,
                                          int32_t group_row, int32_t *sums)
{
    qc_window3x3_by(r0, r1, r2, blocks, groups, group_row, sums, 0, QC_PAIRS_STORE);
}

#if !QC_AFFINE
/* The outputs of a position straight from registers: `clamp` QC_CLAMP_S8 or QC_CLAMP_RELU7. */
static QC_NOINLINE void qc_window3x3_outputs(const int32_t *r0, const int32_t *r1, const int32_t *r2, const int32_t *blocks, int32_t groups,
                                             int32_t group_row, int8_t *out, int clamp)
{
    if (clamp == QC_CLAMP_S8) {
        qc_window3x3_by(r0, r1, r2, blocks, groups, group_row, 0, out, QC_CLAMP_S8);
    } else {
        qc_window3x3_by(r0, r1, r2, blocks, groups, group_row, 0, out, QC_CLAMP_RELU7);
    }
}
#endif

#if QC_AFFINE
void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int32_t *scratch, int8_t *y)
#else
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int32_t *scratch,
             int8_t *y)
#endif
{
    const int32_t channels = p->out_c, grouped = channels & ~3, groups = grouped / 4, taps = p->kernel_h * p->kernel_w;
    const int32_t kernel_h = p->kernel_h, kernel_w = p->kernel_w, dilation_h = p->dilation_h, dilation_w = p->dilation_w;
    /* The ring: `span` rows (the input rows one window covers), each `width` columns per group. */
    const int32_t span = (kernel_h - 1) * dilation_h + 1, width = QC_DEPTHWISE_CONV_DSP_RING_WIDTH(p);
    const int32_t group_row = 2 * width, ring_row = groups * group_row, in_row = p->in_w * channels, block = 4 + 2 * taps + 1;
    const int is3x3 = kernel_h == 3 && kernel_w == 3 && dilation_h == 1 && dilation_w == 1;
    const int8_t *const w_tail = w + grouped * taps;
    const int32_t tail = channels - grouped;
    int32_t b, oy, ox, c, ky, kx, t;
    int32_t *blocks, *ring;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    /* After the sums: the rescaling table, the blocks, the ring. */
    const qc_rescale *const fast = qc_rescales_right(multiplier, shift, p->shift_count, (qc_rescale *)(void *)(scratch + channels));
    const int32_t pad_value = p->pad_value;
    const int32_t pad_pair = (int32_t)(0x00010001u * (uint16_t)pad_value), pads[2] = {pad_pair, pad_pair};
    blocks = scratch + channels + 3 * p->shift_count;
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
    const int fast = qc_shifts_plain(shift, p->shift_count);
    const int clamp = qc_clamp_mode(p->act_min, p->act_max);
    /* Outputs straight from the 3x3 window's registers: its biases, rounded, first go to scratch. */
    const int fused = is3x3 && tail == 0 && clamp != QC_CLAMP_ANY && qc_pairs_round_biases(bias, shift, rq.shift_step, channels, taps, scratch);
    blocks = scratch + channels;
#endif
    ring = blocks + groups * block;
    /* Per group: its biases (the int8-affine sums over (x - pad_value) * w start from bias +
     * pad_value * the sum of w; fused outputs start from the rounded biases), its taps' weights as
     * int16 pairs, then its four shifts as bytes (used by the fused outputs). */
    for (c = 0; c < grouped; c += 4) {
        int32_t *const blk = blocks + (c / 4) * block, *const wide = blk + 4;
#if QC_AFFINE
        int32_t s0 = bias[c], s1 = bias[c + 1], s2 = bias[c + 2], s3 = bias[c + 3];
        memset(wide + 2 * taps, 0, 4);
#else
        const int32_t *const start = fused ? scratch : bias;
        int32_t s0 = start[c], s1 = start[c + 1], s2 = start[c + 2], s3 = start[c + 3];
        for (t = 0; t < 4; ++t) {
            ((int8_t *)(wide + 2 * taps))[t] = shift[(c + t) * rq.shift_step];
        }
#endif
        for (t = 0; t < taps; ++t) {
            const int32_t wv = qc_load4(w + c * taps + 4 * t);
            wide[2 * t] = qc_sxtb16(wv);
            wide[2 * t + 1] = qc_sxtb16_odd(wv);
#if QC_AFFINE
            qc_tap4_wide(pads, wide + 2 * t, &s0, &s1, &s2, &s3);
#endif
        }
        blk[0] = s0;
        blk[1] = s1;
        blk[2] = s2;
        blk[3] = s3;
    }
    /* The ring row of input row r (r >= -pad_top). */
#define QC_RING_ROW(r) (ring + (((r) + span * p->pad_top) % span) * ring_row)
    for (b = 0; b < p->batch; ++b) {
        const int8_t *xb = x + b * p->in_h * in_row;
        int8_t *out = y + b * p->out_h * p->out_w * channels;
        /* The first input row not yet in the ring. */
        int32_t next = -p->pad_top;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1, iy;
            /* The ring slot of input row iy0; row iy0 + k (k < span) is in slot first_slot + k, wrapped. */
            const int32_t first_slot = (iy0 + span * p->pad_top) % span;
            const int32_t *r0 = ring, *r1 = ring, *r2 = ring;
            for (iy = next > iy0 ? next : iy0; iy < iy0 + span; ++iy) {
                const int8_t *row = iy >= 0 && iy < p->in_h ? xb + iy * in_row : 0;
                int32_t *slot = QC_RING_ROW(iy);
#if QC_AFFINE
                if (pad_value != 0) {
                    qc_widen_row(row, slot, groups, width, channels, p->in_w, p->pad_left, 1, pad_pair);
                } else {
                    qc_widen_row(row, slot, groups, width, channels, p->in_w, p->pad_left, 0, 0);
                }
#else
                qc_widen_row(row, slot, groups, width, channels, p->in_w, p->pad_left, 0, 0);
#endif
            }
            next = iy0 + span;
            qc_valid_range(iy0, dilation_h, kernel_h, p->in_h, &ky0, &ky1);
            if (is3x3) {
                r0 = QC_RING_ROW(iy0);
                r1 = QC_RING_ROW(iy0 + 1);
                r2 = QC_RING_ROW(iy0 + 2);
            }
            for (ox = 0; ox < p->out_w; ++ox, out += channels) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left, column = 2 * ox * p->stride_w;
                int32_t kx0, kx1;
                const int8_t *x_first;
#if !QC_AFFINE
                if (fused) {
                    qc_window3x3_outputs(r0 + column, r1 + column, r2 + column, blocks, groups, 4 * group_row, out, clamp);
                    continue;
                }
#endif
                if (is3x3) {
                    qc_window3x3_wide(r0 + column, r1 + column, r2 + column, blocks, groups, 4 * group_row, scratch);
                } else {
                    for (c = 0; c < grouped; c += 4) {
                        const int32_t *blk = blocks + (c / 4) * block;
                        int32_t s0 = blk[0], s1 = blk[1], s2 = blk[2], s3 = blk[3];
                        for (ky = 0; ky < kernel_h; ++ky) {
                            const int32_t slot = first_slot + ky * dilation_h;
                            const int32_t *xr = ring + (slot < span ? slot : slot - span) * ring_row + (c / 4) * group_row + column;
                            for (kx = 0; kx < kernel_w; ++kx) {
                                qc_tap4_wide(xr + 2 * kx * dilation_w, blk + 4 + 2 * (ky * kernel_w + kx), &s0, &s1, &s2, &s3);
                            }
                        }
                        scratch[c] = s0;
                        scratch[c + 1] = s1;
                        scratch[c + 2] = s2;
                        scratch[c + 3] = s3;
                    }
                }
                /* The channels beyond the groups, from x with the window clipped. */
                qc_valid_range(ix0, dilation_w, kernel_w, p->in_w, &kx0, &kx1);
                x_first = tail > 0 ? xb + ((iy0 + ky0 * dilation_h) * p->in_w + ix0 + kx0 * dilation_w) * channels : xb;
                for (c = grouped; c < channels; ++c) {
                    const int8_t *wc = w_tail + (c - grouped);
                    int32_t s = bias[c];
                    for (ky = 0; ky < kernel_h; ++ky) {
                        for (kx = 0; kx < kernel_w; ++kx) {
                            const int32_t wt = wc[(ky * kernel_w + kx) * tail];
                            if (ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1) {
                                s += wt * x_first[(ky - ky0) * dilation_h * in_row + (kx - kx0) * dilation_w * channels + c];
                            } else {
#if QC_AFFINE
                                s += wt * pad_value;
#endif
                            }
                        }
                    }
                    scratch[c] = s;
                }
#if QC_AFFINE
                qc_requant_affine_run(rq, fast, scratch, channels, out);
#else
                qc_requant_run(rq, fast, scratch, channels, out);
#endif
            }
        }
    }
}

#undef QC_RING_ROW
#undef QC_NAME
#undef QC_AFFINE
