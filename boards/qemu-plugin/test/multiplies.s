@ quantc plugin test: every instruction here is multiply-class (one per line, no labels).
.syntax unified
.thumb
muls r0, r1, r0
mul r0, r1, r2
mla r0, r1, r2, r3
mls r0, r1, r2, r3
smulbb r0, r1, r2
smultt r0, r1, r2
smlabt r0, r1, r2, r3
smulwb r0, r1, r2
smlawt r0, r1, r2, r3
smuad r0, r1, r2
smuadx r0, r1, r2
smlad r0, r1, r2, r3
smusd r0, r1, r2
smlsdx r0, r1, r2, r3
smmul r0, r1, r2
smmulr r0, r1, r2
smmla r0, r1, r2, r3
smmls r0, r1, r2, r3
smull r0, r1, r2, r3
umull r0, r1, r2, r3
smlal r0, r1, r2, r3
umlal r0, r1, r2, r3
smlalbb r0, r1, r2, r3
smlald r0, r1, r2, r3
smlsld r0, r1, r2, r3
umaal r0, r1, r2, r3
vmul.f32 s0, s1, s2
vnmul.f32 s0, s1, s2
vmla.f32 s0, s1, s2
vmls.f32 s0, s1, s2
vnmla.f32 s0, s1, s2
vnmls.f32 s0, s1, s2
vfma.f32 s0, s1, s2
vfms.f32 s0, s1, s2
vfnma.f32 s0, s1, s2
vfnms.f32 s0, s1, s2
vmul.f64 d0, d1, d2
vfma.f64 d0, d1, d2
vmla.f64 d0, d1, d2
vmul.f16 s0, s1, s2
vfma.f16 s0, s1, s2
vmul.i8 q0, q1, q2
vmul.i16 q0, q1, q2
vmul.i32 q3, q4, q5
vmul.f32 q0, q1, q2
vmul.f16 q0, q1, q2
vmul.i8 q0, q1, r2
vmul.i16 q0, q1, r2
vmul.i32 q0, q1, r2
vmul.f32 q0, q1, r2
vmul.f16 q0, q1, r2
vmulh.s8 q0, q1, q2
vmulh.u16 q0, q1, q2
vmulh.s32 q0, q1, q2
vrmulh.u32 q0, q1, q2
vrmulh.s8 q0, q1, q2
vmullb.s16 q0, q1, q2
vmullt.u8 q0, q1, q2
vmullb.s32 q0, q1, q2
vmullb.p8 q0, q1, q2
vmullt.p16 q0, q1, q2
vmla.s32 q0, q1, r2
vmla.u8 q0, q1, r2
vmlas.s8 q0, q1, r2
vmlas.u16 q0, q1, r2
vmladav.s8 r0, q1, q2
vmladav.s16 r0, q1, q2
vmladav.s32 r0, q1, q2
vmladav.u8 r0, q1, q2
vmladav.u16 r0, q1, q2
vmladav.u32 r0, q1, q2
vmladava.s32 r0, q1, q2
vmladavx.s16 r0, q1, q2
vmladavax.s8 r0, q1, q2
vmlsdav.s8 r0, q1, q2
vmlsdav.s16 r0, q1, q2
vmlsdav.s32 r0, q1, q2
vmlsdava.s16 r0, q1, q2
vmlsdavx.s8 r0, q1, q2
vmlsdavax.s32 r0, q1, q2
vmlaldav.s16 r0, r1, q1, q2
vmlaldav.s32 r0, r1, q1, q2
vmlaldav.u16 r0, r1, q1, q2
vmlaldav.u32 r0, r1, q1, q2
vmlaldava.u16 r0, r1, q1, q2
vmlaldavx.s16 r0, r1, q1, q2
vmlaldavax.s32 r0, r1, q1, q2
vmlsldav.s16 r0, r1, q1, q2
vmlsldav.s32 r0, r1, q1, q2
vmlsldavax.s16 r0, r1, q1, q2
vrmlaldavh.s32 r0, r1, q1, q2
vrmlaldavh.u32 r0, r1, q1, q2
vrmlaldavha.s32 r0, r1, q1, q2
vrmlaldavhx.s32 r0, r1, q1, q2
vrmlsldavh.s32 r0, r1, q1, q2
vrmlsldavhax.s32 r0, r1, q1, q2
vqdmulh.s8 q0, q1, q2
vqdmulh.s16 q0, q1, q2
vqrdmulh.s32 q0, q1, q2
vqdmulh.s8 q0, q1, r2
vqdmulh.s32 q0, q1, r2
vqrdmulh.s16 q0, q1, r2
vqdmlah.s16 q0, q1, r2
vqrdmlah.s32 q0, q1, r2
vqdmlash.s8 q0, q1, r2
vqrdmlash.s32 q0, q1, r2
vqdmladh.s16 q0, q1, q2
vqdmladhx.s8 q0, q1, q2
vqrdmladh.s32 q0, q1, q2
vqrdmladhx.s32 q0, q1, q2
vqdmlsdh.s8 q0, q1, q2
vqdmlsdhx.s16 q0, q1, q2
vqrdmlsdh.s16 q0, q1, q2
vqrdmlsdhx.s32 q0, q1, q2
vqdmullb.s16 q0, q1, q2
vqdmullt.s32 q0, q1, q2
vqdmullb.s16 q0, q1, r2
vqdmullt.s32 q0, q1, r2
vfma.f32 q0, q1, q2
vfma.f16 q0, q1, q2
vfms.f32 q0, q1, q2
vfms.f16 q0, q1, q2
vfma.f32 q0, q1, r2
vfma.f16 q0, q1, r2
vfmas.f32 q0, q1, r2
vfmas.f16 q0, q1, r2
vcmul.f32 q0, q1, q2, #90
vcmul.f16 q0, q1, q2, #0
vcmla.f16 q0, q1, q2, #180
vcmla.f32 q0, q1, q2, #90
