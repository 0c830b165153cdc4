@ quantc plugin test for Armv6-M (microbit, Cortex-M0): instructions and multiplies known by construction.
@ Executed: 2 (setup) + 4 x 5 (loop) + 2 x 2 (two marker calls) + 3 (exit) = 29 instructions;
@ multiplies: 4 x 2 (two MULS per iteration) = 8. Marks: 2 + 20 + 1 = 23, then 25.
.syntax unified
.thumb
.section .vectors, "a"
.word 0x20001000
.word reset + 1

.text
.thumb_func
reset:
    movs r4, #1
    movs r5, #4
loop:
    muls r4, r5, r4
    muls r4, r5, r4
    adds r4, r4, #3
    subs r5, r5, #1
    bne loop
    bl marker
    bl marker
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab

.thumb_func
marker:
    bx lr
