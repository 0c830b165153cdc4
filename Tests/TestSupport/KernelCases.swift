import FixedPoint
import QuantizedIR

/// One single-kernel program with its inputs: the unit of every twin test (simulator vs naive
/// oracle, C kernel vs simulator).
public struct KernelCase: Sendable, CustomStringConvertible {
    public var name: String
    public var program: QProgram
    /// One array per program input, in `program.inputs` order.
    public var inputs: [[Int32]]
    public var description: String { name }
}

/// A table of shapes, strides, paddings, dilations, groups, storage widths and accumulators for
/// every QuantizedIR op, each with seeded random values and with saturating ones (every input and
/// weight at its extreme), which drive the requantization into both saturation bounds.
public enum KernelCases {
    public struct Conv: Sendable {
        public var h, w, cin, cout, kh, kw, stride, dilation, groups, xBits, wBits, yBits: Int
        public var pad: QPadding
        public var perChannel = true
        public init(h: Int, w: Int, cin: Int, cout: Int, k: Int, kw: Int? = nil, stride: Int = 1, dilation: Int = 1, pad: Int = 0,
                    padBottomRight: Int? = nil, groups: Int = 1, x: Int = 8, w wBits: Int = 8, y: Int = 8, perChannel: Bool = true) {
            self.h = h
            self.w = w
            self.cin = cin
            self.cout = cout
            kh = k
            self.kw = kw ?? k
            self.stride = stride
            self.dilation = dilation
            self.groups = groups
            xBits = x
            self.wBits = wBits
            yBits = y
            self.pad = QPadding(top: pad, left: pad, bottom: padBottomRight ?? pad, right: padBottomRight ?? pad)
            self.perChannel = perChannel
        }
        var label: String {
            "conv \(h)x\(w)x\(cin)->\(cout) k\(kh)x\(kw) s\(stride) d\(dilation) p\(pad.top)/\(pad.bottom) g\(groups) x\(xBits) w\(wBits) y\(yBits)"
        }
    }

    public static let convs: [Conv] = [
        Conv(h: 6, w: 5, cin: 3, cout: 4, k: 3, pad: 1),
        Conv(h: 7, w: 7, cin: 2, cout: 3, k: 3, stride: 2, x: 4, w: 3, y: 5),
        Conv(h: 8, w: 6, cin: 4, cout: 4, k: 3, dilation: 2, pad: 2, x: 12, w: 10, y: 16),
        Conv(h: 7, w: 8, cin: 3, cout: 5, k: 3, stride: 2, pad: 0, padBottomRight: 1, x: 8, w: 8, y: 12),   // TF "SAME", stride 2
        Conv(h: 5, w: 5, cin: 6, cout: 6, k: 3, pad: 1, groups: 6),                                    // depthwise
        Conv(h: 6, w: 6, cin: 5, cout: 5, k: 5, stride: 2, pad: 2, groups: 5, x: 16, w: 8, y: 8),       // depthwise, 16-bit input
        Conv(h: 5, w: 4, cin: 4, cout: 8, k: 1, groups: 2, w: 2),                                       // grouped 1x1
        Conv(h: 6, w: 5, cin: 4, cout: 8, k: 3, pad: 1, groups: 4, x: 8, w: 8, y: 16),                 // grouped, multiplier 2
        Conv(h: 4, w: 6, cin: 7, cout: 9, k: 1, x: 8, w: 16, y: 8, perChannel: false),                 // 1x1 (dense over pixels)
        Conv(h: 9, w: 3, cin: 1, cout: 2, k: 5, pad: 2, x: 16, w: 16, y: 16),                          // 64-bit accumulator
        Conv(h: 5, w: 7, cin: 2, cout: 3, k: 1, kw: 5, pad: 0, x: 8, w: 8, y: 8),                      // 1xN kernel
        Conv(h: 3, w: 4, cin: 6, cout: 5, k: 1, w: 3),                                                // 1x1 over 12 pixels, 3-bit weights
        Conv(h: 6, w: 6, cin: 3, cout: 4, k: 3, dilation: 2, pad: 2, w: 4),                          // 4-bit weights, dilated
        Conv(h: 5, w: 5, cin: 6, cout: 6, k: 3, pad: 1, groups: 6, w: 4),                            // depthwise, 4-bit weights
        Conv(h: 4, w: 4, cin: 600, cout: 2, k: 3, pad: 1, x: 16, w: 4, y: 16),                       // saturating: a 64-bit accumulator
        Conv(h: 5, w: 5, cin: 4, cout: 6, k: 3, pad: 1, w: 5),                                       // 5-, 6- and 7-bit weights
        Conv(h: 6, w: 5, cin: 5, cout: 5, k: 3, pad: 1, groups: 5, w: 6),
        Conv(h: 5, w: 6, cin: 3, cout: 4, k: 3, stride: 2, pad: 1, w: 7),
        Conv(h: 7, w: 6, cin: 3, cout: 3, k: 3, dilation: 2, pad: 2, groups: 3),                     // depthwise, dilated
    ]

    /// More 8-bit shapes for the DSP and Helium variants' paths: whole groups of four taps with
    /// dilation and an odd position count; stride 2 with odd channel and position counts; a 1x1
    /// convolution (a dense layer over an odd number of pixels); depthwise channel counts that leave
    /// remainders after groups of four and of sixteen, a 3x3 depthwise of stride 2 padded at the
    /// bottom and right only, and a 5x5 one.
    public static let dspConvs: [Conv] = [
        Conv(h: 7, w: 5, cin: 8, cout: 6, k: 3, dilation: 2, pad: 2),
        Conv(h: 5, w: 5, cin: 16, cout: 7, k: 3, stride: 2, pad: 1),
        Conv(h: 3, w: 5, cin: 12, cout: 5, k: 1),
        Conv(h: 6, w: 5, cin: 10, cout: 10, k: 3, pad: 1, groups: 10),                     // depthwise: 4 + 4 + 2 channels
        Conv(h: 5, w: 4, cin: 22, cout: 22, k: 3, pad: 1, groups: 22),                     // depthwise: 16 + 4 + 2 channels
        Conv(h: 7, w: 6, cin: 8, cout: 8, k: 3, stride: 2, dilation: 2, pad: 2, groups: 8),
        Conv(h: 7, w: 8, cin: 8, cout: 8, k: 3, stride: 2, pad: 0, padBottomRight: 1, groups: 8),   // depthwise, TF "SAME", stride 2
        Conv(h: 6, w: 7, cin: 12, cout: 12, k: 5, pad: 2, groups: 12),                               // depthwise 5x5
    ]

    public static func all(seed: UInt64 = 11) -> [KernelCase] {
        var rng = SeededRandom(seed: seed)
        var cases = [KernelCase]()
        for saturating in [false, true] {
            let tag = saturating ? " saturating" : ""
            for c in convs { cases.append(conv(c, rng: &rng, saturating: saturating, tag: tag)) }
            // Also 2- to 7-bit weights (packed storage): one wide enough for a 64-bit accumulator, an
            // odd count of 4-bit weights.
            for (k, o, x, w, y) in [(17, 5, 8, 8, 8), (300, 7, 4, 2, 6), (1000, 3, 16, 16, 16), (64, 10, 8, 12, 16), (33, 4, 12, 8, 8), (50, 3, 4, 2, 16),
                                    (37, 6, 8, 3, 8), (3000, 4, 16, 4, 16), (37, 3, 8, 4, 8), (45, 6, 8, 5, 8), (70, 5, 8, 6, 8), (29, 4, 8, 7, 16)] {
                cases.append(dense(k: k, o: o, xBits: x, wBits: w, yBits: y, rng: &rng, saturating: saturating, tag: tag))
            }
        }
        for saturating in [false, true] {
            let tag = saturating ? " saturating" : ""
            for c in dspConvs { cases.append(conv(c, rng: &rng, saturating: saturating, tag: tag)) }
            cases.append(dense(k: 40, o: 9, xBits: 8, wBits: 8, yBits: 8, rng: &rng, saturating: saturating, tag: tag))
        }
        // 8-bit adds with a rounding right shift at the output (the Helium add's vector path).
        for subtract in [false, true] {
            cases.append(add(QFormat(bits: 8, frac: 6), QFormat(bits: 8, frac: 4), QFormat(bits: 8, frac: 3), subtract: subtract, broadcast: false, rng: &rng))
        }
        // The shift scheme: the same shapes with signed-digit weights (random codes, zero included).
        for saturating in [false, true] {
            let tag = saturating ? " saturating" : ""
            for c in convs { cases.append(signedDigits(conv(c, rng: &rng, saturating: saturating, tag: tag), rng: &rng)) }
            for (k, o, x, y) in [(17, 5, 8, 8), (300, 7, 16, 16), (64, 10, 8, 16), (50, 3, 16, 8)] {
                cases.append(signedDigits(dense(k: k, o: o, xBits: x, wBits: 8, yBits: y, rng: &rng, saturating: saturating, tag: tag), rng: &rng))
            }
        }
        // Bit planes: the same shapes (dilation 1, the kernel's scope) with random planes and
        // scales, per output channel and per (output, input channel) pair; dense layers too.
        for saturating in [false, true] {
            let tag = saturating ? " saturating" : ""
            for c in convs where c.dilation == 1 {
                for grouping in BitPlaneGrouping.allCases {
                    cases.append(bitPlanes(conv(c, rng: &rng, saturating: saturating, tag: tag), grouping: grouping, rng: &rng))
                }
            }
            for (k, o, x, y) in [(17, 5, 8, 8), (300, 7, 16, 16), (64, 10, 8, 16), (33, 3, 16, 8)] {
                cases.append(bitPlanes(dense(k: k, o: o, xBits: x, wBits: 8, yBits: y, rng: &rng, saturating: saturating, tag: tag),
                                       grouping: .filter, rng: &rng))
            }
        }
        // Codebooks: the same shapes (dilation 1) in both kernel forms, random codebooks of 2 to 256
        // centroids (zeros among them) and random indices; dense layers too.
        for saturating in [false, true] {
            let tag = saturating ? " saturating" : ""
            for (k, c) in convs.enumerated() where c.dilation == 1 {
                cases.append(codebook(conv(c, rng: &rng, saturating: saturating, tag: tag), form: k % 2 == 0 ? .lookup : .accumulate, rng: &rng))
            }
            for (k, o, x, y, form) in [(17, 5, 8, 8, CodebookForm.accumulate), (300, 7, 16, 16, .lookup), (64, 10, 8, 16, .accumulate),
                                       (1000, 3, 16, 8, .accumulate)] {
                cases.append(codebook(dense(k: k, o: o, xBits: x, wBits: 8, yBits: y, rng: &rng, saturating: saturating, tag: tag),
                                      form: form, rng: &rng))
            }
        }
        // 3x3 windows (divisors 9, 6, 4 at the borders) exercise the reciprocal; 2x2 the shift.
        for (k, stride, pad, includePad, bits) in [(3, 1, 1, false, 8), (3, 2, 1, true, 8), (2, 2, 0, false, 16), (3, 3, 0, false, 12), (3, 2, 1, false, 16)] {
            for isMax in [false, true] { cases.append(pool(k: k, stride: stride, pad: pad, includePad: includePad, bits: bits, isMax: isMax, rng: &rng)) }
        }
        // Channels past sixteen with a remainder (the Helium average pool's lane groups).
        cases.append(pool(k: 3, stride: 1, pad: 1, includePad: true, bits: 8, isMax: false, channels: 19, rng: &rng))
        // Averages finer than their inputs: the reciprocal (3x3) and shift (2x2) divisions, with a
        // left shift when the frac gained exceeds log2 of the count, and saturation.
        for (k, stride, pad, bits, finer, c) in [(3, 1, 1, 8, 3, 19), (2, 2, 0, 16, 5, 3), (3, 2, 1, 8, 15, 17), (2, 1, 0, 8, 1, 3)] {
            cases.append(pool(k: k, stride: stride, pad: pad, includePad: false, bits: bits, isMax: false, channels: c, finer: finer, rng: &rng))
        }
        for (bits, size) in [(16, 5), (8, 6), (8, 1)] {
            for isMax in [false, true] { cases.append(globalPool(bits: bits, size: size, isMax: isMax, rng: &rng)) }
        }
        for (bits, size, finer) in [(8, 6, 4), (8, 4, 6), (16, 3, 15), (8, 8, 2)] {
            cases.append(globalPool(bits: bits, size: size, isMax: false, finer: finer, rng: &rng))
        }
        for (fa, fb, fy) in [(QFormat(bits: 8, frac: 5), QFormat(bits: 12, frac: 9), QFormat(bits: 8, frac: 4)),
                             (QFormat(bits: 16, frac: 2), QFormat(bits: 16, frac: 20), QFormat(bits: 16, frac: 6)),
                             (QFormat(bits: 8, frac: 3), QFormat(bits: 8, frac: 3), QFormat(bits: 8, frac: 7))] {
            for (subtract, broadcast) in [(false, false), (true, false), (false, true)] {
                cases.append(add(fa, fb, fy, subtract: subtract, broadcast: broadcast, rng: &rng))
            }
        }
        // Products: 8/16-bit operands, right and left output shifts, per-channel and scalar
        // broadcasts, and a fused ReLU clamp; operands at their extremes saturate.
        for (fa, fb, fy, broadcast) in [(QFormat(bits: 8, frac: 5), QFormat(bits: 8, frac: 6), QFormat(bits: 8, frac: 4), 0),
                                        (QFormat(bits: 16, frac: 12), QFormat(bits: 16, frac: 14), QFormat(bits: 16, frac: 11), 0),
                                        (QFormat(bits: 8, frac: 7), QFormat(bits: 16, frac: 15), QFormat(bits: 8, frac: 7), 3),
                                        (QFormat(bits: 8, frac: 1), QFormat(bits: 8, frac: 0), QFormat(bits: 16, frac: 4), 1),
                                        (QFormat(bits: 16, frac: 3), QFormat(bits: 8, frac: 2), QFormat(bits: 8, frac: 0), 3)] {
            for relu in [false, true] { cases.append(mul(fa, fb, fy, broadcast: broadcast, relu: relu, rng: &rng)) }
        }
        // Maximum and minimum: operands aligned by small shifts (32-bit path) and by 18 bits (64-bit
        // path), right and left output shifts, broadcasts, and equal int8 formats (TFLite's case).
        for (fa, fb, fy, broadcast) in [(QFormat(bits: 8, frac: 5), QFormat(bits: 12, frac: 9), QFormat(bits: 8, frac: 4), 0),
                                        (QFormat(bits: 16, frac: 2), QFormat(bits: 16, frac: 20), QFormat(bits: 16, frac: 6), 3),
                                        (QFormat(bits: 8, frac: 3), QFormat(bits: 16, frac: 3), QFormat(bits: 8, frac: 7), 1),
                                        (QFormat(bits: 8, frac: 0), QFormat(bits: 8, frac: 0), QFormat(bits: 8, frac: 0), 0)] {
            for minimum in [false, true] { cases.append(maxMin(fa, fb, fy, broadcast: broadcast, minimum: minimum, rng: &rng)) }
        }
        cases.append(concat(rng: &rng))
        for bits in [6, 8, 10, 12, 16] { cases.append(tableAndClamp(bits: bits, rng: &rng)) }
        cases.append(pad(rng: &rng))
        cases.append(transpose(rng: &rng))
        cases += indexCopies(rng: &rng)
        return cases
    }

    /// The same case with each weight replaced by a random signed digit (extreme ones when the
    /// case saturates), the accumulator width re-proved for the new weights.
    static func signedDigits(_ c: KernelCase, rng: inout SeededRandom) -> KernelCase {
        let saturating = c.name.hasSuffix("saturating")
        let table = SignedDigit.table(digits: 2, exponents: SignedDigit.maxExponents)
        func codes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in (saturating ? (rng.next() % 2 == 0 ? table.last! : table.first!) : table[rng.below(table.count)]).code }
        }
        return replacingWeights(c, name: "shift") { shape in
            .signedDigits(SignedDigitWeights(codes: codes(shape.reduce(1, *)), digits: 2, exponents: SignedDigit.maxExponents, fracs: [6]))
        }
    }

    /// The same case with random bit planes (1–4 planes, scales up to ±2047 with zeros among
    /// them, all extreme when the case saturates), the accumulator width proved as the lowering does.
    static func bitPlanes(_ c: KernelCase, grouping: BitPlaneGrouping, rng: inout SeededRandom) -> KernelCase {
        let saturating = c.name.hasSuffix("saturating")
        let planes = 1 + rng.below(4)
        func encode(shape: [Int]) -> BitPlaneWeights {
            let perOutput = shape.dropFirst().reduce(1, *)
            let groupsPerOutput = grouping == .kernel2d ? shape.last! : 1
            let groupSize = perOutput / groupsPerOutput, groupCount = shape[0] * groupsPerOutput
            let words = (0..<(groupCount * planes * BitPlaneWeights.wordsPerPlane(groupSize: groupSize))).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
            let alphas = (0..<(groupCount * planes)).map { _ -> Int16 in
                if saturating { return rng.next() % 2 == 0 ? 2047 : -2047 }
                return rng.below(5) == 0 ? 0 : Int16(rng.int(-2047, 2047))
            }
            return BitPlaneWeights(grouping: grouping, planes: planes, groupSize: groupSize, groupsPerOutput: groupsPerOutput, words: words,
                                   alphas: alphas, alphaBits: 12, fracs: [10], shape: shape)
        }
        return replacingWeights(c, name: "bitplane \(grouping.rawValue) M\(planes)") { .bitPlanes(encode(shape: $0)) }
    }

    /// The same case with a random codebook (its size drawn from 2, 3, 5, 16, 17 and 256 centroids,
    /// up to ±2047, zero among them; all extreme when the case saturates) and random indices.
    static func codebook(_ c: KernelCase, form: CodebookForm, rng: inout SeededRandom) -> KernelCase {
        let saturating = c.name.hasSuffix("saturating")
        let clusters = [2, 3, 5, 16, 17, 256][rng.below(6)]
        func encode(count: Int) -> CodebookWeights {
            let book = (0..<clusters).map { k -> Int16 in
                if saturating { return k % 2 == 0 ? 2047 : -2047 }
                return k == 1 ? 0 : Int16(rng.int(-2047, 2047))
            }
            let bits = max(1, (clusters - 1).bitWidth - (clusters - 1).leadingZeroBitCount)
            let indices = (0..<count).map { _ in rng.below(clusters) }
            return CodebookWeights(codebook: book, centroidBits: 12, indexBits: bits, indices: CodebookWeights.pack(indices, bits: bits),
                                   weightCount: count, fracs: [10], form: form)
        }
        return replacingWeights(c, name: "codebook \(form.rawValue) K\(clusters)") { .codebook(encode(count: $0.reduce(1, *))) }
    }

    /// The case's conv or dense layer with other weights, made for its OHWI (or [O, K]) shape, the
    /// accumulator width re-proved for them and `name` before the case's name.
    static func replacingWeights(_ c: KernelCase, name: String, _ make: ([Int]) -> WeightEncoding) -> KernelCase {
        var c = c
        let inputBits = c.program.tensors[c.program.inputs[0]].format.bits
        switch c.program.ops[0].op {
        case .conv(var conv):
            conv.weights = make([conv.outChannels, conv.kernelH, conv.kernelW, conv.inChannelsPerGroup])
            conv.accumulator = accumulator(for: conv.weights, bias: conv.bias, inputBits: inputBits)
            c.program.ops[0].op = .conv(conv)
        case .dense(var dense):
            dense.weights = make([dense.outFeatures, dense.inFeatures])
            dense.accumulator = accumulator(for: dense.weights, bias: dense.bias, inputBits: inputBits)
            c.program.ops[0].op = .dense(dense)
        default:
            break
        }
        c.name = name + " " + c.name
        return c
    }

    /// The accumulator the lowering's worst-case proof picks for these weights and biases.
    static func accumulator(for weights: WeightEncoding, bias: [Int64], inputBits: Int) -> AccumulatorWidth {
        let inputMax = Int64(1) << Int64(inputBits - 1)
        let bound = zip(weights.magnitudeSums(channels: bias.count), bias).map { $0 * inputMax + abs($1) }.max() ?? 0
        return bound > Int64(Int32.max) ? .int64 : .int32
    }

    static func value(_ f: QFormat, _ rng: inout SeededRandom, _ saturating: Bool) -> Int32 {
        Int32(saturating ? (rng.next() % 2 == 0 ? f.maxInt : f.minInt) : rng.int(f.minInt, f.maxInt))
    }

    static func single(_ name: String, _ p: inout QProgram, _ op: QOp, inputs: [Int], output: Int, values: [[Int32]]) -> KernelCase {
        p.ops = [QNode(name: name, op: op)]
        p.inputs = inputs
        p.outputs = [output]
        return KernelCase(name: name, program: p, inputs: values)
    }

    static func conv(_ c: Conv, rng: inout SeededRandom, saturating: Bool, tag: String) -> KernelCase {
        let xf = QFormat(bits: c.xBits, frac: c.xBits - 2), yf = QFormat(bits: c.yBits, frac: c.yBits - 3)
        var p = QProgram()
        let oh = (c.h + c.pad.top + c.pad.bottom - (c.kh - 1) * c.dilation - 1) / c.stride + 1
        let ow = (c.w + c.pad.left + c.pad.right - (c.kw - 1) * c.dilation - 1) / c.stride + 1
        let input = p.addTensor(QTensor(name: "x", shape: [1, c.h, c.w, c.cin], format: xf))
        let output = p.addTensor(QTensor(name: "y", shape: [1, oh, ow, c.cout], format: yf))
        let cinPerGroup = c.cin / c.groups
        let wf = QFormat(bits: c.wBits, frac: c.wBits - 1)
        let weights = (0..<(c.cout * c.kh * c.kw * cinPerGroup)).map { _ in value(wf, &rng, saturating) }
        let bias = (0..<c.cout).map { _ in rng.int(-1000, 1000) }
        // The worst-case accumulator bound decides the width, as the lowering does.
        let bound = Int64(weights.map { abs(Int64($0)) }.reduce(0, +)) * (Int64(1) << Int64(c.xBits - 1)) + 1000
        let base = xf.frac + wf.frac - yf.frac
        let shifts = c.perChannel ? (0..<c.cout).map { o in base + (o % 3) - 1 } : [base]
        let conv = QConv(input: input, output: output, kernelH: c.kh, kernelW: c.kw, strideH: c.stride, strideW: c.stride,
                         dilationH: c.dilation, dilationW: c.dilation, padding: c.pad,
                         groups: c.groups, inChannelsPerGroup: cinPerGroup, outChannels: c.cout,
                         weights: .fixed(FixedWeights(values: weights, bits: c.wBits, fracs: [wf.frac])), bias: bias, biasBits: 16,
                         accumulator: bound > Int64(Int32.max) ? .int64 : .int32,
                         requantize: Requantization(shifts: shifts, clampMin: saturating ? 0 : yf.minInt, clampMax: yf.maxInt))
        let x = (0..<(c.h * c.w * c.cin)).map { _ in value(xf, &rng, saturating) }
        return single(c.label + tag, &p, .conv(conv), inputs: [input], output: output, values: [x])
    }

    static func dense(k: Int, o: Int, xBits: Int, wBits: Int, yBits: Int, rng: inout SeededRandom, saturating: Bool, tag: String) -> KernelCase {
        let xf = QFormat(bits: xBits, frac: 3), wf = QFormat(bits: wBits, frac: wBits - 1), yf = QFormat(bits: yBits, frac: yBits - 6)
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [1, k], format: xf))
        let output = p.addTensor(QTensor(name: "y", shape: [1, o], format: yf))
        let w = (0..<(k * o)).map { _ in value(wf, &rng, saturating) }
        let bound = Int64(w.map { abs(Int64($0)) }.reduce(0, +)) * (Int64(1) << Int64(xBits - 1)) + 5000
        // Shifts spread -2…+1 around the format difference; x4 w2 y16 makes them negative (saturating left shifts).
        let shift = xf.frac + wf.frac - yf.frac
        let dense = QDense(input: input, output: output, inFeatures: k, outFeatures: o,
                           weights: .fixed(FixedWeights(values: w, bits: wBits, fracs: [wf.frac])),
                           bias: (0..<o).map { _ in rng.int(-5000, 5000) }, biasBits: 16,
                           accumulator: bound > Int64(Int32.max) ? .int64 : .int32,
                           requantize: Requantization(shifts: (0..<o).map { shift + $0 % 4 - 2 }, clampMin: yf.minInt, clampMax: yf.maxInt))
        let x = (0..<k).map { _ in value(xf, &rng, saturating) }
        return single("dense k\(k) o\(o) x\(xBits) w\(wBits) y\(yBits)\(tag)", &p, .dense(dense), inputs: [input], output: output, values: [x])
    }

    /// `finer`: how much finer the average's output frac is than the input's.
    static func pool(k: Int, stride: Int, pad: Int, includePad: Bool, bits: Int, isMax: Bool, channels c: Int = 3, finer: Int = 0,
                     rng: inout SeededRandom) -> KernelCase {
        let f = QFormat(bits: bits, frac: bits / 2)
        var p = QProgram()
        let (h, w) = (7, 6)
        let input = p.addTensor(QTensor(name: "x", shape: [1, h, w, c], format: f))
        let oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1
        let output = p.addTensor(QTensor(name: "y", shape: [1, oh, ow, c], format: QFormat(bits: bits, frac: f.frac + finer)))
        let pool = QPool(input: input, output: output, kernelH: k, kernelW: k, strideH: stride, strideW: stride, dilationH: 1, dilationW: 1,
                         padding: QPadding(top: pad, left: pad, bottom: pad, right: pad), countIncludePad: includePad)
        let x = (0..<(h * w * c)).map { _ in value(f, &rng, false) }
        return single("\(isMax ? "max" : "avg")pool k\(k) s\(stride) p\(pad)\(includePad ? " include-pad" : "") \(bits)-bit c\(c)"
                      + (finer > 0 ? " \(finer) finer" : ""), &p,
                      isMax ? .maxPool(pool) : .avgPool(pool), inputs: [input], output: output, values: [x])
    }

    static func globalPool(bits: Int, size: Int, isMax: Bool, finer: Int = 0, rng: inout SeededRandom) -> KernelCase {
        let f = QFormat(bits: bits, frac: bits - 7)
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [1, size, size, 4], format: f))
        let output = p.addTensor(QTensor(name: "y", shape: [1, 1, 1, 4], format: QFormat(bits: bits, frac: f.frac + finer)))
        let unary = QUnary(input: input, output: output)
        let x = (0..<(size * size * 4)).map { _ in value(f, &rng, false) }
        return single("global \(isMax ? "max" : "avg") pool \(size)x\(size) \(bits)-bit" + (finer > 0 ? " \(finer) finer" : ""), &p, isMax ? .globalMaxPool(unary) : .globalAvgPool(unary),
                      inputs: [input], output: output, values: [x])
    }

    static func add(_ fa: QFormat, _ fb: QFormat, _ fy: QFormat, subtract: Bool, broadcast: Bool, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: fa))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast ? [3] : [1, 4, 4, 3], format: fb))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: fy))
        let op = QOp.add(QAdd(a: a, b: b, output: y, subtract: subtract, clampMin: broadcast ? fy.minInt : 0, clampMax: fy.maxInt))
        let xa = (0..<48).map { _ in value(fa, &rng, false) }
        let xb = (0..<(broadcast ? 3 : 48)).map { _ in value(fb, &rng, false) }
        return single("\(subtract ? "sub" : "add") \(fa)+\(fb)->\(fy)\(broadcast ? " broadcast" : "")", &p, op, inputs: [a, b], output: y, values: [xa, xb])
    }

    /// A product of [1,4,4,3] by b of 48 values, 3 (per channel) or 1 (a scalar).
    static func mul(_ fa: QFormat, _ fb: QFormat, _ fy: QFormat, broadcast: Int, relu: Bool, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let count = broadcast == 0 ? 48 : broadcast
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: fa))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast == 0 ? [1, 4, 4, 3] : [count], format: fb))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: fy))
        let op = QOp.mul(QMul(a: a, b: b, output: y, clampMin: relu ? 0 : fy.minInt, clampMax: fy.maxInt))
        var xa = (0..<48).map { _ in value(fa, &rng, false) }
        var xb = (0..<count).map { _ in value(fb, &rng, false) }
        xa[0] = Int32(fa.minInt)
        xb[0] = Int32(fb.minInt)
        return single("mul \(fa)*\(fb)->\(fy)\(broadcast == 0 ? "" : " broadcast \(broadcast)")\(relu ? " relu" : "")", &p, op,
                      inputs: [a, b], output: y, values: [xa, xb])
    }

    /// The maximum or minimum of [1,4,4,3] and b of 48 values, 3 (per channel) or 1 (a scalar).
    static func maxMin(_ fa: QFormat, _ fb: QFormat, _ fy: QFormat, broadcast: Int, minimum: Bool, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let count = broadcast == 0 ? 48 : broadcast
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: fa))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast == 0 ? [1, 4, 4, 3] : [count], format: fb))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: fy))
        let op = QOp.maxMin(QMaxMin(a: a, b: b, output: y, minimum: minimum, clampMin: fy.minInt, clampMax: fy.maxInt))
        var xa = (0..<48).map { _ in value(fa, &rng, false) }
        var xb = (0..<count).map { _ in value(fb, &rng, false) }
        (xa[0], xb[0]) = (Int32(fa.minInt), Int32(fb.minInt))
        xa[1] = Int32(fa.maxInt)
        return single("\(minimum ? "min" : "max") \(fa),\(fb)->\(fy)\(broadcast == 0 ? "" : " broadcast \(broadcast)")", &p, op,
                      inputs: [a, b], output: y, values: [xa, xb])
    }

    static func concat(rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let f1 = QFormat(bits: 8, frac: 6), f2 = QFormat(bits: 16, frac: 12), f3 = QFormat(bits: 8, frac: 1)
        let x1 = p.addTensor(QTensor(name: "x1", shape: [1, 2, 3, 3], format: f1))
        let x2 = p.addTensor(QTensor(name: "x2", shape: [1, 2, 3, 2], format: f2))
        let x3 = p.addTensor(QTensor(name: "x3", shape: [1, 2, 3, 1], format: f3))
        let cat = p.addTensor(QTensor(name: "cat", shape: [1, 2, 3, 6], format: QFormat(bits: 8, frac: 4)))
        let values = [(18, f1), (12, f2), (6, f3)].map { n, f in (0..<n).map { _ in value(f, &rng, false) } }
        return single("concat 8/16/8-bit -> 8-bit", &p, .concat(QConcat(inputs: [x1, x2, x3], output: cat, axis: 3)),
                      inputs: [x1, x2, x3], output: cat, values: values)
    }

    /// A table (sigmoid/tanh form) and a ReLU6-style clamp reading the same input.
    static func tableAndClamp(bits: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let inF = QFormat(bits: bits, frac: bits - 4), outF = QFormat(bits: bits > 8 ? 12 : 8, frac: 7)
        let n = 300
        let input = p.addTensor(QTensor(name: "x", shape: [1, n], format: inF))
        let clamped = p.addTensor(QTensor(name: "c", shape: [1, n], format: QFormat(bits: 8, frac: 4)))
        let output = p.addTensor(QTensor(name: "y", shape: [1, n], format: outF))
        let entries = bits <= QTable.directBits ? 1 << bits : (1 << QTable.directBits) + 1
        let table = (0..<entries).map { _ in value(outF, &rng, false) }
        p.ops = [QNode(name: "table", op: .table(QTable(input: input, output: output, function: "tanh", values: table))),
                 QNode(name: "clamp", op: .clamp(QClamp(input: input, output: clamped, clampMin: 0, clampMax: 96)))]
        p.inputs = [input]
        p.outputs = [output, clamped]
        let x = (0..<n).map { i in i < 2 ? Int32(i == 0 ? inF.minInt : inF.maxInt) : value(inF, &rng, false) }
        return KernelCase(name: "table and clamp, \(bits)-bit input", program: p, inputs: [x])
    }

    static func pad(rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let f = QFormat(bits: 12, frac: 5)
        let input = p.addTensor(QTensor(name: "x", shape: [1, 3, 4, 2], format: f))
        let output = p.addTensor(QTensor(name: "y", shape: [1, 6, 5, 3], format: f))
        let x = (0..<24).map { _ in value(f, &rng, false) }
        return single("pad 3x4x2 -> 6x5x3", &p, .pad(QPad(input: input, output: output, before: [0, 1, 0, 1], after: [0, 2, 1, 0], value: -7)),
                      inputs: [input], output: output, values: [x])
    }

    static func transpose(rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let f = QFormat(bits: 8, frac: 5)
        let input = p.addTensor(QTensor(name: "x", shape: [1, 3, 4, 5], format: f))
        let output = p.addTensor(QTensor(name: "y", shape: [1, 5, 3, 4], format: f))
        let x = (0..<60).map { _ in value(f, &rng, false) }
        return single("transpose NHWC -> NCHW", &p, .transpose(QTranspose(input: input, output: output, perm: [0, 3, 1, 2])),
                      inputs: [input], output: output, values: [x])
    }

    /// A depth-to-space of 8-bit values (block 2, five view axes) and a 16-bit copy that reverses and
    /// repeats rows and columns (a mirror pad); the offsets are written out by hand.
    static func indexCopies(rng: inout SeededRandom) -> [KernelCase] {
        var p = QProgram()
        let f8 = QFormat(bits: 8, frac: 4)
        let x8 = p.addTensor(QTensor(name: "x", shape: [1, 2, 3, 8], format: f8))
        let y8 = p.addTensor(QTensor(name: "y", shape: [1, 4, 6, 2], format: f8))
        // y[h·2 + i, w·2 + j, c] = x[h, w, (i·2 + j)·2 + c]: strides h 24, i 4, w 8, j 2, c 1.
        let depthToSpace = [[0, 24], [0, 4], [0, 8, 16], [0, 2], [0, 1]]
        let a = single("index copy: depth to space", &p, .indexCopy(QIndexCopy(input: x8, output: y8, offsets: depthToSpace, source: "depth_to_space")),
                       inputs: [x8], output: y8, values: [(0..<48).map { _ in value(f8, &rng, false) }])
        var q = QProgram()
        let f16 = QFormat(bits: 16, frac: 9)
        let x16 = q.addTensor(QTensor(name: "x", shape: [3, 5], format: f16))
        let y16 = q.addTensor(QTensor(name: "y", shape: [4, 5], format: f16))
        let b = single("index copy: reversed and repeated", &q,
                       .indexCopy(QIndexCopy(input: x16, output: y16, offsets: [[5, 0, 5, 10], [4, 3, 2, 1, 2]], source: "mirror_pad")),
                       inputs: [x16], output: y16, values: [(0..<15).map { _ in value(f16, &rng, false) }])
        return [a, b]
    }

    /// The first difference between two output arrays as NHWC coordinates, or nil when identical.
    public static func firstMismatch(_ got: [Int32], _ want: [Int32], shape: [Int]) -> String? {
        if got.count != want.count { return "\(got.count) values, expected \(want.count)" }
        guard let i = got.indices.first(where: { got[$0] != want[$0] }) else { return nil }
        let mismatches = zip(got, want).filter { $0 != $1 }.count
        var coordinates = [Int](), rest = i
        for size in shape.reversed() {
            coordinates.append(rest % max(size, 1))
            rest /= max(size, 1)
        }
        let names = shape.count == 4 ? ["n", "h", "w", "c"] : (0..<shape.count).map { "d\($0)" }
        let position = zip(names, coordinates.reversed()).map { "\($0) \($1)" }.joined(separator: ", ")
        return "\(mismatches) of \(got.count) differ; first at (\(position)): got \(got[i]), expected \(want[i])"
    }
}
