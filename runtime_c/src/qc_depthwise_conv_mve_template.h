/*
 * Template of qc_depthwise_conv_s8s8s8_mve and qc_depthwise_conv_affine_s8s8s8_mve (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with Helium (MVE): the same outputs as the
 * portable kernels (qc_kernels.h), with the weights in [kernel_h][kernel_w][channels] order.
 *
 * Eight neighbouring channels share each pass over the window (qc_lanes8): per tap, their inputs
 * and weights load as one vector of int16 lanes each, whose even and odd lanes VMULLB/VMULLT
 * multiply into two int32 vectors: six vector instructions per tap and eight channels.
 * Channels beyond a multiple of eight go four at a time, the last fewer than four with a tail
 * predicate. A position's sums go to `scratch` (one int32 per channel) and are requantized in a
 * loop of their own (qc_mve.h).
 *
 * In the int8-affine instance the taps outside the input read pad_value. Where the input clips a
 * window, the valid taps are summed as (x - pad_value) * w, starting from the bias plus pad_value
 * times all the taps' weights (found once per call, the second half of scratch): one more vector
 * instruction per tap instead of a pass over the outside taps.
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"
#include "qc_mve.h"

/* The valid window of one output position, rows [ky0, ky1) and columns [kx0, kx1) of the kernel,
 * and the steps between taps and rows in x and in w. */
typedef struct {
    int32_t ky0, ky1, kx0, kx1;
    int32_t x_tap, x_row, w_row, channels;
} qc_dw_window;

/* Eight channels' sums over the valid taps (x and w at the first one), from acc; `moved` (a
 * constant where this inlines): the inputs count as x - offset. */
static inline qc_lanes8 qc_dw_taps8(const qc_dw_window *win, const int8_t *x, const int8_t *w, qc_lanes8 acc, int moved, int32_t offset)
{
    int32_t ky, kx;
    for (ky = win->ky0; ky < win->ky1; ++ky, x += win->x_row, w += win->w_row) {
        const int8_t *xp = x, *wp = w;
        for (kx = win->kx1 - win->kx0; kx > 0; --kx, xp += win->x_tap, wp += win->channels) {
            acc = moved ? qc_lanes8_mac_offset(acc, xp, wp, offset) : qc_lanes8_mac(acc, xp, wp);
        }
    }
    return acc;
}

/* `count` (<= 4) channels' sums over the valid taps, from acc. */
static inline qc_lanes4 qc_dw_lanes(const qc_dw_window *win, const int8_t *x, const int8_t *w, int32_t count, qc_lanes4 acc)
{
    int32_t ky, kx;
    for (ky = win->ky0; ky < win->ky1; ++ky, x += win->x_row, w += win->w_row) {
        const int8_t *xp = x, *wp = w;
        for (kx = win->kx1 - win->kx0; kx > 0; --kx, xp += win->x_tap, wp += win->channels) {
            acc = qc_lanes4_mac(acc, xp, wp, count);
        }
    }
    return acc;
}

#if QC_AFFINE
void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int32_t *scratch, int8_t *y)
#else
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int32_t *scratch,
             int8_t *y)
#endif
{
    const int32_t channels = p->out_c, kernel_h = p->kernel_h, kernel_w = p->kernel_w;
    const int32_t grouped = channels & ~7;
    qc_dw_window win;
    int32_t b, oy, ox, c;
#if QC_AFFINE
    int32_t ky, kx;
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    const int right = qc_rescalings_right(multiplier, shift, p->shift_count, 0);
    const int32_t pad_value = p->pad_value;
    int32_t *const clipped_bias = scratch + channels; /* QC_DEPTHWISE_CONV_AFFINE_MVE_SCRATCH_BYTES */
    for (c = 0; c < grouped; c += 8) {
        qc_lanes8 acc = qc_lanes8_load(bias + c);
        int32_t t;
        for (t = 0; t < kernel_h * kernel_w; ++t) {
            acc = qc_lanes8_mac_scalar(acc, w + t * channels + c, pad_value);
        }
        qc_lanes8_store(clipped_bias + c, acc);
    }
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    win.channels = channels;
    win.x_tap = p->dilation_w * channels;
    win.x_row = p->dilation_h * p->in_w * channels;
    win.w_row = kernel_w * channels;
    for (b = 0; b < p->batch; ++b) {
        const int8_t *xb = x + b * p->in_h * p->in_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            qc_valid_range(iy0, p->dilation_h, kernel_h, p->in_h, &win.ky0, &win.ky1);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                int8_t *out = y + ((b * p->out_h + oy) * p->out_w + ox) * channels;
                const int8_t *xw, *ww;
#if QC_AFFINE
                int clipped;
#endif
                qc_valid_range(ix0, p->dilation_w, kernel_w, p->in_w, &win.kx0, &win.kx1);
                /* The first valid tap, channel 0, in x and in w. */
                xw = xb + ((iy0 + win.ky0 * p->dilation_h) * p->in_w + ix0 + win.kx0 * p->dilation_w) * channels;
                ww = w + (win.ky0 * kernel_w + win.kx0) * channels;
#if QC_AFFINE
                clipped = pad_value != 0 && (win.ky0 > 0 || win.ky1 < kernel_h || win.kx0 > 0 || win.kx1 < kernel_w);
                if (clipped) {
                    for (c = 0; c < grouped; c += 8) {
                        qc_lanes8_store(scratch + c, qc_dw_taps8(&win, xw + c, ww + c, qc_lanes8_load(clipped_bias + c), 1, pad_value));
                    }
                } else
#endif
                {
                    for (c = 0; c < grouped; c += 8) {
                        qc_lanes8_store(scratch + c, qc_dw_taps8(&win, xw + c, ww + c, qc_lanes8_load(bias + c), 0, 0));
                    }
                }
                for (c = grouped; c < channels; c += 4) {
                    const int32_t count = channels - c < 4 ? channels - c : 4;
                    qc_lanes4 acc = qc_dw_lanes(&win, xw + c, ww + c, count, qc_lanes4_load32(bias + c, count));
#if QC_AFFINE
                    if (clipped) {
                        /* The taps outside the input read the padding. */
                        for (ky = 0; ky < kernel_h; ++ky) {
                            for (kx = 0; kx < kernel_w; ++kx) {
                                if (ky < win.ky0 || ky >= win.ky1 || kx < win.kx0 || kx >= win.kx1) {
                                    acc = qc_lanes4_mac_scalar(acc, w + (ky * kernel_w + kx) * channels + c, pad_value, count);
                                }
                            }
                        }
                    }
#endif
                    qc_lanes4_store_n(scratch + c, acc, count);
                }
#if QC_AFFINE
                qc_requant_affine_lanes_s8(rq, right, scratch, channels, out);
#else
                qc_requant_lanes_s8(rq, scratch, channels, out);
#endif
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
