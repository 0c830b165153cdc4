/* int8-affine addition, TFLite's ADD; contract in qc_kernels.h. Twin: affineAdd (IntegerSimulator). */
#include "qc_affine.h"
#include "qc_kernels.h"

void qc_add_affine_s8(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    /* Copied out once: stores through y may alias the params for all the compiler knows. */
    const int32_t a_offset = p->a_offset, b_offset = p->b_offset, out_offset = p->out_offset;
    const int32_t a_mult = p->a_mult, b_mult = p->b_mult, out_mult = p->out_mult;
    const int a_shift = p->a_shift, b_shift = p->b_shift, out_shift = p->out_shift, left = p->left_shift;
    const int32_t lo = p->act_min, hi = p->act_max;
    int32_t i;
    for (i = 0; i < p->count; ++i) {
        /* (x + offset) lies in [-255, 255]: shifted left by at most 20 it stays inside int32. */
        const int32_t u = qc_mbqm((int32_t)((uint32_t)(a[i] + a_offset) << left), a_mult, a_shift);
        const int32_t v = qc_mbqm((int32_t)((uint32_t)(b[i] + b_offset) << left), b_mult, b_shift);
        const int32_t sum = qc_mbqm(u + v, out_mult, out_shift) + out_offset;
        y[i] = (int8_t)(sum < lo ? lo : (sum > hi ? hi : sum));
    }
}
