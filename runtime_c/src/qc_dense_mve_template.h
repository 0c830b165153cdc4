/*
 * Template of qc_dense_s8s8s8_mve and qc_dense_affine_s8s8s8_mve (QC_NAME and QC_AFFINE defined by
 * the including file), for cores with Helium (MVE); same contract and outputs as the portable
 * kernels (qc_kernels.h), no scratch. The int8 input rows are the columns themselves: two rows
 * meet four weight rows at a time (a 1x1 convolution over pixels), a single row meets four.
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_mve.h"

#if QC_AFFINE
#define QC_OUT(o, acc) qc_requant_affine_s8(rq, o, acc, rq.single_rounding)
#define QC_OUT4(o, lanes, y) qc_requant4_affine_s8(rq, o, lanes, y, 4)
void QC_NAME(const qc_dense_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int8_t *y)
#else
#define QC_OUT(o, acc) qc_requant_s8(rq, o, acc)
#define QC_OUT4(o, lanes, y) qc_requant4_s8(rq, o, lanes, y, 4)
void QC_NAME(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int8_t *y)
#endif
{
    const int32_t n = p->in_features, outs = p->out_features;
#if QC_AFFINE
    const qc_requant_affine rq =
        qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, p->single_rounding);
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int32_t m, o;
    for (m = 0; m + 1 < p->rows; m += 2) {
        const int8_t *a = x + m * n, *b = a + n;
        int8_t *ya = y + m * outs, *yb = ya + outs;
        for (o = 0; o + 3 < outs; o += 4) {
            int32_t ra[4], rb[4];
            qc_mve_dot_4x2(w + o * n, n, a, b, bias, o, ra, rb);
            QC_OUT4(o, qc_lanes4_of(ra), ya + o);
            QC_OUT4(o, qc_lanes4_of(rb), yb + o);
        }
        for (; o + 1 < outs; o += 2) {
            int32_t acc[4];
            acc[0] = acc[1] = bias[o];
            acc[2] = acc[3] = bias[o + 1];
            qc_mve_dot_2x2(w + o * n, w + (o + 1) * n, a, b, n, acc);
            ya[o] = QC_OUT(o, acc[0]);
            yb[o] = QC_OUT(o, acc[1]);
            ya[o + 1] = QC_OUT(o + 1, acc[2]);
            yb[o + 1] = QC_OUT(o + 1, acc[3]);
        }
        if (o < outs) {
            ya[o] = QC_OUT(o, qc_mve_dot_1x1(w + o * n, a, n, bias[o]));
            yb[o] = QC_OUT(o, qc_mve_dot_1x1(w + o * n, b, n, bias[o]));
        }
    }
    if (m < p->rows) {
        const int8_t *a = x + m * n;
        int8_t *ym = y + m * outs;
        for (o = 0; o + 3 < outs; o += 4) {
            int32_t acc[4];
            acc[0] = bias[o];
            acc[1] = bias[o + 1];
            acc[2] = bias[o + 2];
            acc[3] = bias[o + 3];
            qc_mve_dot_4x1(w + o * n, w + (o + 1) * n, w + (o + 2) * n, w + (o + 3) * n, a, n, acc);
            QC_OUT4(o, qc_lanes4_of(acc), ym + o);
        }
        for (; o < outs; ++o) {
            ym[o] = QC_OUT(o, qc_mve_dot_1x1(w + o * n, a, n, bias[o]));
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_OUT
#undef QC_OUT4
