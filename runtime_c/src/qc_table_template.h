/*
 * Template of the element-wise table lookup; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_X_T and QC_Y_T.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_table_params *p, const int16_t *table, const QC_X_T *x, QC_Y_T *y)
{
    int32_t i;
    if (p->in_bits <= 10) {
        for (i = 0; i < p->count; ++i) {
            y[i] = (QC_Y_T)table[(int32_t)x[i] - p->in_min];
        }
        return;
    }
    {
        const int s = (int)p->in_bits - 10;
        const int32_t mask = ((int32_t)1 << s) - 1;
        for (i = 0; i < p->count; ++i) {
            const int32_t u = (int32_t)x[i] - p->in_min;
            const int32_t t0 = table[u >> s], t1 = table[(u >> s) + 1];
            y[i] = (QC_Y_T)(t0 + qc_rshift_round_s32((t1 - t0) * (u & mask), s));
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_Y_T
