/*
 * Template of qc_depthwise_conv_s8s8s8_dsp and qc_depthwise_conv_affine_s8s8s8_dsp (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with the DSP extension: the same outputs
 * as the portable kernels (qc_kernels.h), with
 * the weights in [kernel_h][kernel_w][channels] order (the emitter reorders them), so four
 * neighbouring channels of a tap are one word in both x and w. Per tap and four channels: two
 * loads, four SXTB16 and four 16x16 multiply-accumulates (SMLABB/SMLATT on the halves).
 * The valid part of the window is found once per output position; channels beyond a multiple of
 * four are summed one by one. The int8-affine instance adds pad_value times the weights of the taps
 * outside the input, at the positions whose window the input clips.
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

#if QC_AFFINE
#define QC_OUT(o, acc) qc_requant_affine_s8(rq, o, acc, 0)

/* Four channels' sums over the taps outside rows [ky0, ky1) x columns [kx0, kx1): the padding, whose
 * four int8 values pad4 holds, times the weights ([taps][channels] order). */
static void outside4(const qc_conv_affine_params *p, const int8_t *w, int32_t pad4, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                     int32_t *s0, int32_t *s1, int32_t *s2, int32_t *s3)
{
    int32_t ky, kx;
    for (ky = 0; ky < p->kernel_h; ++ky) {
        for (kx = 0; kx < p->kernel_w; ++kx) {
            if (ky < ky0 || ky >= ky1 || kx < kx0 || kx >= kx1) {
                qc_tap4(pad4, qc_load4(w + (ky * p->kernel_w + kx) * p->out_c), s0, s1, s2, s3);
            }
        }
    }
}

/* The same for one channel. */
static int32_t outside1(const qc_conv_affine_params *p, const int8_t *w, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1)
{
    int32_t ky, kx, sum = 0;
    for (ky = 0; ky < p->kernel_h; ++ky) {
        for (kx = 0; kx < p->kernel_w; ++kx) {
            if (ky < ky0 || ky >= ky1 || kx < kx0 || kx >= kx1) {
                sum += p->pad_value * w[(ky * p->kernel_w + kx) * p->out_c];
            }
        }
    }
    return sum;
}

void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int8_t *y)
#else
#define QC_OUT(o, acc) qc_requant_s8(rq, o, acc)
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int8_t *y)
#endif
{
    const int32_t channels = p->out_c;
    const int32_t x_tap = p->dilation_w * channels, x_row = p->dilation_h * p->in_w * channels;
    const int32_t w_row = p->kernel_w * channels;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    const int32_t pad4 = (int32_t)(0x01010101u * (uint8_t)p->pad_value);
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int32_t b, oy, ox, c, ky, kx;
    for (b = 0; b < p->batch; ++b) {
        const int8_t *xb = x + b * p->in_h * p->in_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            qc_valid_range(iy0, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                int8_t *out = y + ((b * p->out_h + oy) * p->out_w + ox) * channels;
                int32_t kx0, kx1, x_first, w_first;
#if QC_AFFINE
                int clipped;
#endif
                qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
                x_first = ((iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0 * p->dilation_w) * channels;
                w_first = (ky0 * p->kernel_w + kx0) * channels;
#if QC_AFFINE
                clipped = p->pad_value != 0 && (ky0 > 0 || ky1 < p->kernel_h || kx0 > 0 || kx1 < p->kernel_w);
#endif
                for (c = 0; c + 3 < channels; c += 4) {
                    int32_t s0 = bias[c], s1 = bias[c + 1], s2 = bias[c + 2], s3 = bias[c + 3];
                    const int8_t *xr = xb + x_first + c, *wr = w + w_first + c;
                    for (ky = ky0; ky < ky1; ++ky, xr += x_row, wr += w_row) {
                        const int8_t *xp = xr, *wp = wr;
                        for (kx = kx1 - kx0; kx > 0; --kx, xp += x_tap, wp += channels) {
                            qc_tap4(qc_load4(xp), qc_load4(wp), &s0, &s1, &s2, &s3);
                        }
                    }
#if QC_AFFINE
                    if (clipped) {
                        outside4(p, w + c, pad4, ky0, ky1, kx0, kx1, &s0, &s1, &s2, &s3);
                    }
#endif
                    out[c] = QC_OUT(c, s0);
                    out[c + 1] = QC_OUT(c + 1, s1);
                    out[c + 2] = QC_OUT(c + 2, s2);
                    out[c + 3] = QC_OUT(c + 3, s3);
                }
                for (; c < channels; ++c) {
                    int32_t s = bias[c];
                    const int8_t *xr = xb + x_first + c, *wr = w + w_first + c;
                    for (ky = ky0; ky < ky1; ++ky, xr += x_row, wr += w_row) {
                        for (kx = 0; kx < kx1 - kx0; ++kx) {
                            s += (int32_t)xr[kx * x_tap] * wr[kx * channels];
                        }
                    }
#if QC_AFFINE
                    if (clipped) {
                        s += outside1(p, w + c, ky0, ky1, kx0, kx1);
                    }
#endif
                    out[c] = QC_OUT(c, s);
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_OUT
