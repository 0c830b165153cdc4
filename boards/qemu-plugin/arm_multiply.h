/*
 * quantc QEMU plugin: is a Thumb instruction multiply-class? Decoded by hand from the encoding
 * tables of the Armv7-M and Armv8-M Architecture Reference Manuals (T16/T32 multiply and long
 * multiply groups, floating-point data processing) and the Armv8.1-M manual (MVE, "Helium").
 * test/multiplies.s and test/others.s list what each class must and must not contain; the plugin
 * tests assemble them and check every encoding.
 *
 * hw1 is the first halfword of the instruction, hw2 the second (32-bit encodings only).
 */
#ifndef QUANTC_ARM_MULTIPLY_H
#define QUANTC_ARM_MULTIPLY_H

#include <stdint.h>

/* A 32-bit Thumb encoding starts with 0b11101, 0b11110 or 0b11111 (the first halfword decides). */
static inline int quantc_thumb_is_32bit(uint16_t hw1)
{
    return (hw1 >> 11) >= 0x1D;
}

/* T16: MULS Rdm, Rn, Rdm is 0100 0011 01 Rn Rdm. */
static inline int quantc_is_multiply16(uint16_t hw1)
{
    return (hw1 & 0xFFC0u) == 0x4340u;
}

/* Floating-point data processing, cp10/11 (and cp9, half precision): 1110 1110 o1 D o2 Vn | Vd 10 sz N o3 M 0 Vm.
 * opc1 = o1:o2 (hw1 bits 7, 5:4): 000 VMLA/VMLS, 001 VNMLA/VNMLS, 010 VMUL/VNMUL, 101 VFNMA/VFNMS,
 * 110 VFMA/VFMS; 011 (VADD/VSUB), 100 (VDIV) and 111 (other) are not multiplies. */
static inline int quantc_is_vfp_multiply(uint16_t hw1, uint16_t hw2)
{
    unsigned opc1;
    if ((hw1 & 0xFF00u) != 0xEE00u || (hw2 & 0x0010u) != 0) {
        return 0;
    }
    if ((hw2 & 0x0E00u) != 0x0A00u && (hw2 & 0x0F00u) != 0x0900u) {
        return 0;
    }
    opc1 = ((hw1 >> 5) & 4u) | ((hw1 >> 4) & 3u);
    return opc1 == 0 || opc1 == 1 || opc1 == 2 || opc1 == 5 || opc1 == 6;
}

/*
 * MVE in the Advanced-SIMD-like space (111U 1111 0 D size Vn | Vd opc N Q M o1 Vm) and the
 * VCMLA space (1111 110 rot D 1 S ...): VMUL (opc 1001), VMUL.F (1101, U=1, o1=1), VFMA/VFMS
 * (1100, U=0, o1=1), VQDMULH/VQRDMULH (1011, o1=0), VCMLA.
 */
static inline int quantc_is_mve_simd_multiply(uint16_t hw1, uint16_t hw2)
{
    unsigned opc = (hw2 >> 8) & 0xFu, o1 = (hw2 >> 4) & 1u, u = (hw1 >> 12) & 1u;
    if ((hw1 & 0xFE20u) == 0xFC20u && (hw2 & 0x0F10u) == 0x0800u) {
        return 1; /* VCMLA */
    }
    if ((hw1 & 0xEF80u) != 0xEF00u) {
        return 0;
    }
    return opc == 0x9u || (opc == 0xDu && u == 1 && o1 == 1 && (hw1 & 0x0020u) == 0) || (opc == 0xCu && u == 0 && o1 == 1) ||
           (opc == 0xBu && o1 == 0);
}

/*
 * MVE in the coprocessor-like space: 111U 1110 | ... 111x, with hw2 bit 8 telling the 1110 and 1111
 * halves apart. Within it, hw1 bit 7 separates the element-wise group (0) from the across-vector
 * and long group (1); hw1 bit 0, hw2 bits 6, 5, 4, 0 and the size field (hw1 bits 5:4, where 0b11
 * selects the floating-point or special forms) pick the instruction.
 */
static inline int quantc_is_mve_cp_multiply(uint16_t hw1, uint16_t hw2)
{
    const unsigned f = (hw2 >> 8) & 1u, b0 = hw2 & 1u, b4 = (hw2 >> 4) & 1u, b5 = (hw2 >> 5) & 1u, b6 = (hw2 >> 6) & 1u;
    const unsigned t = (hw2 >> 12) & 1u, u = (hw1 >> 12) & 1u, h0 = hw1 & 1u, size = (hw1 >> 4) & 3u;
    if ((hw1 & 0xEF00u) != 0xEE00u || (hw2 & 0x0E00u) != 0x0E00u) {
        return 0;
    }
    if (hw1 & 0x0080u) {
        /* Across-vector and long, hw1 bits 6:4 = RdaHi (0-5) or 7 (the 32-bit VMLADAV forms):
         * VMLADAV, VMLSDAV, VMLALDAV, VMLSLDAV, VRMLSLDAVH have b6 = b4 = 0 in the 1110 half;
         * VMLADAV.8 and VRMLALDAVH sit in the 1111 half with hw1 bit 0 and b0 clear. There VADDV and
         * VADDLV (hw1 bit 0 set), VABAV (b0 set), VMAXV/VMINV/VMAXAV/VMINAV/VMAXNMV (bits 6:4 = 6)
         * and VMOVL, VSHLL, VSHRN (b6 or b4 set) are not multiplies. */
        if (b6 != 0 || b4 != 0) {
            return 0;
        }
        return f == 0 || (h0 == 0 && b0 == 0 && ((hw1 >> 4) & 7u) != 6u);
    }
    if (f == 0) {
        if (h0 == 1) {
            if (b6 == 0 && b4 == 0) {
                /* VMULL (int, b0 = 0; polynomial when size = 3), VMULH/VRMULH (b0 = 1, size != 3);
                 * size 3 with b0 = 1 is VQMOVN, VMOVN, VCVTB/T, VMAXA, VMINA, VMAXNMA, VMINNMA. */
                return b0 == 0 || size != 3u;
            }
            if (b6 == 1 && b5 == 1) {
                /* t = 0: VQDMULH/VQRDMULH (scalar), VMUL.F (scalar); t = 1: VMUL (scalar) when U = 0
                 * and size != 3; VBRSR (U = 1) and the register shifts (size 3) are not. */
                return t == 0 || (u == 0 && size != 3u);
            }
            if (b6 == 1 && b5 == 0) {
                return b4 == 0; /* VMLA, VMLAS, VFMA, VFMAS (scalar) */
            }
            return 0;
        }
        /* VQDMLADH, VQRDMLADH, VQDMLSDH, VQRDMLSDH, VCMUL (b6 = 0); VQDMLAH, VQRDMLAH, VQDMLASH,
         * VQRDMLASH (b6 = 1). */
        return b4 == 0;
    }
    if (h0 == 0) {
        /* VQDMULL (vector: b6 = 0, b0 = 1; scalar: b6 = 1, b5 = 1), both with size 3. VADC, VSBC,
         * VHCADD, VCADD, VHADD, VHSUB, VQADD, VQSUB are not. */
        return size == 3u && b4 == 0 && ((b6 == 0 && b0 == 1) || (b6 == 1 && b5 == 1));
    }
    return 0; /* VADD/VSUB scalar, VIDUP, VDDUP, VIWDUP, VDWDUP, VCMP, VPSEL, VPNOT, VPST */
}

/* T32 multiply-class: MUL, MLA, MLS, SMUL<x><y>, SMLA<x><y>, SMULW, SMLAW, SMUAD, SMLAD, SMUSD,
 * SMLSD, SMMUL, SMMLA, SMMLS (1111 1011 0 op1, op1 != 111 which is USAD8/USADA8); SMULL, UMULL,
 * SMLAL*, SMLALD, SMLSLD, UMLAL, UMAAL (1111 1011 1 op1, op1 not 001/011 which are SDIV/UDIV);
 * the floating-point multiplies; the MVE multiplies. */
static inline int quantc_is_multiply32(uint16_t hw1, uint16_t hw2)
{
    if ((hw1 & 0xFF80u) == 0xFB00u) {
        return ((hw1 >> 4) & 7u) != 7u;
    }
    if ((hw1 & 0xFF80u) == 0xFB80u) {
        const unsigned op1 = (hw1 >> 4) & 7u;
        return op1 != 1u && op1 != 3u;
    }
    return quantc_is_vfp_multiply(hw1, hw2) || quantc_is_mve_simd_multiply(hw1, hw2) || quantc_is_mve_cp_multiply(hw1, hw2);
}

#endif
