import FixedPoint
import QuantizedIR

public struct EmitError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// QuantizedIR op → runtime_c kernel calls. Reshapes lower to nothing (the planner makes their
/// output a view of their input); a concatenation becomes one rescale per operand.
public enum KernelLowering {
    /// The calls for a core with `features` (kernel variants where they apply).
    public static func calls(for op: QOp, in program: QProgram, features: CoreFeatures) throws -> [KernelCall] {
        try calls(for: op, in: program).map { KernelVariants.specialize($0, for: features) }
    }

    /// The portable calls. A constant operand is passed as an array in flash.
    public static func calls(for op: QOp, in program: QProgram) throws -> [KernelCall] {
        try tensorCalls(for: op, in: program).map { call in
            var call = call
            call.arguments = call.arguments.enumerated().map { k, argument in
                guard case .tensor(let id, let offset) = argument, let values = program.tensors[id].constant else { return argument }
                let type = CType.storage(bits: program.tensors[id].format.bits)
                return .constant(ConstantArray(role: "operand\(k)", type: type, values: values.dropFirst(offset).map(Int64.init)))
            }
            return call
        }
    }

    private static func tensorCalls(for op: QOp, in program: QProgram) throws -> [KernelCall] {
        let t = program.tensors
        func storage(_ id: Int) -> CType { CType.storage(bits: t[id].format.bits) }
        switch op {
        case .conv(let c): return [try conv(c, t)]
        case .dense(let d): return [try dense(d, t)]
        case .maxPool(let p): return [try pool(p, t, max: true)]
        case .avgPool(let p): return [try pool(p, t, max: false)]
        case .globalAvgPool(let u), .globalMaxPool(let u):
            let shape = t[u.input].shape
            let isMax: Bool
            if case .globalMaxPool = op { isMax = true } else { isMax = false }
            let positions = shape.count == 4 ? shape[1] * shape[2] : 1
            guard positions <= 65535 else { throw EmitError("global pooling over \(positions) positions exceeds 65535") }
            return [KernelCall(family: isMax ? "global_max_pool" : "global_avg_pool", paramsType: "qc_global_pool_params",
                               params: [("batch", [i32(shape[0])]), ("positions", [i32(positions)]), ("channels", [i32(shape.last!)])]
                                   + (try averageOutput(from: u.input, to: u.output, t, max: isMax)),
                               storage: [storage(u.input)], wideAccumulator: nil,
                               arguments: [.tensor(u.input, offset: 0), .tensor(u.output, offset: 0)])]
        case .add(let a):
            let fa = t[a.a].format, fb = t[a.b].format, fy = t[a.output].format
            let frac = max(fa.frac, fb.frac)
            let (lo, hi) = outputRange(bits: fy.bits, clampMin: a.clampMin, clampMax: a.clampMax)
            return [KernelCall(family: "add", paramsType: "qc_add_params",
                               params: [("count", [i32(t[a.output].count)]), ("b_count", [i32(t[a.b].count)]),
                                        ("a_shift", [i32(frac - fa.frac)]), ("b_shift", [i32(frac - fb.frac)]),
                                        ("out_shift", [i32(frac - fy.frac)]), ("subtract", [a.subtract ? 1 : 0]),
                                        ("act_min", [lo]), ("act_max", [hi])],
                               storage: [storage(a.a), storage(a.b), storage(a.output)], wideAccumulator: nil,
                               arguments: [.tensor(a.a, offset: 0), .tensor(a.b, offset: 0), .tensor(a.output, offset: 0)])]
        case .mul(let m):
            let fa = t[m.a].format, fb = t[m.b].format, fy = t[m.output].format
            let (lo, hi) = outputRange(bits: fy.bits, clampMin: m.clampMin, clampMax: m.clampMax)
            return [KernelCall(family: "mul", paramsType: "qc_mul_params",
                               params: [("count", [i32(t[m.output].count)]), ("b_count", [i32(t[m.b].count)]),
                                        ("out_shift", [i32(fa.frac + fb.frac - fy.frac)]), ("act_min", [lo]), ("act_max", [hi])],
                               storage: [storage(m.a), storage(m.b), storage(m.output)], wideAccumulator: nil,
                               arguments: [.tensor(m.a, offset: 0), .tensor(m.b, offset: 0), .tensor(m.output, offset: 0)])]
        case .concat(let c):
            let out = t[c.output]
            let outer = out.shape[..<c.axis].reduce(1, *), outBlock = out.shape[c.axis...].reduce(1, *)
            var offset = 0
            return c.inputs.map { id in
                let block = t[id].shape[c.axis...].reduce(1, *)
                defer { offset += block }
                return rescale(from: id, to: c.output, t, outer: outer, block: block, stride: outBlock, offset: offset,
                               clampMin: Int64.min, clampMax: Int64.max)
            }
        case .clamp(let c):
            let n = t[c.input].count
            return [rescale(from: c.input, to: c.output, t, outer: 1, block: n, stride: n, offset: 0, clampMin: c.clampMin, clampMax: c.clampMax)]
        case .pad(let p):
            let rank = t[p.input].shape.count
            guard rank <= 4 else { throw EmitError("padding of a rank-\(rank) tensor (at most 4)") }
            let lead = 4 - rank
            let inShape = [Int](repeating: 1, count: lead) + t[p.input].shape
            let outShape = [Int](repeating: 1, count: lead) + t[p.output].shape
            let before = [Int](repeating: 0, count: lead) + p.before
            return [KernelCall(family: "pad", paramsType: "qc_pad_params",
                               params: [("in_shape", inShape.map(i32)), ("before", before.map(i32)), ("out_shape", outShape.map(i32)),
                                        ("value", [i32(p.value)])],
                               storage: [storage(p.input)], wideAccumulator: nil,
                               arguments: [.tensor(p.input, offset: 0), .tensor(p.output, offset: 0)])]
        case .transpose(let tr):
            let shape = t[tr.input].shape
            guard shape.count <= 6 else { throw EmitError("transpose of a rank-\(shape.count) tensor (at most 6)") }
            let extra = 6 - shape.count
            return [KernelCall(family: "transpose", paramsType: "qc_transpose_params",
                               params: [("rank", [i32(shape.count)]),
                                        ("in_shape", (shape + [Int](repeating: 1, count: extra)).map(i32)),
                                        ("perm", (tr.perm + Array(shape.count..<6)).map(i32))],
                               storage: [storage(tr.input)], wideAccumulator: nil,
                               arguments: [.tensor(tr.input, offset: 0), .tensor(tr.output, offset: 0)])]
        case .indexCopy(let c):
            guard c.offsets.count <= 6, c.offsets.allSatisfy({ !$0.isEmpty }) else {
                throw EmitError("\(c.source): a copy over \(c.offsets.count) axes (at most 6, none empty)")
            }
            let axes = [[Int]](repeating: [0], count: 6 - c.offsets.count) + c.offsets
            return [KernelCall(family: "index_copy", paramsType: "qc_index_copy_params",
                               params: [("extent", axes.map { i32($0.count) })],
                               storage: [storage(c.input)], wideAccumulator: nil,
                               arguments: [.constant(ConstantArray(role: "offsets", type: .s32, values: axes.flatMap { $0.map(Int64.init) })),
                                           .tensor(c.input, offset: 0), .tensor(c.output, offset: 0)])]
        case .table(let table):
            let f = t[table.input].format
            return [KernelCall(family: "table", paramsType: "qc_table_params",
                               params: [("count", [i32(t[table.input].count)]), ("in_bits", [i32(f.bits)]), ("in_min", [i32(f.minInt)])],
                               storage: [storage(table.input), storage(table.output)], wideAccumulator: nil,
                               arguments: [.constant(ConstantArray(role: "table", type: .s16, values: table.values.map { Int64($0) })),
                                           .tensor(table.input, offset: 0), .tensor(table.output, offset: 0)])]
        case .reshape:
            return []
        case .affineMean(let m):
            let shape = t[m.input].shape
            return [KernelCall(family: "mean_affine", paramsType: "qc_mean_affine_params",
                               params: [("batch", [i32(shape[0])]), ("positions", [i32(shape[1] * shape[2])]), ("channels", [i32(shape[3])]),
                                        ("in_offset", [-m.inputZeroPoint]), ("out_offset", [m.outputZeroPoint]),
                                        ("multiplier", [m.multiplier]), ("shift", [i32(m.shift)])],
                               storage: [.s8], wideAccumulator: nil,
                               arguments: [.tensor(m.input, offset: 0), .tensor(m.output, offset: 0)])]
        case .affineMul(let m):
            return [KernelCall(family: "mul_affine", paramsType: "qc_mul_affine_params",
                               params: [("count", [i32(t[m.output].count)]), ("b_count", [i32(t[m.b].count)]),
                                        ("a_offset", [m.aOffset]), ("b_offset", [m.bOffset]), ("out_offset", [m.outputOffset]),
                                        ("multiplier", [m.multiplier]), ("shift", [i32(m.shift)]),
                                        ("act_min", [m.clampMin]), ("act_max", [m.clampMax])],
                               storage: [.s8], wideAccumulator: nil,
                               arguments: [.tensor(m.a, offset: 0), .tensor(m.b, offset: 0), .tensor(m.output, offset: 0)])]
        case .affineAdd(let a):
            return [KernelCall(family: "add_affine", paramsType: "qc_add_affine_params",
                               params: [("count", [i32(t[a.output].count)]),
                                        ("a_offset", [a.aOffset]), ("b_offset", [a.bOffset]), ("out_offset", [a.outputOffset]),
                                        ("a_mult", [a.aMultiplier]), ("a_shift", [i32(a.aShift)]),
                                        ("b_mult", [a.bMultiplier]), ("b_shift", [i32(a.bShift)]),
                                        ("out_mult", [a.outputMultiplier]), ("out_shift", [i32(a.outputShift)]),
                                        ("left_shift", [i32(a.leftShift)]), ("act_min", [a.clampMin]), ("act_max", [a.clampMax]),
                                        ("b_count", [i32(t[a.b].count)])],
                               storage: [.s8], wideAccumulator: nil,
                               arguments: [.tensor(a.a, offset: 0), .tensor(a.b, offset: 0), .tensor(a.output, offset: 0)])]
        case .softmax(let s):
            let depth = t[s.input].shape.last ?? 1
            return [KernelCall(family: "softmax", paramsType: "qc_softmax_params",
                               params: [("rows", [i32(t[s.input].count / max(depth, 1))]), ("depth", [i32(depth)]),
                                        ("multiplier", [s.multiplier]), ("left_shift", [i32(s.leftShift)]), ("diff_min", [s.diffMin])],
                               storage: [.s8], wideAccumulator: nil,
                               arguments: [.tensor(s.input, offset: 0), .tensor(s.output, offset: 0)])]
        }
    }

    /// The output range of a requantization: saturation to `bits` followed by the clamp
    /// [clampMin, clampMax], folded into one clamp (a composition of clamps is a clamp).
    public static func outputRange(bits: Int, clampMin: Int64, clampMax: Int64) -> (Int32, Int32) {
        let format = QFormat(bits: bits, frac: 0)
        func clamped(_ v: Int64) -> Int32 { Int32(min(max(v, clampMin), clampMax)) }
        return (clamped(format.minInt), clamped(format.maxInt))
    }

    /// Which kernel a convolution uses: depthwise, 1x1 (as a dense layer over pixels) or general.
    public static func convKernel(_ c: QConv, inChannels: Int) -> String {
        if c.groups > 1 && c.groups == c.outChannels && c.groups == inChannels && c.inChannelsPerGroup == 1 { return "depthwise_conv" }
        if c.groups == 1 && c.kernelH == 1 && c.kernelW == 1 && c.strideH == 1 && c.strideW == 1
            && c.padding == QPadding(top: 0, left: 0, bottom: 0, right: 0) { return "dense" }
        return "conv"
    }

    /// What every conv and dense call shares: the constants, the requantization fields that end
    /// each params struct, the operand storage and the arguments. Signed-digit weights select the
    /// shift kernels, whose names leave out the weight storage (always byte codes).
    private struct MACCall {
        let weights: [ConstantArray], bias: ConstantArray, shifts: ConstantArray
        let trailing: [(name: String, values: [Int32])]
        let storage: [CType]
        let wide: Bool
        let arguments: [KernelArgument]
        /// The kernel family's suffix: "_shift" (signed digits), "_bitplane", "_codebook", or none (fixed point).
        let suffix: String

        /// int8-affine layers: their multipliers, an argument before the shifts.
        let multipliers: ConstantArray?

        init(input: Int, output: Int, weights encoding: WeightEncoding, bias: [Int64], accumulator: AccumulatorWidth,
             requantize: Requantization, _ t: [QTensor]) throws {
            (weights, self.bias, shifts) = try macConstants(encoding, bias, accumulator, requantize)
            let out = t[output].format
            let (lo, hi) = outputRange(bits: out.bits, clampMin: requantize.clampMin, clampMax: requantize.clampMax)
            trailing = [("shift_count", [i32(requantize.shifts.count)]), ("act_min", [lo]), ("act_max", [hi])]
            let x = CType.storage(bits: t[input].format.bits), y = CType.storage(bits: out.bits)
            multipliers = requantize.affine.map { ConstantArray(role: "multiplier", type: .s32, values: $0.multipliers.map { Int64($0) }) }
            switch encoding {
            case .fixed: suffix = multipliers == nil ? "" : "_affine"
            case .signedDigits: suffix = "_shift"
            case .bitPlanes: suffix = "_bitplane"
            case .codebook: suffix = "_codebook"
            }
            storage = suffix.isEmpty || multipliers != nil ? [x, weights[0].type, y] : [x, y]
            wide = accumulator == .int64
            arguments = [.tensor(input, offset: 0)] + weights.map { .constant($0) } + [.constant(self.bias)] + (multipliers.map { [.constant($0)] } ?? [])
                + [.constant(shifts), .tensor(output, offset: 0)]
        }

        var shiftScheme: Bool { suffix == "_shift" }

        func call(_ family: String, _ paramsType: String, _ params: [(name: String, values: [Int32])],
                  tail: [(name: String, values: [Int32])] = []) -> KernelCall {
            KernelCall(family: family + suffix, paramsType: multipliers == nil ? paramsType : paramsType.replacingOccurrences(of: "_params", with: "_affine_params"),
                       params: params + trailing + tail, storage: storage, wideAccumulator: wide, arguments: arguments)
        }

        /// A dense layer over `rows` rows (also a 1x1 convolution over pixels).
        func dense(rows: Int, inFeatures: Int, outFeatures: Int, affine: AffineRequantization?) -> KernelCall {
            call("dense", "qc_dense_params", [("rows", [i32(rows)]), ("in_features", [i32(inFeatures)]), ("out_features", [i32(outFeatures)])],
                 tail: affine.map { [("out_offset", [$0.outputZeroPoint]), ("single_rounding", [$0.singleRounding ? 1 : 0])] } ?? [])
        }
    }

    private static func conv(_ c: QConv, _ t: [QTensor]) throws -> KernelCall {
        let inShape = t[c.input].shape, outShape = t[c.output].shape
        let mac = try MACCall(input: c.input, output: c.output, weights: c.weights, bias: c.bias, accumulator: c.accumulator,
                              requantize: c.requantize, t)
        if case .bitPlanes(let w) = c.weights { return mac.call("conv", "qc_bitplane_conv_params", bitPlaneParams(c, w, inShape, outShape)) }
        if case .codebook(let w) = c.weights { return mac.call("conv", "qc_codebook_conv_params", codebookParams(c, w, inShape, outShape)) }
        let kind = convKernel(c, inChannels: inShape[3])
        let outputOffset = c.requantize.affine?.outputZeroPoint
        if kind == "dense" {
            return mac.dense(rows: inShape[0] * inShape[1] * inShape[2], inFeatures: inShape[3], outFeatures: c.outChannels, affine: c.requantize.affine)
        }
        if mac.shiftScheme { return mac.call("conv", "qc_shift_conv_params", shiftConvParams(c, inShape, outShape)) }
        return mac.call(kind, "qc_conv_params", [
            ("batch", [i32(inShape[0])]), ("in_h", [i32(inShape[1])]), ("in_w", [i32(inShape[2])]), ("in_c", [i32(inShape[3])]),
            ("out_h", [i32(outShape[1])]), ("out_w", [i32(outShape[2])]), ("out_c", [i32(outShape[3])]),
            ("kernel_h", [i32(c.kernelH)]), ("kernel_w", [i32(c.kernelW)]),
            ("stride_h", [i32(c.strideH)]), ("stride_w", [i32(c.strideW)]),
            ("dilation_h", [i32(c.dilationH)]), ("dilation_w", [i32(c.dilationW)]),
            ("pad_top", [i32(c.padding.top)]), ("pad_left", [i32(c.padding.left)]), ("groups", [i32(c.groups)]),
        ], tail: outputOffset.map { [("pad_value", [c.padValue]), ("out_offset", [$0])] } ?? [])
    }

    private static func dense(_ d: QDense, _ t: [QTensor]) throws -> KernelCall {
        let mac = try MACCall(input: d.input, output: d.output, weights: d.weights, bias: d.bias, accumulator: d.accumulator,
                              requantize: d.requantize, t)
        let rows = t[d.input].count / max(d.inFeatures, 1)
        // Bit planes and codebooks run a dense layer as a 1x1 convolution over rows × 1 pixels of in_features channels.
        let inShape = [1, rows, 1, d.inFeatures], outShape = [1, rows, 1, d.outFeatures]
        switch d.weights {
        case .bitPlanes(let w): return mac.call("conv", "qc_bitplane_conv_params", bitPlaneParams(asConv(d), w, inShape, outShape))
        case .codebook(let w): return mac.call("conv", "qc_codebook_conv_params", codebookParams(asConv(d), w, inShape, outShape))
        default: break
        }
        return mac.dense(rows: rows, inFeatures: d.inFeatures, outFeatures: d.outFeatures, affine: d.requantize.affine)
    }

    /// A dense layer as the 1x1 convolution with the same weights.
    private static func asConv(_ d: QDense) -> QConv {
        QConv(input: d.input, output: d.output, kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
              padding: QPadding(top: 0, left: 0, bottom: 0, right: 0), groups: 1, inChannelsPerGroup: d.inFeatures,
              outChannels: d.outFeatures, weights: d.weights, bias: d.bias, biasBits: d.biasBits,
              accumulator: d.accumulator, requantize: d.requantize)
    }

    /// The shift conv kernel (general, grouped, depthwise) multiplies nothing, not even indices:
    /// every stride it walks is computed here.
    private static func shiftConvParams(_ c: QConv, _ inShape: [Int], _ outShape: [Int]) -> [(name: String, values: [Int32])] {
        let (h, w, ch) = (inShape[1], inShape[2], inShape[3])
        let row = w * ch
        return [
            ("batch", [i32(inShape[0])]), ("in_h", [i32(h)]), ("in_w", [i32(w)]), ("in_c", [i32(ch)]),
            ("out_h", [i32(outShape[1])]), ("out_w", [i32(outShape[2])]), ("out_c", [i32(outShape[3])]),
            ("kernel_h", [i32(c.kernelH)]), ("kernel_w", [i32(c.kernelW)]), ("stride_h", [i32(c.strideH)]), ("stride_w", [i32(c.strideW)]),
            ("dilation_h", [i32(c.dilationH)]), ("dilation_w", [i32(c.dilationW)]),
            ("pad_top", [i32(c.padding.top)]), ("pad_left", [i32(c.padding.left)]),
            ("groups", [i32(c.groups)]), ("in_c_per_group", [i32(c.inChannelsPerGroup)]), ("out_c_per_group", [i32(c.outChannels / c.groups)]),
            ("in_row", [i32(row)]), ("tap_row", [i32(c.dilationH * row)]), ("tap_col", [i32(c.dilationW * ch)]),
            ("step_row", [i32(c.strideH * row)]), ("step_col", [i32(c.strideW * ch)]), ("in_image", [i32(h * row)]),
            ("origin", [i32(-(c.padding.top * row + c.padding.left * ch))]),
            ("weights_per_row", [i32(c.kernelW * c.inChannelsPerGroup)]),
        ]
    }

    /// The bit-plane kernel's params: like the shift conv's, every stride precomputed.
    private static func bitPlaneParams(_ c: QConv, _ w: BitPlaneWeights, _ inShape: [Int], _ outShape: [Int]) -> [(name: String, values: [Int32])] {
        let tapBits = w.grouping == .kernel2d ? 1 : c.inChannelsPerGroup
        let geometry = packedWeightGeometry(c, inShape, outShape)
        return geometry.head + [
            ("planes", [i32(w.planes)]), ("kernel2d", [w.grouping == .kernel2d ? 1 : 0]), ("group_words", [i32(w.groupWords)]),
            ("tap_bits", [i32(tapBits)]), ("row_bits", [i32(c.kernelW * tapBits)]),
        ] + geometry.tail
    }

    /// The codebook kernel's params: like the bit-plane kernel's, bit positions in the index stream
    /// advanced by precomputed strides.
    private static func codebookParams(_ c: QConv, _ w: CodebookWeights, _ inShape: [Int], _ outShape: [Int]) -> [(name: String, values: [Int32])] {
        let tapBits = c.inChannelsPerGroup * w.indexBits
        let geometry = packedWeightGeometry(c, inShape, outShape)
        return geometry.head + [
            ("clusters", [i32(w.codebook.count)]), ("index_bits", [i32(w.indexBits)]), ("accumulate", [w.form == .accumulate ? 1 : 0]),
            ("tap_bits", [i32(tapBits)]), ("row_bits", [i32(c.kernelW * tapBits)]), ("channel_bits", [i32(c.kernelH * c.kernelW * tapBits)]),
        ] + geometry.tail
    }

    /// The fields the bit-plane and codebook params share (their structs put the weight fields in
    /// between): the shapes, and the strides their window walk adds up.
    private static func packedWeightGeometry(_ c: QConv, _ inShape: [Int], _ outShape: [Int])
        -> (head: [(name: String, values: [Int32])], tail: [(name: String, values: [Int32])]) {
        let (h, wd, ch) = (inShape[1], inShape[2], inShape[3])
        let row = wd * ch
        return ([("batch", [i32(inShape[0])]), ("in_h", [i32(h)]), ("in_w", [i32(wd)]), ("in_c", [i32(ch)]),
                 ("out_h", [i32(outShape[1])]), ("out_w", [i32(outShape[2])]), ("out_c", [i32(outShape[3])]),
                 ("kernel_h", [i32(c.kernelH)]), ("kernel_w", [i32(c.kernelW)]), ("stride_h", [i32(c.strideH)]), ("stride_w", [i32(c.strideW)]),
                 ("pad_top", [i32(c.padding.top)]), ("pad_left", [i32(c.padding.left)]),
                 ("groups", [i32(c.groups)]), ("in_c_per_group", [i32(c.inChannelsPerGroup)]), ("out_c_per_group", [i32(c.outChannels / c.groups)])],
                [("in_row", [i32(row)]), ("step_row", [i32(c.strideH * row)]), ("step_col", [i32(c.strideW * ch)]), ("in_image", [i32(h * row)]),
                 ("origin", [i32(-(c.padding.top * row + c.padding.left * ch))])])
    }

    private static func macConstants(_ encoding: WeightEncoding, _ bias: [Int64], _ acc: AccumulatorWidth,
                                     _ requantize: Requantization) throws -> ([ConstantArray], ConstantArray, ConstantArray) {
        let weights: [ConstantArray]
        switch encoding {
        case .fixed(let w): weights = [ConstantArray(role: "weights", type: CType.storage(bits: w.bits), values: w.values.map { Int64($0) })]
        case .signedDigits(let w): weights = [ConstantArray(role: "weights", type: .u8, values: w.codes.map { Int64($0) })]
        case .bitPlanes(let w):
            guard w.groupSize <= BitPlaneWeights.maxGroupSize else {
                throw EmitError("bit-plane groups of \(w.groupSize) weights exceed \(BitPlaneWeights.maxGroupSize)")
            }
            weights = [ConstantArray(role: "planes", type: .u32, values: w.words.map { Int64($0) }),
                       ConstantArray(role: "alpha", type: .s16, values: w.alphas.map { Int64($0) })]
        case .codebook(let w):
            guard w.codebook.count <= CodebookWeights.maxClusters, (1...8).contains(w.indexBits),
                  w.weightCount * w.indexBits < Int(Int32.max) else {
                throw EmitError("a codebook of \(w.codebook.count) centroids with \(w.indexBits)-bit indices over \(w.weightCount) weights")
            }
            weights = [ConstantArray(role: "indices", type: .u8, values: w.indices.map { Int64($0) }),
                       ConstantArray(role: "codebook", type: .s16, values: w.codebook.map { Int64($0) })]
        }
        let biases = ConstantArray(role: "bias", type: acc == .int64 ? .s64 : .s32, values: bias)
        // Shifts beyond [-22, 63] behave like the bounds (qc_requantize_s64), so clamping to int8 is exact.
        // int8-affine shifts (TFLite's, in [-31, 30]) are kept as they are.
        let shifts = ConstantArray(role: "shift", type: .s8,
                                   values: requantize.shifts.map { requantize.affine == nil ? Int64(min(max($0, -22), 63)) : Int64($0) })
        return (weights, biases, shifts)
    }

    private static func pool(_ p: QPool, _ t: [QTensor], max isMax: Bool) throws -> KernelCall {
        guard p.kernelH * p.kernelW <= 65535 else { throw EmitError("a \(p.kernelH)x\(p.kernelW) pooling window exceeds 65535 taps") }
        let inShape = t[p.input].shape, outShape = t[p.output].shape
        return KernelCall(family: isMax ? "max_pool" : p.exactDivision ? "avg_pool_affine" : "avg_pool", paramsType: "qc_pool_params",
                          params: [("batch", [i32(inShape[0])]), ("in_h", [i32(inShape[1])]), ("in_w", [i32(inShape[2])]),
                                   ("channels", [i32(inShape[3])]), ("out_h", [i32(outShape[1])]), ("out_w", [i32(outShape[2])]),
                                   ("kernel_h", [i32(p.kernelH)]), ("kernel_w", [i32(p.kernelW)]),
                                   ("stride_h", [i32(p.strideH)]), ("stride_w", [i32(p.strideW)]),
                                   ("dilation_h", [i32(p.dilationH)]), ("dilation_w", [i32(p.dilationW)]),
                                   ("pad_top", [i32(p.padding.top)]), ("pad_left", [i32(p.padding.left)]),
                                   ("pad_bottom", [i32(p.padding.bottom)]), ("pad_right", [i32(p.padding.right)]),
                                   ("count_include_pad", [p.countIncludePad ? 1 : 0])] + (try averageOutput(from: p.input, to: p.output, t, max: isMax)),
                          storage: [CType.storage(bits: t[p.input].format.bits)], wideAccumulator: nil,
                          arguments: [.tensor(p.input, offset: 0), .tensor(p.output, offset: 0)])
    }

    /// A pool's out_shift (the output's frac minus the input's) and output range; both formats
    /// have the same bits, and only an average may be finer than its input.
    private static func averageOutput(from input: Int, to output: Int, _ t: [QTensor], max isMax: Bool) throws -> [(String, [Int32])] {
        let fx = t[input].format, fy = t[output].format
        let shift = fy.frac - fx.frac
        guard fy.bits == fx.bits, (isMax ? 0...0 : 0...QPool.maxAverageShift).contains(shift) else {
            throw EmitError("pooling from \(fx) to \(fy): the output must have the input's bits and a frac 0...\(isMax ? 0 : QPool.maxAverageShift) finer")
        }
        return [("out_shift", [i32(shift)]), ("act_min", [i32(fy.minInt)]), ("act_max", [i32(fy.maxInt)])]
    }

    private static func rescale(from input: Int, to output: Int, _ t: [QTensor], outer: Int, block: Int, stride: Int, offset: Int,
                                clampMin: Int64, clampMax: Int64) -> KernelCall {
        let fin = t[input].format, fout = t[output].format
        let (lo, hi) = outputRange(bits: fout.bits, clampMin: clampMin, clampMax: clampMax)
        return KernelCall(family: "rescale", paramsType: "qc_rescale_params",
                          params: [("outer", [i32(outer)]), ("block", [i32(block)]), ("y_stride", [i32(stride)]),
                                   ("shift", [i32(min(max(fin.frac - fout.frac, -22), 63))]), ("act_min", [lo]), ("act_max", [hi])],
                          storage: [CType.storage(bits: fin.bits), CType.storage(bits: fout.bits)], wideAccumulator: nil,
                          arguments: [.tensor(input, offset: 0), .tensor(output, offset: offset)])
    }
}

@inline(__always)
func i32(_ v: Int) -> Int32 { Int32(clamping: v) }
@inline(__always)
func i32(_ v: Int64) -> Int32 { Int32(clamping: v) }
