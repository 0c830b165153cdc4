/*
 * Template of the dense layer over packed weights; contract in qc_kernels.h (qc_dense_packed_params).
 * The including file defines QC_NAME, QC_X_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE.
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_dense_packed_params *p, const QC_X_T *x, const uint8_t *w, const QC_ACC_T *bias, const int8_t *shift, QC_Y_T *y)
{
    const int32_t k = p->in_features, bits = p->weight_bits;
    const uint32_t mask = (1u << bits) - 1u, sign = 1u << (bits - 1);
    int32_t m, o, i;
    for (m = 0; m < p->rows; ++m) {
        const QC_X_T *xm = x + m * k;
        QC_Y_T *ym = y + m * p->out_features;
        uint32_t bit = 0;
        for (o = 0; o < p->out_features; ++o) {
            QC_ACC_T acc = bias[o];
            for (i = 0; i < k; ++i, bit += (uint32_t)bits) {
                /* The field lies within the 16 bits from its first byte (bits <= 7, offset <= 7). */
                const uint32_t window = (uint32_t)w[bit >> 3] | ((uint32_t)w[(bit >> 3) + 1] << 8);
                const int32_t v = (int32_t)(((window >> (bit & 7u)) & mask) ^ sign) - (int32_t)sign;
                acc += (QC_ACC_T)((int32_t)xm[i] * v);
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
