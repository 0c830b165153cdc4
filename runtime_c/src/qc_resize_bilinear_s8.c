/* Bilinear resize of int8 values, TFLite's RESIZE_BILINEAR; contract in qc_kernels.h.
 * Twin: resizeBilinear (IntegerSimulator). */
#include "qc_kernels.h"

/* The position in 1/1024 steps and its two neighbours along one axis. */
static void qc_resize_neighbours(int32_t index, int32_t scale, int32_t half_pixel, int32_t size, int32_t *position,
                                 int32_t *lower, int32_t *upper)
{
    const int32_t p = half_pixel ? index * scale + scale / 2 - 512 : index * scale;
    const int32_t up = (p + 1023) / 1024;
    *position = p;
    *lower = p / 1024 > 0 ? p / 1024 : 0;
    *upper = up < size - 1 ? up : size - 1;
}

void qc_resize_bilinear_s8(const qc_resize_bilinear_params *p, const int8_t *x, int8_t *y)
{
    const int32_t channels = p->channels, in_w = p->in_w;
    int32_t b, oy, ox, c;
    for (b = 0; b < p->batch; ++b) {
        const int8_t *image = x + (int64_t)b * p->in_h * in_w * channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            int32_t py, y0, y1;
            qc_resize_neighbours(oy, p->height_scale, p->half_pixel, p->in_h, &py, &y0, &y1);
            {
                const int64_t dy = py - 1024 * y0;
                for (ox = 0; ox < p->out_w; ++ox) {
                    int32_t px, x0, x1;
                    qc_resize_neighbours(ox, p->width_scale, p->half_pixel, in_w, &px, &x0, &x1);
                    {
                        const int64_t dx = px - 1024 * x0;
                        const int64_t w00 = (1024 - dy) * (1024 - dx), w10 = dy * (1024 - dx), w01 = (1024 - dy) * dx, w11 = dy * dx;
                        const int8_t *r0 = image + (y0 * in_w) * channels, *r1 = image + (y1 * in_w) * channels;
                        for (c = 0; c < channels; ++c) {
                            const int64_t sum = r0[x0 * channels + c] * w00 + r1[x0 * channels + c] * w10 + r0[x1 * channels + c] * w01 +
                                                r1[x1 * channels + c] * w11;
                            *y++ = (int8_t)((sum + (sum > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20));
                        }
                    }
                }
            }
        }
    }
}
