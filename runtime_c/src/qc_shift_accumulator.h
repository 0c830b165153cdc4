/*
 * Shared by the shift-scheme templates: the unsigned residue accumulator (uint32_t, or uint64_t
 * when QC_WIDE is 1), the signed-digit product, and the requantization of the residue.
 * Included once per instance, after QC_WIDE is defined; the template undefines the names.
 */
#include "qc_arith.h"

#if QC_WIDE
#define QC_UACC_T uint64_t
#define QC_PRODUCT qc_digit_product_u64
#define QC_FINISH(u, s, lo, hi) qc_requantize_s64(qc_s64_from_u64(u), s, lo, hi)
#else
#define QC_UACC_T uint32_t
#define QC_PRODUCT qc_digit_product_u32
#define QC_FINISH(u, s, lo, hi) qc_requantize_s32(qc_s32_from_u32(u), s, lo, hi)
#endif
