/// What the target core offers beyond Armv6-M/Armv7-M integer instructions, as far as kernel
/// variants care. The emitter picks variants from this (never an `#ifdef` inside a kernel).
public struct CoreFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The Armv7E-M DSP extension (SMLAD, SXTB16): Cortex-M4, M7, M33 (with DSP), M55.
    public static let dsp = CoreFeatures(rawValue: 1)
    /// Helium, the M-profile vector extension (MVE): Cortex-M55, M85.
    public static let mve = CoreFeatures(rawValue: 2)

    /// Parses board.json's "features" names; unknown names are ignored (a newer board file).
    public init(names: [String]) {
        self = []
        if names.contains("dsp") { insert(.dsp) }
        if names.contains("mve") { insert(.mve) }
    }
}

/// Replaces portable kernel calls by the variants `features` allow: Helium where the core has it,
/// else DSP. A variant has the portable kernel's params and outputs; it may add a scratch argument
/// just before the output, or store its constants in another order.
enum KernelVariants {
    static func specialize(_ call: KernelCall, for features: CoreFeatures) -> KernelCall {
        guard call.storage.allSatisfy({ $0 == .s8 }), call.wideAccumulator != true else { return call }
        if features.contains(.mve), let variant = mve(call) { return variant }
        if features.contains(.dsp), let variant = dsp(call) { return variant }
        return call
    }

    /// The DSP variants cover the fixed-point kernels and their int8-affine twins alike; the latter
    /// keep 12 bytes of constants per rescaling (qc_rescale) after the rest of their scratch
    /// (QC_*_AFFINE_DSP_SCRATCH_BYTES).
    private static func dsp(_ call: KernelCall) -> KernelCall? {
        let affine = call.family.hasSuffix("_affine")
        func rescalings() -> Int { affine ? 12 * value(call, "shift_count") : 0 }
        switch call.family {
        case "conv", "conv_affine":
            guard value(call, "groups") == 1 else { return nil }
            // Two int16 lanes of kernel_h * kernel_w * in_c taps, then two int32 rows of out_c sums,
            // then where a kernel row's taps are not a multiple of 4 the window's int8 taps
            // (QC_CONV_DSP_SCRATCH_BYTES).
            let rowTaps = value(call, "kernel_w") * value(call, "in_c"), taps = value(call, "kernel_h") * rowTaps
            let staging = rowTaps % 4 == 0 ? 0 : MemoryPlanner.align(taps, 4)
            return variant(call, "dsp", scratch: 4 * taps + 8 * value(call, "out_c") + staging + rescalings(), .s16)
        case "depthwise_conv", "depthwise_conv_affine":
            return channelGroupsVariant(call, extraBytes: rescalings())
        case "dense", "dense_affine":
            // One int16 lane of in_features; with two rows or more, two lanes and two int32 rows of
            // out_features sums (QC_DENSE_DSP_SCRATCH_BYTES).
            let n = value(call, "in_features")
            guard value(call, "rows") == 1 else { return variant(call, "dsp", scratch: 4 * n + 8 * value(call, "out_features") + rescalings(), .s16) }
            return rowBlocksVariant(variant(call, "dsp", scratch: MemoryPlanner.align(2 * n, 4) + rescalings(), .s16), inFeatures: n)
        case "add_affine":
            guard value(call, "b_count") == value(call, "count") else { return nil }
            return variant(call, "dsp", scratch: 0, .s8)
        case "avg_pool", "avg_pool_affine":
            return variant(call, "dsp", scratch: 0, .s8)
        default:
            return nil
        }
    }

    /// Likewise the Helium variants.
    private static func mve(_ call: KernelCall) -> KernelCall? {
        switch call.family {
        case "conv", "conv_affine":
            guard value(call, "groups") == 1 else { return nil }
            // Two int8 columns of kernel_h * kernel_w * in_c taps, then (word-aligned) two int32 rows
            // of out_c sums (QC_CONV_MVE_SCRATCH_BYTES).
            let columns = 2 * value(call, "kernel_h") * value(call, "kernel_w") * value(call, "in_c")
            return variant(call, "mve", scratch: MemoryPlanner.align(columns, 4) + 8 * value(call, "out_c"), .s8)
        case "depthwise_conv", "depthwise_conv_affine":
            return channelsLastVariant(call)
        case "dense", "dense_affine":
            // An int32 row of out_features sums per input row in flight, two or one
            // (QC_DENSE_MVE_SCRATCH_BYTES).
            let rowsInFlight = value(call, "rows") > 1 ? 2 : 1
            return variant(call, "mve", scratch: 4 * rowsInFlight * value(call, "out_features"), .s32)
        case "add_affine":
            guard value(call, "b_count") == value(call, "count") else { return nil }
            return variant(call, "mve", scratch: 0, .s8)
        case "add", "avg_pool", "avg_pool_affine":
            return variant(call, "mve", scratch: 0, .s8)
        default:
            return nil
        }
    }

    private static func variant(_ call: KernelCall, _ name: String, scratch: Int, _ type: CType) -> KernelCall {
        var variant = call
        variant.variant = name
        if scratch > 0 {
            variant.arguments.insert(.scratch(bytes: MemoryPlanner.align(scratch, ArenaPlan.alignment), type: type), at: call.arguments.count - 1)
        }
        return variant
    }

    /// The Helium depthwise variant reads a tap's neighbouring channels as vectors: the weights
    /// [channels][taps] become [taps][channels], as the channels are in NHWC activations. It sums a
    /// position's channels into one int32 each of scratch (QC_DEPTHWISE_CONV_MVE_SCRATCH_BYTES); the
    /// int8-affine one keeps a second int32 per channel there, the bias of clipped windows
    /// (QC_DEPTHWISE_CONV_AFFINE_MVE_SCRATCH_BYTES).
    private static func channelsLastVariant(_ call: KernelCall) -> KernelCall {
        let channels = value(call, "out_c"), rowsOfSums = call.family == "depthwise_conv_affine" ? 2 : 1
        return reorderingWeights(variant(call, "mve", scratch: 4 * rowsOfSums * channels, .s32), rows: channels) { c, t in t * channels + c }
    }

    /// The DSP depthwise variant reads a group of four channels' weights as one contiguous run:
    /// [channels / 4][taps][4], then the remaining channels as [taps][channels % 4] (qc_kernels.h);
    /// it sums a position's channels into one int32 each of scratch before requantizing them, and
    /// widens there the grouped channels' biases and weights (4 + 2 * taps bytes per channel) and the
    /// input rows a window spans, into a ring of padded int16 rows (QC_DEPTHWISE_CONV_DSP_SCRATCH_BYTES),
    /// with the int8-affine instance's own (`extraBytes`).
    private static func channelGroupsVariant(_ call: KernelCall, extraBytes: Int) -> KernelCall {
        let channels = value(call, "out_c"), taps = value(call, "kernel_h") * value(call, "kernel_w")
        let grouped = channels & ~3, tail = channels - grouped
        let span = (value(call, "kernel_h") - 1) * value(call, "dilation_h") + 1
        let width = (value(call, "out_w") - 1) * value(call, "stride_w") + (value(call, "kernel_w") - 1) * value(call, "dilation_w") + 1
        let wide = grouped * (4 + 2 * taps) + 2 * span * width * grouped
        var result = reorderingWeights(variant(call, "dsp", scratch: 4 * channels + extraBytes + wide, .s32), rows: channels) { c, t in
            c < grouped ? (c / 4) * 4 * taps + t * 4 + c % 4 : grouped * taps + t * tail + (c - grouped)
        }
        result.worksInPlace = tail == 0 && ringRunsAhead(call, span: span)
        return result
    }

    /// Whether the ring depthwise kernel can write its output over its input of the same size: it
    /// copies the input rows into its ring before they are read (the channels beyond groups of four
    /// read x directly, so there are none), and output row oy is written once input rows up to
    /// oy * stride_h - pad_top + span - 1 are in the ring, so its bytes must lie within those rows.
    private static func ringRunsAhead(_ call: KernelCall, span: Int) -> Bool {
        let inH = value(call, "in_h"), inW = value(call, "in_w"), outH = value(call, "out_h"), outW = value(call, "out_w")
        guard inH * inW == outH * outW else { return false }
        return (0..<outH).allSatisfy { oy in
            (oy + 1) * outW <= min(inH, oy * value(call, "stride_h") - value(call, "pad_top") + span) * inW
        }
    }

    /// The DSP dense variant over one row reads four weight rows through one pointer: per block of four
    /// rows, each group of four taps holds the four rows' bytes in turn, then the block's last
    /// in_features % 4 taps as [4 rows][tail]; the rows beyond a multiple of four stay row-major (qc_kernels.h).
    private static func rowBlocksVariant(_ call: KernelCall, inFeatures n: Int) -> KernelCall {
        let rows = value(call, "out_features"), blocked = 4 * (rows / 4), groups = n / 4, tail = n % 4
        return reorderingWeights(call, rows: rows) { row, t in
            guard row < blocked else { return row * n + t }
            let r = row % 4, slot = t < 4 * groups ? (t / 4) * 16 + r * 4 + t % 4 : 16 * groups + r * tail + (t - 4 * groups)
            return (row - r) * n + slot
        }
    }

    /// The call with its weights (the second argument, `rows` rows of equal length, row-major) moved:
    /// element t of row r goes to slot(r, t).
    private static func reorderingWeights(_ call: KernelCall, rows: Int, slot: (_ row: Int, _ column: Int) -> Int) -> KernelCall {
        guard case .constant(let w) = call.arguments[1] else { preconditionFailure("a MAC call's second argument is its weights") }
        let columns = w.values.count / rows
        var reordered = w
        for r in 0..<rows { for t in 0..<columns { reordered.values[slot(r, t)] = w.values[r * columns + t] } }
        var result = call
        result.arguments[1] = .constant(reordered)
        return result
    }

    private static func value(_ call: KernelCall, _ name: String) -> Int {
        Int(call.params.first { $0.name == name }!.values[0])
    }
}
