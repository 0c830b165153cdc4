/*
 * quantc: Nucleo-F446RE console on USART2 (PA2 TX, AF7), which the on-board ST-LINK exposes as a
 * USB virtual COM port. Runs from the 16 MHz HSI clock the chip starts with: BRR = 16e6 / 115200.
 * Register addresses from the STM32F446 reference manual (RM0390).
 */
#include <stdint.h>

#define REG(address) (*(volatile uint32_t *)(address))
#define RCC_AHB1ENR REG(0x40023830u)
#define RCC_APB1ENR REG(0x40023840u)
#define GPIOA_MODER REG(0x40020000u)
#define GPIOA_AFRL REG(0x40020020u)
#define USART2_SR REG(0x40004400u)
#define USART2_DR REG(0x40004404u)
#define USART2_BRR REG(0x40004408u)
#define USART2_CR1 REG(0x4000440Cu)

void uart_init(void);
void uart_putc(char c);

void uart_init(void)
{
    RCC_AHB1ENR |= 1u << 0;  /* GPIOA clock */
    RCC_APB1ENR |= 1u << 17; /* USART2 clock */
    GPIOA_MODER = (GPIOA_MODER & ~(3u << 4)) | (2u << 4);   /* PA2: alternate function */
    GPIOA_AFRL = (GPIOA_AFRL & ~(15u << 8)) | (7u << 8);    /* AF7 = USART2 */
    USART2_BRR = (16000000u + 57600u) / 115200u;
    USART2_CR1 = (1u << 13) | (1u << 3);                    /* UE, TE */
}

void uart_putc(char c)
{
    while ((USART2_SR & (1u << 7)) == 0) { /* TXE */
    }
    USART2_DR = (uint32_t)(unsigned char)c;
}
