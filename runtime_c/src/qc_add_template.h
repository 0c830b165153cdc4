/*
 * Template of the element-wise add/subtract; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_A_T, QC_B_T and QC_Y_T.
 * The params are copied into locals first: y may alias anything (and a or b), so fields read
 * through p would be reloaded after every store.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_add_params *p, const QC_A_T *a, const QC_B_T *b, QC_Y_T *y)
{
    const int32_t count = p->count, bn = p->b_count;
    const int32_t a_shift = p->a_shift, b_shift = p->b_shift, out_shift = p->out_shift;
    const int32_t lo = p->act_min, hi = p->act_max;
    /* Subtracting is adding the negated b operand: the sign folds into b's factor. */
    const int32_t b_sign = p->subtract ? -1 : 1;
    int32_t i, j = 0;
    if (a_shift <= 14 && b_shift <= 14) {
        /* |operand| < 2^15 * 2^14, so the sum and difference fit in 32 bits. */
        const int32_t fa = (int32_t)1 << a_shift, fb = b_sign * ((int32_t)1 << b_shift);
        for (i = 0; i < count; ++i) {
            const int32_t sum = (int32_t)a[i] * fa + (int32_t)b[j] * fb;
            y[i] = (QC_Y_T)qc_requantize_s32(sum, out_shift, lo, hi);
            j = j + 1 == bn ? 0 : j + 1;
        }
        return;
    }
    for (i = 0; i < count; ++i) {
        const int64_t u = (int64_t)a[i] * ((int64_t)1 << a_shift);
        const int64_t v = (int64_t)b[j] * ((int64_t)1 << b_shift);
        y[i] = (QC_Y_T)qc_requantize_s64(b_sign < 0 ? u - v : u + v, out_shift, lo, hi);
        j = j + 1 == bn ? 0 : j + 1;
    }
}

#undef QC_NAME
#undef QC_A_T
#undef QC_B_T
#undef QC_Y_T
