/* int8-affine PReLU, TFLite's PRELU; contract in qc_kernels.h. Twin: affinePRelu (IntegerSimulator). */
#include "qc_affine.h"
#include "qc_kernels.h"

void qc_prelu_affine_s8(const qc_prelu_affine_params *p, const int8_t *alpha, const int8_t *x, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_prelu_affine_params q = *p;
    int32_t i, j = 0;
    for (i = 0; i < q.count; ++i) {
        const int32_t v = (int32_t)x[i] + q.in_offset;
        if (v >= 0) {
            y[i] = (int8_t)qc_requantize_affine(v, q.pos_mult, q.pos_shift, q.out_offset, -128, 127);
        } else {
            const int32_t scaled = v * ((int32_t)alpha[j] + q.alpha_offset);
            y[i] = (int8_t)qc_requantize_affine(scaled, q.neg_mult, q.neg_shift, q.out_offset, -128, 127);
        }
        j = j + 1 == q.alpha_count ? 0 : j + 1;
    }
}
