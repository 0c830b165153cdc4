/*
 * quantc boards: semihosting calls. Arm: operation in r0, argument block in r1, BKPT 0xAB.
 * RISC-V: operation in a0, argument in a1, and the three-instruction sequence of the RISC-V
 * semihosting specification (an EBREAK between two marker shifts, all uncompressed and within
 * one page, which the 16-byte alignment ensures). Operation numbers, and SYS_EXIT taking the
 * reason itself on 32-bit cores, are the Arm semihosting specification's, which RISC-V adopts.
 */
#include <stdint.h>
#include <string.h>

#include "semihosting.h"

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_EXIT = 0x18
};

#if defined(__riscv)
static int semihost(int operation, const void *argument)
{
    register int a0 __asm__("a0") = operation;
    register const void *a1 __asm__("a1") = argument;
    __asm__ volatile(".option push\n\t.option norvc\n\t.balign 16\n\t"
                     "slli zero, zero, 0x1f\n\tebreak\n\tsrai zero, zero, 7\n\t.option pop"
                     : "+r"(a0) : "r"(a1) : "memory");
    return a0;
}
#else
static int semihost(int operation, const void *argument)
{
    register int r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}
#endif

int board_open(const char *path, int write)
{
    /* Modes 1 ("rb") and 5 ("wb") of the specification's fopen table. */
    uintptr_t block[3];
    block[0] = (uintptr_t)path;
    block[1] = write ? 5u : 1u;
    block[2] = strlen(path);
    return semihost(SYS_OPEN, block);
}

int board_read(int handle, void *buffer, size_t size)
{
    uintptr_t block[3];
    block[0] = (uintptr_t)handle;
    block[1] = (uintptr_t)buffer;
    block[2] = size;
    /* SYS_READ returns the number of bytes not read. */
    return semihost(SYS_READ, block) == 0 ? 0 : -1;
}

int board_write(int handle, const void *buffer, size_t size)
{
    uintptr_t block[3];
    block[0] = (uintptr_t)handle;
    block[1] = (uintptr_t)buffer;
    block[2] = size;
    return semihost(SYS_WRITE, block) == 0 ? 0 : -1;
}

void board_close(int handle)
{
    uintptr_t block[1];
    block[0] = (uintptr_t)handle;
    (void)semihost(SYS_CLOSE, block);
}

void board_puts(const char *text)
{
    (void)semihost(SYS_WRITE0, text);
}

void board_exit(int status)
{
    /* On 32-bit cores SYS_EXIT takes the reason itself: ApplicationExit ends QEMU with status 0,
     * any other reason with status 1. */
    (void)semihost(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? 0x20026u : 0x20024u));
    for (;;) {
    }
}
