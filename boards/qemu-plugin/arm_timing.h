/*
 * quantc QEMU plugin: estimated cycles of a Thumb instruction on a Cortex-M0, M3 or M4 with
 * zero-wait-state memory, from the processor instruction timing tables of their Technical
 * Reference Manuals (and the load/store pairing rules of the M3/M4 manuals). test/timing_*.s are
 * straight-line programs whose cycle counts the manuals give; the plugin tests run them.
 *
 * What the tables leave open is fixed here, and estimated:
 *  - P, the pipeline refill after a taken branch on the M3/M4, which the manuals give as 1 to 3
 *    cycles (it depends on the target's alignment and width and on early address speculation),
 *    is taken as 2;
 *  - the M3's long multiplies terminate early depending on their operands (3-5 cycles, 4-7 with
 *    accumulate): taken as 4 and 5; divides on both (2-12 cycles) as 7;
 *  - neither the stall of a load or store whose address the instruction just before computed nor
 *    load pairing is seen across translation blocks.
 * The M0's table is exact apart from the multiplier, which is a build option of the core:
 * `multiply_cycles` 1 (fast) or 32 (small).
 */
#ifndef QUANTC_ARM_TIMING_H
#define QUANTC_ARM_TIMING_H

#include <stdint.h>

enum quantc_core {
    QUANTC_CORE_NONE,
    QUANTC_CORE_M0,
    QUANTC_CORE_M3,
    QUANTC_CORE_M4
};

struct quantc_cycles {
    /* Cycles when executed, with a conditional branch not taken. */
    unsigned cycles;
    /* A conditional branch: what taking it adds. 0 for every other instruction. */
    unsigned taken_extra;
    /* What the next instruction's timing depends on (M3/M4): a single load (LDR, LDRB, ...) lets a
     * single load or store right after it pipeline unless that one's address uses the loaded
     * register; a register a data-processing instruction wrote stalls a load or store that uses it
     * for its address. Bit r of a mask stands for register r. */
    int single_load;
    unsigned loaded, written;
};

static inline unsigned quantc_bit_count(uint32_t v)
{
    unsigned n = 0;
    for (; v != 0; v &= v - 1u) {
        ++n;
    }
    return n;
}

/* Instruction classes, decoded from the encoding tables of the Armv7-M manual. */
enum quantc_kind {
    QK_ALU,            /* anything else: one cycle */
    QK_LOAD,           /* single load: LDR, LDRB, LDRH, LDRSB, LDRSH (any addressing, literal too), LDREX */
    QK_STORE_IMM,      /* single store, immediate offset */
    QK_STORE_REG,      /* single store, register offset */
    QK_DUAL,           /* LDRD, STRD */
    QK_MULTIPLE,       /* LDM, STM, PUSH, POP: n registers */
    QK_BRANCH,         /* B, BX, BLX, MOV/ADD to PC: always taken */
    QK_BRANCH_LINK,    /* BL */
    QK_COND_BRANCH,    /* B<cond>, CBZ, CBNZ */
    QK_TABLE_BRANCH,   /* TBB, TBH */
    QK_MUL,            /* MUL, MULS */
    QK_MAC,            /* MLA, MLS */
    QK_DSP_MUL,        /* SMUL<xy>, SMLA<xy>, SMLAD, SMUAD, SMMUL, ... (one cycle on the M4) */
    QK_LONG_MUL,       /* SMULL, UMULL */
    QK_LONG_MAC,       /* SMLAL, UMLAL, SMLALD, SMLSLD, UMAAL */
    QK_DIVIDE,         /* SDIV, UDIV */
    QK_FP_LOADSTORE,   /* VLDR, VSTR */
    QK_FP_MULTIPLE,    /* VLDM, VSTM, VPUSH, VPOP: n registers */
    QK_FP_MAC,         /* VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS */
    QK_FP_DIVIDE,      /* VDIV, VSQRT */
    QK_SYSTEM          /* MSR, MRS, DSB, DMB, ISB */
};

struct quantc_decoded {
    enum quantc_kind kind;
    unsigned n;       /* registers of QK_MULTIPLE and QK_FP_MULTIPLE */
    int writes_pc;    /* a load or LDM/POP that loads the PC */
    unsigned address; /* loads and stores: the registers their address is computed from */
    unsigned loaded;  /* single loads: the register loaded */
    unsigned written; /* data processing and multiplies: the registers written */
};

#define QUANTC_REG(r) (1u << ((r) & 15u))

static inline struct quantc_decoded quantc_decode16(uint16_t hw1)
{
    struct quantc_decoded d = {QK_ALU, 0, 0, 0, 0, 0};
    if ((hw1 >> 12) == 0x5u) {
        /* Load/store register offset: STR, STRH, STRB, then LDRSB, LDR, LDRH, LDRB, LDRSH. */
        d.kind = ((hw1 >> 9) & 7u) >= 3u ? QK_LOAD : QK_STORE_REG;
        d.address = QUANTC_REG((hw1 >> 3) & 7u) | QUANTC_REG((hw1 >> 6) & 7u);
        d.loaded = d.kind == QK_LOAD ? QUANTC_REG(hw1 & 7u) : 0u;
    } else if ((hw1 >> 13) == 3u || (hw1 >> 12) == 8u) {
        /* LDR/STR (word, byte) and LDRH/STRH with an immediate: bit 11 = load. */
        d.kind = (hw1 & 0x0800u) ? QK_LOAD : QK_STORE_IMM;
        d.address = QUANTC_REG((hw1 >> 3) & 7u);
        d.loaded = d.kind == QK_LOAD ? QUANTC_REG(hw1 & 7u) : 0u;
    } else if ((hw1 >> 12) == 9u) {
        /* LDR/STR SP-relative. */
        d.kind = (hw1 & 0x0800u) ? QK_LOAD : QK_STORE_IMM;
        d.address = QUANTC_REG(13u);
        d.loaded = d.kind == QK_LOAD ? QUANTC_REG((hw1 >> 8) & 7u) : 0u;
    } else if ((hw1 >> 11) == 0x09u) {
        d.kind = QK_LOAD; /* LDR literal */
        d.loaded = QUANTC_REG((hw1 >> 8) & 7u);
    } else if ((hw1 >> 12) == 0xCu) {
        d.kind = QK_MULTIPLE; /* LDMIA/STMIA */
        d.n = quantc_bit_count(hw1 & 0xFFu);
        d.address = QUANTC_REG((hw1 >> 8) & 7u);
    } else if ((hw1 & 0xFE00u) == 0xB400u) {
        d.kind = QK_MULTIPLE; /* PUSH {..., LR} */
        d.n = quantc_bit_count(hw1 & 0x1FFu);
        d.address = QUANTC_REG(13u);
    } else if ((hw1 & 0xFE00u) == 0xBC00u) {
        d.kind = QK_MULTIPLE; /* POP {..., PC} */
        d.n = quantc_bit_count(hw1 & 0x1FFu);
        d.writes_pc = (hw1 & 0x0100u) != 0;
        d.address = QUANTC_REG(13u);
    } else if ((hw1 >> 12) == 0xDu && ((hw1 >> 8) & 0xFu) < 0xEu) {
        d.kind = QK_COND_BRANCH;
    } else if ((hw1 >> 11) == 0x1Cu) {
        d.kind = QK_BRANCH;
    } else if ((hw1 & 0xFF00u) == 0x4700u) {
        d.kind = QK_BRANCH; /* BX, BLX (register) */
    } else if ((hw1 & 0xF500u) == 0xB100u) {
        d.kind = QK_COND_BRANCH; /* CBZ, CBNZ */
    } else if ((hw1 & 0xFC00u) == 0x4400u && (hw1 & 0x0100u) == 0 && ((hw1 & 7u) | ((hw1 >> 4) & 8u)) == 15u) {
        d.kind = QK_BRANCH; /* ADD or MOV with the PC as destination (not CMP, BX, BLX) */
    } else if ((hw1 & 0xFFC0u) == 0x4340u) {
        d.kind = QK_MUL;
        d.written = QUANTC_REG(hw1 & 7u);
    } else if ((hw1 >> 13) == 0u) {
        d.written = QUANTC_REG(hw1 & 7u); /* shifts by an immediate, ADD/SUB (register, 3-bit immediate) */
    } else if ((hw1 >> 13) == 1u) {
        d.written = ((hw1 >> 11) & 3u) != 1u ? QUANTC_REG((hw1 >> 8) & 7u) : 0u; /* MOV, ADD, SUB (8-bit immediate); not CMP */
    } else if ((hw1 & 0xFC00u) == 0x4000u) {
        const unsigned op = (hw1 >> 6) & 0xFu; /* data processing (register); not TST, CMP, CMN */
        d.written = op != 8u && op != 10u && op != 11u ? QUANTC_REG(hw1 & 7u) : 0u;
    } else if ((hw1 & 0xFC00u) == 0x4400u && (hw1 & 0x0100u) == 0) {
        d.written = QUANTC_REG((hw1 & 7u) | ((hw1 >> 4) & 8u)); /* ADD, MOV (high registers) */
    } else if ((hw1 >> 12) == 0xAu) {
        d.written = QUANTC_REG((hw1 >> 8) & 7u); /* ADR, ADD (SP plus immediate) */
    } else if ((hw1 & 0xFF00u) == 0xB000u) {
        d.written = QUANTC_REG(13u); /* ADD/SUB SP, SP, #imm */
    } else if ((hw1 & 0xFF00u) == 0xB200u || (hw1 & 0xFF00u) == 0xBA00u) {
        d.written = QUANTC_REG(hw1 & 7u); /* SXTH, SXTB, UXTH, UXTB, REV, REV16, REVSH */
    }
    return d;
}

static inline struct quantc_decoded quantc_decode32(uint16_t hw1, uint16_t hw2)
{
    struct quantc_decoded d = {QK_ALU, 0, 0, 0, 0, 0};
    const unsigned rn = hw1 & 0xFu, rd = (hw2 >> 8) & 0xFu;
    if ((hw1 & 0xF800u) == 0xF000u && (hw2 & 0x8000u) != 0) {
        /* Branches and miscellaneous control. */
        if ((hw2 & 0x5000u) == 0x5000u) {
            d.kind = QK_BRANCH_LINK; /* BL */
        } else if ((hw2 & 0x5000u) == 0x1000u) {
            d.kind = QK_BRANCH; /* B.W */
        } else if ((hw2 & 0x5000u) == 0x0000u) {
            d.kind = ((hw1 >> 6) & 0xFu) < 0xEu ? QK_COND_BRANCH : QK_SYSTEM; /* B<c>.W, or MSR, MRS, barriers, hints */
            if (d.kind == QK_SYSTEM && (hw1 & 0xFFF0u) == 0xF3A0u) {
                d.kind = QK_ALU; /* NOP.W and the other hints */
            }
        }
    } else if ((hw1 & 0xFE00u) == 0xF800u) {
        /* Load/store single: bit 4 of hw1 = load. Register offset: bit 7 clear, hw2 bits 11:6 zero. */
        const int register_offset = (hw1 & 0x0080u) == 0 && (hw2 & 0x0FC0u) == 0 && rn != 15u;
        if (hw1 & 0x0010u) {
            d.kind = QK_LOAD;
            d.writes_pc = ((hw2 >> 12) & 0xFu) == 15u && ((hw1 >> 5) & 3u) == 2u && (hw1 & 0x0100u) == 0; /* LDR PC (not PLD, PLI) */
            d.loaded = QUANTC_REG(hw2 >> 12);
        } else {
            d.kind = register_offset ? QK_STORE_REG : QK_STORE_IMM;
        }
        d.address = (rn != 15u ? QUANTC_REG(rn) : 0u) | (register_offset ? QUANTC_REG(hw2 & 0xFu) : 0u);
    } else if ((hw1 & 0xFE40u) == 0xE840u) {
        /* Load/store dual, exclusive, table branch. */
        d.address = QUANTC_REG(rn);
        if (hw1 & 0x0120u) {
            d.kind = QK_DUAL;
        } else if ((hw1 & 0xFFF0u) == 0xE8D0u && (hw2 & 0xFFE0u) == 0xF000u) {
            d.kind = QK_TABLE_BRANCH;
        } else {
            d.kind = (hw1 & 0x0010u) ? QK_LOAD : QK_STORE_IMM; /* LDREX, STREX and their byte and halfword forms */
        }
    } else if ((hw1 & 0xFE40u) == 0xE800u && ((hw1 >> 7) & 3u) != 0u && ((hw1 >> 7) & 3u) != 3u) {
        d.kind = QK_MULTIPLE; /* LDM, STM (IA and DB), PUSH.W, POP.W */
        d.n = quantc_bit_count(hw2);
        d.address = QUANTC_REG(rn);
        d.writes_pc = (hw1 & 0x0010u) && (hw2 & 0x8000u);
    } else if ((hw1 & 0xFF80u) == 0xFB00u) {
        const unsigned op1 = (hw1 >> 4) & 7u;
        if (op1 == 0u) {
            d.kind = ((hw2 >> 12) == 0xFu && (hw2 & 0x00F0u) == 0) ? QK_MUL : QK_MAC;
        } else if (op1 != 7u) {
            d.kind = QK_DSP_MUL;
        }
        d.written = QUANTC_REG(rd);
    } else if ((hw1 & 0xFF80u) == 0xFB80u) {
        const unsigned op1 = (hw1 >> 4) & 7u;
        d.kind = op1 == 1u || op1 == 3u ? QK_DIVIDE : op1 == 0u || op1 == 2u ? QK_LONG_MUL : op1 != 7u ? QK_LONG_MAC : QK_ALU;
        d.written = QUANTC_REG(rd) | (d.kind == QK_DIVIDE ? 0u : QUANTC_REG(hw2 >> 12));
    } else if ((hw1 & 0xFE00u) == 0xEC00u && (hw2 & 0x0E00u) == 0x0A00u) {
        /* Floating-point load/store: VLDR/VSTR have P = 1, W = 0; VMOV of two core registers has P = W = 0 and bit 7 clear. */
        d.address = QUANTC_REG(rn);
        if ((hw1 & 0x0120u) == 0x0100u) {
            d.kind = QK_FP_LOADSTORE;
        } else if ((hw1 & 0x01A0u) != 0) {
            d.kind = QK_FP_MULTIPLE;
            d.n = (hw2 & 0xFFu) / ((hw2 & 0x0100u) ? 2u : 1u);
        }
    } else if ((hw1 & 0xFF00u) == 0xEE00u && (hw2 & 0x0E00u) == 0x0A00u && (hw2 & 0x0010u) == 0) {
        const unsigned opc1 = ((hw1 >> 5) & 4u) | ((hw1 >> 4) & 3u);
        if (opc1 == 0u || opc1 == 1u || opc1 == 5u || opc1 == 6u) {
            d.kind = QK_FP_MAC;
        } else if (opc1 == 4u || (opc1 == 7u && (hw1 & 0xFu) == 1u && (hw2 & 0x00C0u) == 0x00C0u)) {
            d.kind = QK_FP_DIVIDE;
        }
    } else if (((hw1 & 0xF800u) == 0xF000u && (hw2 & 0x8000u) == 0) || (hw1 & 0xFE00u) == 0xEA00u || (hw1 & 0xFF00u) == 0xFA00u) {
        /* Data processing: immediate, shifted register, register. Rd = 15 is a test (TST, CMP, ...). */
        d.written = rd != 15u ? QUANTC_REG(rd) : 0u;
    }
    return d;
}

/*
 * The cycles of one instruction (hw2 is ignored for a 16-bit one). `previous`: what the instruction
 * before it in the same translation block returned, or NULL.
 */
static inline struct quantc_cycles quantc_arm_cycles(enum quantc_core core, uint16_t hw1, uint16_t hw2, int is32,
                                                     const struct quantc_cycles *previous, unsigned multiply_cycles)
{
    const struct quantc_decoded d = is32 ? quantc_decode32(hw1, hw2) : quantc_decode16(hw1);
    struct quantc_cycles c = {1, 0, d.kind == QK_LOAD && !d.writes_pc, d.loaded, d.written};
    /* M3/M4: a load after a single load pipelines (one cycle less) unless its address needs the
     * loaded value; an address computed by the instruction just before costs a cycle. */
    const int pipelined = previous != NULL && previous->single_load && (d.address & previous->loaded) == 0;
    const unsigned stall = previous != NULL && (d.address & previous->written) != 0 ? 1u : 0u;
    if (core == QUANTC_CORE_M0) {
        /* Cortex-M0: loads and stores 2, LDM/STM/PUSH/POP 1 + N (POP with PC 4 + N), taken
         * branches 3 (BL 4), MSR/MRS and barriers 4 (MRS 3 on later revisions; 4 taken). */
        switch (d.kind) {
        case QK_LOAD: case QK_STORE_IMM: case QK_STORE_REG: c.cycles = 2; break;
        case QK_MULTIPLE: c.cycles = 1 + d.n + (d.writes_pc ? 3u : 0u); break;
        case QK_BRANCH: c.cycles = 3; break;
        case QK_BRANCH_LINK: c.cycles = 4; break;
        case QK_COND_BRANCH: c.cycles = 1; c.taken_extra = 2; break;
        case QK_MUL: c.cycles = multiply_cycles; break;
        case QK_SYSTEM: c.cycles = 4; break;
        default: break;
        }
        c.single_load = 0;
        c.loaded = c.written = 0;
        return c;
    }
    /* Cortex-M3 and M4 (P = 2). */
    switch (d.kind) {
    case QK_LOAD: c.cycles = (d.writes_pc ? 2u + 3u : pipelined ? 1u : 2u) + stall; break;
    case QK_STORE_IMM: c.cycles = 1 + stall; break;
    case QK_STORE_REG: c.cycles = (pipelined ? 1u : 2u) + stall; break;
    case QK_DUAL: c.cycles = 3 + stall; break;
    case QK_MULTIPLE: c.cycles = 1 + d.n + (d.writes_pc ? 2u : 0u) + stall; break;
    case QK_BRANCH: case QK_BRANCH_LINK: c.cycles = 3; break;
    case QK_COND_BRANCH: c.cycles = 1; c.taken_extra = 2; break;
    case QK_TABLE_BRANCH: c.cycles = 2 + 1 + 3; break;
    case QK_MAC: c.cycles = core == QUANTC_CORE_M3 ? 2u : 1u; break;
    case QK_LONG_MUL: c.cycles = core == QUANTC_CORE_M3 ? 4u : 1u; break;
    case QK_LONG_MAC: c.cycles = core == QUANTC_CORE_M3 ? 5u : 1u; break;
    case QK_DIVIDE: c.cycles = 7; break;
    case QK_FP_LOADSTORE: c.cycles = 2 + stall; break;
    case QK_FP_MULTIPLE: c.cycles = 1 + d.n + stall; break;
    case QK_FP_MAC: c.cycles = 3; break;
    case QK_FP_DIVIDE: c.cycles = 14; break;
    default: break;
    }
    return c;
}

/* The core of a -mcpu name the model covers; QUANTC_CORE_NONE for the others (no estimate). */
static inline enum quantc_core quantc_core_named(const char *name)
{
    static const struct {
        const char *name;
        enum quantc_core core;
    } cores[] = {{"cortex-m0", QUANTC_CORE_M0}, {"cortex-m3", QUANTC_CORE_M3}, {"cortex-m4", QUANTC_CORE_M4}};
    unsigned i, j;
    for (i = 0; i < sizeof cores / sizeof cores[0]; ++i) {
        for (j = 0; cores[i].name[j] != 0 && cores[i].name[j] == name[j]; ++j) {
        }
        if (cores[i].name[j] == 0 && name[j] == 0) {
            return cores[i].core;
        }
    }
    return QUANTC_CORE_NONE;
}

#endif
