/*
 * quantc: nRF52840-DK console on UART0, TX on P0.06, which the on-board J-Link exposes as a USB
 * virtual COM port. Register offsets from the nRF52840 product specification (UART, legacy).
 */
#include <stdint.h>

#define REG(address) (*(volatile uint32_t *)(address))
#define UART0_STARTTX REG(0x40002008u)
#define UART0_TXDRDY REG(0x4000211Cu)
#define UART0_ENABLE REG(0x40002500u)
#define UART0_PSELTXD REG(0x4000250Cu)
#define UART0_TXD REG(0x4000251Cu)
#define UART0_BAUDRATE REG(0x40002524u)

void uart_init(void);
void uart_putc(char c);

void uart_init(void)
{
    UART0_PSELTXD = 6u;             /* P0.06 */
    UART0_BAUDRATE = 0x01D7E000u;   /* 115200 baud */
    UART0_ENABLE = 4u;
    UART0_STARTTX = 1u;
}

void uart_putc(char c)
{
    UART0_TXDRDY = 0u;
    UART0_TXD = (uint32_t)(unsigned char)c;
    while (UART0_TXDRDY == 0u) {
    }
}
