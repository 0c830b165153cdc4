/*
 * qc_dense_s8s8s8 for cores with the DSP extension; same contract and outputs (qc_kernels.h), plus
 * a scratch buffer of QC_DENSE_DSP_SCRATCH_BYTES. Each input row is widened once into an int16
 * column in SMLAD order (qc_dsp_dot.h); four weight rows at a time share its loads.
 */
#include "qc_arith.h"
#include "qc_dsp_dot.h"
#include "qc_kernels.h"

static int8_t requantize(const qc_dense_params *p, const int8_t *shift, int32_t o, int32_t acc)
{
    return (int8_t)qc_requantize_s32(acc, shift[p->shift_count == 1 ? 0 : o], p->act_min, p->act_max);
}

void qc_dense_s8s8s8_dsp(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
                         int16_t *scratch, int8_t *y)
{
    const int32_t n = p->in_features;
    int32_t m, o;
    for (m = 0; m < p->rows; ++m) {
        int8_t *ym = y + m * p->out_features;
        qc_widen_to_column(x + m * n, n, scratch, 0, n & ~3, 1, 0);
        for (o = 0; o + 3 < p->out_features; o += 4) {
            int32_t acc[4];
            acc[0] = bias[o];
            acc[1] = bias[o + 1];
            acc[2] = bias[o + 2];
            acc[3] = bias[o + 3];
            qc_dot_4x1(w + o * n, w + (o + 1) * n, w + (o + 2) * n, w + (o + 3) * n, scratch, n, acc);
            ym[o] = requantize(p, shift, o, acc[0]);
            ym[o + 1] = requantize(p, shift, o + 1, acc[1]);
            ym[o + 2] = requantize(p, shift, o + 2, acc[2]);
            ym[o + 3] = requantize(p, shift, o + 3, acc[3]);
        }
        for (; o < p->out_features; ++o) {
            ym[o] = requantize(p, shift, o, qc_dot_1x1(w + o * n, scratch, n, bias[o]));
        }
    }
}
