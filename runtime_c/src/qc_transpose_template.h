/*
 * Template of the transpose; contract in qc_kernels.h. The including file defines QC_NAME and QC_T.
 * Walks y in order and keeps an odometer of its index, so no division per element.
 */
#include "qc_kernels.h"

void QC_NAME(const qc_transpose_params *p, const QC_T *x, QC_T *y)
{
    int32_t in_stride[6], stride[6], size[6], index[6];
    int32_t k, total = 1, offset = 0, i;
    for (k = p->rank - 1; k >= 0; --k) {
        in_stride[k] = total;
        total *= p->in_shape[k];
    }
    for (k = 0; k < p->rank; ++k) {
        size[k] = p->in_shape[p->perm[k]];
        stride[k] = in_stride[p->perm[k]];
        index[k] = 0;
    }
    for (i = 0; i < total; ++i) {
        y[i] = x[offset];
        for (k = p->rank - 1; k >= 0; --k) {
            offset += stride[k];
            if (++index[k] < size[k]) {
                break;
            }
            offset -= stride[k] * size[k];
            index[k] = 0;
        }
    }
}

#undef QC_NAME
#undef QC_T
