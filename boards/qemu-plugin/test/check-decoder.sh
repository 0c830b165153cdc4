#!/bin/sh
# Assembles multiplies.s and others.s for Armv8.1-M (MVE with floating point, DSP, FPv5 double),
# and checks the plugin's decoder (../arm_multiply.h) on every encoding: each instruction of
# multiplies.s must count as a multiply, none of others.s may. Prints the wrong ones; exit 1 if any.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
AS=${AS:-arm-none-eabi-as}
OBJDUMP=${OBJDUMP:-arm-none-eabi-objdump}
CC=${CC:-cc}
for kind in multiplies others; do
  "$AS" -march=armv8.1-m.main+mve.fp+fp.dp -mthumb "$here/$kind.s" -o "$work/$kind.o"
  # One line per instruction: the halfwords, then the source line (objdump -d lists them in order).
  "$OBJDUMP" -d "$work/$kind.o" | sed -n 's/^ *[0-9a-f]*:\t\([0-9a-f ]*\)\t.*/\1/p' | sed 's/ *$//' > "$work/$kind.hex"
  grep -v '^[@.]' "$here/$kind.s" | grep -v '^ *$' > "$work/$kind.src"
  [ "$(wc -l < "$work/$kind.hex")" -eq "$(wc -l < "$work/$kind.src")" ] || { echo "$kind.s: encodings and lines differ"; exit 2; }
  expected=1; [ "$kind" = others ] && expected=0
  paste -d '|' "$work/$kind.hex" "$work/$kind.src" | sed "s/^/$expected|/" >> "$work/cases"
done
cat > "$work/check.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "arm_multiply.h"
int main(void)
{
    char line[256], text[200];
    int expected, wrong = 0, total = 0;
    unsigned hw1, hw2;
    while (fgets(line, sizeof line, stdin)) {
        int fields = sscanf(line, "%d|%x %x|%199[^\n]", &expected, &hw1, &hw2, text);
        int got;
        if (fields == 3 || fields < 3) {
            /* a 16-bit instruction: one halfword */
            if (sscanf(line, "%d|%x|%199[^\n]", &expected, &hw1, text) != 3) continue;
            got = quantc_thumb_is_32bit((uint16_t)hw1) ? -1 : quantc_is_multiply16((uint16_t)hw1);
        } else {
            got = quantc_thumb_is_32bit((uint16_t)hw1) ? quantc_is_multiply32((uint16_t)hw1, (uint16_t)hw2) : -1;
        }
        ++total;
        if (got != expected) {
            ++wrong;
            printf("%s: %s (%04x %04x) counted as %s\n", expected ? "missed multiply" : "false multiply", text, hw1, hw2,
                   got < 0 ? "a wrong width" : (got ? "a multiply" : "not a multiply"));
        }
    }
    printf("%d of %d encodings classified correctly\n", total - wrong, total);
    return wrong ? 1 : 0;
}
C
"$CC" -std=c99 -O1 -Wall -Wextra -I"$here/.." "$work/check.c" -o "$work/check"
"$work/check" < "$work/cases"
