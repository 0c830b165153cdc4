/*
 * Template of the element-wise add/subtract; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_A_T, QC_B_T and QC_Y_T.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_add_params *p, const QC_A_T *a, const QC_B_T *b, QC_Y_T *y)
{
    const int32_t bn = p->b_count;
    int32_t i, j = 0;
    if (p->a_shift <= 14 && p->b_shift <= 14) {
        /* |operand| < 2^15 * 2^14, so the sum and difference fit in 32 bits. */
        for (i = 0; i < p->count; ++i) {
            const int32_t u = (int32_t)a[i] * ((int32_t)1 << p->a_shift);
            const int32_t v = (int32_t)b[j] * ((int32_t)1 << p->b_shift);
            y[i] = (QC_Y_T)qc_requantize_s32(p->subtract ? u - v : u + v, p->out_shift, p->act_min, p->act_max);
            j = j + 1 == bn ? 0 : j + 1;
        }
        return;
    }
    for (i = 0; i < p->count; ++i) {
        const int64_t u = (int64_t)a[i] * ((int64_t)1 << p->a_shift);
        const int64_t v = (int64_t)b[j] * ((int64_t)1 << p->b_shift);
        y[i] = (QC_Y_T)qc_requantize_s64(p->subtract ? u - v : u + v, p->out_shift, p->act_min, p->act_max);
        j = j + 1 == bn ? 0 : j + 1;
    }
}

#undef QC_NAME
#undef QC_A_T
#undef QC_B_T
#undef QC_Y_T
