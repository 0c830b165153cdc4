# quantc plugin test: no instruction here is multiply-class (one per line, no labels).
div a0, a1, a2
divu a0, a1, a2
rem a0, a1, a2
remu a0, a1, a2
add a0, a1, a2
sub a0, a1, a2
sll a0, a1, a2
slt a0, a1, a2
sltu a0, a1, a2
xor a0, a1, a2
srl a0, a1, a2
sra a0, a1, a2
or a0, a1, a2
and a0, a1, a2
addi a0, a1, 33
slli a0, a1, 3
srai a0, a1, 3
lui a0, 0x12345
auipc a0, 0
lw a0, 8(a1)
lh a0, 2(a1)
lbu a0, 1(a1)
sw a0, 8(a1)
sb a0, 1(a1)
beq a0, a1, .
bne a0, a1, .
jal ra, .
jalr ra, 0(a1)
c.add a0, a1
c.mv a0, a1
c.addi a0, 1
c.li a0, 5
c.lw a0, 4(a1)
c.sw a0, 4(a1)
c.slli a0, 2
c.srai a0, 2
c.andi a0, 3
c.sub a0, a1
c.xor a0, a1
c.or a0, a1
c.and a0, a1
c.beqz a0, .
c.j .
c.jr ra
c.nop
ebreak
ecall
amoadd.w a0, a1, (a2)
lr.w a0, (a1)
sc.w a0, a1, (a2)
