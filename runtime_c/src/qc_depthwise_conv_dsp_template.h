/*
 * Template of qc_depthwise_conv_s8s8s8_dsp and qc_depthwise_conv_affine_s8s8s8_dsp (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with the DSP extension: the same outputs
 * as the portable kernels (qc_kernels.h).
 *
 * Weights in channel groups (the emitter reorders them, qc_kernels.h): for each group of four
 * channels, its taps in [kernel_h][kernel_w] order, four bytes per tap; then the channels beyond a
 * multiple of four, [taps][channels]. A group's 4 * taps weight bytes are thus contiguous, and a 3x3
 * window reads them at constant offsets. Four neighbouring channels of a tap are one word in x too:
 * per tap and four channels, two loads, four SXTB16 and four 16x16 multiply-accumulates
 * (SMLABB/SMLATT on the halves).
 *
 * A position whose window lies inside the input runs without bounds checks (3x3 windows fully
 * unrolled); at the border only the valid taps are summed. There the int8-affine instance, whose
 * outside taps read pad_value, sums (x - pad_value) * w (one SSUB16 per pair of channels) from the
 * bias plus pad_value times all the taps' weights, found once per call. A position's sums go to
 * `scratch` (one int32 per channel) and are requantized in a loop of their own; the int8-affine
 * instance keeps its rescaling constants (qc_rescale) and the border's bias after them.
 */
#include "qc_arith.h"
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"

/* One tap of four channels: s_k += x_k * w_k. */
static inline void qc_tap4(int32_t xv, int32_t wv, int32_t *s0, int32_t *s1, int32_t *s2, int32_t *s3)
{
    int32_t xs = qc_sxtb16(xv), ws = qc_sxtb16(wv);
    *s0 = qc_smlabb(xs, ws, *s0);
    *s2 = qc_smlatt(xs, ws, *s2);
    xs = qc_sxtb16_odd(xv);
    ws = qc_sxtb16_odd(wv);
    *s1 = qc_smlabb(xs, ws, *s1);
    *s3 = qc_smlatt(xs, ws, *s3);
}

/* qc_tap4 of x - pad (pad_pair: pad in both halves), exact as int16 halves for int8 x and pad. */
static inline void qc_tap4_moved(int32_t xv, int32_t wv, int32_t pad_pair, int32_t *s0, int32_t *s1, int32_t *s2, int32_t *s3)
{
    int32_t xs = qc_ssub16(qc_sxtb16(xv), pad_pair), ws = qc_sxtb16(wv);
    *s0 = qc_smlabb(xs, ws, *s0);
    *s2 = qc_smlatt(xs, ws, *s2);
    xs = qc_ssub16(qc_sxtb16_odd(xv), pad_pair);
    ws = qc_sxtb16_odd(wv);
    *s1 = qc_smlabb(xs, ws, *s1);
    *s3 = qc_smlatt(xs, ws, *s3);
}

/* s[k] = from[k] + the products of four channels (x at the first valid tap, w at the group's
 * weights) over the valid taps, rows [ky0, ky1) and columns [kx0, kx1); with `moved` (a constant
 * where this inlines) of x - pad. */
static inline void qc_valid_taps4(const int8_t *x, const int8_t *w, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1, int32_t kernel_w,
                                  int32_t x_tap, int32_t x_row, int moved, int32_t pad_pair, const int32_t *from, int32_t *s)
{
    int32_t s0 = from[0], s1 = from[1], s2 = from[2], s3 = from[3], ky, kx;
    for (ky = ky0; ky < ky1; ++ky, x += x_row) {
        const int8_t *xp = x, *wp = w + 4 * (ky * kernel_w + kx0);
        for (kx = kx0; kx < kx1; ++kx, xp += x_tap, wp += 4) {
            if (moved) {
                qc_tap4_moved(qc_load4(xp), qc_load4(wp), pad_pair, &s0, &s1, &s2, &s3);
            } else {
                qc_tap4(qc_load4(xp), qc_load4(wp), &s0, &s1, &s2, &s3);
            }
        }
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
}

/* The sums of `groups` groups of four channels over a 3x3 window inside the input, whose top-left
 * tap of channel 0 is at x: sums[c] = bias[c] + the window's products. Out of line, so that its one
 * walking pointer, the two steps and the four sums stay in registers: the only stack traffic is
 * once per group. */
static QC_NOINLINE void qc_window3x3_sums(const int8_t *x, const int8_t *w, const int32_t *bias, int32_t groups, int32_t x_tap,
                                          int32_t x_row, int32_t *sums)
{
    const int32_t next_row = x_row - 2 * x_tap;
    int32_t g;
    for (g = 0; g < groups; ++g, x += 4, w += 36, bias += 4, sums += 4) {
        int32_t s0 = bias[0], s1 = bias[1], s2 = bias[2], s3 = bias[3];
        const int8_t *xp = x;
        qc_tap4(qc_load4(xp), qc_load4(w), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += x_tap), qc_load4(w + 4), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += x_tap), qc_load4(w + 8), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += next_row), qc_load4(w + 12), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += x_tap), qc_load4(w + 16), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += x_tap), qc_load4(w + 20), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += next_row), qc_load4(w + 24), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp += x_tap), qc_load4(w + 28), &s0, &s1, &s2, &s3);
        qc_tap4(qc_load4(xp + x_tap), qc_load4(w + 32), &s0, &s1, &s2, &s3);
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }
}

#if QC_AFFINE
void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int32_t *scratch, int8_t *y)
#else
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int32_t *scratch,
             int8_t *y)
#endif
{
    const int32_t channels = p->out_c, grouped = channels & ~3, taps = p->kernel_h * p->kernel_w;
    const int32_t kernel_h = p->kernel_h, kernel_w = p->kernel_w;
    const int32_t x_tap = p->dilation_w * channels, x_row = p->dilation_h * p->in_w * channels;
    const int is3x3 = kernel_h == 3 && kernel_w == 3;
    const int8_t *const w_tail = w + grouped * taps;
    const int32_t tail = channels - grouped;
    int32_t b, oy, ox, c, ky, kx;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    /* After the sums and the clipped windows' bias: the rescaling table (QC_DEPTHWISE_CONV_AFFINE_DSP_SCRATCH_BYTES). */
    const qc_rescale *const fast = qc_rescales_right(multiplier, shift, p->shift_count, (qc_rescale *)(void *)(scratch + 2 * channels));
    const int32_t pad_value = p->pad_value;
    const int32_t pad4 = (int32_t)(0x01010101u * (uint8_t)pad_value);
    const int32_t pad_pair = (int32_t)(0x00010001u * (uint16_t)pad_value);
    /* The bias of a clipped window's sums over (x - pad_value) * w: bias + pad_value * sum of w. */
    int32_t *const clipped_bias = scratch + channels;
    for (c = 0; c < grouped; c += 4) {
        int32_t s0 = bias[c], s1 = bias[c + 1], s2 = bias[c + 2], s3 = bias[c + 3], t;
        for (t = 0; t < taps; ++t) {
            qc_tap4(pad4, qc_load4(w + c * taps + 4 * t), &s0, &s1, &s2, &s3);
        }
        clipped_bias[c] = s0;
        clipped_bias[c + 1] = s1;
        clipped_bias[c + 2] = s2;
        clipped_bias[c + 3] = s3;
    }
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
    const int fast = qc_shifts_plain(shift, p->shift_count);
#endif
    for (b = 0; b < p->batch; ++b) {
        const int8_t *xb = x + b * p->in_h * p->in_w * channels;
        int8_t *out = y + b * p->out_h * p->out_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            qc_valid_range(iy0, p->dilation_h, kernel_h, p->in_h, &ky0, &ky1);
            for (ox = 0; ox < p->out_w; ++ox, out += channels) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                int32_t kx0, kx1;
                const int8_t *x_first, *wg;
                int inside;
                qc_valid_range(ix0, p->dilation_w, kernel_w, p->in_w, &kx0, &kx1);
                inside = ky0 == 0 && ky1 == kernel_h && kx0 == 0 && kx1 == kernel_w;
                /* The first valid tap of channel 0. */
                x_first = xb + ((iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0 * p->dilation_w) * channels;
                c = 0;
                if (inside && is3x3) {
                    qc_window3x3_sums(x_first, w, bias, grouped / 4, x_tap, x_row, scratch);
                    c = grouped;
                }
#if QC_AFFINE
                if (!inside && pad_value != 0) {
                    for (wg = w + c * taps; c < grouped; c += 4, wg += 4 * taps) {
                        qc_valid_taps4(x_first + c, wg, ky0, ky1, kx0, kx1, kernel_w, x_tap, x_row, 1, pad_pair, clipped_bias + c, scratch + c);
                    }
                }
#endif
                for (wg = w + c * taps; c < grouped; c += 4, wg += 4 * taps) {
                    qc_valid_taps4(x_first + c, wg, ky0, ky1, kx0, kx1, kernel_w, x_tap, x_row, 0, 0, bias + c, scratch + c);
                }
                for (; c < channels; ++c) {
                    const int8_t *wc = w_tail + (c - grouped);
                    int32_t s = bias[c];
                    for (ky = 0; ky < kernel_h; ++ky) {
                        for (kx = 0; kx < kernel_w; ++kx) {
                            const int32_t wt = wc[(ky * kernel_w + kx) * tail];
                            if (ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1) {
                                s += wt * x_first[(ky - ky0) * x_row + (kx - kx0) * x_tap + c];
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

#undef QC_NAME
#undef QC_AFFINE
