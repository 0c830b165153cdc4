/* int8-affine mean over H and W, TFLite's integer MEAN; contract in qc_kernels.h. Twin: affineMean (IntegerSimulator). */
#include "qc_affine.h"
#include "qc_kernels.h"

void qc_mean_affine_s8(const qc_mean_affine_params *p, const int8_t *x, int8_t *y)
{
    const qc_mean_affine_params q = *p;
    int32_t b, c, i;
    for (b = 0; b < q.batch; ++b) {
        const int8_t *base = x + (int32_t)b * q.positions * q.channels;
        for (c = 0; c < q.channels; ++c) {
            int32_t sum = 0;
            for (i = 0; i < q.positions; ++i) {
                sum += (int32_t)base[i * q.channels + c] + q.in_offset;
            }
            y[b * q.channels + c] = (int8_t)qc_requantize_affine(sum, q.multiplier, q.shift, q.out_offset, -128, 127);
        }
    }
}
