@ quantc plugin test: no instruction here is multiply-class (one per line, no labels).
.syntax unified
.thumb
adds r0, r1, r2
add r0, r1, r2
add.w r0, r1, r2, lsl #3
sub r0, r1, #7
rsb r0, r1, #0
lsls r0, r1, #2
asr.w r0, r1, r2
sdiv r0, r1, r2
udiv r0, r1, r2
usad8 r0, r1, r2
usada8 r0, r1, r2, r3
sadd16 r0, r1, r2
qadd r0, r1, r2
ssat r0, #8, r1
sxtb r0, r1
uxtab r0, r1, r2
clz r0, r1
bfi r0, r1, #3, #4
ldr r0, [r1, #4]
ldrsb.w r0, [r1, r2]
strh r0, [r1, #2]
ldrd r0, r1, [r2]
push {r4, lr}
pop {r4, pc}
cmp r0, #3
it ge
movge r0, r1
b.w .+8
bl .+8
bx lr
cbz r0, .+8
vadd.f32 s0, s1, s2
vsub.f32 s0, s1, s2
vdiv.f32 s0, s1, s2
vsqrt.f32 s0, s1
vabs.f32 s0, s1
vneg.f32 s0, s1
vcmp.f32 s0, s1
vcvt.s32.f32 s0, s1
vmov r0, s1
vmov s0, r1
vmov.f32 s0, #1.0
vldr s0, [r0]
vstr s0, [r0, #4]
vpush {s16}
vadd.f64 d0, d1, d2
vdiv.f64 d0, d1, d2
vadd.f16 s0, s1, s2
vmrs APSR_nzcv, fpscr
vadd.i32 q0, q1, r2
vsub.i16 q0, q1, r2
vhadd.s8 q0, q1, r2
vhsub.u16 q0, q1, r2
vqadd.u32 q0, q1, r2
vqsub.s16 q0, q1, r2
vaddv.s32 r0, q1
vaddv.u8 r0, q1
vaddva.u8 r0, q1
vaddlv.s32 r0, r1, q1
vaddlva.u32 r0, r1, q1
vmaxv.s16 r0, q1
vminv.u8 r0, q1
vmaxav.s32 r0, q1
vminav.s8 r0, q1
vmaxnmv.f32 r0, q1
vminnmav.f16 r0, q1
vabav.s8 r0, q1, q2
vabav.u16 r0, q1, q2
vabav.s32 r0, q1, q2
vmovlb.s8 q0, q1
vmovlt.u16 q0, q1
vmovnt.i32 q0, q1
vmovnb.i16 q0, q1
vqmovnb.s16 q0, q1
vqmovunt.s32 q0, q1
vshl.s32 q0, r2
vshl.u8 q0, r2
vrshl.u16 q0, q1, q2
vrshl.s32 q0, r2
vqshl.s8 q0, r1
vqshl.u16 q0, q1, q2
vqrshl.s32 q0, r2
vqrshl.u8 q0, q1, q2
vbrsr.8 q0, q1, r2
vbrsr.32 q0, q1, r2
vidup.u32 q0, r2, #4
vddup.u16 q0, r2, #2
viwdup.u8 q0, r2, r3, #1
vdwdup.u32 q0, r2, r3, #8
vcmp.i32 eq, q0, r2
vcmp.s16 gt, q0, q1
vcmp.u8 hi, q0, q1
vcmp.f32 ge, q0, r2
vcmp.f16 lt, q0, q1
vpsel q0, q1, q2
vmov q0[2], q0[0], r2, r3
vmov r0, r1, q0[2], q0[0]
vmov.32 q0[1], r2
vmov.u8 r0, q1[3]
vdup.32 q0, r2
vdup.8 q0, r2
vrev64.8 q0, q1
vrev32.16 q0, q1
vctp.32 r2
vctp.8 r2
vpnot
vadc.i32 q0, q1, q2
vadci.i32 q0, q1, q2
vsbc.i32 q0, q1, q2
vhcadd.s32 q0, q1, q2, #90
vcadd.i16 q0, q1, q2, #270
vcadd.i8 q0, q1, q2, #90
vcadd.f32 q0, q1, q2, #90
vcadd.f16 q0, q1, q2, #270
vshrnb.i32 q0, q1, #3
vrshrnt.i16 q0, q1, #2
vqshrnb.s32 q0, q1, #4
vqrshrunt.s16 q0, q1, #2
vshllb.s8 q0, q1, #2
vshllt.u16 q0, q1, #16
vshlc q0, r2, #3
vcvt.f32.s32 q0, q1
vcvt.s32.f32 q0, q1, #3
vcvta.s32.f32 q0, q1
vcvtb.f16.f32 q0, q1
vcvtt.f32.f16 q0, q1
vrintn.f32 q0, q1
vmaxnm.f32 q0, q1, q2
vminnm.f16 q0, q1, q2
vmaxnma.f16 q0, q1
vminnma.f32 q0, q1
vabs.s8 q0, q1
vabs.f32 q0, q1
vneg.f32 q0, q1
vneg.s16 q0, q1
vmvn q0, q1
vmvn.i32 q0, #0xff
vmov.i32 q0, #0x1000
vmov.f32 q0, #1.0
vand q0, q1, q2
vorr q0, q1, q2
vorn q0, q1, q2
veor q0, q1, q2
vbic q0, q1, q2
vadd.i8 q0, q1, q2
vadd.i32 q0, q1, q2
vsub.i32 q0, q1, q2
vadd.f16 q0, q1, q2
vadd.f32 q0, q1, q2
vsub.f32 q0, q1, q2
vadd.f32 q0, q1, r2
vsub.f16 q0, q1, r2
vabd.s16 q0, q1, q2
vabd.u32 q0, q1, q2
vabd.f32 q0, q1, q2
vmax.u8 q0, q1, q2
vmin.s32 q0, q1, q2
vmaxa.s8 q0, q1
vmina.s32 q0, q1
vhadd.u8 q0, q1, q2
vhsub.s32 q0, q1, q2
vrhadd.u16 q0, q1, q2
vqadd.s16 q0, q1, q2
vqsub.s8 q0, q1, q2
vqabs.s16 q0, q1
vqneg.s8 q0, q1
vcls.s8 q0, q1
vclz.i16 q0, q1
vshr.s32 q0, q1, #5
vshr.u8 q0, q1, #1
vshl.i16 q0, q1, #3
vrshr.s16 q0, q1, #2
vsli.32 q0, q1, #4
vsri.8 q0, q1, #3
vqshl.s32 q0, q1, #3
vqshlu.s8 q0, q1, #2
vldrb.s16 q0, [r1]
vldrh.u32 q0, [r1, #8]
vldrw.u32 q0, [r1, #16]
vstrb.8 q0, [r1]
vstrh.16 q0, [r1]
vstrw.32 q0, [r1, #-16]
vld20.32 {q0, q1}, [r1]
vld21.16 {q0, q1}, [r1]!
vld40.8 {q0, q1, q2, q3}, [r1]
vst20.32 {q0, q1}, [r1]
vst40.8 {q0, q1, q2, q3}, [r1]
vldrw.u32 q0, [q1, #8]
vldrb.u16 q0, [r1, q2]
vstrb.8 q0, [r1, q2]
vstrw.32 q0, [q1, #-8]!
vpst
vaddt.i8 q0, q1, q2
vpt.i32 eq, q0, q1
vaddt.i32 q0, q1, q2
vpste
vaddt.i8 q0, q1, q2
vsube.i8 q0, q1, q2
wls lr, r2, .+8
le lr, .-8
dls lr, r3
letp lr, .-4
