/* Packed weights to bytes; contract in qc_kernels.h.
 * Twin: the packing in the emitter (the runner's unpack-then-compute cases check both). */
#include "qc_kernels.h"
#include "qc_packed.h"

void qc_unpack_weights_s8(const qc_unpack_weights_params *p, const uint8_t *packed, int8_t *weights)
{
    const int32_t count = p->count, bits = p->weight_bits;
    int32_t j = 0;
    /* Whole bytes of 4- and 2-bit fields, each sign-extended as (field ^ 2^(bits-1)) - 2^(bits-1). */
    if (bits == 4) {
        for (; j + 1 < count; j += 2) {
            const int32_t byte = packed[j >> 1];
            weights[j] = (int8_t)(((byte & 15) ^ 8) - 8);
            weights[j + 1] = (int8_t)(((byte >> 4) ^ 8) - 8);
        }
    } else if (bits == 2) {
        for (; j + 3 < count; j += 4) {
            const int32_t byte = packed[j >> 2];
            weights[j] = (int8_t)(((byte & 3) ^ 2) - 2);
            weights[j + 1] = (int8_t)((((byte >> 2) & 3) ^ 2) - 2);
            weights[j + 2] = (int8_t)((((byte >> 4) & 3) ^ 2) - 2);
            weights[j + 3] = (int8_t)(((byte >> 6) ^ 2) - 2);
        }
    }
    for (; j < count; ++j) weights[j] = (int8_t)qc_packed_weight(packed, (uint32_t)j * (uint32_t)bits, bits);
}
