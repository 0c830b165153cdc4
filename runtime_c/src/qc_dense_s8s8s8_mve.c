/*
 * qc_dense_s8s8s8 for cores with Helium (MVE); same contract and outputs (qc_kernels.h), no scratch.
 * The int8 input rows are the columns themselves: two rows meet two weight rows at a time (a 1x1
 * convolution over pixels), a single row meets four.
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_mve.h"

void qc_dense_s8s8s8_mve(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
                         int8_t *y)
{
    const int32_t n = p->in_features, outs = p->out_features;
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
    int32_t m, o;
    for (m = 0; m + 1 < p->rows; m += 2) {
        const int8_t *a = x + m * n, *b = a + n;
        int8_t *ya = y + m * outs, *yb = ya + outs;
        for (o = 0; o + 3 < outs; o += 4) {
            qc_mve_block_4x2(w + o * n, n, a, b, bias, rq, o, ya, yb, 1);
        }
        for (; o + 1 < outs; o += 2) {
            int32_t acc[4];
            acc[0] = acc[1] = bias[o];
            acc[2] = acc[3] = bias[o + 1];
            qc_mve_dot_2x2(w + o * n, w + (o + 1) * n, a, b, n, acc);
            ya[o] = qc_requant_s8(rq, o, acc[0]);
            yb[o] = qc_requant_s8(rq, o, acc[1]);
            ya[o + 1] = qc_requant_s8(rq, o + 1, acc[2]);
            yb[o + 1] = qc_requant_s8(rq, o + 1, acc[3]);
        }
        if (o < outs) {
            ya[o] = qc_requant_s8(rq, o, qc_mve_dot_1x1(w + o * n, a, n, bias[o]));
            yb[o] = qc_requant_s8(rq, o, qc_mve_dot_1x1(w + o * n, b, n, bias[o]));
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
            qc_requant4_s8(rq, o, qc_lanes4_of(acc), ym + o, 4);
        }
        for (; o < outs; ++o) {
            ym[o] = qc_requant_s8(rq, o, qc_mve_dot_1x1(w + o * n, a, n, bias[o]));
        }
    }
}
