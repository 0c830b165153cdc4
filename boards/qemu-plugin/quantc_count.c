/*
 * quantc QEMU TCG plugin: counts executed instructions and executed multiply-class instructions
 * (arm_multiply.h for Arm's Thumb code, riscv_multiply.h for RISC-V, chosen by the emulator's
 * target), and records both counters each time the guest executes the marker address. With
 * core=NAME (a Cortex-M0, M3 or M4: arm_timing.h) it also estimates cycles.
 *
 * Arguments (-plugin libquantc_count.so,out=FILE,marker=0xADDR,core=NAME,mulcycles=N):
 *   out        where to write the counts at exit (default: stderr)
 *   marker     address of an instruction (the profiling marker function); optional
 *   core       the -mcpu name of the core whose timing to estimate; optional
 *   mulcycles  cycles of MULS on a Cortex-M0 (1, or 32 with the small multiplier); default 1
 * Output: "total <instructions> <multiplies>" then one "mark <instructions> <multiplies>" line per
 * marker execution, with the counters as they stood before the marker instruction; with a core
 * model, each line ends with the estimated cycles as well.
 *
 * Counting is exact: every instruction gets an inline counter increment, so a translation block
 * left early (an exception, a semihosting call) counts only what ran. The width of each
 * instruction comes from its first halfword, not from QEMU's size (QEMU 7.2 can misreport the
 * size of an instruction that straddles a page).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "arm_multiply.h"
#include "arm_timing.h"
#include "riscv_multiply.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t instructions, multiplies, cycles;
static uint64_t marker_address;
static int have_marker;
static int riscv;
static enum quantc_core core = QUANTC_CORE_NONE;
static unsigned multiply_cycles = 1;

/* A translation block, for the taken-branch check: its first address, and when it ends with a
 * conditional branch, the branch's fall-through address and what taking it costs. */
struct block {
    uint64_t start;
    uint64_t fallthrough;
    unsigned taken_extra;
};
/* The block that ran last, when it ended with a conditional branch; else NULL. */
static const struct block *pending_branch;
static char *out_path;

struct mark {
    uint64_t instructions, multiplies, cycles;
};
static struct mark *marks;
static size_t mark_count, mark_capacity;

static void on_marker(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    (void)userdata;
    if (mark_count == mark_capacity) {
        size_t capacity = mark_capacity ? 2 * mark_capacity : 1024;
        struct mark *grown = realloc(marks, capacity * sizeof *marks);
        if (grown == NULL) {
            return;
        }
        marks = grown;
        mark_capacity = capacity;
    }
    marks[mark_count].instructions = instructions;
    marks[mark_count].multiplies = multiplies;
    marks[mark_count].cycles = cycles;
    ++mark_count;
}

/* At the start of every block: was the conditional branch that ended the block before taken? */
static void on_block(unsigned int vcpu_index, void *userdata)
{
    const struct block *b = userdata;
    (void)vcpu_index;
    if (pending_branch != NULL && b->start != pending_branch->fallthrough) {
        cycles += pending_branch->taken_extra;
    }
    pending_branch = b->taken_extra != 0 ? b : NULL;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t i, n = qemu_plugin_tb_n_insns(tb);
    struct quantc_cycles previous;
    int has_previous = 0;
    struct block *b = NULL;
    (void)id;
    if (core != QUANTC_CORE_NONE && (b = calloc(1, sizeof *b)) != NULL) {
        b->start = qemu_plugin_tb_vaddr(tb);
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
    }
    for (i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        const uint8_t *bytes = qemu_plugin_insn_data(insn);
        size_t size = qemu_plugin_insn_size(insn);
        uint16_t hw1 = (uint16_t)(bytes[0] | bytes[1] << 8);
        int multiply;
        if (riscv) {
            multiply = quantc_riscv_is_32bit(hw1) && size >= 4 &&
                       quantc_riscv_is_multiply((uint32_t)hw1 | (uint32_t)(bytes[2] | bytes[3] << 8) << 16);
        } else if (quantc_thumb_is_32bit(hw1)) {
            multiply = size >= 4 && quantc_is_multiply32(hw1, (uint16_t)(bytes[2] | bytes[3] << 8));
        } else {
            multiply = quantc_is_multiply16(hw1);
        }
        if (b != NULL) {
            const int is32 = quantc_thumb_is_32bit(hw1) && size >= 4;
            const struct quantc_cycles c = quantc_arm_cycles(core, hw1, is32 ? (uint16_t)(bytes[2] | bytes[3] << 8) : 0, is32,
                                                             has_previous ? &previous : NULL, multiply_cycles);
            previous = c;
            has_previous = 1;
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &cycles, c.cycles);
            if (i + 1 == n && c.taken_extra != 0) {
                b->fallthrough = qemu_plugin_insn_vaddr(insn) + (is32 ? 4u : 2u);
                b->taken_extra = c.taken_extra;
            }
        }
        if (have_marker && qemu_plugin_insn_vaddr(insn) == marker_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &instructions, 1);
        if (multiply) {
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &multiplies, 1);
        }
    }
}

static void on_exit_write(qemu_plugin_id_t id, void *userdata)
{
    FILE *out = out_path ? fopen(out_path, "w") : stderr;
    size_t i;
    (void)id;
    (void)userdata;
    if (out == NULL) {
        return;
    }
    if (core != QUANTC_CORE_NONE) {
        fprintf(out, "total %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", instructions, multiplies, cycles);
        for (i = 0; i < mark_count; ++i) {
            fprintf(out, "mark %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", marks[i].instructions, marks[i].multiplies, marks[i].cycles);
        }
    } else {
        fprintf(out, "total %" PRIu64 " %" PRIu64 "\n", instructions, multiplies);
        for (i = 0; i < mark_count; ++i) {
            fprintf(out, "mark %" PRIu64 " %" PRIu64 "\n", marks[i].instructions, marks[i].multiplies);
        }
    }
    if (out != stderr) {
        fclose(out);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    int i;
    riscv = info->target_name != NULL && strncmp(info->target_name, "riscv", 5) == 0;
    for (i = 0; i < argc; ++i) {
        if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = malloc(strlen(argv[i] + 4) + 1);
            if (out_path == NULL) {
                return -1;
            }
            strcpy(out_path, argv[i] + 4);
        } else if (strncmp(argv[i], "marker=", 7) == 0) {
            /* Thumb function addresses carry bit 0; the instruction is at the even address (RISC-V
             * addresses are even already). */
            marker_address = strtoull(argv[i] + 7, NULL, 0) & ~(uint64_t)1;
            have_marker = 1;
        } else if (strncmp(argv[i], "core=", 5) == 0) {
            core = quantc_core_named(argv[i] + 5);
        } else if (strncmp(argv[i], "mulcycles=", 10) == 0) {
            multiply_cycles = (unsigned)strtoul(argv[i] + 10, NULL, 0);
        } else {
            fprintf(stderr, "quantc_count: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit_write, NULL);
    return 0;
}
