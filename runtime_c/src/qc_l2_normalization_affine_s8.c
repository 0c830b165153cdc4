/* int8-affine L2 normalization, TFLite's L2_NORMALIZATION; contract in qc_kernels.h.
 * Twin: affineL2Normalization (IntegerSimulator), Affine.inverseSqrt. */
#include "qc_fixedpoint_exp.h"
#include "qc_kernels.h"

/* 1/sqrt(value) as a multiplier and a shift (positive = left). The value is normalised by pairs of
 * bits into [2^27, 2^29), x = 1 in Q3.28 is refined five times by x = 1.5x - (value/2) x^3, and the
 * result scaled by sqrt(2)/2. */
static void qc_inv_sqrt(int32_t value, int32_t *multiplier, int32_t *shift)
{
    const int32_t half_three = ((int32_t)1 << 28) + ((int32_t)1 << 27);
    int32_t input = value, s = 11, pairs, half_input, x = (int32_t)1 << 28, k;
    if (value <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    while (input >= ((int32_t)1 << 29)) {
        input /= 4;
        ++s;
    }
    /* Leading zeros of input, less one, halved, less one: the pairs of bits to shift left. */
    pairs = (qc_leading_zeros((uint32_t)input) - 1) / 2 - 1;
    s -= pairs;
    input = (int32_t)((uint32_t)input << (2 * pairs));
    half_input = qc_rdbpot(input >> 1, 1);
    for (k = 0; k < 5; ++k) {
        const int32_t cube = qc_saturating_shift_left(qc_srdhm(qc_srdhm(x, x), x), 6);
        const int32_t step = (int32_t)((uint32_t)qc_srdhm(half_three, x) - (uint32_t)qc_srdhm(half_input, cube));
        x = qc_saturating_shift_left(step, 3);
    }
    x = qc_srdhm(x, 1518500250); /* sqrt(2)/2 in Q0.31 */
    if (s < 0) {
        x = (int32_t)((uint32_t)x << -s);
        s = 0;
    }
    *multiplier = x;
    *shift = -s;
}

void qc_l2_normalization_affine_s8(const qc_l2_normalization_affine_params *p, const int8_t *x, int8_t *y)
{
    const int32_t depth = p->depth, in_offset = p->in_offset;
    int32_t r, i;
    for (r = 0; r < p->rows; ++r) {
        const int8_t *row = x + (int64_t)r * depth;
        int8_t *out = y + (int64_t)r * depth;
        int32_t sum = 0, multiplier, shift;
        for (i = 0; i < depth; ++i) {
            const int32_t v = row[i] + in_offset;
            sum += v * v;
        }
        qc_inv_sqrt(sum, &multiplier, &shift);
        for (i = 0; i < depth; ++i) {
            out[i] = (int8_t)qc_requantize_affine(row[i] + in_offset, multiplier, shift + 7, 0, -128, 127);
        }
    }
}
