/* qc_conv_s8s8s8 for cores with the DSP extension; see qc_conv_dsp_template.h. */
#define QC_NAME qc_conv_s8s8s8_dsp
#define QC_AFFINE 0
#include "qc_conv_dsp_template.h"
