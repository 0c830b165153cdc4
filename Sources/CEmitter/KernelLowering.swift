import CKernels
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
        try calls(for: op, in: program).flatMap { KernelVariants.specialize($0, for: features) }
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
        func call(_ kernel: Kernel, _ storage: [CType], _ arguments: [KernelArgument]) -> KernelCall {
            KernelCall(kernel: kernel, storage: storage, wideAccumulator: nil, arguments: arguments)
        }
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
            let out = try averageOutput(from: u.input, to: u.output, t, max: isMax)
            let params = qc_global_pool_params(batch: i32(shape[0]), positions: i32(positions), channels: i32(shape.last!),
                                               out_shift: out.shift, act_min: out.min, act_max: out.max)
            return [call(isMax ? .globalMaxPool(params) : .globalAvgPool(params), [storage(u.input)],
                         [.tensor(u.input, offset: 0), .tensor(u.output, offset: 0)])]
        case .add(let a):
            let fa = t[a.a].format, fb = t[a.b].format, fy = t[a.output].format
            let frac = max(fa.frac, fb.frac)
            let (lo, hi) = outputRange(bits: fy.bits, clampMin: a.clampMin, clampMax: a.clampMax)
            let params = qc_add_params(count: i32(t[a.output].count), b_count: i32(t[a.b].count),
                                       a_shift: i32(frac - fa.frac), b_shift: i32(frac - fb.frac), out_shift: i32(frac - fy.frac),
                                       subtract: a.subtract ? 1 : 0, act_min: lo, act_max: hi)
            return [call(.add(params), [storage(a.a), storage(a.b), storage(a.output)],
                         [.tensor(a.a, offset: 0), .tensor(a.b, offset: 0), .tensor(a.output, offset: 0)])]
        case .mul(let m):
            let fa = t[m.a].format, fb = t[m.b].format, fy = t[m.output].format
            let (lo, hi) = outputRange(bits: fy.bits, clampMin: m.clampMin, clampMax: m.clampMax)
            let params = qc_mul_params(count: i32(t[m.output].count), b_count: i32(t[m.b].count),
                                       out_shift: i32(fa.frac + fb.frac - fy.frac), act_min: lo, act_max: hi)
            return [call(.mul(params), [storage(m.a), storage(m.b), storage(m.output)],
                         [.tensor(m.a, offset: 0), .tensor(m.b, offset: 0), .tensor(m.output, offset: 0)])]
        case .maxMin(let m):
            let fa = t[m.a].format, fb = t[m.b].format, fy = t[m.output].format
            let frac = max(fa.frac, fb.frac)
            let (lo, hi) = outputRange(bits: fy.bits, clampMin: m.clampMin, clampMax: m.clampMax)
            let params = qc_max_min_params(count: i32(t[m.output].count), b_count: i32(t[m.b].count),
                                           a_shift: i32(frac - fa.frac), b_shift: i32(frac - fb.frac), out_shift: i32(frac - fy.frac),
                                           minimum: m.minimum ? 1 : 0, act_min: lo, act_max: hi)
            return [call(.maxMin(params), [storage(m.a), storage(m.b), storage(m.output)],
                         [.tensor(m.a, offset: 0), .tensor(m.b, offset: 0), .tensor(m.output, offset: 0)])]
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
            let lead = [Int](repeating: 1, count: 4 - rank)
            let params = qc_pad_params(in_shape: tuple4(lead + t[p.input].shape), before: tuple4(lead.map { _ in 0 } + p.before),
                                       out_shape: tuple4(lead + t[p.output].shape), value: i32(p.value))
            return [call(.pad(params), [storage(p.input)], [.tensor(p.input, offset: 0), .tensor(p.output, offset: 0)])]
        case .transpose(let tr):
            let shape = t[tr.input].shape
            guard shape.count <= 6 else { throw EmitError("transpose of a rank-\(shape.count) tensor (at most 6)") }
            let params = qc_transpose_params(rank: i32(shape.count), in_shape: tuple6(shape + [Int](repeating: 1, count: 6 - shape.count)),
                                             perm: tuple6(tr.perm + Array(shape.count..<6)))
            return [call(.transpose(params), [storage(tr.input)], [.tensor(tr.input, offset: 0), .tensor(tr.output, offset: 0)])]
        case .indexCopy(let c):
            guard c.offsets.count <= 6, c.offsets.allSatisfy({ !$0.isEmpty }) else {
                throw EmitError("\(c.source): a copy over \(c.offsets.count) axes (at most 6, none empty)")
            }
            let axes = [[Int]](repeating: [0], count: 6 - c.offsets.count) + c.offsets
            return [call(.indexCopy(qc_index_copy_params(extent: tuple6(axes.map(\.count)))), [storage(c.input)],
                         [.constant(ConstantArray(role: "offsets", type: .s32, values: axes.flatMap { $0.map(Int64.init) })),
                          .tensor(c.input, offset: 0), .tensor(c.output, offset: 0)])]
        case .table(let table):
            let f = t[table.input].format
            let params = qc_table_params(count: i32(t[table.input].count), in_bits: i32(f.bits), in_min: i32(f.minInt))
            return [call(.table(params), [storage(table.input), storage(table.output)],
                         [.constant(ConstantArray(role: "table", type: .s16, values: table.values.map { Int64($0) })),
                          .tensor(table.input, offset: 0), .tensor(table.output, offset: 0)])]
        case .reshape:
            return []
        case .affineMean(let m):
            let shape = t[m.input].shape
            let params = qc_mean_affine_params(batch: i32(shape[0]), positions: i32(shape[1] * shape[2]), channels: i32(shape[3]),
                                               in_offset: -m.inputZeroPoint, out_offset: m.outputZeroPoint,
                                               multiplier: m.multiplier, shift: i32(m.shift))
            return [call(.meanAffine(params), [.s8], [.tensor(m.input, offset: 0), .tensor(m.output, offset: 0)])]
        case .affineMul(let m):
            let params = qc_mul_affine_params(count: i32(t[m.output].count), b_count: i32(t[m.b].count),
                                              a_offset: m.aOffset, b_offset: m.bOffset, out_offset: m.outputOffset,
                                              multiplier: m.multiplier, shift: i32(m.shift), act_min: m.clampMin, act_max: m.clampMax)
            return [call(.mulAffine(params), [.s8], [.tensor(m.a, offset: 0), .tensor(m.b, offset: 0), .tensor(m.output, offset: 0)])]
        case .affineAdd(let a):
            return [call(.addAffine(addAffineParams(a, t)), [.s8], [.tensor(a.a, offset: 0), .tensor(a.b, offset: 0), .tensor(a.output, offset: 0)])]
        case .affineSquaredDifference(let a):
            return [call(.squaredDifferenceAffine(addAffineParams(a, t)), [.s8],
                         [.tensor(a.a, offset: 0), .tensor(a.b, offset: 0), .tensor(a.output, offset: 0)])]
        case .affineL2Normalization(let l):
            let depth = t[l.input].shape.last ?? 1
            let params = qc_l2_normalization_affine_params(rows: i32(t[l.input].count / max(depth, 1)), depth: i32(depth),
                                                           in_offset: -l.inputZeroPoint)
            return [call(.l2NormalizationAffine(params), [.s8], [.tensor(l.input, offset: 0), .tensor(l.output, offset: 0)])]
        case .affineCompare(let c):
            let comparison: Int32
            switch c.comparison {
            case .greater: comparison = 0
            case .greaterEqual: comparison = 1
            case .less: comparison = 2
            case .lessEqual: comparison = 3
            case .equal: comparison = 4
            }
            let params = qc_compare_affine_params(count: i32(t[c.output].count), b_count: i32(t[c.b].count), comparison: comparison,
                                                  a_offset: c.aOffset, b_offset: c.bOffset, a_mult: c.aMultiplier, a_shift: i32(c.aShift),
                                                  b_mult: c.bMultiplier, b_shift: i32(c.bShift))
            return [call(.compareAffine(params), [.s8], [.tensor(c.a, offset: 0), .tensor(c.b, offset: 0), .tensor(c.output, offset: 0)])]
        case .select(let s):
            let params = qc_select_params(count: i32(t[s.output].count), condition_count: i32(t[s.condition].count), a_count: i32(t[s.a].count),
                                          b_count: i32(t[s.b].count))
            return [call(.select(params), [.s8], [.tensor(s.condition, offset: 0), .tensor(s.a, offset: 0), .tensor(s.b, offset: 0),
                                                  .tensor(s.output, offset: 0)])]
        case .affineDiv(let m):
            let params = qc_mul_affine_params(count: i32(t[m.output].count), b_count: i32(t[m.b].count),
                                              a_offset: m.aOffset, b_offset: m.bOffset, out_offset: m.outputOffset,
                                              multiplier: m.multiplier, shift: i32(m.shift), act_min: m.clampMin, act_max: m.clampMax)
            return [call(.divAffine(params), [.s8], [.tensor(m.a, offset: 0), .tensor(m.b, offset: 0), .tensor(m.output, offset: 0)])]
        case .affinePRelu(let r):
            let params = qc_prelu_affine_params(count: i32(t[r.output].count), alpha_count: i32(r.alpha.count),
                                                in_offset: r.inputOffset, alpha_offset: r.alphaOffset, out_offset: r.outputOffset,
                                                pos_mult: r.positiveMultiplier, pos_shift: i32(r.positiveShift),
                                                neg_mult: r.negativeMultiplier, neg_shift: i32(r.negativeShift))
            return [call(.preluAffine(params), [.s8],
                         [.constant(ConstantArray(role: "alpha", type: .s8, values: r.alpha.map { Int64($0) })),
                          .tensor(r.input, offset: 0), .tensor(r.output, offset: 0)])]
        case .resizeBilinear(let r):
            let x = t[r.input].shape, y = t[r.output].shape
            let params = qc_resize_bilinear_params(batch: i32(x[0]), in_h: i32(x[1]), in_w: i32(x[2]), channels: i32(x[3]),
                                                   out_h: i32(y[1]), out_w: i32(y[2]), height_scale: i32(r.heightScale),
                                                   width_scale: i32(r.widthScale), half_pixel: r.halfPixel ? 1 : 0)
            return [call(.resizeBilinear(params), [.s8], [.tensor(r.input, offset: 0), .tensor(r.output, offset: 0)])]
        case .logSoftmax(let s):
            let depth = t[s.input].shape.last ?? 1
            let params = qc_log_softmax_params(rows: i32(t[s.input].count / max(depth, 1)), depth: i32(depth), multiplier: s.multiplier,
                                               left_shift: i32(s.leftShift), reverse_multiplier: s.reverseMultiplier,
                                               reverse_shift: i32(s.reverseShift), diff_min: s.diffMin)
            return [call(.logSoftmax(params), [.s8], [.tensor(s.input, offset: 0), .tensor(s.output, offset: 0)])]
        case .softmax(let s):
            let depth = t[s.input].shape.last ?? 1
            let params = qc_softmax_params(rows: i32(t[s.input].count / max(depth, 1)), depth: i32(depth),
                                           multiplier: s.multiplier, left_shift: i32(s.leftShift), diff_min: s.diffMin)
            return [call(.softmax(params), [.s8], [.tensor(s.input, offset: 0), .tensor(s.output, offset: 0)])]
        }
    }

    private static func addAffineParams(_ a: QAffineAdd, _ t: [QTensor]) -> qc_add_affine_params {
        qc_add_affine_params(count: i32(t[a.output].count), a_offset: a.aOffset, b_offset: a.bOffset, out_offset: a.outputOffset,
                             a_mult: a.aMultiplier, a_shift: i32(a.aShift), b_mult: a.bMultiplier, b_shift: i32(a.bShift),
                             out_mult: a.outputMultiplier, out_shift: i32(a.outputShift), left_shift: i32(a.leftShift),
                             act_min: a.clampMin, act_max: a.clampMax, b_count: i32(t[a.b].count))
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
        let shiftCount: Int32, actMin: Int32, actMax: Int32
        let storage: [CType]
        let wide: Bool
        let arguments: [KernelArgument]
        /// int8-affine layers: their requantization (the multipliers are an argument before the shifts).
        let affine: AffineRequantization?

        init(input: Int, output: Int, weights encoding: WeightEncoding, bias: [Int64], accumulator: AccumulatorWidth,
             requantize: Requantization, _ t: [QTensor]) throws {
            let (weights, bias, shifts) = try macConstants(encoding, bias, accumulator, requantize)
            let out = t[output].format
            (actMin, actMax) = outputRange(bits: out.bits, clampMin: requantize.clampMin, clampMax: requantize.clampMax)
            shiftCount = i32(requantize.shifts.count)
            affine = requantize.affine
            let multipliers = affine.map { ConstantArray(role: "multiplier", type: .s32, values: $0.multipliers.map { Int64($0) }) }
            let x = CType.storage(bits: t[input].format.bits), y = CType.storage(bits: out.bits)
            if case .fixed = encoding { storage = [x, weights[0].type, y] } else { storage = [x, y] }
            wide = accumulator == .int64
            arguments = [.tensor(input, offset: 0)] + weights.map { .constant($0) } + [.constant(bias)] + (multipliers.map { [.constant($0)] } ?? [])
                + [.constant(shifts), .tensor(output, offset: 0)]
        }

        func call(_ kernel: Kernel) -> KernelCall {
            KernelCall(kernel: kernel, storage: storage, wideAccumulator: wide, arguments: arguments)
        }

        /// A dense layer over `rows` rows (also a 1x1 convolution over pixels), in the kernel family of its weights.
        func dense(rows: Int, inFeatures: Int, outFeatures: Int, signedDigits: Bool) -> KernelCall {
            if let affine {
                return call(.denseAffine(qc_dense_affine_params(
                    rows: i32(rows), in_features: i32(inFeatures), out_features: i32(outFeatures), shift_count: shiftCount,
                    act_min: actMin, act_max: actMax, out_offset: affine.outputZeroPoint, single_rounding: affine.singleRounding ? 1 : 0)))
            }
            let params = qc_dense_params(rows: i32(rows), in_features: i32(inFeatures), out_features: i32(outFeatures),
                                         shift_count: shiftCount, act_min: actMin, act_max: actMax)
            return call(signedDigits ? .denseShift(params) : .dense(params))
        }
    }

    private static func conv(_ c: QConv, _ t: [QTensor]) throws -> KernelCall {
        let inShape = t[c.input].shape, outShape = t[c.output].shape
        let mac = try MACCall(input: c.input, output: c.output, weights: c.weights, bias: c.bias, accumulator: c.accumulator,
                              requantize: c.requantize, t)
        let kind = convKernel(c, inChannels: inShape[3])
        var signedDigits = false
        switch c.weights {
        case .bitPlanes(let w): return mac.call(.convBitplane(bitPlaneParams(c, w, inShape, outShape, mac)))
        case .codebook(let w): return mac.call(.convCodebook(codebookParams(c, w, inShape, outShape, mac)))
        case .signedDigits: signedDigits = true
        case .fixed: break
        }
        if kind == "dense" {
            return mac.dense(rows: inShape[0] * inShape[1] * inShape[2], inFeatures: inShape[3], outFeatures: c.outChannels, signedDigits: signedDigits)
        }
        if signedDigits { return mac.call(.convShift(shiftConvParams(c, inShape, outShape, mac))) }
        let g = ConvGeometry(c, inShape, outShape)
        if let affine = mac.affine {
            let params = qc_conv_affine_params(
                batch: g.batch, in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC,
                kernel_h: g.kernelH, kernel_w: g.kernelW, stride_h: g.strideH, stride_w: g.strideW,
                dilation_h: i32(c.dilationH), dilation_w: i32(c.dilationW), pad_top: g.padTop, pad_left: g.padLeft, groups: g.groups,
                shift_count: mac.shiftCount, act_min: mac.actMin, act_max: mac.actMax, pad_value: c.padValue, out_offset: affine.outputZeroPoint)
            return mac.call(kind == "depthwise_conv" ? .depthwiseConvAffine(params) : .convAffine(params))
        }
        let params = qc_conv_params(
            batch: g.batch, in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC,
            kernel_h: g.kernelH, kernel_w: g.kernelW, stride_h: g.strideH, stride_w: g.strideW,
            dilation_h: i32(c.dilationH), dilation_w: i32(c.dilationW), pad_top: g.padTop, pad_left: g.padLeft, groups: g.groups,
            shift_count: mac.shiftCount, act_min: mac.actMin, act_max: mac.actMax)
        return mac.call(kind == "depthwise_conv" ? .depthwiseConv(params) : .conv(params))
    }

    private static func dense(_ d: QDense, _ t: [QTensor]) throws -> KernelCall {
        let mac = try MACCall(input: d.input, output: d.output, weights: d.weights, bias: d.bias, accumulator: d.accumulator,
                              requantize: d.requantize, t)
        let rows = t[d.input].count / max(d.inFeatures, 1)
        // Bit planes and codebooks run a dense layer as a 1x1 convolution over rows × 1 pixels of in_features channels.
        let inShape = [1, rows, 1, d.inFeatures], outShape = [1, rows, 1, d.outFeatures]
        switch d.weights {
        case .bitPlanes(let w): return mac.call(.convBitplane(bitPlaneParams(asConv(d), w, inShape, outShape, mac)))
        case .codebook(let w): return mac.call(.convCodebook(codebookParams(asConv(d), w, inShape, outShape, mac)))
        case .signedDigits: return mac.dense(rows: rows, inFeatures: d.inFeatures, outFeatures: d.outFeatures, signedDigits: true)
        case .fixed: return mac.dense(rows: rows, inFeatures: d.inFeatures, outFeatures: d.outFeatures, signedDigits: false)
        }
    }

    /// A dense layer as the 1x1 convolution with the same weights.
    private static func asConv(_ d: QDense) -> QConv {
        QConv(input: d.input, output: d.output, kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
              padding: QPadding(top: 0, left: 0, bottom: 0, right: 0), groups: 1, inChannelsPerGroup: d.inFeatures,
              outChannels: d.outFeatures, weights: d.weights, bias: d.bias, biasBits: d.biasBits,
              accumulator: d.accumulator, requantize: d.requantize)
    }

    /// The fields every convolution's params start with, and the strides the shift, bit-plane and
    /// codebook kernels walk (they multiply nothing, not even indices: every stride is computed here).
    private struct ConvGeometry {
        let batch, inH, inW, inC, outH, outW, outC, kernelH, kernelW, strideH, strideW, padTop, padLeft, groups: Int32
        let inCPerGroup, outCPerGroup, inRow, stepRow, stepCol, inImage, origin: Int32

        init(_ c: QConv, _ inShape: [Int], _ outShape: [Int]) {
            let (h, w, ch) = (inShape[1], inShape[2], inShape[3])
            let row = w * ch
            (batch, inH, inW, inC) = (i32(inShape[0]), i32(h), i32(w), i32(ch))
            (outH, outW, outC) = (i32(outShape[1]), i32(outShape[2]), i32(outShape[3]))
            (kernelH, kernelW, strideH, strideW) = (i32(c.kernelH), i32(c.kernelW), i32(c.strideH), i32(c.strideW))
            (padTop, padLeft, groups) = (i32(c.padding.top), i32(c.padding.left), i32(c.groups))
            (inCPerGroup, outCPerGroup) = (i32(c.inChannelsPerGroup), i32(c.outChannels / c.groups))
            (inRow, stepRow, stepCol, inImage) = (i32(row), i32(c.strideH * row), i32(c.strideW * ch), i32(h * row))
            origin = i32(-(c.padding.top * row + c.padding.left * ch))
        }
    }

    private static func shiftConvParams(_ c: QConv, _ inShape: [Int], _ outShape: [Int], _ mac: MACCall) -> qc_shift_conv_params {
        let g = ConvGeometry(c, inShape, outShape)
        return qc_shift_conv_params(
            batch: g.batch, in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC,
            kernel_h: g.kernelH, kernel_w: g.kernelW, stride_h: g.strideH, stride_w: g.strideW,
            dilation_h: i32(c.dilationH), dilation_w: i32(c.dilationW), pad_top: g.padTop, pad_left: g.padLeft,
            groups: g.groups, in_c_per_group: g.inCPerGroup, out_c_per_group: g.outCPerGroup,
            in_row: g.inRow, tap_row: i32(c.dilationH * inShape[2] * inShape[3]), tap_col: i32(c.dilationW * inShape[3]),
            step_row: g.stepRow, step_col: g.stepCol, in_image: g.inImage, origin: g.origin,
            weights_per_row: i32(c.kernelW * c.inChannelsPerGroup), shift_count: mac.shiftCount, act_min: mac.actMin, act_max: mac.actMax)
    }

    /// The bit-plane kernel's params: like the shift conv's, every stride precomputed.
    private static func bitPlaneParams(_ c: QConv, _ w: BitPlaneWeights, _ inShape: [Int], _ outShape: [Int], _ mac: MACCall) -> qc_bitplane_conv_params {
        let g = ConvGeometry(c, inShape, outShape)
        let tapBits = w.grouping == .kernel2d ? 1 : c.inChannelsPerGroup
        return qc_bitplane_conv_params(
            batch: g.batch, in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC,
            kernel_h: g.kernelH, kernel_w: g.kernelW, stride_h: g.strideH, stride_w: g.strideW, pad_top: g.padTop, pad_left: g.padLeft,
            groups: g.groups, in_c_per_group: g.inCPerGroup, out_c_per_group: g.outCPerGroup,
            planes: i32(w.planes), kernel2d: w.grouping == .kernel2d ? 1 : 0, group_words: i32(w.groupWords),
            tap_bits: i32(tapBits), row_bits: i32(c.kernelW * tapBits),
            in_row: g.inRow, step_row: g.stepRow, step_col: g.stepCol, in_image: g.inImage, origin: g.origin,
            shift_count: mac.shiftCount, act_min: mac.actMin, act_max: mac.actMax)
    }

    /// The codebook kernel's params: like the bit-plane kernel's, bit positions in the index stream
    /// advanced by precomputed strides.
    private static func codebookParams(_ c: QConv, _ w: CodebookWeights, _ inShape: [Int], _ outShape: [Int], _ mac: MACCall) -> qc_codebook_conv_params {
        let g = ConvGeometry(c, inShape, outShape)
        let tapBits = c.inChannelsPerGroup * w.indexBits
        return qc_codebook_conv_params(
            batch: g.batch, in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC,
            kernel_h: g.kernelH, kernel_w: g.kernelW, stride_h: g.strideH, stride_w: g.strideW, pad_top: g.padTop, pad_left: g.padLeft,
            groups: g.groups, in_c_per_group: g.inCPerGroup, out_c_per_group: g.outCPerGroup,
            clusters: i32(w.codebook.count), index_bits: i32(w.indexBits), accumulate: w.form == .accumulate ? 1 : 0,
            tap_bits: i32(tapBits), row_bits: i32(c.kernelW * tapBits), channel_bits: i32(c.kernelH * c.kernelW * tapBits),
            in_row: g.inRow, step_row: g.stepRow, step_col: g.stepCol, in_image: g.inImage, origin: g.origin,
            shift_count: mac.shiftCount, act_min: mac.actMin, act_max: mac.actMax)
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
        let out = try averageOutput(from: p.input, to: p.output, t, max: isMax)
        let params = qc_pool_params(
            batch: i32(inShape[0]), in_h: i32(inShape[1]), in_w: i32(inShape[2]), channels: i32(inShape[3]),
            out_h: i32(outShape[1]), out_w: i32(outShape[2]), kernel_h: i32(p.kernelH), kernel_w: i32(p.kernelW),
            stride_h: i32(p.strideH), stride_w: i32(p.strideW), dilation_h: i32(p.dilationH), dilation_w: i32(p.dilationW),
            pad_top: i32(p.padding.top), pad_left: i32(p.padding.left), pad_bottom: i32(p.padding.bottom), pad_right: i32(p.padding.right),
            count_include_pad: p.countIncludePad ? 1 : 0, out_shift: out.shift, act_min: out.min, act_max: out.max)
        return KernelCall(kernel: isMax ? .maxPool(params) : p.exactDivision ? .avgPoolAffine(params) : .avgPool(params),
                          storage: [CType.storage(bits: t[p.input].format.bits)], wideAccumulator: nil,
                          arguments: [.tensor(p.input, offset: 0), .tensor(p.output, offset: 0)])
    }

    /// A pool's out_shift (the output's frac minus the input's) and output range; both formats
    /// have the same bits, and only an average may be finer than its input.
    private static func averageOutput(from input: Int, to output: Int, _ t: [QTensor], max isMax: Bool) throws
        -> (shift: Int32, min: Int32, max: Int32) {
        let fx = t[input].format, fy = t[output].format
        let shift = fy.frac - fx.frac
        guard fy.bits == fx.bits, (isMax ? 0...0 : 0...QPool.maxAverageShift).contains(shift) else {
            throw EmitError("pooling from \(fx) to \(fy): the output must have the input's bits and a frac 0...\(isMax ? 0 : QPool.maxAverageShift) finer")
        }
        return (i32(shift), i32(fy.minInt), i32(fy.maxInt))
    }

    private static func rescale(from input: Int, to output: Int, _ t: [QTensor], outer: Int, block: Int, stride: Int, offset: Int,
                                clampMin: Int64, clampMax: Int64) -> KernelCall {
        let fin = t[input].format, fout = t[output].format
        let (lo, hi) = outputRange(bits: fout.bits, clampMin: clampMin, clampMax: clampMax)
        let params = qc_rescale_params(outer: i32(outer), block: i32(block), y_stride: i32(stride),
                                       shift: i32(min(max(fin.frac - fout.frac, -22), 63)), act_min: lo, act_max: hi)
        return KernelCall(kernel: .rescale(params), storage: [CType.storage(bits: fin.bits), CType.storage(bits: fout.bits)],
                          wideAccumulator: nil, arguments: [.tensor(input, offset: 0), .tensor(output, offset: offset)])
    }
}

/// A C array field of four or six int32_t (Swift imports them as tuples).
func tuple4(_ v: [Int]) -> (Int32, Int32, Int32, Int32) { (i32(v[0]), i32(v[1]), i32(v[2]), i32(v[3])) }
func tuple6(_ v: [Int]) -> (Int32, Int32, Int32, Int32, Int32, Int32) { (i32(v[0]), i32(v[1]), i32(v[2]), i32(v[3]), i32(v[4]), i32(v[5])) }

@inline(__always)
func i32(_ v: Int) -> Int32 { Int32(clamping: v) }
@inline(__always)
func i32(_ v: Int64) -> Int32 { Int32(clamping: v) }
