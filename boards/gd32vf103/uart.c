/*
 * quantc: GD32VF103 console on USART0 (PA9 TX), 115200 8N1. Runs from the 8 MHz internal RC
 * oscillator the chip starts with (APB2 undivided): BAUD = 8e6 / 115200. Register addresses and
 * fields from the GD32VF103 user manual (RCU, GPIO and USART chapters).
 */
#include <stdint.h>

#define REG(address) (*(volatile uint32_t *)(address))
#define RCU_APB2EN REG(0x40021018u)
#define GPIOA_CTL1 REG(0x40010804u)
#define USART0_STAT REG(0x40013800u)
#define USART0_DATA REG(0x40013804u)
#define USART0_BAUD REG(0x40013808u)
#define USART0_CTL0 REG(0x4001380Cu)

void uart_init(void);
void uart_putc(char c);

void uart_init(void)
{
    RCU_APB2EN |= (1u << 2) | (1u << 14); /* GPIOA and USART0 clocks */
    /* PA9: alternate-function push-pull output, 50 MHz (CTL = 10, MD = 11 in bits 7:4). */
    GPIOA_CTL1 = (GPIOA_CTL1 & ~(15u << 4)) | (11u << 4);
    USART0_BAUD = (8000000u + 57600u) / 115200u;
    USART0_CTL0 = (1u << 13) | (1u << 3); /* UEN, TEN */
}

void uart_putc(char c)
{
    while ((USART0_STAT & (1u << 7)) == 0) { /* TBE */
    }
    USART0_DATA = (uint32_t)(unsigned char)c;
}
