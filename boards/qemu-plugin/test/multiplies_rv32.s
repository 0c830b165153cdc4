# quantc plugin test: every instruction here is multiply-class (one per line, no labels).
mul a0, a1, a2
mul t6, s11, zero
mulh a0, a1, a2
mulh s0, s1, t0
mulhsu a0, a1, a2
mulhsu ra, sp, gp
mulhu a0, a1, a2
mulhu tp, t1, a5
