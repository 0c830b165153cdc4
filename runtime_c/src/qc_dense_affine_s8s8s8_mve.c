/* qc_dense_affine_s8s8s8 for cores with Helium; see qc_dense_mve_template.h. */
#define QC_NAME qc_dense_affine_s8s8s8_mve
#define QC_AFFINE 1
#include "qc_dense_mve_template.h"
