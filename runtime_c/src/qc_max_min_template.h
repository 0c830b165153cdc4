/*
 * Template of the element-wise maximum/minimum; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_A_T, QC_B_T and QC_Y_T.
 * The params are copied into locals first: y may alias a or b.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_max_min_params *p, const QC_A_T *a, const QC_B_T *b, QC_Y_T *y)
{
    const int32_t count = p->count, bn = p->b_count;
    const int32_t a_shift = p->a_shift, b_shift = p->b_shift, out_shift = p->out_shift;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int minimum = p->minimum != 0;
    int32_t i, j = 0;
    if (a_shift <= 15 && b_shift <= 15) {
        /* |operand| <= 2^15 * 2^15 = 2^30: 32 bits suffice. */
        for (i = 0; i < count; ++i) {
            const int32_t u = (int32_t)a[i] * ((int32_t)1 << a_shift), v = (int32_t)b[j] * ((int32_t)1 << b_shift);
            y[i] = (QC_Y_T)qc_requantize_s32((u > v) != minimum ? u : v, out_shift, lo, hi);
            j = j + 1 == bn ? 0 : j + 1;
        }
        return;
    }
    for (i = 0; i < count; ++i) {
        const int64_t u = (int64_t)a[i] * ((int64_t)1 << a_shift), v = (int64_t)b[j] * ((int64_t)1 << b_shift);
        y[i] = (QC_Y_T)qc_requantize_s64((u > v) != minimum ? u : v, out_shift, lo, hi);
        j = j + 1 == bn ? 0 : j + 1;
    }
}

#undef QC_NAME
#undef QC_A_T
#undef QC_B_T
#undef QC_Y_T
