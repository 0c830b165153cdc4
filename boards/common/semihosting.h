/*
 * quantc boards: the I/O a verification firmware needs. QEMU boards implement it with Arm
 * semihosting (BKPT 0xAB, `-semihosting-config enable=on,target=native`); boards without an
 * emulator print over their UART and have no files.
 */
#ifndef QUANTC_SEMIHOSTING_H
#define QUANTC_SEMIHOSTING_H

#include <stddef.h>

/* Opens a host file for binary reading (write = 0) or writing (write = 1); -1 on failure. */
int board_open(const char *path, int write);
/* Reads exactly `size` bytes; returns 0 on success, -1 at end of file or on error. */
int board_read(int handle, void *buffer, size_t size);
/* Writes `size` bytes; returns 0 on success. */
int board_write(int handle, const void *buffer, size_t size);
void board_close(int handle);
/* Writes a NUL-terminated message to the console. */
void board_puts(const char *text);
/* Ends the program with a status (0 = success); never returns. */
void board_exit(int status) __attribute__((noreturn));

#endif
