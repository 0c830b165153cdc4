/*
 * quantc boards: reset code and trap handling for every RISC-V board. The linker script of each
 * board provides the symbols used here (see boards/<name>/link.ld and common.ld).
 *
 * Reset_Handler is the image's entry point. It reaches its own link address with an absolute
 * jump first (a core that boots from an alias of its flash, like the GD32VF103 at address 0, runs
 * the rest where it was linked), sets the stack pointer and the trap vector, then runs C.
 */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern int main(void);

void Reset_Handler(void);
void board_start(void);
void Fault_Handler(void);

__attribute__((naked, section(".vectors"))) void Reset_Handler(void)
{
    __asm__ volatile(
        "lui t0, %hi(1f)\n\t"
        "addi t0, t0, %lo(1f)\n\t"
        "jr t0\n"
        "1:\n\t"
        "lui sp, %hi(__stack_top)\n\t"
        "addi sp, sp, %lo(__stack_top)\n\t"
        "lui t0, %hi(Fault_Handler)\n\t"
        "addi t0, t0, %lo(Fault_Handler)\n\t"
        ".option push\n\t.option arch, +zicsr\n\t" /* CSR instructions are an extension of their own for the assembler */
        "csrw mtvec, t0\n\t"
        ".option pop\n\t"
        "j board_start");
}

/* Copies .data from flash, clears .bss, runs main. */
void board_start(void)
{
    uint32_t *src = __data_load, *dst = __data_start;
    while (dst < __data_end) {
        *dst++ = *src++;
    }
    for (dst = __bss_start; dst < __bss_end; ++dst) {
        *dst = 0;
    }
    board_exit(main());
}

/* Any trap (an illegal instruction, a misaligned or faulting access) ends the run with a failure
 * instead of hanging. mtvec's direct mode needs a 4-byte-aligned handler. */
__attribute__((aligned(4))) void Fault_Handler(void)
{
    board_puts("quantc firmware: fault\n");
    board_exit(70);
}
