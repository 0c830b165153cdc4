/*
 * Template of qc_avg_pool_s8_dsp and qc_avg_pool_affine_s8_dsp (QC_NAME and QC_AFFINE defined by
 * the including file), for cores with the DSP extension: the portable average pools' outputs
 * (qc_kernels.h). The valid part of each window is found once per output position. Four channels
 * of a tap are one word, summed as two pairs of int16 halves: one load and two SXTAB16 per tap and
 * four channels. Halves cannot wrap in windows of up to 256 taps (256 * 128 = 2^15); larger windows
 * take a plain int32 loop. Each sum is then divided as the portable kernel divides it.
 */
#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_window.h"

/* Channel ch's window sum, one tap at a time. */
static int32_t qc_window_sum1(const int8_t *first, int32_t rows, int32_t cols, int32_t x_row, int32_t x_tap)
{
    int32_t r, k, sum = 0;
    for (r = 0; r < rows; ++r, first += x_row) {
        for (k = 0; k < cols; ++k) {
            sum += first[k * x_tap];
        }
    }
    return sum;
}

void QC_NAME(const qc_pool_params *p, const int8_t *x, int8_t *y)
{
    const int32_t c = p->channels, grouped = c & ~3;
    const int32_t x_tap = p->dilation_w * c, x_row = p->dilation_h * p->in_w * c;
    int32_t b, oy, ox, ch, k;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            qc_valid_range(iy0, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                int8_t *out = y + ((b * p->out_h + oy) * p->out_w + ox) * c;
                const int8_t *first;
                int32_t kx0, kx1, count, divisor;
                qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
                count = (ky1 - ky0) * (kx1 - kx0);
                divisor = qc_pool_divisor(p, QC_AFFINE, iy0, ix0, count);
                first = x + ((b * p->in_h + iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0 * p->dilation_w) * c;
                for (ch = 0; ch < c; ch += 4) {
                    int32_t sums[4], n = c - ch < 4 ? c - ch : 4;
                    if (ch < grouped && count <= 256) {
                        const int8_t *xr = first + ch;
                        int32_t even = 0, odd = 0, ky, kx;
                        for (ky = ky0; ky < ky1; ++ky, xr += x_row) {
                            const int8_t *xp = xr;
                            for (kx = kx1 - kx0; kx > 0; --kx, xp += x_tap) {
                                const int32_t v = qc_load4(xp);
                                even = qc_sxtab16(even, v);
                                odd = qc_sxtab16_odd(odd, v);
                            }
                        }
                        sums[0] = qc_half_of(even, 0);
                        sums[1] = qc_half_of(odd, 0);
                        sums[2] = qc_half_of(even, 1);
                        sums[3] = qc_half_of(odd, 1);
                    } else {
                        for (k = 0; k < n; ++k) {
                            sums[k] = qc_window_sum1(first + ch + k, ky1 - ky0, kx1 - kx0, x_row, x_tap);
                        }
                    }
                    for (k = 0; k < n; ++k) {
                        out[ch + k] = qc_pool_average_s8(p, QC_AFFINE, sums[k], divisor);
                    }
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
