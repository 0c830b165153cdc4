/*
 * Template of the dense layer over packed weights; contract in qc_kernels.h (qc_dense_packed_params).
 * The including file defines QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE.
 */
#include "qc_arith.h"
#include "qc_kernels.h"
#include "qc_packed.h"

void QC_NAME(const qc_dense_packed_params *p, const QC_X_T *x, const uint8_t *w, const QC_ACC_T *bias, const int8_t *shift, QC_Y_T *y)
{
    const int32_t k = p->in_features, bits = p->weight_bits;
    int32_t m, o, i;
    for (m = 0; m < p->rows; ++m) {
        const QC_X_T *xm = x + m * k;
        QC_Y_T *ym = y + m * p->out_features;
        uint32_t bit = 0;
        for (o = 0; o < p->out_features; ++o) {
            QC_ACC_T acc = bias[o];
            for (i = 0; i < k; ++i, bit += (uint32_t)bits) {
                acc += (QC_ACC_T)((int32_t)xm[i] * qc_packed_weight(w, bit, bits));
            }
            ym[o] = (QC_Y_T)QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : o], p->act_min, p->act_max);
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_REQUANTIZE
