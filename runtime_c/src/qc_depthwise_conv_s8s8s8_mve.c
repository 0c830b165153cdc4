/*
 * qc_depthwise_conv_s8s8s8 for cores with Helium (MVE): the same outputs (qc_kernels.h), with the
 * weights in [kernel_h][kernel_w][channels] order as for the _dsp variant. Four neighbouring
 * channels are four int32 lanes: per tap, two widening loads, a multiply and an add; a last group
 * of fewer than four channels runs with a tail predicate.
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"
#include "qc_mve.h"

void qc_depthwise_conv_s8s8s8_mve(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                  const int8_t *shift, int8_t *y)
{
    const int32_t channels = p->out_c;
    const int32_t x_tap = p->dilation_w * channels, x_row = p->dilation_h * p->in_w * channels;
    const int32_t w_row = p->kernel_w * channels;
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
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
                qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
                x_first = ((iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0 * p->dilation_w) * channels;
                w_first = (ky0 * p->kernel_w + kx0) * channels;
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
                    qc_requant4_s8(rq, c, acc0, out + c, 4);
                    qc_requant4_s8(rq, c + 4, acc1, out + c + 4, 4);
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
                    qc_requant4_s8(rq, c, acc, out + c, count);
                }
            }
        }
    }
}
