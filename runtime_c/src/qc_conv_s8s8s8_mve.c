/* qc_conv_s8s8s8 for cores with Helium; see qc_conv_mve_template.h. */
#define QC_NAME qc_conv_s8s8s8_mve
#define QC_AFFINE 0
#include "qc_conv_mve_template.h"
