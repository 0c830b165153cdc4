/*
 * quantc QEMU plugin: is a RISC-V instruction multiply-class? From the RISC-V unprivileged
 * specification: the M extension's register-register operations are OP (opcode 0110011) with
 * funct7 = 0000001, where funct3 0-3 are MUL, MULH, MULHSU, MULHU and 4-7 are DIV, DIVU, REM,
 * REMU (divides, not multiplies). Compressed (16-bit) instructions hold no multiply in RV32IMAC.
 * test/multiplies_rv32.s and test/others_rv32.s list what each class must and must not contain.
 */
#ifndef QUANTC_RISCV_MULTIPLY_H
#define QUANTC_RISCV_MULTIPLY_H

#include <stdint.h>

/* A 32-bit encoding has 11 in its two lowest bits; anything else is a 16-bit (compressed) one. */
static inline int quantc_riscv_is_32bit(uint16_t low_halfword)
{
    return (low_halfword & 3u) == 3u;
}

static inline int quantc_riscv_is_multiply(uint32_t instruction)
{
    return (instruction & 0xFE00007Fu) == 0x02000033u && ((instruction >> 12) & 7u) < 4u;
}

#endif
