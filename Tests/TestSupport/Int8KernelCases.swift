import FixedPoint
import GraphIR
import QuantizedIR

/// The int8-affine kernels' cases (TFLite's arithmetic: zero points, int32 multipliers with shifts,
/// its ADD, MUL, MEAN, average pool and softmax), over the same shapes as the fixed-point table, for
/// the C-against-simulator twin tests of the portable, DSP and Helium instances. Parameters stay
/// within qc_kernels.h's ranges, as the lowering's are; random ones, and saturating inputs that reach
/// both ends of the output range.
extension KernelCases {
    public static func int8(seed: UInt64 = 29) -> [KernelCase] {
        var rng = SeededRandom(seed: seed)
        var cases = [KernelCase]()
        for saturating in [false, true] {
            for c in (convs + dspConvs) where c.xBits == 8 && c.wBits == 8 && c.yBits == 8 {
                cases.append(affineConv(c, rng: &rng, saturating: saturating))
            }
            for (k, o, rows) in [(40, 9, 1), (17, 5, 3), (64, 12, 1)] {
                for singleRounding in [false, true] {
                    cases.append(affineDense(k: k, o: o, rows: rows, singleRounding: singleRounding, rng: &rng, saturating: saturating))
                }
            }
        }
        for channels in [3, 19] { cases.append(affineAveragePool(channels: channels, rng: &rng)) }
        for (subtract, broadcast) in [(false, false), (true, false), (false, true)] {
            cases.append(affineAdd(subtract: subtract, broadcast: broadcast, rng: &rng))
        }
        for broadcast in [0, 3, 1] { cases.append(affineMul(broadcast: broadcast, rng: &rng)) }
        for broadcast in [0, 3] { cases.append(affineDiv(broadcast: broadcast, rng: &rng)) }
        for (k, comparison) in QAffineCompare.Comparison.allCases.enumerated() {
            cases.append(affineCompare(comparison, broadcast: [0, 1, 3][k % 3], rng: &rng))
        }
        for counts in [(48, 48, 48), (48, 3, 1), (3, 48, 48)] { cases.append(select(counts, rng: &rng)) }
        cases.append(affineMean(rng: &rng))
        for broadcast in [false, true] { cases.append(affineSquaredDifference(broadcast: broadcast, rng: &rng)) }
        for depth in [1, 7, 64] { cases.append(affineL2Normalization(depth: depth, rng: &rng)) }
        for slopes in [4, 1] { cases.append(affinePRelu(slopes: slopes, rng: &rng)) }
        // Up and down, both coordinate conventions and corner alignment; saturating inputs.
        for (inH, inW, outH, outW, halfPixel, align) in [(4, 5, 8, 10, true, false), (4, 5, 7, 9, false, true), (6, 6, 4, 3, true, false),
                                                         (3, 4, 9, 5, false, false)] {
            cases.append(resizeBilinear(inH, inW, outH, outW, halfPixel: halfPixel, alignCorners: align, rng: &rng))
        }
        for scale in [Float(0.05), 0.02] { cases.append(affineSoftmax(inputScale: scale, rng: &rng)) }
        for scale in [Float(0.1), 0.02, 0.005] { cases.append(affineLogSoftmax(inputScale: scale, rng: &rng)) }
        return cases
    }

    static let int8Format = QFormat(bits: 8, frac: 0)

    static func int8Values(_ count: Int, _ rng: inout SeededRandom, saturating: Bool = false) -> [Int32] {
        (0..<count).map { _ in saturating ? (rng.next() % 2 == 0 ? 127 : -128) : Int32(rng.int(-128, 127)) }
    }

    /// A multiplier in [2^30, 2^31) (TFLite's normalised form).
    static func multiplier(_ rng: inout SeededRandom) -> Int32 { Int32(rng.int(1 << 30, Int64(Int32.max))) }

    static func affineConv(_ c: Conv, rng: inout SeededRandom, saturating: Bool) -> KernelCase {
        var p = QProgram()
        let oh = (c.h + c.pad.top + c.pad.bottom - (c.kh - 1) * c.dilation - 1) / c.stride + 1
        let ow = (c.w + c.pad.left + c.pad.right - (c.kw - 1) * c.dilation - 1) / c.stride + 1
        let input = p.addTensor(QTensor(name: "x", shape: [1, c.h, c.w, c.cin], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [1, oh, ow, c.cout], format: int8Format))
        let cinPerGroup = c.cin / c.groups
        let weights = int8Values(c.cout * c.kh * c.kw * cinPerGroup, &rng, saturating: saturating).map { max($0, -127) }
        let outputZeroPoint = Int32(rng.int(-20, 20))
        let channels = c.perChannel ? c.cout : 1
        var conv = QConv(input: input, output: output, kernelH: c.kh, kernelW: c.kw, strideH: c.stride, strideW: c.stride,
                         dilationH: c.dilation, dilationW: c.dilation, padding: c.pad,
                         groups: c.groups, inChannelsPerGroup: cinPerGroup, outChannels: c.cout,
                         weights: .fixed(FixedWeights(values: weights, bits: 8, fracs: [0])),
                         bias: (0..<c.cout).map { _ in rng.int(-20_000, 20_000) }, biasBits: 32, accumulator: .int32,
                         requantize: Requantization(shifts: (0..<channels).map { _ in Int(rng.int(-11, -7)) },
                                                    clampMin: saturating ? Int64(outputZeroPoint) : -128, clampMax: 127,
                                                    affine: AffineRequantization(multipliers: (0..<channels).map { _ in multiplier(&rng) },
                                                                                 outputZeroPoint: outputZeroPoint)))
        conv.padValue = Int32(rng.int(-128, 127))
        let x = int8Values(c.h * c.w * c.cin, &rng, saturating: saturating)
        return single("int8 " + c.label + (saturating ? " saturating" : ""), &p, .conv(conv), inputs: [input], output: output, values: [x])
    }

    static func affineDense(k: Int, o: Int, rows: Int, singleRounding: Bool, rng: inout SeededRandom, saturating: Bool) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [rows, k], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [rows, o], format: int8Format))
        let dense = QDense(input: input, output: output, inFeatures: k, outFeatures: o,
                           weights: .fixed(FixedWeights(values: int8Values(k * o, &rng, saturating: saturating).map { max($0, -127) }, bits: 8,
                                                        fracs: [0])),
                           bias: (0..<o).map { _ in rng.int(-20_000, 20_000) }, biasBits: 32, accumulator: .int32,
                           requantize: Requantization(shifts: [Int(rng.int(-10, -7))], clampMin: -128, clampMax: 127,
                                                      affine: AffineRequantization(multipliers: [multiplier(&rng)],
                                                                                   outputZeroPoint: Int32(rng.int(-20, 20)),
                                                                                   singleRounding: singleRounding)))
        let name = "int8 dense k\(k) o\(o) rows \(rows)\(singleRounding ? " single rounding" : "")\(saturating ? " saturating" : "")"
        return single(name, &p, .dense(dense), inputs: [input], output: output, values: [int8Values(rows * k, &rng, saturating: saturating)])
    }

    /// TFLite's int8 average pool: the sum divided with rounding by the taps inside the input.
    static func affineAveragePool(channels c: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [1, 7, 6, c], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [1, 4, 3, c], format: int8Format))
        var pool = QPool(input: input, output: output, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, dilationH: 1, dilationW: 1,
                         padding: QPadding(top: 1, left: 1, bottom: 1, right: 1), countIncludePad: false)
        pool.exactDivision = true
        return single("int8 avg pool 3x3 s2 c\(c)", &p, .avgPool(pool), inputs: [input], output: output, values: [int8Values(7 * 6 * c, &rng)])
    }

    static func affineAdd(subtract: Bool, broadcast: Bool, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: int8Format))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast ? [3] : [1, 4, 4, 3], format: int8Format))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: int8Format))
        let bMultiplier = multiplier(&rng)
        let add = QAffineAdd(a: a, b: b, output: y, aOffset: Int32(rng.int(-127, 128)), bOffset: Int32(rng.int(-127, 128)),
                             outputOffset: Int32(rng.int(-128, 127)), aMultiplier: multiplier(&rng), aShift: -1,
                             bMultiplier: subtract ? -bMultiplier : bMultiplier, bShift: 0, outputMultiplier: multiplier(&rng),
                             outputShift: -19, leftShift: 20, clampMin: -128, clampMax: 127)
        return single("int8 \(subtract ? "sub" : "add")\(broadcast ? " broadcast" : "")", &p, .affineAdd(add), inputs: [a, b], output: y,
                      values: [int8Values(48, &rng), int8Values(broadcast ? 3 : 48, &rng)])
    }

    /// TFLite's SQUARED_DIFFERENCE: inputs rescaled by at most 1/2 after a left shift of 7.
    static func affineSquaredDifference(broadcast: Bool, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: int8Format))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast ? [3] : [1, 4, 4, 3], format: int8Format))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: int8Format))
        let op = QAffineAdd(a: a, b: b, output: y, aOffset: Int32(rng.int(-127, 128)), bOffset: Int32(rng.int(-127, 128)),
                            outputOffset: Int32(rng.int(-128, 127)), aMultiplier: multiplier(&rng), aShift: -1,
                            bMultiplier: multiplier(&rng), bShift: -2, outputMultiplier: multiplier(&rng), outputShift: -21,
                            leftShift: 7, clampMin: -128, clampMax: 127)
        return single("int8 squared difference\(broadcast ? " broadcast" : "")", &p, .affineSquaredDifference(op), inputs: [a, b], output: y,
                      values: [int8Values(48, &rng), int8Values(broadcast ? 3 : 48, &rng)])
    }

    /// Rows of 1, 7 and 64 values; one row all at the zero point (a zero norm), one at the extremes.
    static func affineL2Normalization(depth: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [5, depth], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [5, depth], format: int8Format))
        let zeroPoint = Int32(rng.int(-20, 20))
        var x = int8Values(5 * depth, &rng)
        for i in 0..<depth {
            x[i] = zeroPoint
            x[depth + i] = i % 2 == 0 ? 127 : -128
        }
        return single("int8 l2 normalization depth \(depth)", &p, .affineL2Normalization(QAffineL2Normalization(input: input, output: output,
                                                                                                            inputZeroPoint: zeroPoint)),
                      inputs: [input], output: output, values: [x])
    }

    /// Quotients of both signs, a zero dividend and a zero divisor among them.
    static func affineDiv(broadcast: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let count = broadcast == 0 ? 48 : broadcast
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: int8Format))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast == 0 ? [1, 4, 4, 3] : [count], format: int8Format))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: int8Format))
        let (aOffset, bOffset) = (Int32(rng.int(-20, 20)), Int32(rng.int(-20, 20)))
        let div = QAffineMul(a: a, b: b, output: y, aOffset: aOffset, bOffset: bOffset, outputOffset: Int32(rng.int(-20, 20)),
                             multiplier: multiplier(&rng), shift: 4, clampMin: -128, clampMax: 127)
        var xa = int8Values(48, &rng), xb = int8Values(count, &rng)
        xa[0] = -aOffset
        xb[count - 1] = -bOffset
        return single("int8 div\(broadcast == 0 ? "" : " broadcast \(broadcast)")", &p, .affineDiv(div), inputs: [a, b], output: y,
                      values: [xa, xb])
    }

    /// Two scales close enough that the rescaled values tie at times.
    static func affineCompare(_ comparison: QAffineCompare.Comparison, broadcast: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let count = broadcast == 0 ? 48 : broadcast
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: int8Format))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast == 0 ? [1, 4, 4, 3] : [count], format: int8Format))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: int8Format))
        let multiplier = multiplier(&rng)
        let op = QAffineCompare(a: a, b: b, output: y, comparison: comparison, aOffset: Int32(rng.int(-10, 10)), bOffset: Int32(rng.int(-10, 10)),
                                aMultiplier: multiplier, aShift: -6, bMultiplier: multiplier, bShift: -6)
        var xa = int8Values(48, &rng).map { $0 / 8 }
        let xb = int8Values(count, &rng).map { $0 / 8 }
        // Equal to the b value each meets, one step above, one below: both answers for every comparison.
        for (k, step) in [Int32(0), 1, -1].enumerated() {
            let i = k * (count == 48 ? 1 : count)
            xa[i] = xb[i % count] + op.bOffset - op.aOffset + step
        }
        return single("int8 \(comparison.rawValue)\(broadcast == 0 ? "" : " broadcast \(broadcast)")", &p, .affineCompare(op), inputs: [a, b],
                      output: y, values: [xa, xb])
    }

    /// A selection whose condition, a and b each have all 48 values, one per channel or one.
    static func select(_ counts: (Int, Int, Int), rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        func shape(_ n: Int) -> [Int] { n == 48 ? [1, 4, 4, 3] : [n] }
        let c = p.addTensor(QTensor(name: "condition", shape: shape(counts.0), format: int8Format))
        let a = p.addTensor(QTensor(name: "a", shape: shape(counts.1), format: int8Format))
        let b = p.addTensor(QTensor(name: "b", shape: shape(counts.2), format: int8Format))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: int8Format))
        return single("select \(counts.0) \(counts.1) \(counts.2)", &p, .select(QSelect(condition: c, a: a, b: b, output: y)), inputs: [c, a, b],
                      output: y, values: [int8Values(counts.0, &rng).map { $0 > 0 ? 1 : 0 }, int8Values(counts.1, &rng), int8Values(counts.2, &rng)])
    }

    static func affineMul(broadcast: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let count = broadcast == 0 ? 48 : broadcast
        let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: int8Format))
        let b = p.addTensor(QTensor(name: "b", shape: broadcast == 0 ? [1, 4, 4, 3] : [count], format: int8Format))
        let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: int8Format))
        let mul = QAffineMul(a: a, b: b, output: y, aOffset: Int32(rng.int(-127, 128)), bOffset: Int32(rng.int(-127, 128)),
                             outputOffset: Int32(rng.int(-128, 127)), multiplier: multiplier(&rng), shift: -7, clampMin: -128, clampMax: 127)
        return single("int8 mul\(broadcast == 0 ? "" : " broadcast \(broadcast)")", &p, .affineMul(mul), inputs: [a, b], output: y,
                      values: [int8Values(48, &rng), int8Values(count, &rng)])
    }

    static func affineMean(rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [2, 4, 4, 5], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [2, 1, 1, 5], format: int8Format))
        let mean = QAffineMean(input: input, output: output, inputZeroPoint: Int32(rng.int(-128, 127)), outputZeroPoint: Int32(rng.int(-128, 127)),
                               multiplier: multiplier(&rng), shift: -4)
        return single("int8 mean 4x4", &p, .affineMean(mean), inputs: [input], output: output, values: [int8Values(160, &rng)])
    }

    /// PReLU with a slope per channel or one for all; slopes of both signs.
    static func affinePRelu(slopes: Int, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [1, 3, 5, 4], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [1, 3, 5, 4], format: int8Format))
        let prelu = QAffinePRelu(input: input, output: output, alpha: int8Values(slopes, &rng), inputOffset: Int32(rng.int(-127, 128)),
                                 alphaOffset: Int32(rng.int(-127, 128)), outputOffset: Int32(rng.int(-128, 127)),
                                 positiveMultiplier: multiplier(&rng), positiveShift: -1, negativeMultiplier: multiplier(&rng), negativeShift: -8)
        return single("int8 prelu \(slopes) slopes", &p, .affinePRelu(prelu), inputs: [input], output: output, values: [int8Values(60, &rng)])
    }

    static func resizeBilinear(_ inH: Int, _ inW: Int, _ outH: Int, _ outW: Int, halfPixel: Bool, alignCorners: Bool,
                               rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [2, inH, inW, 3], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [2, outH, outW, 3], format: int8Format))
        func scale(_ n: Int, _ m: Int) -> Int { ResizeBilinear.scale1024(input: n, output: m, alignCorners: alignCorners) }
        let resize = QResizeBilinear(input: input, output: output, heightScale: scale(inH, outH), widthScale: scale(inW, outW), halfPixel: halfPixel)
        var x = int8Values(2 * inH * inW * 3, &rng)
        (x[0], x[1], x[2]) = (-128, 127, -128)
        return single("int8 resize bilinear \(inH)x\(inW)->\(outH)x\(outW)\(halfPixel ? " half-pixel" : "")\(alignCorners ? " corners" : "")", &p,
                      .resizeBilinear(resize), inputs: [input], output: output, values: [x])
    }

    static func affineLogSoftmax(inputScale: Float, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [4, 12], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [4, 12], format: int8Format))
        let s = Affine.logSoftmaxParameters(inputScale: inputScale)!
        let op = QLogSoftmax(input: input, output: output, multiplier: s.multiplier, leftShift: s.leftShift,
                             reverseMultiplier: s.reverseMultiplier, reverseShift: s.reverseShift, diffMin: s.diffMin)
        var x = int8Values(48, &rng)
        for i in 12..<24 { x[i] = 5 }  // a row of equal values
        return single("int8 log softmax scale \(inputScale)", &p, .logSoftmax(op), inputs: [input], output: output, values: [x])
    }

    static func affineSoftmax(inputScale: Float, rng: inout SeededRandom) -> KernelCase {
        var p = QProgram()
        let input = p.addTensor(QTensor(name: "x", shape: [3, 10], format: int8Format))
        let output = p.addTensor(QTensor(name: "y", shape: [3, 10], format: int8Format))
        let s = Affine.softmaxParameters(beta: 1, inputScale: inputScale)!
        let softmax = QSoftmax(input: input, output: output, multiplier: s.multiplier, leftShift: s.leftShift, diffMin: s.diffMin)
        return single("int8 softmax scale \(inputScale)", &p, .softmax(softmax), inputs: [input], output: output, values: [int8Values(30, &rng)])
    }
}
