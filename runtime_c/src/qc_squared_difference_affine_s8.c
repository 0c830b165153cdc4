/* int8-affine squared difference, TFLite's SQUARED_DIFFERENCE; contract in qc_kernels.h.
 * Twin: affineSquaredDifference (IntegerSimulator). */
#include "qc_affine.h"
#include "qc_kernels.h"

void qc_squared_difference_affine_s8(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_add_affine_params q = *p;
    int32_t i, j = 0;
    for (i = 0; i < q.count; ++i) {
        const int32_t u = qc_mbqm(((int32_t)a[i] + q.a_offset) * ((int32_t)1 << q.left_shift), q.a_mult, q.a_shift);
        const int32_t v = qc_mbqm(((int32_t)b[j] + q.b_offset) * ((int32_t)1 << q.left_shift), q.b_mult, q.b_shift);
        y[i] = (int8_t)qc_requantize_affine((u - v) * (u - v), q.out_mult, q.out_shift, q.out_offset, -128, 127);
        j = j + 1 == q.b_count ? 0 : j + 1;
    }
}
