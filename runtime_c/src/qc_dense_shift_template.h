/*
 * Template of the shift-scheme dense layer; contract in qc_kernels.h. The including file defines
 * QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T (the bias type), and QC_WIDE (1 for a 64-bit accumulator).
 */
#include "qc_kernels.h"
#include "qc_shift_accumulator.h"

void QC_NAME(const qc_dense_params *p, const QC_X_T *x, const uint8_t *w, const QC_ACC_T *bias,
             const int8_t *shift, QC_Y_T *y)
{
    int32_t m, o, i;
    for (m = 0; m < p->rows; ++m, x += p->in_features) {
        const uint8_t *wo = w;
        for (o = 0; o < p->out_features; ++o) {
            QC_UACC_T acc = (QC_UACC_T)bias[o];
            for (i = 0; i < p->in_features; ++i) {
                acc += QC_PRODUCT(*wo++, x[i]);
            }
            *y++ = (QC_Y_T)QC_FINISH(acc, shift[p->shift_count == 1 ? 0 : o], p->act_min, p->act_max);
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_WIDE
#undef QC_UACC_T
#undef QC_PRODUCT
#undef QC_FINISH
