@ quantc cycle-model test for the Cortex-M4's single-cycle multiplies (mps2-an386): the M4
@ Technical Reference Manual gives one cycle for every multiply and multiply-accumulate, long and
@ DSP ones included. Executed, with cycles:
@   movs 1, movs 1, smull 1, smlal 1, smlad 1, smlabb 1, smulbb 1, umull 1, umlal 1, mls 1,
@   exit: movs 1, ldr 2, bkpt 1 = 14 cycles in 13 instructions.
.syntax unified
.thumb
.section .vectors, "a"
.word 0x20010000
.word reset + 1

.text
.thumb_func
reset:
    movs r2, #3
    movs r3, #5
    smull r4, r5, r2, r3
    smlal r4, r5, r2, r3
    smlad r4, r2, r3, r4
    smlabb r4, r2, r3, r4
    smulbb r4, r2, r3
    umull r4, r5, r2, r3
    umlal r4, r5, r2, r3
    mls r4, r2, r3, r4
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
