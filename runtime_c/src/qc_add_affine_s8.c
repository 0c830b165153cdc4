/* int8-affine addition, TFLite's ADD; contract in qc_kernels.h. Twin: affineAdd (IntegerSimulator). */
#include "qc_add_affine.h"
#include "qc_kernels.h"

void qc_add_affine_s8(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_add_affine_params q = *p;
    int32_t i, j = 0;
    for (i = 0; i < q.count; ++i) {
        y[i] = qc_add_affine_one(&q, a[i], b[j]);
        j = j + 1 == q.b_count ? 0 : j + 1;
    }
}
