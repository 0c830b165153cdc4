#!/bin/sh
# Assembles multiplies_rv32.s and others_rv32.s for RV32IMAC and checks the plugin's decoder
# (../riscv_multiply.h) on every encoding: each instruction of multiplies_rv32.s must count as a
# multiply, none of others_rv32.s may. Prints the wrong ones; exit 1 if any.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
AS=${AS:-riscv64-unknown-elf-as}
OBJDUMP=${OBJDUMP:-riscv64-unknown-elf-objdump}
CC=${CC:-cc}
for kind in multiplies others; do
  "$AS" -march=rv32imac -mabi=ilp32 "$here/${kind}_rv32.s" -o "$work/$kind.o"
  # One line per instruction: its encoding as objdump prints it (one 16- or 32-bit word).
  "$OBJDUMP" -d "$work/$kind.o" | sed -n 's/^ *[0-9a-f]*:\t\([0-9a-f]*\) *\t.*/\1/p' > "$work/$kind.hex"
  grep -v '^[#.]' "$here/${kind}_rv32.s" | grep -v '^ *$' > "$work/$kind.src"
  [ "$(wc -l < "$work/$kind.hex")" -eq "$(wc -l < "$work/$kind.src")" ] || { echo "${kind}_rv32.s: encodings and lines differ"; exit 2; }
  expected=1; [ "$kind" = others ] && expected=0
  paste -d '|' "$work/$kind.hex" "$work/$kind.src" | sed "s/^/$expected|/" >> "$work/cases"
done
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
"$CC" -std=c99 -O1 -Wall -Wextra -I"$here/.." "$work/check.c" -o "$work/check"
"$work/check" < "$work/cases"
