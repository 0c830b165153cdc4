/* qc_depthwise_conv_affine_s8s8s8 for cores with Helium; see qc_depthwise_conv_mve_template.h. */
#define QC_NAME qc_depthwise_conv_affine_s8s8s8_mve
#define QC_AFFINE 1
#include "qc_depthwise_conv_mve_template.h"
