/*
 * Template of constant padding; contract in qc_kernels.h. The including file defines QC_NAME and QC_T.
 */
#include "qc_kernels.h"

void QC_NAME(const qc_pad_params *p, const QC_T *x, QC_T *y)
{
    const int32_t *s = p->in_shape, *os = p->out_shape, *bf = p->before;
    const int32_t total = os[0] * os[1] * os[2] * os[3];
    int32_t i, n, h, w, c;
    for (i = 0; i < total; ++i) {
        y[i] = (QC_T)p->value;
    }
    for (n = 0; n < s[0]; ++n) {
        for (h = 0; h < s[1]; ++h) {
            for (w = 0; w < s[2]; ++w) {
                const QC_T *src = x + ((n * s[1] + h) * s[2] + w) * s[3];
                QC_T *dst = y + (((n + bf[0]) * os[1] + h + bf[1]) * os[2] + w + bf[2]) * os[3] + bf[3];
                for (c = 0; c < s[3]; ++c) {
                    dst[c] = src[c];
                }
            }
        }
    }
}

#undef QC_NAME
#undef QC_T
