/* qc_dense_affine_s8s8s8 for cores with the DSP extension; see qc_dense_dsp_template.h. */
#define QC_NAME qc_dense_affine_s8s8s8_dsp
#define QC_AFFINE 1
#include "qc_dense_dsp_template.h"
