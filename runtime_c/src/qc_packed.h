/*
 * Packed weights (qc_kernels.h, qc_dense_packed_params): field j of `bits` bits (2..7) starts at bit
 * j * bits, least significant first; the stream ends with a padding byte, so the two-byte window
 * read here never passes it.
 */
#ifndef QC_PACKED_H
#define QC_PACKED_H

#include <stdint.h>

static inline int32_t qc_packed_weight(const uint8_t *w, uint32_t bit, int32_t bits)
{
    const uint32_t window = (uint32_t)w[bit >> 3] | ((uint32_t)w[(bit >> 3) + 1] << 8);
    const uint32_t sign = 1u << (bits - 1);
    return (int32_t)(((window >> (bit & 7u)) & ((1u << bits) - 1u)) ^ sign) - (int32_t)sign;
}

#endif /* QC_PACKED_H */
