/*
 * One element of the int8-affine addition (qc_add_affine_s8, contract in qc_kernels.h), shared by
 * the portable kernel and the Helium variant's portable path.
 */
#ifndef QC_ADD_AFFINE_H
#define QC_ADD_AFFINE_H

#include "qc_affine.h"
#include "qc_kernels.h"

static inline int8_t qc_add_affine_one(const qc_add_affine_params *p, int32_t a, int32_t b)
{
    /* (x + offset) lies in [-255, 255]: shifted left by at most 20 it stays inside int32. */
    const int32_t u = qc_mbqm((int32_t)((uint32_t)(a + p->a_offset) << p->left_shift), p->a_mult, p->a_shift);
    const int32_t v = qc_mbqm((int32_t)((uint32_t)(b + p->b_offset) << p->left_shift), p->b_mult, p->b_shift);
    const int32_t sum = qc_mbqm(u + v, p->out_mult, p->out_shift) + p->out_offset;
    return (int8_t)(sum < p->act_min ? p->act_min : (sum > p->act_max ? p->act_max : sum));
}

#endif /* QC_ADD_AFFINE_H */
