/* int8-affine comparison, TFLite's GREATER, LESS, EQUAL and kin; contract in qc_kernels.h.
 * Twin: the affineCompare case of the simulator. */
#include "qc_affine.h"
#include "qc_kernels.h"

void qc_compare_affine_s8(const qc_compare_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias *p for all the compiler knows. */
    const qc_compare_affine_params q = *p;
    int32_t i, j = 0;
    for (i = 0; i < q.count; ++i) {
        const int32_t u = qc_mbqm(((int32_t)a[i] + q.a_offset) * 256, q.a_mult, q.a_shift);
        const int32_t v = qc_mbqm(((int32_t)b[j] + q.b_offset) * 256, q.b_mult, q.b_shift);
        int holds;
        switch (q.comparison) {
        case 0: holds = u > v; break;
        case 1: holds = u >= v; break;
        case 2: holds = u < v; break;
        case 3: holds = u <= v; break;
        default: holds = u == v; break;
        }
        y[i] = (int8_t)holds;
        j = j + 1 == q.b_count ? 0 : j + 1;
    }
}
