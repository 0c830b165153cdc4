/* qc_avg_pool_s8 for cores with the DSP extension; see qc_avg_pool_dsp_template.h. */
#define QC_NAME qc_avg_pool_s8_dsp
#define QC_AFFINE 0
#include "qc_avg_pool_dsp_template.h"
