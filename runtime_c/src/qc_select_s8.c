/* Selection of stored values, TFLite's SELECT and SELECT_V2; contract in qc_kernels.h.
 * Twin: the select case of the simulator. */
#include "qc_kernels.h"

void qc_select_s8(const qc_select_params *p, const int8_t *condition, const int8_t *a, const int8_t *b, int8_t *y)
{
    const qc_select_params q = *p;
    int32_t i, c = 0, j = 0, k = 0;
    for (i = 0; i < q.count; ++i) {
        y[i] = condition[c] ? a[j] : b[k];
        c = c + 1 == q.condition_count ? 0 : c + 1;
        j = j + 1 == q.a_count ? 0 : j + 1;
        k = k + 1 == q.b_count ? 0 : k + 1;
    }
}
