/*
 * Template of qc_dense_s8s8s8_mve and qc_dense_affine_s8s8s8_mve (QC_NAME and QC_AFFINE defined by
 * the including file), for cores with Helium (MVE); same contract and outputs as the portable
 * kernels (qc_kernels.h), plus a scratch buffer of QC_DENSE_MVE_SCRATCH_BYTES. The int8 input rows
 * are the columns themselves: two rows meet two weight rows at a time (a 1x1 convolution over
 * pixels), a single row meets four. The sums go to int32 rows in scratch, which a loop of their
 * own requantizes (qc_mve.h).
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_mve.h"

#if QC_AFFINE
#define QC_RUN(sums, out) qc_requant_affine_lanes_s8(rq, right, sums, outs, out)
void QC_NAME(const qc_dense_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int32_t *scratch, int8_t *y)
#else
#define QC_RUN(sums, out) qc_requant_lanes_s8(rq, sums, outs, out)
void QC_NAME(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int32_t *scratch,
             int8_t *y)
#endif
{
    const int32_t n = p->in_features, outs = p->out_features;
#if QC_AFFINE
    const qc_requant_affine rq =
        qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, p->single_rounding);
    const int right = qc_rescalings_right(multiplier, shift, p->shift_count, p->single_rounding);
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int32_t m;
    for (m = 0; m + 1 < p->rows; m += 2) {
        int8_t *ya = y + m * outs;
        qc_mve_sums_2cols(w, n, outs, x + m * n, x + (m + 1) * n, bias, scratch, scratch + outs);
        QC_RUN(scratch, ya);
        QC_RUN(scratch + outs, ya + outs);
    }
    if (m < p->rows) {
        qc_mve_sums_1col(w, n, outs, x + m * n, bias, scratch);
        QC_RUN(scratch, y + m * outs);
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_RUN
