#!/bin/sh
# Checks the plugin's multiply decoder for one instruction set on every encoding of two assembled
# files: each instruction of the first must count as a multiply, none of the second may. Prints
# the wrong ones; exit 1 if any.
#   check-decoder.sh [arm]   multiplies.s and others.s for Armv8.1-M (MVE with floating point,
#                            DSP, FPv5 double) against ../arm_multiply.h
#   check-decoder.sh riscv   multiplies_rv32.s and others_rv32.s for RV32IMAC against
#                            ../riscv_multiply.h
#   check-decoder.sh cycles  cycles_armv7em.s against the Cortex-M4 cycle model (../arm_timing.h):
#                            each line gives the instruction's cycles after "@ "
set -eu
here=$(cd "$(dirname "$0")" && pwd)
isa=${1:-arm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CC=${CC:-cc}
case "$isa" in
  arm) prefix=arm-none-eabi-; flags="-march=armv8.1-m.main+mve.fp+fp.dp -mthumb"; suffix=""; comment='@' ;;
  riscv) prefix=riscv64-unknown-elf-; flags="-march=rv32imac -mabi=ilp32"; suffix=_rv32; comment='#' ;;
  cycles) prefix=arm-none-eabi-; flags="-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mthumb"; suffix=_armv7em; comment='@' ;;
  *) echo "usage: $0 [arm|riscv|cycles]"; exit 2 ;;
esac
kinds="multiplies others"; [ "$isa" = cycles ] && kinds=cycles
for kind in $kinds; do
  # shellcheck disable=SC2086
  "${prefix}as" $flags "$here/$kind$suffix.s" -o "$work/$kind.o"
  # One line per instruction: its encoding as objdump prints it (Thumb: one or two halfwords;
  # RISC-V: one 16- or 32-bit word).
  "${prefix}objdump" -d "$work/$kind.o" | sed -n 's/^ *[0-9a-f]*:\t\([0-9a-f ]*\)\t.*/\1/p' | sed 's/ *$//' > "$work/$kind.hex"
  grep -v "^[$comment.]" "$here/$kind$suffix.s" | grep -v '^ *$' > "$work/$kind.src"
  [ "$(wc -l < "$work/$kind.hex")" -eq "$(wc -l < "$work/$kind.src")" ] || { echo "$kind$suffix.s: encodings and lines differ"; exit 2; }
  expected=1; [ "$kind" = others ] && expected=0
  if [ "$kind" = cycles ]; then
    # The expected value is each line's own: the number after "@ ".
    paste -d '|' "$work/$kind.hex" "$work/$kind.src" | sed 's/^\(.*\)@ *\([0-9]*\) *$/\2|\1/' >> "$work/cases"
  else
    paste -d '|' "$work/$kind.hex" "$work/$kind.src" | sed "s/^/$expected|/" >> "$work/cases"
  fi
done
if [ "$isa" != riscv ]; then
  cat > "$work/check.c" <<'C'
#include <stdio.h>
#include "arm_multiply.h"
#include "arm_timing.h"
/* With an argument: each case's expected value is its Cortex-M4 cycles; else 1 = multiply, 0 = not. */
int main(int argc, char **argv)
{
    const int cycles = argc > 1;
    char line[256], text[200];
    int expected, wrong = 0, total = 0;
    unsigned hw1, hw2;
    (void)argv;
    while (fgets(line, sizeof line, stdin)) {
        int got, is32 = sscanf(line, "%d|%x %x|%199[^\n]", &expected, &hw1, &hw2, text) == 4;
        if (!is32 && sscanf(line, "%d|%x|%199[^\n]", &expected, &hw1, text) != 3) continue;
        if (!is32) hw2 = 0;
        if (quantc_thumb_is_32bit((uint16_t)hw1) != is32) {
            got = -1; /* the decoder reads another width from the first halfword than the assembler's */
        } else if (cycles) {
            got = (int)quantc_arm_cycles(QUANTC_CORE_M4, (uint16_t)hw1, (uint16_t)hw2, is32, NULL, 1).cycles;
        } else {
            got = is32 ? quantc_is_multiply32((uint16_t)hw1, (uint16_t)hw2) : quantc_is_multiply16((uint16_t)hw1);
        }
        ++total;
        if (got == expected) continue;
        ++wrong;
        if (got < 0) {
            printf("%s (%04x %04x): a wrong width\n", text, hw1, hw2);
        } else if (cycles) {
            printf("%s: %d cycles, the table gives %d\n", text, got, expected);
        } else {
            printf("%s: %s (%04x %04x)\n", expected ? "missed multiply" : "false multiply", text, hw1, hw2);
        }
    }
    printf(cycles ? "%d of %d instructions timed as the table gives\n" : "%d of %d encodings classified correctly\n", total - wrong, total);
    return wrong ? 1 : 0;
}
C
else
  cat > "$work/check.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "riscv_multiply.h"
int main(void)
{
    char line[256], hex[16], text[200];
    int expected, wrong = 0, total = 0;
    unsigned word;
    while (fgets(line, sizeof line, stdin)) {
        int got, width;
        if (sscanf(line, "%d|%15[0-9a-f]|%199[^\n]", &expected, hex, text) != 3 || sscanf(hex, "%x", &word) != 1) continue;
        width = (int)strlen(hex) * 4;
        /* The width the decoder reads from the low halfword must be the assembler's. */
        got = (quantc_riscv_is_32bit((uint16_t)word) ? 32 : 16) != width ? -1 : quantc_riscv_is_multiply(width == 32 ? word : 0);
        ++total;
        if (got != expected) {
            ++wrong;
            printf("%s: %s (%s) counted as %s\n", expected ? "missed multiply" : "false multiply", text, hex,
                   got < 0 ? "a wrong width" : (got ? "a multiply" : "not a multiply"));
        }
    }
    printf("%d of %d encodings classified correctly\n", total - wrong, total);
    return wrong ? 1 : 0;
}
C
fi
"$CC" -std=c99 -O1 -Wall -Wextra -I"$here/.." "$work/check.c" -o "$work/check"
# shellcheck disable=SC2046
"$work/check" $( [ "$isa" = cycles ] && echo cycles ) < "$work/cases"
