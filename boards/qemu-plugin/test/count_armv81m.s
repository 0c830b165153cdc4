@ quantc plugin test for Armv8.1-M with MVE (mps3-an547, Cortex-M55): instructions and multiplies
@ known by construction, including Helium beats-based instructions counted once each.
@ Executed: 4 (enable FPU/MVE) + 2 (setup) + 3 x 7 (loop) + 2 x 2 (two marker calls) + 3 (exit)
@ = 34 instructions; multiplies: 3 x 4 (VMUL.I8, VMLADAV.S16, VFMA.F32, SMLAD) = 12.
@ Marks: 4 + 2 + 21 + 1 = 28, then 30.
.syntax unified
.thumb
.section .vectors, "a"
.word 0x30010000
.word reset + 1

.text
.thumb_func
reset:
    ldr r0, =0xE000ED88
    mov.w r1, #0xF00000
    str r1, [r0]
    isb
    movs r4, #0
    movs r5, #3
loop:
    vmul.i8 q0, q1, q2
    vadd.i32 q3, q1, q2
    vmladav.s16 r6, q1, q2
    vfma.f32 q0, q1, q2
    smlad r4, r5, r5, r4
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
