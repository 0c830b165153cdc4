/*
 * Template of qc_avg_pool_s8_mve and qc_avg_pool_affine_s8_mve (QC_NAME and QC_AFFINE defined by
 * the including file), for cores with Helium (MVE): the portable average pools' outputs
 * (qc_kernels.h). The valid part of each window is found once per output position; sixteen
 * channels' window sums are four int32 lane vectors (a widening load and an add per tap and four
 * channels), and each sum is then divided as the portable kernel divides it.
 */
#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_kernels.h"
#include "qc_mve.h"
#include "qc_window.h"

void QC_NAME(const qc_pool_params *p, const int8_t *x, int8_t *y)
{
    const int32_t c = p->channels;
    const int32_t x_tap = p->dilation_w * c, x_row = p->dilation_h * p->in_w * c;
    int32_t b, oy, ox, ch, ky, kx, k;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t ky0, ky1;
            qc_valid_range(iy0, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                int8_t *out = y + ((b * p->out_h + oy) * p->out_w + ox) * c;
                const int8_t *first;
                int32_t kx0, kx1, count;
                qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
                count = qc_pool_divisor(p, QC_AFFINE, iy0, ix0, (ky1 - ky0) * (kx1 - kx0));
                first = x + ((b * p->in_h + iy0 + ky0 * p->dilation_h) * p->in_w + ix0 + kx0 * p->dilation_w) * c;
                for (ch = 0; ch < c; ch += 16) {
                    const int32_t n = c - ch < 16 ? c - ch : 16;
                    const int8_t *xr = first + ch;
                    int32_t sums[16];
                    qc_lanes4 s0 = qc_lanes4_zero(), s1 = s0, s2 = s0, s3 = s0;
                    for (ky = ky0; ky < ky1; ++ky, xr += x_row) {
                        const int8_t *xp = xr;
                        for (kx = kx1 - kx0; kx > 0; --kx, xp += x_tap) {
                            s0 = qc_lanes4_add(s0, xp, n);
                            s1 = qc_lanes4_add(s1, xp + 4, n - 4);
                            s2 = qc_lanes4_add(s2, xp + 8, n - 8);
                            s3 = qc_lanes4_add(s3, xp + 12, n - 12);
                        }
                    }
                    qc_lanes4_store(sums, s0);
                    qc_lanes4_store(sums + 4, s1);
                    qc_lanes4_store(sums + 8, s2);
                    qc_lanes4_store(sums + 12, s3);
                    for (k = 0; k < n; ++k) {
                        out[ch + k] = qc_pool_average_s8(p, QC_AFFINE, sums[k], count);
                    }
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
