@ quantc cycle-model test for the Cortex-M3 (mps2-an385) and M4 (mps2-an386): a straight-line
@ program whose cycles the M3 and M4 Technical Reference Manuals give (zero wait states),
@ including their load pairing rules (three loads in a row, none addressed by the one before's
@ result, take four cycles; a store with an immediate offset takes one). Executed, with cycles:
@   mov.w r1 (the assembler's form of ldr r1, =0x20000000) 1, movs 1, movs 1, ldr 2, ldr (pipelined) 1, ldr (pipelined) 1, str 1,
@   muls 1, mla (M3 2, M4 1), ldm (4 registers) 1 + 4, push (5) 1 + 5, pop (4) 1 + 4, adds 1,
@   adds 1, ldr 2 + 1 (a load or store whose address uses the result of the data-processing
@   instruction just before it waits one cycle),
@   ldr 2 (no pairing: its address is the load before it's result),
@   exit: movs 1, ldr 2, bkpt 1
@ = M3 38, M4 37 cycles in 19 instructions.
.syntax unified
.thumb
.section .vectors, "a"
.word 0x20010000
.word reset + 1

.text
.thumb_func
reset:
    ldr r1, =0x20000000
    movs r2, #4
    movs r5, #8
    ldr r0, [r1]
    ldr r3, [r1, r2]
    ldr r4, [r1, r5]
    str r0, [r1, #20]
    muls r6, r5, r6
    mla r6, r5, r5, r6
    ldm r1, {r2, r3, r4, r5}
    push {r4-r7, lr}
    pop {r4-r7}
    adds r0, r0, r0
    adds r2, r1, #4
    ldr r0, [r2]
    ldr r3, [r0]
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
