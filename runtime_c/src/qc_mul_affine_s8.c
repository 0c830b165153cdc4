/* int8-affine multiplication, TFLite's MUL; contract in qc_kernels.h. Twin: affineMul (IntegerSimulator). */
#include "qc_affine.h"
#include "qc_kernels.h"

void qc_mul_affine_s8(const qc_mul_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_mul_affine_params q = *p;
    int32_t i, j = 0;
    for (i = 0; i < q.count; ++i) {
        const int32_t product = ((int32_t)a[i] + q.a_offset) * ((int32_t)b[j] + q.b_offset);
        y[i] = (int8_t)qc_requantize_affine(product, q.multiplier, q.shift, q.out_offset, q.act_min, q.act_max);
        j = j + 1 == q.b_count ? 0 : j + 1;
    }
}
