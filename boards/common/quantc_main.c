/*
 * quantc verification firmware: runs the model over the samples. quantc writes quantc_harness.h
 * beside this file for each firmware: the model's header and names (QC_RUN, QC_INPUT_T, ...), and
 * how the samples come: over semihosting from inputs.bin to outputs.bin, one input and one output
 * record per sample (QEMU boards), or embedded in flash (quantc_samples.h) with the outputs
 * printed on the console (boards flashed for real).
 */
#include <stdint.h>

#include "quantc_harness.h"
#include "semihosting.h"

void qc_profile_mark(void) __attribute__((noinline));

/* Profiling marker: the model calls it before the first layer and after each layer when built
 * with QC_PROFILE; the QEMU plugin records its counters at every call. */
void qc_profile_mark(void)
{
    __asm__ volatile("" ::: "memory");
}

#if QC_STRUCTS
static QC_OUTPUT_T output;
#define QC_OUTPUT (&output)
#else
static QC_OUTPUT_T output[QC_OUTPUT_COUNT];
#define QC_OUTPUT output
#endif

#if !QC_EMBEDDED_SAMPLES

#if QC_PRINTF
/* newlib's stdio over semihosting, as TFLM's benchmark harness links it. The firmware has no
 * heap: _sbrk fails, so stdout runs unbuffered. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

int _write(int file, const char *text, int length);
void *_sbrk(ptrdiff_t increment);

int _write(int file, const char *text, int length)
{
    char chunk[65];
    int done = 0;
    (void)file;
    while (done < length) {
        const int n = length - done < 64 ? length - done : 64;
        memcpy(chunk, text + done, (size_t)n);
        chunk[n] = 0;
        board_puts(chunk);
        done += n;
    }
    return length;
}

void *_sbrk(ptrdiff_t increment)
{
    (void)increment;
    return (void *)-1;
}
#endif

#if QC_STRUCTS
static QC_INPUT_T input;
#define QC_INPUT (&input)
#else
static QC_INPUT_T input[QC_INPUT_COUNT];
#define QC_INPUT input
#endif

int main(void)
{
    unsigned count = 0;
    const int in = board_open("inputs.bin", 0), out = board_open("outputs.bin", 1);
    if (in < 0 || out < 0) {
        board_puts("quantc firmware: cannot open inputs.bin or outputs.bin\n");
        return 2;
    }
    while (board_read(in, QC_INPUT, sizeof input) == 0) {
        if (QC_RUN(QC_INPUT, QC_OUTPUT) != 0 || board_write(out, QC_OUTPUT, sizeof output) != 0) {
            return 3;
        }
        ++count;
    }
    board_close(in);
    board_close(out);
#if QC_PRINTF
    printf("quantc firmware: %u samples run\n", count);
#else
    (void)count;
#endif
    return 0;
}

#else

#include "quantc_samples.h"

/* Decimal text of v into buffer (at least 12 bytes). */
static void decimal(int32_t v, char *buffer)
{
    char digits[12];
    int n = 0, i = 0;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do {
        digits[n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0u);
    if (v < 0) {
        buffer[i++] = '-';
    }
    while (n > 0) {
        buffer[i++] = digits[--n];
    }
    buffer[i] = 0;
}

int main(void)
{
    char text[16];
    int32_t s, k;
    for (s = 0; s < QC_SAMPLE_COUNT; ++s) {
        if (QC_RUN(samples[s], QC_OUTPUT) != 0) {
            return 3;
        }
        board_puts("sample ");
        decimal(s, text);
        board_puts(text);
        board_puts(":");
        for (k = 0; k < QC_OUTPUT_COUNT; ++k) {
            text[0] = ' ';
            decimal(output[k], text + 1);
            board_puts(text);
        }
        board_puts("\n");
    }
    return 0;
}

#endif
