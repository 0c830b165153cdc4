/*
 * Template of global max and average pooling; contract in qc_kernels.h.
 * The including file defines QC_NAME, QC_T (storage of x and y) and QC_MAX (1 for max, 0 for average).
 */
#include "qc_arith.h"
#include "qc_kernels.h"

void QC_NAME(const qc_global_pool_params *p, const QC_T *x, QC_T *y)
{
    int32_t b, ch, i;
    for (b = 0; b < p->batch; ++b) {
        const QC_T *xb = x + b * p->positions * p->channels;
        for (ch = 0; ch < p->channels; ++ch) {
#if QC_MAX
            int32_t acc = INT32_MIN;
            for (i = 0; i < p->positions; ++i) {
                const int32_t v = xb[i * p->channels + ch];
                acc = v > acc ? v : acc;
            }
            y[b * p->channels + ch] = (QC_T)acc;
#else
            int32_t acc = 0;
            for (i = 0; i < p->positions; ++i) {
                acc += xb[i * p->channels + ch];
            }
            y[b * p->channels + ch] = (QC_T)qc_average_of(acc, p->positions, p->out_shift, p->act_min, p->act_max);
#endif
        }
    }
}

#undef QC_NAME
#undef QC_T
#undef QC_MAX
