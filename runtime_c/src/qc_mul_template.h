/*
 * Template of the element-wise multiply; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_A_T, QC_B_T and QC_Y_T.
 * The params are copied into locals first: y may alias a or b.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_mul_params *p, const QC_A_T *a, const QC_B_T *b, QC_Y_T *y)
{
    const int32_t count = p->count, bn = p->b_count, out_shift = p->out_shift;
    const int32_t lo = p->act_min, hi = p->act_max;
    int32_t i, j = 0;
    for (i = 0; i < count; ++i) {
        /* |a|, |b| <= 2^15: the product fits 32 bits. */
        y[i] = (QC_Y_T)qc_requantize_s32((int32_t)a[i] * (int32_t)b[j], out_shift, lo, hi);
        j = j + 1 == bn ? 0 : j + 1;
    }
}

#undef QC_NAME
#undef QC_A_T
#undef QC_B_T
#undef QC_Y_T
