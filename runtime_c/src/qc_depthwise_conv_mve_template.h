/*
 * Template of qc_depthwise_conv_s8s8s8_mve and qc_depthwise_conv_affine_s8s8s8_mve (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with Helium (MVE): the same outputs as the
 * portable kernels (qc_kernels.h), with the weights in [kernel_h][kernel_w][channels] order as for
 * the _dsp variants. Four neighbouring channels are four int32 lanes: per tap, two widening loads,
 * a multiply and an add; a last group of fewer than four channels runs with a tail predicate.
 * The int8-affine instance adds pad_value times the weights of the taps outside the input, at the
 * positions whose window the input clips.
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"
#include "qc_mve.h"

#if QC_AFFINE
#define QC_OUT4(o, lanes, y, count) qc_requant4_affine_s8(rq, o, lanes, y, count)

/* acc plus the taps outside rows [ky0, ky1) x columns [kx0, kx1) of `count` channels: the padding
 * (pads: four copies of it) times the weights ([taps][channels] order). */
static qc_lanes4 outside(const qc_conv_affine_params *p, const int8_t *w, const int8_t pads[4], int32_t count, int32_t ky0, int32_t ky1,
                         int32_t kx0, int32_t kx1, qc_lanes4 acc)
{
    int32_t ky, kx;
    for (ky = 0; ky < p->kernel_h; ++ky) {
        for (kx = 0; kx < p->kernel_w; ++kx) {
            if (ky < ky0 || ky >= ky1 || kx < kx0 || kx >= kx1) {
                acc = qc_lanes4_mac(acc, pads, w + (ky * p->kernel_w + kx) * p->out_c, count);
            }
        }
    }
    return acc;
}

void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int8_t *y)
#else
#define QC_OUT4(o, lanes, y, count) qc_requant4_s8(rq, o, lanes, y, count)
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int8_t *y)
#endif
{
    const int32_t channels = p->out_c;
    const int32_t x_tap = p->dilation_w * channels, x_row = p->dilation_h * p->in_w * channels;
    const int32_t w_row = p->kernel_w * channels;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    int8_t pads[4];
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int32_t b, oy, ox, c, ky, kx;
#if QC_AFFINE
    pads[0] = pads[1] = pads[2] = pads[3] = (int8_t)p->pad_value;
#endif
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
                /* Eight channels per pass: two lane vectors share the loop and pointer work. */
                for (c = 0; c + 7 < channels; c += 8) {
                    const int8_t *xr = xb + x_first + c, *wr = w + w_first + c;
                    qc_lanes4 acc0 = qc_lanes4_load32(bias + c, 4), acc1 = qc_lanes4_load32(bias + c + 4, 4);
                    for (ky = ky0; ky < ky1; ++ky, xr += x_row, wr += w_row) {
                        const int8_t *xp = xr, *wp = wr;
                        for (kx = kx1 - kx0; kx > 0; --kx, xp += x_tap, wp += channels) {
                            acc0 = qc_lanes4_mac4(acc0, xp, wp);
                            acc1 = qc_lanes4_mac4(acc1, xp + 4, wp + 4);
                        }
                    }
#if QC_AFFINE
                    if (clipped) {
                        acc0 = outside(p, w + c, pads, 4, ky0, ky1, kx0, kx1, acc0);
                        acc1 = outside(p, w + c + 4, pads, 4, ky0, ky1, kx0, kx1, acc1);
                    }
#endif
                    QC_OUT4(c, acc0, out + c, 4);
                    QC_OUT4(c + 4, acc1, out + c + 4, 4);
                }
                for (; c < channels; c += 4) {
                    const int32_t count = channels - c < 4 ? channels - c : 4;
                    const int8_t *xr = xb + x_first + c, *wr = w + w_first + c;
                    qc_lanes4 acc = qc_lanes4_load32(bias + c, count);
                    for (ky = ky0; ky < ky1; ++ky, xr += x_row, wr += w_row) {
                        const int8_t *xp = xr, *wp = wr;
                        for (kx = kx1 - kx0; kx > 0; --kx, xp += x_tap, wp += channels) {
                            acc = qc_lanes4_mac(acc, xp, wp, count);
                        }
                    }
#if QC_AFFINE
                    if (clipped) {
                        acc = outside(p, w + c, pads, count, ky0, ky1, kx0, kx1, acc);
                    }
#endif
                    QC_OUT4(c, acc, out + c, count);
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_OUT4
