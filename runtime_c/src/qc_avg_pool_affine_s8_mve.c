/* qc_avg_pool_affine_s8 for cores with Helium; see qc_avg_pool_mve_template.h. */
#define QC_NAME qc_avg_pool_affine_s8_mve
#define QC_AFFINE 1
#include "qc_avg_pool_mve_template.h"
