@ quantc plugin test for Armv7-M/Armv8-M mainline with an FPU (mps2-an386, mps2-an505):
@ a program whose executed instructions and multiplies are known by construction.
@ Executed: 4 (FPU enable) + 2 (setup) + 5 x 8 (loop) + 3 x 2 (three marker calls: bl, bx lr)
@ + 3 (exit) = 55 instructions. Multiplies: 5 x 4 (MULS, MUL, SMLABB, VMUL.F32) = 20.
@ Marks (counters before the marker's instruction): 4 + 2 + 40 + 1 = 47, then 49, then 51.
.syntax unified
.thumb
.section .vectors, "a"
.word 0x20010000
.word reset + 1

.text
.thumb_func
reset:
    ldr r0, =0xE000ED88
    mov.w r1, #0xF00000
    str r1, [r0]
    isb
    movs r4, #0
    movs r5, #5
loop:
    muls r4, r5, r4
    mul r6, r5, r5
    smlabb r6, r5, r5, r6
    vmul.f32 s0, s1, s2
    adds r4, r4, #1
    subs r5, r5, #1
    cmp r5, #0
    bne loop
    bl marker
    bl marker
    bl marker
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab

.thumb_func
marker:
    bx lr
