/*
 * Template of the dense (fully connected) layer; contract in qc_kernels.h. Also serves 1x1
 * convolutions with stride 1 and no padding (rows = pixels, OHWI weights are [O][I]).
 * The including file defines QC_NAME, QC_X_T, QC_W_T, QC_Y_T, QC_ACC_T and QC_REQUANTIZE.
 */
#include "qc_affine.h"
#include "qc_arith.h"
#include "qc_kernels.h"

#ifndef QC_AFFINE
#define QC_AFFINE 0
#endif

/* QC_AFFINE: the int8-affine instance (qc_dense_affine_params and a multiplier per channel). */
#if QC_AFFINE
#define QC_OUTPUT(acc, o) QC_AFFINE_OUTPUT(acc, o, p->single_rounding)
void QC_NAME(const qc_dense_affine_params *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias,
             const int32_t *multiplier, const int8_t *shift, QC_Y_T *y)
#else
#define QC_OUTPUT(acc, o) QC_REQUANTIZE(acc, shift[p->shift_count == 1 ? 0 : (o)], p->act_min, p->act_max)
void QC_NAME(const qc_dense_params *p, const QC_X_T *x, const QC_W_T *w, const QC_ACC_T *bias,
             const int8_t *shift, QC_Y_T *y)
#endif
{
    const int32_t k = p->in_features;
    int32_t m, o, i;
    for (m = 0; m < p->rows; ++m) {
        const QC_X_T *xm = x + m * k;
        QC_Y_T *ym = y + m * p->out_features;
        /* Output features go in pairs, so each input value loaded serves two products (on cores
         * without SIMD, loads and loop overhead are most of a MAC's instructions). */
        for (o = 0; o + 1 < p->out_features; o += 2) {
            const QC_W_T *w0 = w + o * k;
            const QC_W_T *w1 = w0 + k;
            QC_ACC_T acc0 = bias[o], acc1 = bias[o + 1];
            for (i = 0; i < k; ++i) {
                const int32_t xi = xm[i];
                acc0 += (QC_ACC_T)(xi * (int32_t)w0[i]);
                acc1 += (QC_ACC_T)(xi * (int32_t)w1[i]);
            }
            ym[o] = (QC_Y_T)QC_OUTPUT(acc0, o);
            ym[o + 1] = (QC_Y_T)QC_OUTPUT(acc1, o + 1);
        }
        for (; o < p->out_features; ++o) {
            const QC_W_T *wo = w + o * k;
            QC_ACC_T acc = bias[o];
            for (i = 0; i < k; ++i) {
                acc += (QC_ACC_T)((int32_t)xm[i] * (int32_t)wo[i]);
            }
            ym[o] = (QC_Y_T)QC_OUTPUT(acc, o);
        }
    }
}

#undef QC_NAME
#undef QC_X_T
#undef QC_W_T
#undef QC_Y_T
#undef QC_ACC_T
#undef QC_REQUANTIZE
#undef QC_AFFINE
#undef QC_OUTPUT
