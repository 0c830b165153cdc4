/*
 * quantc host harness: runs float samples through the model's quantize helper and run, and writes
 * the quantized inputs and the raw outputs, one record per sample, for the comparison with the
 * simulator. quantc writes quantc_harness.h beside it (the model's header and names).
 * Usage: harness SAMPLES.f32 COUNT INPUTS.bin OUTPUTS.bin
 */
#include <stdio.h>
#include <stdlib.h>

#include "quantc_harness.h"

static float x[QC_SAMPLE_FLOATS];
#if QC_STRUCTS
static QC_INPUT_T q;
static QC_OUTPUT_T y;
#define QC_Q (&q)
#define QC_Y (&y)
#else
static QC_INPUT_T q[QC_INPUT_COUNT];
static QC_OUTPUT_T y[QC_OUTPUT_COUNT];
#define QC_Q q
#define QC_Y y
#endif

int main(int argc, char **argv)
{
    FILE *samples, *inputs, *outputs;
    long count, i;
    if (argc != 5) {
        fprintf(stderr, "usage: %s SAMPLES.f32 COUNT INPUTS.bin OUTPUTS.bin\n", argv[0]);
        return 2;
    }
    count = strtol(argv[2], 0, 10);
    samples = fopen(argv[1], "rb");
    inputs = fopen(argv[3], "wb");
    outputs = fopen(argv[4], "wb");
    if (samples == 0 || inputs == 0 || outputs == 0) {
        fprintf(stderr, "cannot open the sample files\n");
        return 2;
    }
    for (i = 0; i < count; ++i) {
        if (fread(x, sizeof x[0], QC_SAMPLE_FLOATS, samples) != QC_SAMPLE_FLOATS) {
            fprintf(stderr, "sample %ld: short read\n", i);
            return 3;
        }
        QC_QUANTIZE(x, QC_Q);
        if (QC_RUN(QC_Q, QC_Y) != 0) {
            fprintf(stderr, "sample %ld: the model's run failed\n", i);
            return 4;
        }
        if (fwrite(QC_Q, sizeof q, 1, inputs) != 1 || fwrite(QC_Y, sizeof y, 1, outputs) != 1) {
            fprintf(stderr, "sample %ld: write failed\n", i);
            return 5;
        }
    }
    fclose(samples);
    fclose(inputs);
    fclose(outputs);
    return 0;
}
