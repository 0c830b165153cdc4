/*
 * quantc runtime: the kernels of fixed-point programs, and their full contract.
 *
 * Conventions shared by every kernel:
 * - Activations are NHWC, batch first; weights are OHWI (O output channels, I = input channels per
 *   group); dense weights are [out_features][in_features]. All arrays are dense, row-major.
 * - A value q stored in a tensor of format (bits, frac) means q * 2^-frac. Storage is int8_t for
 *   bits <= 8, else int16_t. Kernel names spell the storage of each operand in argument order:
 *   qc_conv_s8s16s8 reads int8_t x, int16_t weights, writes int8_t y. The suffix _acc64 marks a
 *   64-bit accumulator (chosen by the quantizer when it cannot prove 32 bits suffice).
 * - Accumulators never overflow: the quantizer proves |bias| + |x|max * sum|w| fits the accumulator,
 *   so the order of summation does not matter and no wraparound is relied upon.
 * - Every output is y = clamp(rshift_round(acc, shift), act_min, act_max), see qc_arith.h:
 *   rounding half up, saturating left shifts for negative shifts. act_min/act_max are the output
 *   bits' range intersected with a fused activation's clamp.
 * - Per-channel shifts: `shift` points to shift_count entries (1 = the same shift for all channels,
 *   or one per output channel); shifts lie in [-22, 62].
 * - Padding reads as integer 0 (the real value 0 in every format). Only some _dsp and _mve variants
 *   need scratch memory, passed in by the caller (the emitter places it in the arena).
 * - Input and output buffers must not overlap unless a kernel says it works in place.
 * - No kernel allocates, keeps state, or touches globals: all are re-entrant.
 * Swift twins (the executable specification): Sources/IntegerSimulator.
 */
#ifndef QC_KERNELS_H
#define QC_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Convolution, general and grouped: y[b, oy, ox, o] = requantize(bias[o] +
 *   sum_{ky, kx, i} x[b, oy*stride_h - pad_top + ky*dilation_h, ox*stride_w - pad_left + kx*dilation_w,
 *                     g*(in_c/groups) + i] * w[o, ky, kx, i]),  g = o / (out_c/groups).
 * groups divides in_c and out_c. Bias: int32_t (int64_t for _acc64), already aligned to the
 * accumulator's fractional length frac_x + frac_w[o].
 */
typedef struct {
    int32_t batch, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t groups;
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_conv_params;

/*
 * Depthwise convolution with channel multiplier 1 (groups == in_c == out_c): the same formula as
 * the general convolution with w[c, ky, kx, 0]; uses qc_conv_params.
 */

/* Dense: y[m, o] = requantize(bias[o] + sum_k x[m, k] * w[o, k]) for rows m. */
typedef struct {
    int32_t rows, in_features, out_features;
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_dense_params;

/*
 * Dense with packed weights (qc_dense_packed_*): the same sum, the [out_features][in_features]
 * weights stored as one stream of weight_bits-bit two's-complement fields (2 <= weight_bits <= 7),
 * weight j at bits j * weight_bits ... (j + 1) * weight_bits - 1 counted from bit 0 of byte 0
 * (least significant first), followed by one padding byte; decoded in the inner loop.
 */
typedef struct {
    int32_t rows, in_features, out_features;
    int32_t weight_bits;
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_dense_packed_params;

/*
 * Convolution with packed weights (qc_conv_packed_*): the general and grouped convolution above
 * (depthwise too, as groups == channels), its OHWI weights stored as the packed dense layer's are.
 * Taps in the padding are skipped.
 */
typedef struct {
    int32_t batch, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t groups;
    int32_t weight_bits;
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_conv_packed_params;

/*
 * Unpacking packed weights (qc_unpack_weights_s8): writes the `count` weight_bits-bit fields of a
 * packed stream (the layout above, 2 <= weight_bits <= 7) as int8_t values, so that a layer whose
 * weights are stored packed runs the byte kernels (and their DSP and Helium variants): the
 * emitter unpacks the layer's weights into its arena scratch just before the layer's call.
 */
typedef struct {
    int32_t count;
    int32_t weight_bits;
} qc_unpack_weights_params;
void qc_unpack_weights_s8(const qc_unpack_weights_params *p, const uint8_t *packed, int8_t *weights);

/*
 * Max and average pooling over NHWC windows; the output has the input's storage.
 * Max: the largest value among the window's taps inside the input (0 when none is inside); the
 * output has the input's format (out_shift = 0).
 * Average: qc_average_of(sum, n, out_shift, act_min, act_max), the sum of the taps inside the input
 * divided by the tap count n (taps inside the input, or inside the explicitly padded input,
 * pad_bottom/pad_right included, when count_include_pad), with out_shift = the output's frac minus
 * the input's (0...15): an average is finer than its inputs, and keeping the input's step would
 * round most of what it averaged away. Window sums are int32_t: kernel_h * kernel_w <= 65535.
 */
typedef struct {
    int32_t batch, in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t count_include_pad;
    int32_t out_shift, act_min, act_max;
} qc_pool_params;

/*
 * Global pooling: [batch, positions, channels] -> [batch, channels], the mean (the average
 * pooling's qc_average_of with n = positions <= 65535 and its out_shift, act_min, act_max) or
 * the maximum (out_shift = 0).
 */
typedef struct {
    int32_t batch, positions, channels;
    int32_t out_shift, act_min, act_max;
} qc_global_pool_params;

/*
 * Add or subtract: y[i] = requantize((a[i] << a_shift) +- (b[i mod b_count] << b_shift), out_shift)
 * in 64-bit arithmetic (32-bit when both left shifts are <= 14). a_shift, b_shift >= 0 align the
 * operands to the finer format F; out_shift = F - frac_y. b broadcasts along the last axis when
 * b_count < count. Works in place (y == a, or y == b when b_count == count).
 */
typedef struct {
    int32_t count, b_count;
    int32_t a_shift, b_shift, out_shift;
    int32_t subtract;
    int32_t act_min, act_max;
} qc_add_params;

/*
 * Multiply: y[i] = requantize(a[i] * b[i mod b_count], out_shift) with out_shift = frac_a + frac_b -
 * frac_y. The product of two 16-bit operands fits 32 bits (|a * b| <= 2^30); requantize is
 * qc_requantize_s32 (rounding half up, saturating left shifts). b broadcasts along the last axis
 * when b_count < count (a per-channel gate, a scalar). Works in place (y == a, or y == b when
 * b_count == count).
 */
typedef struct {
    int32_t count, b_count;
    int32_t out_shift;
    int32_t act_min, act_max;
} qc_mul_params;

/*
 * Element-wise maximum (or minimum when `minimum` is 1) of two tensors:
 * y[i] = requantize(max((a[i] << a_shift), (b[i mod b_count] << b_shift)), out_shift), the operands
 * aligned to the finer format F as for the addition (a_shift, b_shift in [0, 31]; out_shift =
 * F - frac_y). Rounding is monotone, so this is the larger operand requantized. int8 models (TFLite's
 * MAXIMUM and MINIMUM, whose inputs and output share one scale and zero point) use it with every
 * shift 0. b broadcasts along the last axis when b_count < count. Works in place (y == a, or y == b
 * when b_count == count).
 */
typedef struct {
    int32_t count, b_count;
    int32_t a_shift, b_shift, out_shift;
    int32_t minimum;
    int32_t act_min, act_max;
} qc_max_min_params;

/*
 * Rescale (format change with clamp; also one operand of a concatenation):
 * y[o * y_stride + i] = requantize(x[o * block + i], shift) for o < outer, i < block,
 * shift = frac_x - frac_y. Works in place when y == x, y_stride == block and storage matches.
 */
typedef struct {
    int32_t outer, block, y_stride;
    int32_t shift;
    int32_t act_min, act_max;
} qc_rescale_params;

/*
 * Constant padding of a rank-4 tensor (lower ranks are padded with leading 1s):
 * y has shape in_shape + before + after; positions outside x hold `value`.
 */
typedef struct {
    int32_t in_shape[4];
    int32_t before[4];
    int32_t out_shape[4];
    int32_t value;
} qc_pad_params;

/* Transpose of a rank <= 6 tensor: y's axis k is x's axis perm[k]. Unused axes have size 1. */
typedef struct {
    int32_t rank;
    int32_t in_shape[6];
    int32_t perm[6];
} qc_transpose_params;

/*
 * Copy by constant indices (slice, split, gather, mirror pad, nearest resize, depth/space
 * rearrangement). y, read in row-major order over extent[0..5], takes
 * y[i0, ..., i5] = x[offsets[i0] + offsets[e0 + i1] + ... + offsets[e0 + ... + e4 + i5]]:
 * the offsets of axis k follow those of the axes before it. Every extent is at least 1 and every
 * sum lies inside x.
 */
typedef struct {
    int32_t extent[6];
} qc_index_copy_params;

/*
 * Element-wise function by table (sigmoid, tanh). For in_bits <= 10 the table has 2^in_bits
 * entries, y = table[x - in_min]. Wider inputs use 1025 entries at the segment starts: with
 * s = in_bits - 10, u = x - in_min, i = u >> s, r = u & (2^s - 1):
 * y = table[i] + rshift_round((table[i+1] - table[i]) * r, s). Works in place.
 */
typedef struct {
    int32_t count;
    int32_t in_bits;
    int32_t in_min;
} qc_table_params;

/*
 * Shift-scheme convolution (general, grouped and depthwise): the convolution formula above with
 * signed-digit weights (qc_arith.h: one byte code per weight, OHWI), computed with shifts, adds
 * and subtracts only: no multiply instruction, including in the address arithmetic, for which
 * the strides below are precomputed. Bias: int32_t (int64_t for _acc64), accumulator-aligned.
 */
typedef struct {
    int32_t batch, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t groups, in_c_per_group, out_c_per_group;
    int32_t in_row;   /* in_w * in_c: elements per input row */
    int32_t tap_row;  /* dilation_h * in_row */
    int32_t tap_col;  /* dilation_w * in_c */
    int32_t step_row; /* stride_h * in_row */
    int32_t step_col; /* stride_w * in_c */
    int32_t in_image; /* in_h * in_row */
    int32_t origin;   /* -(pad_top * in_row + pad_left * in_c): offset of the window's first tap */
    int32_t weights_per_row; /* kernel_w * in_c_per_group */
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_shift_conv_params;

/* Shift-scheme dense layer (and 1x1 convolution): qc_dense_params, signed-digit weights [O][K]. */

/*
 * Bit-plane convolution (general, grouped, depthwise; dense layers and 1x1 convolutions run as a
 * convolution over in_h = rows, in_w = 1): the convolution formula above with weights
 * w[o, ky, kx, i] = sum_m alpha[g, m] * B[g, m, j], B = +1 where bit j is set, else -1. A group g is
 * one output channel's kernel_h * kernel_w * in_c_per_group weights (kernel2d == 0; j follows the
 * OHWI order) or one (output channel o, input channel i) pair's kernel_h * kernel_w taps
 * (kernel2d == 1, g = o * in_c_per_group + i, j = ky * kernel_w + kx). Groups follow one another;
 * each stores `planes` planes of group_words 32-bit words, bit j at 31 - j % 32 of word j / 32.
 * With S = sum of the group's window inputs and P_m = sum of those whose bit is set, the kernel
 * computes acc = bias[o] + sum_g sum_m alpha[g, m] * (2 * P_m - S), exactly the formula's sum:
 * the only multiplies are these, one per nonzero alpha (planes with alpha 0 are skipped). No
 * multiply in the address arithmetic: the strides below are precomputed. Dilation is 1.
 * Bias: int32_t (int64_t for _acc64), accumulator-aligned; window sums fit int32_t.
 */
typedef struct {
    int32_t batch, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    int32_t groups, in_c_per_group, out_c_per_group;
    int32_t planes;      /* M: planes per group */
    int32_t kernel2d;    /* 0: a group per output channel; 1: a group per (output, input channel) */
    int32_t group_words; /* 32-bit words per plane of a group */
    int32_t tap_bits;    /* bits per kernel tap: in_c_per_group (filter) or 1 (kernel2d) */
    int32_t row_bits;    /* kernel_w * tap_bits */
    int32_t in_row;      /* in_w * in_c */
    int32_t step_row;    /* stride_h * in_row */
    int32_t step_col;    /* stride_w * in_c */
    int32_t in_image;    /* in_h * in_row */
    int32_t origin;      /* -(pad_top * in_row + pad_left * in_c) */
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_bitplane_conv_params;

/*
 * Codebook convolution (general, grouped, depthwise; dense layers and 1x1 convolutions run as a
 * convolution over in_h = rows, in_w = 1): the convolution formula above with weights
 * w[o, ky, kx, i] = codebook[index j], j the OHWI position of the weight. Indices are index_bits
 * (1..8) wide in a little-endian bit stream: index j is bits j * index_bits ... of the stream, bit
 * t at t % 8 of byte t / 8; the stream ends with one spare byte. channel_bits = kernel_h *
 * kernel_w * in_c_per_group * index_bits is one output channel's share.
 * accumulate == 0: acc = bias[o] + sum codebook[index] * x over the valid window, one multiply per
 * tap. accumulate == 1: the window's inputs are first summed per index (at most
 * QC_CODEBOOK_MAX_CLUSTERS sums of int32_t on the stack), then acc = bias[o] + sum over the
 * clusters of codebook[c] * sum[c], one multiply per nonzero centroid and output, whatever the
 * window. Both give the same integer. No multiply in the address arithmetic; dilation is 1.
 * Bias: int32_t (int64_t for _acc64), accumulator-aligned; per-cluster sums fit int32_t.
 */
#define QC_CODEBOOK_MAX_CLUSTERS 256
typedef struct {
    int32_t batch, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    int32_t groups, in_c_per_group, out_c_per_group;
    int32_t clusters;     /* codebook entries */
    int32_t index_bits;   /* bits per index, 1..8 */
    int32_t accumulate;   /* 0: lookup form; 1: sums per cluster, then one multiply per centroid */
    int32_t tap_bits;     /* in_c_per_group * index_bits */
    int32_t row_bits;     /* kernel_w * tap_bits */
    int32_t channel_bits; /* kernel_h * row_bits */
    int32_t in_row;       /* in_w * in_c */
    int32_t step_row;     /* stride_h * in_row */
    int32_t step_col;     /* stride_w * in_c */
    int32_t in_image;     /* in_h * in_row */
    int32_t origin;       /* -(pad_top * in_row + pad_left * in_c) */
    int32_t shift_count;
    int32_t act_min, act_max;
} qc_codebook_conv_params;

/*
 * int8-affine kernels (--scheme int8: models quantized by TFLite, computed as its reference kernels
 * do). A tensor's integer q means scale * (q - zero_point); every output is
 * y = clamp(out_offset + mbqm(acc, multiplier[o], shift[o]), act_min, act_max) (qc_affine.h), with
 * TFLite's shift convention (positive = left) and shift_count entries of both arrays (1 or one per
 * output channel). Ranges (the emitter checks them before it writes a bundle, KernelContract):
 * multiplier in [0, 2^31), shift in [-31, 30], out_offset and every zero point int8. Convolutions: acc = bias[o] + sum x * w over every tap, where taps outside the
 * input read pad_value: the input zero point, whose product with the weights the quantizer folded
 * into the bias (bias = b - zero_point * sum w), so the sum equals TFLite's sum of
 * (x - zero_point) * w over the taps inside. Same fields as qc_conv_params / qc_dense_params plus these.
 */
typedef struct {
    int32_t batch, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t groups;
    int32_t shift_count;
    int32_t act_min, act_max;
    int32_t pad_value, out_offset;
} qc_conv_affine_params;

typedef struct {
    int32_t rows, in_features, out_features;
    int32_t shift_count;
    int32_t act_min, act_max;
    int32_t out_offset;
    int32_t single_rounding; /* 1: qc_mbqm_single, as ai-edge-litert's reference kernel; 0: qc_mbqm, as TFLM */
} qc_dense_affine_params;

/*
 * int8-affine addition (TFLite's ADD): with u = (a[i] + a_offset) << left_shift and likewise v
 * from b[i mod b_count] (b repeats along a: b_count divides count),
 * y[i] = clamp(out_offset + mbqm(mbqm(u, a_mult, a_shift) + mbqm(v, b_mult, b_shift), out_mult, out_shift)).
 * The _dsp and _mve variants take b_count == count only.
 * Ranges: multipliers >= 0 but b_mult, negative for a subtraction (TFLite's SUB), shifts in
 * [-31, 30], left_shift in [0, 20], a_offset and b_offset in
 * [-127, 128] (negated int8 zero points), out_offset int8.
 * Works in place (y == a or y == b).
 */
typedef struct {
    int32_t count;
    int32_t a_offset, b_offset, out_offset;
    int32_t a_mult, a_shift, b_mult, b_shift, out_mult, out_shift;
    int32_t left_shift;
    int32_t act_min, act_max;
    int32_t b_count;
} qc_add_affine_params;
void qc_add_affine_s8(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * int8-affine squared difference (TFLite's SQUARED_DIFFERENCE), with the addition's params: u and v
 * rescaled as there (left_shift 7, input multipliers at most 1/2), then
 * y[i] = clamp(out_offset + mbqm((u' - v')^2, out_mult, out_shift), -128, 127) with
 * u' = mbqm(u, a_mult, a_shift), v' = mbqm(v, b_mult, b_shift); act_min and act_max are not read.
 * The square stays within 2^31 (|u' - v'| < 2^15). Works in place.
 */
void qc_squared_difference_affine_s8(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * int8-affine multiplication (TFLite's MUL): with j = i mod b_count (b broadcast along the last
 * axis, or a scalar), y[i] = clamp(out_offset + mbqm((a[i] + a_offset) * (b[j] + b_offset),
 * multiplier, shift), act_min, act_max). The product of two offset int8 values lies within 2^16;
 * the sum with out_offset is taken in 64 bits. Ranges: a_offset and b_offset in [-127, 128]
 * (negated zero points), multiplier >= 0, shift in [-31, 30], out_offset int8. Works in place.
 */
typedef struct {
    int32_t count, b_count;
    int32_t a_offset, b_offset, out_offset;
    int32_t multiplier, shift;
    int32_t act_min, act_max;
} qc_mul_affine_params;
void qc_mul_affine_s8(const qc_mul_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * int8-affine division (TFLite's DIV), with the multiplication's params (multiplier and shift: a's
 * scale / (b's scale * the output's)): with u = a[i] + a_offset and d = b[j] + b_offset, signs moved
 * so that d > 0, h the redundant sign bits of u, (r, k) = 1/d as 1/(1 + x) in Q0.31 and its bits
 * over one (TFLite's GetReciprocal), y = clamp(out_offset + rdbpot(srdhm(srdhm(u << h, r),
 * multiplier), h + k - shift)); where that exponent e passes 31 (for u in [-2, 2]), which C++
 * leaves undefined in TFLite, the rounded value is (product >> (e mod 32)) + (product >= 0), as
 * ai-edge-litert computes it on x86-64 (TFLM on Cortex-M fills with the sign instead). d = 0 (undefined in TFLite) gives act_max for u > 0, act_min for u < 0, the offset for
 * u = 0. Ranges: shift in [-24, 23], as the multiplication's otherwise. Works in place.
 */
void qc_div_affine_s8(const qc_mul_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * int8-affine L2 normalization over the last axis (TFLite's L2_NORMALIZATION; output scale 1/128,
 * zero point 0): per row of depth values, v = x + in_offset, s = sum v^2, (m, e) = 1/sqrt(s) as
 * TFLite's GetInvSqrtQuantizedMultiplierExp computes it (five Newton-Raphson steps in Q3.28; s <= 1
 * gives (2^31 - 1, 0)), y = clamp(mbqm(v, m, e + 7), -128, 127). Ranges: depth in [1, 2^15] (s fits
 * int32), in_offset in [-127, 128].
 */
typedef struct {
    int32_t rows, depth;
    int32_t in_offset;
} qc_l2_normalization_affine_params;
void qc_l2_normalization_affine_s8(const qc_l2_normalization_affine_params *p, const int8_t *x, int8_t *y);

/*
 * int8-affine comparison (TFLite's GREATER, GREATER_EQUAL, LESS, LESS_EQUAL, EQUAL): with
 * u = mbqm((a[i] + a_offset) << 8, a_mult, a_shift) and v likewise from b[i mod b_count],
 * y[i] = 1 where u op v holds, else 0; op: 0 >, 1 >=, 2 <, 3 <=, 4 ==. Ranges: offsets in
 * [-127, 128], multipliers >= 0, shifts in [-31, 0].
 */
typedef struct {
    int32_t count, b_count;
    int32_t comparison;
    int32_t a_offset, b_offset;
    int32_t a_mult, a_shift, b_mult, b_shift;
} qc_compare_affine_params;
void qc_compare_affine_s8(const qc_compare_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * Selection of stored values (TFLite's SELECT, SELECT_V2): y[i] = condition[i mod condition_count]
 * ? a[i mod a_count] : b[i mod b_count]. Works in place over a or b of count elements.
 */
typedef struct {
    int32_t count, condition_count, a_count, b_count;
} qc_select_params;
void qc_select_s8(const qc_select_params *p, const int8_t *condition, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * int8-affine PReLU (TFLite's PRELU): with v = x[i] + in_offset and a = alpha[i mod alpha_count] +
 * alpha_offset (alpha broadcast along the last axis, or one value),
 * y[i] = clamp(out_offset + (v >= 0 ? mbqm(v, pos_mult, pos_shift) : mbqm(v * a, neg_mult, neg_shift)),
 * -128, 127), the multipliers' real values being input scale / output scale and input scale * alpha
 * scale / output scale. Ranges: in_offset and alpha_offset in [-127, 128], multipliers >= 0, shifts
 * in [-31, 30], out_offset int8. Works in place.
 */
typedef struct {
    int32_t count, alpha_count;
    int32_t in_offset, alpha_offset, out_offset;
    int32_t pos_mult, pos_shift, neg_mult, neg_shift;
} qc_prelu_affine_params;
void qc_prelu_affine_s8(const qc_prelu_affine_params *p, const int8_t *alpha, const int8_t *x, int8_t *y);

/*
 * Bilinear resize of int8 values, TFLite's RESIZE_BILINEAR ([batch][in_h][in_w][channels] to
 * [batch][out_h][out_w][channels], one scale and zero point): output row y reads input position
 * p = y * height_scale (+ height_scale / 2 - 512 when half_pixel) in 1/1024 steps, between rows
 * y0 = max(p / 1024, 0) and y1 = min((p + 1023) / 1024, in_h - 1) (C division), with d = p - 1024 * y0;
 * columns likewise with width_scale. y = (sum of the four neighbours times (1024 - dy or dy) *
 * (1024 - dx or dx), in 64 bits, + 2^19 with its sign) / 2^20. Ranges: sizes in [1, 4096], scales
 * in [1, 2^22].
 */
typedef struct {
    int32_t batch, in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t height_scale, width_scale;
    int32_t half_pixel;
} qc_resize_bilinear_params;
void qc_resize_bilinear_s8(const qc_resize_bilinear_params *p, const int8_t *x, int8_t *y);

/*
 * int8-affine mean over H and W of [batch][positions][channels] (TFLite's integer MEAN with its
 * input and output scales): per batch and channel, s = sum (x + in_offset) over the positions and
 * y = clamp(out_offset + mbqm(s, multiplier, shift), -128, 127), the multiplier's real value being
 * input scale / (output scale * positions). Ranges: 1 <= positions <= 2^23 (the sum stays within
 * int32), in_offset in [-127, 128], multiplier >= 0, shift in [-31, 30], out_offset int8.
 */
typedef struct {
    int32_t batch, positions, channels;
    int32_t in_offset, out_offset;
    int32_t multiplier, shift;
} qc_mean_affine_params;
void qc_mean_affine_s8(const qc_mean_affine_params *p, const int8_t *x, int8_t *y);

/*
 * int8-affine softmax over the last axis (TFLite's reference integer softmax, gemmlowp fixed point):
 * rows of depth values; differences from the row maximum below diff_min count as 0; the output
 * has scale 1/256 and zero point -128. multiplier and left_shift scale the differences to Q5.26.
 */
typedef struct {
    int32_t rows, depth;
    int32_t multiplier, left_shift, diff_min;
} qc_softmax_params;
void qc_softmax_s8(const qc_softmax_params *p, const int8_t *x, int8_t *y);

/*
 * int8-affine log-softmax over the last axis (TFLite's reference integer LOG_SOFTMAX): per row, the
 * exponentials of the differences from the maximum (those >= diff_min) scaled to Q5.26 by
 * multiplier and left_shift and summed in Q12.19 as for the softmax; L = ln(sum) in Q5.26;
 * differences above max(diff_min - 1, mbqm(L - 2^31, reverse_multiplier, reverse_shift)) give
 * clamp(rdbpot(scaled - L, 22) + 127), the others -128. Output scale 1/16, zero point 127.
 * Ranges: left_shift in [1, 30], reverse_shift in [-31, 0], multipliers >= 0, diff_min <= 0.
 */
typedef struct {
    int32_t rows, depth;
    int32_t multiplier, left_shift;
    int32_t reverse_multiplier, reverse_shift;
    int32_t diff_min;
} qc_log_softmax_params;
void qc_log_softmax_s8(const qc_log_softmax_params *p, const int8_t *x, int8_t *y);

#include "qc_kernel_instances.h"

/*
 * Variants for cores with the Armv7E-M DSP extension (Cortex-M4, M7, M33, M55), chosen by the
 * emitter per board: the same outputs as the portable instance of the same name without _dsp,
 * a fraction of the instructions. They compile anywhere (qc_dsp.h has portable twins of the DSP
 * instructions). The general convolution requires groups == 1. `scratch` must hold the bytes below and be
 * 4-byte aligned; it is only used during the call.
 */
/* The DSP convolution's taps per output channel: kernel_h * kernel_w * in_c rounded up to a multiple
 * of 8 (its weight rows end in zeros), so that its inner loop takes two groups of four per pass. */
#define QC_CONV_DSP_TAPS(p) (((p)->kernel_h * (p)->kernel_w * (p)->in_c + 7) & ~7)
#define QC_CONV_DSP_SCRATCH_BYTES(p) \
    (4 * QC_CONV_DSP_TAPS(p) + 8 * (p)->out_c + ((p)->kernel_w * (p)->in_c % 4 ? QC_CONV_DSP_TAPS(p) : 0))
#define QC_DENSE_DSP_SCRATCH_BYTES(p) ((p)->rows > 1 ? 4 * (p)->in_features + 8 * (p)->out_features : 2 * (p)->in_features)
/* The convolution takes its weights in pairs of rows (output channels), each row of QC_CONV_DSP_TAPS
 * taps (the last ones zero): per pair, for each group of four taps the two rows' four bytes in
 * turn; an odd last row stays as it is (qc_conv_dsp_weight_slot). */
void qc_conv_s8s8s8_dsp(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
                        int16_t *scratch, int8_t *y);
/* Weights in channel groups, not the portable kernel's [channels][kernel_h][kernel_w]: for each group of
 * four channels its [kernel_h][kernel_w][4] weights, then [kernel_h][kernel_w][channels % 4] for the rest.
 * Scratch: one int32 per channel; the grouped channels' biases, weights widened to int16 and shifts; a ring of
 * the input rows one window spans, widened to int16 and padded to RING_WIDTH columns. With out_c a
 * multiple of 4 it works in place (y == x) where every output row lies within the input rows its
 * windows reach (same-size and strided layers). */
#define QC_DEPTHWISE_CONV_DSP_RING_WIDTH(p) (((p)->out_w - 1) * (p)->stride_w + ((p)->kernel_w - 1) * (p)->dilation_w + 1)
#define QC_DEPTHWISE_CONV_DSP_WIDE_BYTES(p)                                                       \
    (((p)->out_c & ~3) * (5 + 2 * (p)->kernel_h * (p)->kernel_w) +                                 \
     2 * (((p)->kernel_h - 1) * (p)->dilation_h + 1) * QC_DEPTHWISE_CONV_DSP_RING_WIDTH(p) * ((p)->out_c & ~3))
#define QC_DEPTHWISE_CONV_DSP_SCRATCH_BYTES(p) (4 * (p)->out_c + QC_DEPTHWISE_CONV_DSP_WIDE_BYTES(p))
void qc_depthwise_conv_s8s8s8_dsp(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                  const int8_t *shift, int32_t *scratch, int8_t *y);
/* The dense variant over one row (rows == 1) takes its weights in blocks of four rows: per block, for
 * each group of four taps the four rows' four bytes, then the block's last in_features % 4 taps as
 * [4 rows][in_features % 4]; rows beyond a multiple of four stay row-major. Over more rows, in pairs
 * of rows (qc_pairs_weight_slot). It works in place (y == x) whatever in_features and out_features. */
void qc_dense_s8s8s8_dsp(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
                         int16_t *scratch, int8_t *y);
void qc_avg_pool_s8_dsp(const qc_pool_params *p, const int8_t *x, int8_t *y);
/* The int8-affine kernels' DSP variants: the same weight orders as the three above; their scratch
 * also holds 12 bytes of constants per rescaling (shift_count). */
#define QC_CONV_AFFINE_DSP_SCRATCH_BYTES(p) (QC_CONV_DSP_SCRATCH_BYTES(p) + 12 * (p)->shift_count)
#define QC_DEPTHWISE_CONV_AFFINE_DSP_SCRATCH_BYTES(p) (QC_DEPTHWISE_CONV_DSP_SCRATCH_BYTES(p) + 12 * (p)->shift_count)
#define QC_DENSE_AFFINE_DSP_SCRATCH_BYTES(p) (((QC_DENSE_DSP_SCRATCH_BYTES(p) + 3) & ~3) + 12 * (p)->shift_count)
void qc_conv_affine_s8s8s8_dsp(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                               const int32_t *multiplier, const int8_t *shift, int16_t *scratch, int8_t *y);
void qc_depthwise_conv_affine_s8s8s8_dsp(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                         const int32_t *multiplier, const int8_t *shift, int32_t *scratch, int8_t *y);
void qc_dense_affine_s8s8s8_dsp(const qc_dense_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                const int32_t *multiplier, const int8_t *shift, int16_t *scratch, int8_t *y);
void qc_avg_pool_affine_s8_dsp(const qc_pool_params *p, const int8_t *x, int8_t *y);
void qc_add_affine_s8_dsp(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/*
 * Variants for cores with Helium (MVE: Cortex-M55, M85), chosen by the emitter per board like the
 * _dsp ones, with the same outputs as the portable instances (qc_mve.h has portable twins of the
 * vector loops). The convolution requires groups == 1; it, the depthwise convolution and the
 * dense layer take a scratch buffer of the bytes below. The depthwise weights are in [kernel_h][kernel_w][channels] order.
 */
#define QC_CONV_MVE_SCRATCH_BYTES(p) (((2 * (p)->kernel_h * (p)->kernel_w * (p)->in_c + 3) & ~3) + 8 * (p)->out_c)
#define QC_DENSE_MVE_SCRATCH_BYTES(p) (((p)->rows > 1 ? 8 : 4) * (p)->out_features)
void qc_conv_s8s8s8_mve(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
                        int8_t *scratch, int8_t *y);
#define QC_DEPTHWISE_CONV_MVE_SCRATCH_BYTES(p) (4 * (p)->out_c)
#define QC_DEPTHWISE_CONV_AFFINE_MVE_SCRATCH_BYTES(p) (8 * (p)->out_c)
void qc_depthwise_conv_s8s8s8_mve(const qc_conv_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                  const int8_t *shift, int32_t *scratch, int8_t *y);
void qc_add_s8s8s8_mve(const qc_add_params *p, const int8_t *a, const int8_t *b, int8_t *y);
void qc_dense_s8s8s8_mve(const qc_dense_params *p, const int8_t *x, const int8_t *w, const int32_t *bias, const int8_t *shift,
                         int32_t *scratch, int8_t *y);
/* The int8-affine kernels' Helium variants: the same scratch and weight orders as the ones above. */
void qc_conv_affine_s8s8s8_mve(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                               const int32_t *multiplier, const int8_t *shift, int8_t *scratch, int8_t *y);
void qc_depthwise_conv_affine_s8s8s8_mve(const qc_conv_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                         const int32_t *multiplier, const int8_t *shift, int32_t *scratch, int8_t *y);
void qc_dense_affine_s8s8s8_mve(const qc_dense_affine_params *p, const int8_t *x, const int8_t *w, const int32_t *bias,
                                const int32_t *multiplier, const int8_t *shift, int32_t *scratch, int8_t *y);
void qc_add_affine_s8_mve(const qc_add_affine_params *p, const int8_t *a, const int8_t *b, int8_t *y);
void qc_avg_pool_s8_mve(const qc_pool_params *p, const int8_t *x, int8_t *y);
void qc_avg_pool_affine_s8_mve(const qc_pool_params *p, const int8_t *x, int8_t *y);

/*
 * The scratch bytes of each variant above as functions of its params (the emitter's memory planner
 * calls these, so the arena holds exactly what the kernels use), and where the variants that
 * reorder weights expect weight t (a tap, or an input feature) of channel or row c.
 */
static inline int32_t qc_conv_dsp_scratch_bytes(const qc_conv_params *p) { return QC_CONV_DSP_SCRATCH_BYTES(p); }
static inline int32_t qc_conv_affine_dsp_scratch_bytes(const qc_conv_affine_params *p) { return QC_CONV_AFFINE_DSP_SCRATCH_BYTES(p); }
static inline int32_t qc_depthwise_conv_dsp_scratch_bytes(const qc_conv_params *p) { return QC_DEPTHWISE_CONV_DSP_SCRATCH_BYTES(p); }
static inline int32_t qc_depthwise_conv_affine_dsp_scratch_bytes(const qc_conv_affine_params *p)
{
    return QC_DEPTHWISE_CONV_AFFINE_DSP_SCRATCH_BYTES(p);
}
static inline int32_t qc_dense_dsp_scratch_bytes(const qc_dense_params *p) { return QC_DENSE_DSP_SCRATCH_BYTES(p); }
static inline int32_t qc_dense_affine_dsp_scratch_bytes(const qc_dense_affine_params *p) { return QC_DENSE_AFFINE_DSP_SCRATCH_BYTES(p); }
static inline int32_t qc_conv_mve_scratch_bytes(const qc_conv_params *p) { return QC_CONV_MVE_SCRATCH_BYTES(p); }
static inline int32_t qc_conv_affine_mve_scratch_bytes(const qc_conv_affine_params *p) { return QC_CONV_MVE_SCRATCH_BYTES(p); }
static inline int32_t qc_depthwise_conv_mve_scratch_bytes(const qc_conv_params *p) { return QC_DEPTHWISE_CONV_MVE_SCRATCH_BYTES(p); }
static inline int32_t qc_depthwise_conv_affine_mve_scratch_bytes(const qc_conv_affine_params *p)
{
    return QC_DEPTHWISE_CONV_AFFINE_MVE_SCRATCH_BYTES(p);
}
static inline int32_t qc_dense_mve_scratch_bytes(const qc_dense_params *p) { return QC_DENSE_MVE_SCRATCH_BYTES(p); }
static inline int32_t qc_dense_affine_mve_scratch_bytes(const qc_dense_affine_params *p) { return QC_DENSE_MVE_SCRATCH_BYTES(p); }

/* DSP depthwise: groups of four channels as [kernel_h * kernel_w][4], then the rest as [taps][channels % 4]. */
static inline int32_t qc_depthwise_conv_dsp_weight_slot(int32_t channels, int32_t taps, int32_t c, int32_t t)
{
    const int32_t grouped = channels & ~3;
    return c < grouped ? (c / 4) * 4 * taps + t * 4 + c % 4 : grouped * taps + t * (channels - grouped) + (c - grouped);
}
/* Helium depthwise: [taps][channels]. */
static inline int32_t qc_depthwise_conv_mve_weight_slot(int32_t channels, int32_t taps, int32_t c, int32_t t)
{
    (void)taps;
    return t * channels + c;
}
/* Rows of n in pairs (DSP dense over more than one row): each group of four taps holding the two rows'
 * bytes in turn, then the pair's last n % 4 taps as [2][n % 4]; an odd last row as it is. */
static inline int32_t qc_pairs_weight_slot(int32_t rows, int32_t n, int32_t c, int32_t t)
{
    const int32_t r = c % 2, full = 4 * (n / 4);
    if (c >= 2 * (rows / 2)) {
        return c * n + t;
    }
    return (c - r) * n + (t < full ? (t / 4) * 8 + r * 4 + t % 4 : 2 * full + r * (n - full) + (t - full));
}
/* DSP convolution: pairs of rows of `taps` weights (kernel_h * kernel_w * in_c) rounded up to a
 * multiple of 8 (qc_conv_dsp_row_taps, QC_CONV_DSP_TAPS); the slots no weight takes hold zeros. */
static inline int32_t qc_conv_dsp_row_taps(int32_t taps) { return (taps + 7) & ~7; }
static inline int32_t qc_conv_dsp_weight_slot(int32_t rows, int32_t taps, int32_t c, int32_t t)
{
    return qc_pairs_weight_slot(rows, qc_conv_dsp_row_taps(taps), c, t);
}
/* DSP dense over one row: blocks of four rows, each group of four taps holding the rows' four bytes
 * in turn, then the block's last n % 4 taps as [4][n % 4]; rows beyond a multiple of four row-major. */
static inline int32_t qc_dense_dsp_weight_slot(int32_t rows, int32_t n, int32_t c, int32_t t)
{
    const int32_t r = c % 4, full = 4 * (n / 4);
    if (c >= 4 * (rows / 4)) {
        return c * n + t;
    }
    return (c - r) * n + (t < full ? (t / 4) * 16 + r * 4 + t % 4 : 4 * full + r * (n - full) + (t - full));
}

#ifdef __cplusplus
}
#endif

#endif /* QC_KERNELS_H */
