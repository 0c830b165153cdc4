@ quantc cycle-model test for the Cortex-M0 (microbit): a straight-line program whose cycles the
@ Cortex-M0 Technical Reference Manual's instruction timing table gives (zero wait states, the
@ fast multiplier). Executed, with cycles:
@   ldr r1, =lit 2, movs 1, ldr 2, ldr 2, str 2, muls 1, ldm (3 registers) 1 + 3,
@   push (5 registers) 1 + 5, pop (4) 1 + 4, b 3, bl 4,
@   movs 1, subs 1 + bne taken 3, subs 1 + bne taken 3, subs 1 + bne not taken 1,
@   exit: movs 1, ldr 2, bkpt 1
@ = 2+1+2+2+2+1+4+6+5+3+4 + 1 + 4+4+2 + 4 = 47 cycles in 21 instructions.
.syntax unified
.thumb
.section .vectors, "a"
.word 0x20001000
.word reset + 1

.text
.thumb_func
reset:
    ldr r1, =0x20000000
    movs r2, #4
    ldr r0, [r1]
    ldr r3, [r1, r2]
    str r0, [r1, #20]
    muls r3, r2, r3
    ldm r1!, {r4, r5, r6}
    push {r4-r7, lr}
    pop {r4-r7}
    b 1f
1:  bl 2f
2:  movs r5, #3
loop:
    subs r5, r5, #1
    bne loop
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
