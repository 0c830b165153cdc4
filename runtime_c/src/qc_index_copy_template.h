/*
 * Template of the copy by constant indices; contract in qc_kernels.h. The including file defines
 * QC_NAME and QC_T. The five outer axes advance as an odometer that keeps the running sum of
 * their offsets; the innermost axis reads its own offsets.
 */
#include "qc_kernels.h"

void QC_NAME(const qc_index_copy_params *p, const int32_t *offsets, const QC_T *x, QC_T *y)
{
    const int32_t *axis[6];
    int32_t index[6] = {0, 0, 0, 0, 0, 0};
    int32_t k, base = 0, outer = 1, o, i;
    const int32_t inner = p->extent[5];
    const int32_t *last;
    axis[0] = offsets;
    for (k = 1; k < 6; ++k) {
        axis[k] = axis[k - 1] + p->extent[k - 1];
    }
    for (k = 0; k < 5; ++k) {
        base += axis[k][0];
        outer *= p->extent[k];
    }
    last = axis[5];
    for (o = 0; o < outer; ++o) {
        const QC_T *row = x + base;
        for (i = 0; i < inner; ++i) {
            y[i] = row[last[i]];
        }
        y += inner;
        for (k = 4; k >= 0; --k) {
            base -= axis[k][index[k]];
            if (++index[k] < p->extent[k]) {
                base += axis[k][index[k]];
                break;
            }
            index[k] = 0;
            base += axis[k][0];
        }
    }
}

#undef QC_NAME
#undef QC_T
