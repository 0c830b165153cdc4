# quantc plugin test for RV32IMAC (qemu-riscv32): instructions and multiplies known by construction.
# QEMU's virt reset code runs first: 6 instructions (auipc, addi, csrr, two loads, jr) to the entry.
# Executed: 6 (reset code) + 2 (setup) + 11 x 5 (loop) + 2 x 3 (three marker calls: jal, ret)
# + 5 (exit: li, lui, addi, slli, ebreak) = 74 instructions; multiplies: 4 x 5 (MUL, MULH, MULHSU,
# MULHU; DIV and REMU are not) = 20. Marks: 6 + 2 + 55 + 1 = 64, then 66, then 68.
.section .text
.globl _start
_start:
    li t0, 0
    li t1, 5
loop:
    mul t2, t1, t1
    mulh t3, t1, t1
    mulhsu t4, t1, t1
    mulhu t5, t1, t1
    div t6, t1, t1
    remu t6, t1, t1
    c.mv a2, t2
    add t0, t0, t2
    c.addi t1, -1
    nop
    bnez t1, loop
    jal marker
    jal marker
    jal marker
    li a0, 0x18
    li a1, 0x20026
.option norvc
    slli zero, zero, 0x1f
    ebreak
    srai zero, zero, 7

.option rvc
marker:
    ret
