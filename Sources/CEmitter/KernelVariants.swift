import CKernels

/// What the target core offers beyond Armv6-M/Armv7-M integer instructions, as far as kernel
/// variants care. The emitter picks variants from this (never an `#ifdef` inside a kernel).
public struct CoreFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The Armv7E-M DSP extension (SMLAD, SXTB16): Cortex-M4, M7, M33 (with DSP), M55.
    public static let dsp = CoreFeatures(rawValue: 1)
    /// Helium, the M-profile vector extension (MVE): Cortex-M55, M85.
    public static let mve = CoreFeatures(rawValue: 2)
    /// Not of the core but of the bundle: convolutions and dense layers whose fixed-point weights
    /// have 2 to 7 bits store them packed (flash: bits/8 of a byte each). Each such layer is
    /// unpacked into its arena scratch just before it runs, and then runs the byte kernels (RAM:
    /// the largest such layer's weights; a few instructions per weight, once per inference).
    public static let packedWeights = CoreFeatures(rawValue: 4)
    /// With `packedWeights`: every packed layer decodes its weights in the inner loop instead
    /// (qc_conv_packed, qc_dense_packed: no RAM for them, several instructions per MAC).
    public static let decodeInline = CoreFeatures(rawValue: 8)

    /// Parses board.json's "features" names; unknown names are ignored (a newer board file).
    public init(names: [String]) {
        self = []
        if names.contains("dsp") { insert(.dsp) }
        if names.contains("mve") { insert(.mve) }
    }
}

/// Replaces portable kernel calls by the variants `features` allow: Helium where the core has it,
/// else DSP. A variant has the portable kernel's params and outputs; it may add a scratch argument
/// just before the output, or store its constants in another order. Both are qc_kernels.h's: its
/// scratch-size and weight-slot functions are called here, so the arena holds what the kernels use.
enum KernelVariants {
    /// The calls that compute `call` on a core with `features`: the call itself or a variant, and
    /// with packed weights either the packed kernel or an unpacking call before the byte kernel.
    static func specialize(_ call: KernelCall, for features: CoreFeatures) -> [KernelCall] {
        guard features.contains(.packedWeights), let bits = packedBits(call) else { return [coreVariant(call, for: features)] }
        if features.contains(.decodeInline) { return [packedVariant(call, bits: bits)!] }
        return unpackedIntoScratch(coreVariant(call, for: features), bits: bits)
    }

    /// The variant of the call the core's features allow (DSP, Helium), or the call itself.
    private static func coreVariant(_ call: KernelCall, for features: CoreFeatures) -> KernelCall {
        guard call.storage.allSatisfy({ $0 == .s8 }), call.wideAccumulator != true else { return call }
        if features.contains(.mve), let variant = mve(call) { return variant }
        if features.contains(.dsp), let variant = dsp(call) { return variant }
        return call
    }

    private static func dsp(_ call: KernelCall) -> KernelCall? {
        switch call.kernel {
        case .conv(var p):
            guard p.groups == 1 else { return nil }
            return paddedRowPairsVariant(variant(call, .dsp, scratch: qc_conv_dsp_scratch_bytes(&p), .s16), rows: p.out_c,
                                         taps: p.kernel_h * p.kernel_w * p.in_c)
        case .convAffine(var p):
            guard p.groups == 1 else { return nil }
            return paddedRowPairsVariant(variant(call, .dsp, scratch: qc_conv_affine_dsp_scratch_bytes(&p), .s16), rows: p.out_c,
                                         taps: p.kernel_h * p.kernel_w * p.in_c)
        case .depthwiseConv(var p):
            return channelGroupsVariant(call, scratch: qc_depthwise_conv_dsp_scratch_bytes(&p), geometry: DepthwiseGeometry(p))
        case .depthwiseConvAffine(var p):
            return channelGroupsVariant(call, scratch: qc_depthwise_conv_affine_dsp_scratch_bytes(&p), geometry: DepthwiseGeometry(p))
        case .dense(var p):
            let dsp = variant(call, .dsp, scratch: qc_dense_dsp_scratch_bytes(&p), .s16)
            return widensFirst(p.rows == 1 ? rowBlocksVariant(dsp, rows: p.out_features, inFeatures: p.in_features)
                : rowPairsVariant(dsp, rows: p.out_features, inFeatures: p.in_features))
        case .denseAffine(var p):
            let dsp = variant(call, .dsp, scratch: qc_dense_affine_dsp_scratch_bytes(&p), .s16)
            return widensFirst(p.rows == 1 ? rowBlocksVariant(dsp, rows: p.out_features, inFeatures: p.in_features)
                : rowPairsVariant(dsp, rows: p.out_features, inFeatures: p.in_features))
        case .addAffine(let p):
            return p.b_count == p.count ? variant(call, .dsp, scratch: 0, .s8) : nil
        case .avgPool, .avgPoolAffine:
            return variant(call, .dsp, scratch: 0, .s8)
        case .convShift, .denseShift, .convBitplane, .convCodebook, .maxPool, .globalMaxPool, .globalAvgPool, .add, .mul, .mulAffine, .maxMin, .preluAffine, .resizeBilinear, .squaredDifferenceAffine, .l2NormalizationAffine, .divAffine, .compareAffine, .select, .densePacked, .convPacked, .unpackWeights,
             .meanAffine, .rescale, .pad, .transpose, .indexCopy, .table, .softmax, .logSoftmax:
            return nil
        }
    }

    /// Likewise the Helium variants.
    private static func mve(_ call: KernelCall) -> KernelCall? {
        switch call.kernel {
        case .conv(var p):
            guard p.groups == 1 else { return nil }
            return variant(call, .mve, scratch: qc_conv_mve_scratch_bytes(&p), .s8)
        case .convAffine(var p):
            guard p.groups == 1 else { return nil }
            return variant(call, .mve, scratch: qc_conv_affine_mve_scratch_bytes(&p), .s8)
        case .depthwiseConv(var p):
            return channelsLastVariant(variant(call, .mve, scratch: qc_depthwise_conv_mve_scratch_bytes(&p), .s32), DepthwiseGeometry(p))
        case .depthwiseConvAffine(var p):
            return channelsLastVariant(variant(call, .mve, scratch: qc_depthwise_conv_affine_mve_scratch_bytes(&p), .s32), DepthwiseGeometry(p))
        case .dense(var p):
            return variant(call, .mve, scratch: qc_dense_mve_scratch_bytes(&p), .s32)
        case .denseAffine(var p):
            return variant(call, .mve, scratch: qc_dense_affine_mve_scratch_bytes(&p), .s32)
        case .addAffine(let p):
            return p.b_count == p.count ? variant(call, .mve, scratch: 0, .s8) : nil
        case .add, .avgPool, .avgPoolAffine:
            return variant(call, .mve, scratch: 0, .s8)
        case .convShift, .denseShift, .convBitplane, .convCodebook, .maxPool, .globalMaxPool, .globalAvgPool, .mul, .mulAffine, .maxMin, .preluAffine, .resizeBilinear, .squaredDifferenceAffine, .l2NormalizationAffine, .divAffine, .compareAffine, .select, .densePacked, .convPacked, .unpackWeights,
             .meanAffine, .rescale, .pad, .transpose, .indexCopy, .table, .softmax, .logSoftmax:
            return nil
        }
    }

    /// A fixed-point convolution or dense call's weights (its second argument), when they are constant bytes.
    private static func weights(of call: KernelCall) -> ConstantArray? {
        switch call.kernel {
        case .dense, .conv, .depthwiseConv:
            guard call.arguments.count > 1, case .constant(let w) = call.arguments[1], w.type == .s8 else { return nil }
            return w
        default:
            return nil
        }
    }

    /// The fewest bits (2…7) that hold every weight of a packable call, or nil.
    private static func packedBits(_ call: KernelCall) -> Int? {
        guard let w = weights(of: call), w.values.count * 7 < Int(UInt32.max) else { return nil }
        return (2...7).first { bits in w.values.allSatisfy { -(1 << (bits - 1)) <= $0 && $0 < 1 << (bits - 1) } }
    }

    /// Values as one stream of `bits`-bit fields, least significant first, and a padding byte.
    private static func packed(_ values: [Int64], bits: Int) -> ConstantArray {
        var packed = [Int64](repeating: 0, count: (values.count * bits + 7) / 8 + 1)
        for (j, v) in values.enumerated() {
            let field = Int(v) & ((1 << bits) - 1)
            for b in 0..<bits where field >> b & 1 == 1 { packed[(j * bits + b) / 8] |= 1 << Int64((j * bits + b) % 8) }
        }
        return ConstantArray(role: "weights", type: .u8, values: packed)
    }

    /// The call (any variant) reading its weights from the start of the op's scratch region,
    /// after a call that unpacks them there; the call's own scratch moves up past them.
    private static func unpackedIntoScratch(_ call: KernelCall, bits: Int) -> [KernelCall] {
        let w = weights(of: call)!
        let base = MemoryPlanner.align(w.values.count, ArenaPlan.alignment)
        var compute = call
        compute.arguments = call.arguments.enumerated().map { k, argument in
            if k == 1 { return .scratch(bytes: w.values.count, type: .s8, offset: 0) }
            if case .scratch(let bytes, let type, let offset) = argument { return .scratch(bytes: bytes, type: type, offset: base + offset) }
            return argument
        }
        var unpack = KernelCall(kernel: .unpackWeights(qc_unpack_weights_params(count: Int32(w.values.count), weight_bits: Int32(bits))),
                                storage: [.s8], wideAccumulator: nil,
                                arguments: [.constant(packed(w.values, bits: bits)), .scratch(bytes: w.values.count, type: .s8, offset: 0)])
        // It touches neither the layer's input nor its output: whether the layer runs in place is the byte kernel's to say.
        unpack.inPlace = .anySize
        return [unpack, compute]
    }

    /// A fixed-point convolution or dense call as the packed kernel, which decodes its weights in the inner loop.
    private static func packedVariant(_ call: KernelCall, bits: Int) -> KernelCall? {
        guard let w = weights(of: call) else { return nil }
        let kernel: Kernel
        switch call.kernel {
        case .dense(let p):
            kernel = .densePacked(qc_dense_packed_params(rows: p.rows, in_features: p.in_features, out_features: p.out_features,
                                                         weight_bits: Int32(bits), shift_count: p.shift_count, act_min: p.act_min,
                                                         act_max: p.act_max))
        case .conv(let p), .depthwiseConv(let p):
            kernel = .convPacked(qc_conv_packed_params(
                batch: p.batch, in_h: p.in_h, in_w: p.in_w, in_c: p.in_c, out_h: p.out_h, out_w: p.out_w, out_c: p.out_c,
                kernel_h: p.kernel_h, kernel_w: p.kernel_w, stride_h: p.stride_h, stride_w: p.stride_w,
                dilation_h: p.dilation_h, dilation_w: p.dilation_w, pad_top: p.pad_top, pad_left: p.pad_left, groups: p.groups,
                weight_bits: Int32(bits), shift_count: p.shift_count, act_min: p.act_min, act_max: p.act_max))
        default:
            return nil
        }
        var result = call
        result.kernel = kernel
        result.storage = [call.storage[0], call.storage[2]]
        result.arguments[1] = .constant(packed(w.values, bits: bits))
        return result
    }

    private static func variant(_ call: KernelCall, _ variant: KernelVariant, scratch: Int32, _ type: CType) -> KernelCall {
        var result = call
        result.variant = variant
        if scratch > 0 {
            result.arguments.insert(.scratch(bytes: MemoryPlanner.align(Int(scratch), ArenaPlan.alignment), type: type), at: call.arguments.count - 1)
        }
        return result
    }

    /// The depthwise fields the variants' weight orders and in-place rule read (qc_conv_params and
    /// qc_conv_affine_params share them).
    private struct DepthwiseGeometry {
        let channels, taps, inH, inW, outH, outW, kernelH, strideH, dilationH, padTop: Int32
        init(_ p: qc_conv_params) {
            (channels, taps, inH, inW, outH, outW) = (p.out_c, p.kernel_h * p.kernel_w, p.in_h, p.in_w, p.out_h, p.out_w)
            (kernelH, strideH, dilationH, padTop) = (p.kernel_h, p.stride_h, p.dilation_h, p.pad_top)
        }
        init(_ p: qc_conv_affine_params) {
            (channels, taps, inH, inW, outH, outW) = (p.out_c, p.kernel_h * p.kernel_w, p.in_h, p.in_w, p.out_h, p.out_w)
            (kernelH, strideH, dilationH, padTop) = (p.kernel_h, p.stride_h, p.dilation_h, p.pad_top)
        }
    }

    /// The Helium depthwise variant reads a tap's neighbouring channels as vectors: its weights in
    /// qc_depthwise_conv_mve_weight_slot order.
    private static func channelsLastVariant(_ call: KernelCall, _ g: DepthwiseGeometry) -> KernelCall {
        reorderingWeights(call, rows: g.channels) { c, t in qc_depthwise_conv_mve_weight_slot(g.channels, g.taps, c, t) }
    }

    /// The DSP depthwise variant reads a group of four channels' weights as one contiguous run
    /// (qc_depthwise_conv_dsp_weight_slot).
    private static func channelGroupsVariant(_ call: KernelCall, scratch: Int32, geometry g: DepthwiseGeometry) -> KernelCall {
        var result = reorderingWeights(variant(call, .dsp, scratch: scratch, .s32), rows: g.channels) { c, t in
            qc_depthwise_conv_dsp_weight_slot(g.channels, g.taps, c, t)
        }
        result.inPlace = g.channels % 4 == 0 && ringRunsAhead(g) ? .notLarger : .never
        return result
    }

    /// Whether the ring depthwise kernel can write its output over its input, no larger (the same
    /// size, or strided): it copies the input rows into its ring before they are read (the channels
    /// beyond groups of four read x directly, so there are none), and output row oy is written once
    /// input rows up to oy * stride_h - pad_top + span - 1 are in the ring, so its bytes must lie
    /// within those rows.
    private static func ringRunsAhead(_ g: DepthwiseGeometry) -> Bool {
        let span = (g.kernelH - 1) * g.dilationH + 1
        guard g.outH * g.outW <= g.inH * g.inW else { return false }
        return (0..<g.outH).allSatisfy { oy in (oy + 1) * g.outW <= min(g.inH, oy * g.strideH - g.padTop + span) * g.inW }
    }

    /// The DSP dense variant over one row reads four weight rows through one pointer
    /// (qc_dense_dsp_weight_slot).
    private static func rowBlocksVariant(_ call: KernelCall, rows: Int32, inFeatures n: Int32) -> KernelCall {
        reorderingWeights(call, rows: rows) { row, t in qc_dense_dsp_weight_slot(rows, n, row, t) }
    }

    /// The DSP dense variant widens the rows it works on (one, or two: a pointwise convolution's
    /// pixels) into scratch before it writes their outputs, and walks the rows from the last when
    /// an output row is longer than an input row, else from the first: the rows not yet read then
    /// always lie beyond the outputs written, and it can write over its input whatever the sizes.
    private static func widensFirst(_ call: KernelCall) -> KernelCall {
        var result = call
        result.inPlace = .anySize
        return result
    }

    /// The DSP dense variant over more than one row reads two weight rows through one pointer
    /// (qc_pairs_weight_slot).
    private static func rowPairsVariant(_ call: KernelCall, rows: Int32, inFeatures n: Int32) -> KernelCall {
        reorderingWeights(call, rows: rows) { row, t in qc_pairs_weight_slot(rows, n, row, t) }
    }

    /// The DSP convolution likewise, its rows padded with zeros to a multiple of 8 taps
    /// (qc_conv_dsp_weight_slot).
    private static func paddedRowPairsVariant(_ call: KernelCall, rows: Int32, taps: Int32) -> KernelCall {
        reorderingWeights(call, rows: rows, count: Int(rows) * Int(qc_conv_dsp_row_taps(taps))) { row, t in
            qc_conv_dsp_weight_slot(rows, taps, row, t)
        }
    }

    /// The call with its weights (the second argument, `rows` rows of equal length, row-major) moved:
    /// element t of row r goes to slot(r, t), in an array of `count` elements (default: as many as
    /// the weights) whose other slots are zeros.
    private static func reorderingWeights(_ call: KernelCall, rows: Int32, count: Int? = nil,
                                          slot: (_ row: Int32, _ column: Int32) -> Int32) -> KernelCall {
        guard case .constant(let w) = call.arguments[1] else { preconditionFailure("a MAC call's second argument is its weights") }
        let columns = w.values.count / Int(rows)
        var reordered = w
        reordered.values = Array(repeating: 0, count: count ?? w.values.count)
        for r in 0..<Int(rows) {
            for t in 0..<columns { reordered.values[Int(slot(Int32(r), Int32(t)))] = w.values[r * columns + t] }
        }
        var result = call
        result.arguments[1] = .constant(reordered)
        return result
    }
}
