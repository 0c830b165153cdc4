/*
 * Template of the rescale (format change with clamp, concatenation operand); contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_X_T and QC_Y_T.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_rescale_params *p, const QC_X_T *x, QC_Y_T *y)
{
    int32_t o, i;
    for (o = 0; o < p->outer; ++o) {
        const QC_X_T *xo = x + o * p->block;
        QC_Y_T *yo = y + o * p->y_stride;
        for (i = 0; i < p->block; ++i) {
            yo[i] = (QC_Y_T)qc_requantize_s32(xo[i], p->shift, p->act_min, p->act_max);
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_Y_T
