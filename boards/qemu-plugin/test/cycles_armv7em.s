@ quantc plugin test: each instruction's cycles on a Cortex-M4 by the plugin's model (arm_timing.h)
@ when it does not follow a load, one per line after "@ ": the M4 Technical Reference Manual's
@ timing table with P = 2 (taken branches 1 + P) and divides taken as 7.
.syntax unified
.thumb
adds r0, r1, r2 @ 1
add.w r0, r1, r2, lsl #3 @ 1
mov.w r0, #0x1000 @ 1
ldr r0, [r1, #4] @ 2
ldr r0, [r1, r2] @ 2
ldr r0, [sp, #8] @ 2
ldr.w r0, [r1, #4095] @ 2
ldr.w r0, [r1], #4 @ 2
ldrsb.w r0, [r1, #1] @ 2
ldrh r0, [r1, #2] @ 2
ldrsh r0, [r1, r2] @ 2
ldrex r0, [r1] @ 2
str r0, [r1, #4] @ 1
str.w r0, [r1, #-4] @ 1
strb r0, [r1, r2] @ 2
str.w r0, [r1, r2, lsl #2] @ 2
strh.w r0, [r1], #2 @ 1
ldrd r0, r1, [r2] @ 3
strd r0, r1, [r2, #8] @ 3
ldm r0!, {r1, r2, r3} @ 4
ldmia.w r0, {r1, r2, r3, r4, r5} @ 6
stmdb sp!, {r4, r5, r6, r7, r8, lr} @ 7
push {r4, r5, lr} @ 4
pop {r4, r5} @ 3
pop {r4, r5, pc} @ 6
ldmia.w sp!, {r4, r5, pc} @ 6
b . @ 3
b.w . @ 3
bl . @ 3
bx lr @ 3
blx r3 @ 3
mov pc, lr @ 3
beq . @ 1
bne.w . @ 1
cbz r0, . + 4 @ 1
tbb [r0, r1] @ 6
tbh [r0, r1, lsl #1] @ 6
ldr pc, [r0] @ 5
muls r0, r1, r0 @ 1
mul r0, r1, r2 @ 1
mla r0, r1, r2, r3 @ 1
mls r0, r1, r2, r3 @ 1
smull r0, r1, r2, r3 @ 1
umlal r0, r1, r2, r3 @ 1
smlad r0, r1, r2, r3 @ 1
smlabb r0, r1, r2, r3 @ 1
smmul r0, r1, r2 @ 1
sdiv r0, r1, r2 @ 7
udiv r0, r1, r2 @ 7
usad8 r0, r1, r2 @ 1
sxtb16 r0, r1 @ 1
ssat r0, #8, r1 @ 1
qadd r0, r1, r2 @ 1
vldr s0, [r0, #4] @ 2
vstr s0, [r0] @ 2
vldmia r0!, {s0-s3} @ 5
vpush {s16-s17} @ 3
vmov r0, s1 @ 1
vmov r0, r1, s2, s3 @ 1
vadd.f32 s0, s1, s2 @ 1
vmul.f32 s0, s1, s2 @ 1
vmla.f32 s0, s1, s2 @ 3
vfma.f32 s0, s1, s2 @ 3
vdiv.f32 s0, s1, s2 @ 14
vsqrt.f32 s0, s1 @ 14
vcvt.s32.f32 s0, s1 @ 1
nop.w @ 1
dsb @ 1
mrs r0, primask @ 1
