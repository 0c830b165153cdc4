/*
 * Template of qc_depthwise_conv_s8s8s8_mve and qc_depthwise_conv_affine_s8s8s8_mve (QC_NAME and
 * QC_AFFINE defined by the including file), for cores with Helium (MVE): the same outputs as the
 * portable kernels (qc_kernels.h), with the weights in [kernel_h][kernel_w][channels] order. Four neighbouring channels are four int32 lanes; sixteen channels (four lane
 * vectors) share each pass over the window, so per tap and sixteen channels there are eight
 * widening loads, four multiplies, four adds and the loop's pointer steps. Channels beyond a
 * multiple of sixteen go four at a time, the last fewer than four with a tail predicate.
 * The int8-affine instance adds pad_value times the weights of the taps outside the input, at the
 * positions whose window the input clips (one VMLA by a scalar per tap and four channels).
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"
#include "qc_mve.h"

#if QC_AFFINE
#define QC_PARAMS qc_conv_affine_params
#define QC_OUT4(o, lanes, y, count) qc_requant4_affine_s8(rq, o, lanes, y, count)
#else
#define QC_PARAMS qc_conv_params
#define QC_OUT4(o, lanes, y, count) qc_requant4_s8(rq, o, lanes, y, count)
#endif

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

#if QC_AFFINE
/* The padding times the weights of the taps outside the window (w at channel 0 of tap 0), added
 * to sixteen channels' sums (a0..a3: four lane vectors), or to `count` channels' (a0 alone). */
static inline void qc_dw_outside(const QC_PARAMS *p, const qc_dw_window *win, const int8_t *w, int32_t count, qc_lanes4 *a0,
                                 qc_lanes4 *a1, qc_lanes4 *a2, qc_lanes4 *a3)
{
    int32_t ky, kx;
    for (ky = 0; ky < p->kernel_h; ++ky, w += win->w_row) {
        const int inside = ky >= win->ky0 && ky < win->ky1;
        for (kx = 0; kx < p->kernel_w; ++kx) {
            if (!inside || kx < win->kx0 || kx >= win->kx1) {
                const int8_t *wp = w + kx * win->channels;
                if (count < 16) {
                    *a0 = qc_lanes4_mac_scalar(*a0, wp, p->pad_value, count);
                } else {
                    *a0 = qc_lanes4_mac_scalar(*a0, wp, p->pad_value, 4);
                    *a1 = qc_lanes4_mac_scalar(*a1, wp + 4, p->pad_value, 4);
                    *a2 = qc_lanes4_mac_scalar(*a2, wp + 8, p->pad_value, 4);
                    *a3 = qc_lanes4_mac_scalar(*a3, wp + 12, p->pad_value, 4);
                }
            }
        }
    }
}
#endif

#if QC_AFFINE
void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int8_t *y)
#else
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int8_t *y)
#endif
{
    const int32_t channels = p->out_c;
    qc_dw_window win;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int32_t b, oy, ox, c, ky, kx;
    win.channels = channels;
    win.x_tap = p->dilation_w * channels;
    win.x_row = p->dilation_h * p->in_w * channels;
    win.w_row = p->kernel_w * channels;
    for (b = 0; b < p->batch; ++b) {
        const int8_t *xb = x + b * p->in_h * p->in_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            qc_valid_range(iy0, p->dilation_h, p->kernel_h, p->in_h, &win.ky0, &win.ky1);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                int8_t *out = y + ((b * p->out_h + oy) * p->out_w + ox) * channels;
                const int8_t *xw, *ww;
#if QC_AFFINE
                int clipped;
#endif
                qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &win.kx0, &win.kx1);
                /* The first valid tap, channel 0, in x and in w. */
                xw = xb + ((iy0 + win.ky0 * p->dilation_h) * p->in_w + ix0 + win.kx0 * p->dilation_w) * channels;
                ww = w + (win.ky0 * p->kernel_w + win.kx0) * channels;
#if QC_AFFINE
                clipped = p->pad_value != 0 && (win.ky0 > 0 || win.ky1 < p->kernel_h || win.kx0 > 0 || win.kx1 < p->kernel_w);
#endif
                for (c = 0; c + 15 < channels; c += 16) {
                    const int8_t *xr = xw + c, *wr = ww + c;
                    qc_lanes4 a0 = qc_lanes4_load32(bias + c, 4), a1 = qc_lanes4_load32(bias + c + 4, 4);
                    qc_lanes4 a2 = qc_lanes4_load32(bias + c + 8, 4), a3 = qc_lanes4_load32(bias + c + 12, 4);
                    for (ky = win.ky0; ky < win.ky1; ++ky, xr += win.x_row, wr += win.w_row) {
                        const int8_t *xp = xr, *wp = wr;
                        for (kx = win.kx1 - win.kx0; kx > 0; --kx, xp += win.x_tap, wp += channels) {
                            a0 = qc_lanes4_mac4(a0, xp, wp);
                            a1 = qc_lanes4_mac4(a1, xp + 4, wp + 4);
                            a2 = qc_lanes4_mac4(a2, xp + 8, wp + 8);
                            a3 = qc_lanes4_mac4(a3, xp + 12, wp + 12);
                        }
                    }
#if QC_AFFINE
                    if (clipped) {
                        qc_dw_outside(p, &win, w + c, 16, &a0, &a1, &a2, &a3);
                    }
#endif
                    QC_OUT4(c, a0, out + c, 4);
                    QC_OUT4(c + 4, a1, out + c + 4, 4);
                    QC_OUT4(c + 8, a2, out + c + 8, 4);
                    QC_OUT4(c + 12, a3, out + c + 12, 4);
                }
                for (; c < channels; c += 4) {
                    const int32_t count = channels - c < 4 ? channels - c : 4;
                    qc_lanes4 acc = qc_dw_lanes(&win, xw + c, ww + c, count, qc_lanes4_load32(bias + c, count));
#if QC_AFFINE
                    if (clipped) {
                        qc_dw_outside(p, &win, w + c, count, &acc, &acc, &acc, &acc);
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
#undef QC_PARAMS
#undef QC_OUT4
