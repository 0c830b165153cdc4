/*
 * Template of qc_conv_s8s8s8_mve and qc_conv_affine_s8s8s8_mve (QC_NAME and QC_AFFINE defined by
 * the including file; QC_AFFINE 1: the int8-affine instance, whose padding reads pad_value), for
 * cores with Helium (MVE: Cortex-M55, M85): the portable kernel's contract and outputs
 * (qc_kernels.h) for groups == 1, plus a scratch buffer of QC_CONV_MVE_SCRATCH_BYTES.
 * Two output positions at a time are gathered as int8 columns (a 1x1 kernel without padding reads
 * its input pixels in place), then every pair of output channels meets both columns: four VMLADAVA
 * per 16 taps, 16 multiply-accumulates each. The two positions' sums go to int32 rows after the
 * columns, which a loop of their own requantizes four lanes at a time (qc_mve.h).
 */
#include "qc_dsp.h"
#include "qc_kernels.h"
#include "qc_mve.h"
#include "qc_window.h"

#if QC_AFFINE
#define QC_PARAMS qc_conv_affine_params
#define QC_PAD ((int8_t)p->pad_value)
#define QC_RUN(sums, out) qc_requant_affine_lanes_s8(rq, right, sums, outs, out)
#else
#define QC_PARAMS qc_conv_params
#define QC_PAD 0
#define QC_RUN(sums, out) qc_requant_lanes_s8(rq, sums, outs, out)
#endif

static void gather(const QC_PARAMS *p, const int8_t *xb, int32_t position, int8_t *column)
{
    const int32_t iy0 = (position / p->out_w) * p->stride_h - p->pad_top;
    const int32_t ix0 = (position % p->out_w) * p->stride_w - p->pad_left;
    const int32_t row_taps = p->kernel_w * p->in_c;
    /* The whole kernel row inside the input: one contiguous run per row. */
    const int whole = p->dilation_w == 1 && ix0 >= 0 && ix0 + p->kernel_w <= p->in_w;
    int32_t ky, kx, kx0 = 0, kx1 = p->kernel_w;
    if (!whole) {
        qc_valid_range(ix0, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
    }
    for (ky = 0; ky < p->kernel_h; ++ky, column += row_taps) {
        const int32_t iy = iy0 + ky * p->dilation_h;
        if (iy < 0 || iy >= p->in_h) {
            qc_fill_s8(column, row_taps, QC_PAD);
        } else if (whole) {
            qc_copy_s8(column, xb + (iy * p->in_w + ix0) * p->in_c, row_taps);
        } else if (p->dilation_w == 1) {
            /* The valid columns are one contiguous run, the padding on either side two more. */
            qc_fill_s8(column, kx0 * p->in_c, QC_PAD);
            qc_copy_s8(column + kx0 * p->in_c, xb + (iy * p->in_w + ix0 + kx0) * p->in_c, (kx1 - kx0) * p->in_c);
            qc_fill_s8(column + kx1 * p->in_c, (p->kernel_w - kx1) * p->in_c, QC_PAD);
        } else {
            for (kx = 0; kx < p->kernel_w; ++kx) {
                const int32_t ix = ix0 + kx * p->dilation_w;
                if (ix < 0 || ix >= p->in_w) {
                    qc_fill_s8(column + kx * p->in_c, p->in_c, QC_PAD);
                } else {
                    qc_copy_s8(column + kx * p->in_c, xb + (iy * p->in_w + ix) * p->in_c, p->in_c);
                }
            }
        }
    }
}

/* The column of one output position: for a 1x1 kernel without padding, the input pixel itself
 * (its channels are the taps, contiguous); otherwise gathered into `scratch`. */
static const int8_t *column_of(const QC_PARAMS *p, const int8_t *xb, int32_t position, int8_t *scratch)
{
    if (p->kernel_h == 1 && p->kernel_w == 1 && p->pad_top == 0 && p->pad_left == 0) {
        const int32_t iy = (position / p->out_w) * p->stride_h, ix = (position % p->out_w) * p->stride_w;
        if (iy < p->in_h && ix < p->in_w) {
            return xb + (iy * p->in_w + ix) * p->in_c;
        }
    }
    gather(p, xb, position, scratch);
    return scratch;
}

#if QC_AFFINE
void QC_NAME(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int32_t *multiplier,
             const int8_t *shift, int8_t *scratch, int8_t *y)
#else
void QC_NAME(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift, int8_t *scratch,
             int8_t *y)
#endif
{
    const int32_t taps = p->kernel_h * p->kernel_w * p->in_c;
    const int32_t positions = p->out_h * p->out_w, outs = p->out_c;
#if QC_AFFINE
    const qc_requant_affine rq = qc_requant_affine_of(multiplier, shift, p->shift_count, p->out_offset, p->act_min, p->act_max, 0);
    const int right = qc_rescalings_right(multiplier, shift, p->shift_count, 0);
#else
    const qc_requant rq = qc_requant_of(shift, p->shift_count, p->act_min, p->act_max);
#endif
    int8_t *const column_a = scratch, *const column_b = scratch + taps;
    /* The two positions' int32 sums, after the columns (QC_CONV_MVE_SCRATCH_BYTES). */
    int32_t *const sums_a = (int32_t *)(void *)(scratch + ((2 * taps + 3) & ~3)), *const sums_b = sums_a + outs;
    int32_t batch, pos;
    for (batch = 0; batch < p->batch; ++batch) {
        const int8_t *xb = x + batch * p->in_h * p->in_w * p->in_c;
        for (pos = 0; pos < positions; pos += 2) {
            int8_t *ya = y + (batch * positions + pos) * outs;
            const int8_t *const a = column_of(p, xb, pos, column_a);
            if (pos + 1 < positions) {
                qc_mve_sums_2cols(w, taps, outs, a, column_of(p, xb, pos + 1, column_b), bias, sums_a, sums_b);
                QC_RUN(sums_a, ya);
                QC_RUN(sums_b, ya + outs);
            } else {
                qc_mve_sums_1col(w, taps, outs, a, bias, sums_a);
                QC_RUN(sums_a, ya);
            }
        }
    }
}

#undef QC_NAME
#undef QC_AFFINE
#undef QC_PARAMS
#undef QC_PAD
#undef QC_RUN
