/*
 * quantc boards: the board I/O of semihosting.h for boards flashed for real, without a debugger
 * attached: text goes to the board's UART (115200 8N1), there are no host files, and exit parks
 * the core after printing the status. The board's uart.c provides uart_init() and uart_putc().
 */
#include "semihosting.h"

void uart_init(void);
void uart_putc(char c);

static int ready;

int board_open(const char *path, int write)
{
    (void)path;
    (void)write;
    return -1;
}

int board_read(int handle, void *buffer, size_t size)
{
    (void)handle;
    (void)buffer;
    (void)size;
    return -1;
}

int board_write(int handle, const void *buffer, size_t size)
{
    (void)handle;
    (void)buffer;
    (void)size;
    return -1;
}

void board_close(int handle)
{
    (void)handle;
}

void board_puts(const char *text)
{
    if (!ready) {
        uart_init();
        ready = 1;
    }
    while (*text) {
        if (*text == '\n') {
            uart_putc('\r');
        }
        uart_putc(*text++);
    }
}

void board_exit(int status)
{
    board_puts(status == 0 ? "quantc: done, status 0\n" : "quantc: done, failure\n");
    for (;;) {
    }
}
