/*
 * Template of the depthwise convolution (channel multiplier 1); contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_X_T, QC_W_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE, or
 * QC_AFFINE for the int8-affine instance (as in qc_conv_template.h).
 */
#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_kernels.h"

#ifndef QC_AFFINE
#define QC_AFFINE 0
#endif

#if QC_AFFINE
#define QC_PARAMS qc_conv_affine_params
#define QC_RESCALE_PARAMS const int32_t *multiplier, const int8_t *shift
#define QC_OUTPUT(acc, o) QC_AFFINE_OUTPUT(acc, o, 0)
/* What channel c's padding taps add at a clipped window position. */
#define QC_PADDING(c) (clipped ? p->pad_value * qc_padding_weight_sum(w + (c) * taps, p->kernel_h, p->kernel_w, ky0, ky1, kx0, kx1) : 0)
#else
#define QC_PARAMS qc_conv_params
#define QC_RESCALE_PARAMS const int8_t *shift
#define QC_OUTPUT(acc, o) QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : (o)], p->act_min, p->act_max)
#define QC_PADDING(c) 0
#endif

void QC_NAME(const QC_PARAMS *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias, QC_RESCALE_PARAMS, QC_Y_T *y)
{
    const int32_t channels = p->out_c;
    const int32_t taps = p->kernel_h * p->kernel_w;
    /* Offsets between the taps of a kernel row and between kernel rows, in the input. */
    const int32_t x_tap_step = p->dilation_w * channels;
    const int32_t x_row_step = p->dilation_h * p->in_w * channels;
    int32_t b, oy, ox, c, ky, kx;
    for (b = 0; b < p->batch; ++b) {
        const QC_X_T *xb = x + b * p->in_h * p->in_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t ky0 = 0, ky1 = p->kernel_h;
            while (ky0 < ky1 && iy0 + ky0 * p->dilation_h < 0) {
                ++ky0;
            }
            while (ky1 > ky0 && iy0 + (ky1 - 1) * p->dilation_h >= p->in_h) {
                --ky1;
            }
            for (ox = 0; ox < p->out_w; ++ox) {
                /* The kernel rows and columns inside the input, found once per position; the
                 * channel loop then runs over them without bounds checks or index products (and,
                 * for int8-affine, adds the padding's weights times pad_value). */
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                QC_Y_T *out = y + ((b * p->out_h + oy) * p->out_w + ox) * channels;
                int32_t kx0 = 0, kx1 = p->kernel_w, x_first, clipped;
                while (kx0 < kx1 && ix0 + kx0 * p->dilation_w < 0) {
                    ++kx0;
                }
                while (kx1 > kx0 && ix0 + (kx1 - 1) * p->dilation_w >= p->in_w) {
                    --kx1;
                }
                clipped = ky0 > 0 || ky1 < p->kernel_h || kx0 > 0 || kx1 < p->kernel_w;
                (void)clipped;
                x_first = ((iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0 * p->dilation_w) * channels;
                for (c = 0; c < channels; ++c) {
                    const QC_W_T *wc = w + c * taps;
                    QC_ACC_T acc = bias[c] + QC_PADDING(c);
                    int32_t xr = x_first + c;
                    for (ky = ky0; ky < ky1; ++ky, xr += x_row_step) {
                        const QC_W_T *wr = wc + ky * p->kernel_w;
                        int32_t xo = xr;
                        for (kx = kx0; kx < kx1; ++kx, xo += x_tap_step) {
                            acc += (QC_ACC_T)((int32_t)xb[xo] * (int32_t)wr[kx]);
                        }
                    }
                    out[c] = (QC_Y_T)QC_OUTPUT(acc, c);
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_W_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_REQUANTIZE
#undef QC_AFFINE
#undef QC_OUTPUT
#undef QC_PARAMS
#undef QC_RESCALE_PARAMS
#undef QC_PADDING
