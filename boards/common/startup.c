/*
 * quantc boards: reset handler, vector table and fault handling for every Cortex-M board.
 * The linker script of each board provides the symbols used here (see boards/<name>/link.ld).
 */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];
extern int main(void);

void Reset_Handler(void);
void Fault_Handler(void);

/* Copies .data from flash, clears .bss, enables the FPU where the build uses one, runs main. */
void Reset_Handler(void)
{
    uint32_t *src = __data_load, *dst = __data_start;
    while (dst < __data_end) {
        *dst++ = *src++;
    }
    for (dst = __bss_start; dst < __bss_end; ++dst) {
        *dst = 0;
    }
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    /* CPACR: full access to CP10 and CP11 (the FPU and, on Armv8.1-M, the MVE registers). */
    *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    board_exit(main());
}

/* Any fault or unexpected interrupt ends the run with a failure instead of hanging. */
void Fault_Handler(void)
{
    board_puts("quantc firmware: fault\n");
    board_exit(70);
}

/* Initial stack pointer, then the system exceptions (all 16 slots; the rest fault). */
__attribute__((section(".vectors"), used)) void (*const quantc_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler,
};
