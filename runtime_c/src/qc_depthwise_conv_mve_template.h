/*
 * Template of qc_depthwise_conv_s8s8s8_mve and qc_depthwise_conv_affine_s8s8s8_mve (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with Helium (MVE): the same outputs as the
 * portable kernels (qc_kernels.h), with the weights in [kernel_h][kernel_w][channels] order.
 *
 * Sixteen neighbouring channels share each pass over the window (qc_lanes16): per tap, their inputs
 * and weights load as two vectors of int16 lanes each, whose even and odd lanes VMULLB/VMULLT
 * multiply into four int32 vectors: twelve vector instructions per tap and sixteen channels.
 * Channels beyond a multiple of sixteen go four at a time, the last fewer than four with a tail
 * predicate. A position's sums go to `scratch` (one int32 per channel) and are requantized in a
 * loop of their own (qc_mve.h).
 *
 * The int8-affine instance adds pad_value times the weights of the taps outside the input at the
 * positions whose window the input clips; it lists those taps once per position, and sums their
 * weights as int16 lanes before one multiply.
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"
#include "qc_mve.h"

/* Windows of up to this many taps list their outside taps; larger ones add them tap by tap. */
#define QC_DW_LISTED_TAPS 32

/* The valid window of one output position, rows [ky0, ky1) and columns [kx0, kx1) of the kernel,
 * and the steps between taps and rows in x and in w. */
typedef struct {
    int32_t ky0, ky1, kx0, kx1;
    int32_t x_tap, x_row, w_row, channels;
} qc_dw_window;

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

/* Whether tap (ky, kx) of the kernel lies outside the window's valid part. */
static inline int qc_dw_is_outside(const qc_dw_window *win, int32_t ky, int32_t kx)
{
    return ky < win->ky0 || ky >= win->ky1 || kx < win->kx0 || kx >= win->kx1;
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
    qc_dw_window win;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    const int right = qc_rescalings_right(multiplier, shift, p->shift_count, 0);
    const int32_t pad_value = p->pad_value;
    const int listed = kernel_h * kernel_w <= QC_DW_LISTED_TAPS;
    int32_t outside[QC_DW_LISTED_TAPS], n_outside;
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int32_t b, oy, ox, c, ky, kx;
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
                int32_t row_taps;
#if QC_AFFINE
                int clipped;
#endif
                qc_valid_range(ix0, p->dilation_w, kernel_w, p->in_w, &win.kx0, &win.kx1);
                row_taps = win.kx1 - win.kx0;
                /* The first valid tap, channel 0, in x and in w. */
                xw = xb + ((iy0 + win.ky0 * p->dilation_h) * p->in_w + ix0 + win.kx0 * p->dilation_w) * channels;
                ww = w + (win.ky0 * kernel_w + win.kx0) * channels;
#if QC_AFFINE
                clipped = pad_value != 0 && (win.ky0 > 0 || win.ky1 < kernel_h || win.kx0 > 0 || win.kx1 < kernel_w);
                /* A clipped window's outside taps, as offsets of their channel 0 in w. */
                n_outside = 0;
                if (clipped && listed) {
                    for (ky = 0; ky < kernel_h; ++ky) {
                        for (kx = 0; kx < kernel_w; ++kx) {
                            if (qc_dw_is_outside(&win, ky, kx)) {
                                outside[n_outside++] = (ky * kernel_w + kx) * channels;
                            }
                        }
                    }
                }
#endif
                for (c = 0; c + 15 < channels; c += 16) {
                    const int8_t *xr = xw + c, *wr = ww + c;
                    qc_lanes16 acc = qc_lanes16_load(bias + c);
                    for (ky = win.ky0; ky < win.ky1; ++ky, xr += win.x_row, wr += win.w_row) {
                        const int8_t *xp = xr, *wp = wr;
                        for (kx = row_taps; kx > 0; --kx, xp += win.x_tap, wp += channels) {
                            acc = qc_lanes16_mac(acc, xp, wp);
                        }
                    }
#if QC_AFFINE
                    if (n_outside > 0) {
                        acc = qc_lanes16_mac_sum(acc, w + c, outside, n_outside, pad_value);
                    } else if (clipped) {
                        for (ky = 0; ky < kernel_h; ++ky) {
                            for (kx = 0; kx < kernel_w; ++kx) {
                                if (qc_dw_is_outside(&win, ky, kx)) {
                                    const int32_t at = (ky * kernel_w + kx) * channels;
                                    acc = qc_lanes16_mac_sum(acc, w + c, &at, 1, pad_value);
                                }
                            }
                        }
                    }
#endif
                    qc_lanes16_store(scratch + c, acc);
                }
                for (; c < channels; c += 4) {
                    const int32_t count = channels - c < 4 ? channels - c : 4;
                    qc_lanes4 acc = qc_dw_lanes(&win, xw + c, ww + c, count, qc_lanes4_load32(bias + c, count));
#if QC_AFFINE
                    if (clipped) {
                        for (ky = 0; ky < kernel_h; ++ky) {
                            for (kx = 0; kx < kernel_w; ++kx) {
                                if (qc_dw_is_outside(&win, ky, kx)) {
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
