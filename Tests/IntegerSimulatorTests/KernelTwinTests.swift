import FixedPoint
import IntegerSimulator
import QuantizedIR
import TestSupport
import Testing

/// Every simulator kernel against `NaiveOracle` on seeded random and saturating inputs over a
/// table of shapes, strides, paddings and formats; failures name the case and first mismatch.
@Suite struct KernelTwinTests {
    struct ConvCase: CustomTestStringConvertible {
        var h, w, cin, cout, k, stride, dilation, pad, groups, xBits, wBits, outBits: Int
        var testDescription: String {
            "\(h)x\(w)x\(cin)->\(cout) k\(k) s\(stride) d\(dilation) p\(pad) g\(groups) x\(xBits) w\(wBits) y\(outBits)"
        }
    }

    static let convCases: [ConvCase] = [
        ConvCase(h: 6, w: 5, cin: 3, cout: 4, k: 3, stride: 1, dilation: 1, pad: 1, groups: 1, xBits: 8, wBits: 8, outBits: 8),
        ConvCase(h: 7, w: 7, cin: 2, cout: 3, k: 3, stride: 2, dilation: 1, pad: 0, groups: 1, xBits: 4, wBits: 3, outBits: 5),
        ConvCase(h: 8, w: 6, cin: 4, cout: 4, k: 3, stride: 1, dilation: 2, pad: 2, groups: 1, xBits: 12, wBits: 10, outBits: 16),
        ConvCase(h: 5, w: 5, cin: 6, cout: 6, k: 3, stride: 1, dilation: 1, pad: 1, groups: 6, xBits: 8, wBits: 8, outBits: 8),   // depthwise
        ConvCase(h: 5, w: 4, cin: 4, cout: 8, k: 1, stride: 1, dilation: 1, pad: 0, groups: 2, xBits: 8, wBits: 2, outBits: 8),   // grouped 1x1
        ConvCase(h: 9, w: 3, cin: 1, cout: 2, k: 5, stride: 1, dilation: 1, pad: 2, groups: 1, xBits: 16, wBits: 16, outBits: 16), // int64 accumulator
    ]

    func program(_ c: ConvCase, rng: inout SeededRandom, saturating: Bool) -> (QProgram, [Int32]) {
        let xf = QFormat(bits: c.xBits, frac: c.xBits - 2), yf = QFormat(bits: c.outBits, frac: c.outBits - 3)
        var p = QProgram()
        let oh = (c.h + 2 * c.pad - (c.k - 1) * c.dilation - 1) / c.stride + 1
        let ow = (c.w + 2 * c.pad - (c.k - 1) * c.dilation - 1) / c.stride + 1
        let input = p.addTensor(QTensor(name: "x", shape: [1, c.h, c.w, c.cin], format: xf))
        let output = p.addTensor(QTensor(name: "y", shape: [1, oh, ow, c.cout], format: yf))
        let cinPerGroup = c.cin / c.groups
        let wf = QFormat(bits: c.wBits, frac: c.wBits - 1)
        let weights = (0..<(c.cout * c.k * c.k * cinPerGroup)).map { _ in Int32(saturating ? (rng.next() % 2 == 0 ? wf.maxInt : wf.minInt) : rng.int(wf.minInt, wf.maxInt)) }
        // Worst-case accumulator bound decides the width, as the lowering does.
        let bound = Int64(weights.map { abs(Int64($0)) }.reduce(0, +)) * (Int64(1) << Int64(c.xBits - 1))
        let bias = (0..<c.cout).map { _ in rng.int(-1000, 1000) }
        let conv = QConv(input: input, output: output, kernelH: c.k, kernelW: c.k, strideH: c.stride, strideW: c.stride,
                         dilationH: c.dilation, dilationW: c.dilation, padding: QPadding(top: c.pad, left: c.pad, bottom: c.pad, right: c.pad),
                         groups: c.groups, inChannelsPerGroup: cinPerGroup, outChannels: c.cout,
                         weights: .fixed(FixedWeights(values: weights, bits: c.wBits, fracs: [wf.frac])), bias: bias, biasBits: 16,
                         accumulator: bound + 1000 > Int64(Int32.max) ? .int64 : .int32,
                         requantize: Requantization(shifts: (0..<c.cout).map { o in xf.frac + wf.frac - yf.frac + (o % 3) - 1 },
                                                    clampMin: saturating ? 0 : yf.minInt, clampMax: yf.maxInt))
        p.ops = [QNode(name: "conv", op: .conv(conv))]
        p.inputs = [input]
        p.outputs = [output]
        let x = (0..<(c.h * c.w * c.cin)).map { _ in Int32(saturating ? (rng.next() % 2 == 0 ? xf.maxInt : xf.minInt) : rng.int(xf.minInt, xf.maxInt)) }
        return (p, x)
    }

    func expectIdentical(_ got: [Int32], _ want: [Int32], shape: [Int], _ label: String) {
        #expect(got.count == want.count, "\(label): \(got.count) values, expected \(want.count)")
        guard let first = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 }) else { return }
        let c = shape.last!, w = shape.count > 2 ? shape[shape.count - 2] : 1
        let i = first.offset
        let mismatches = zip(got, want).filter { $0 != $1 }.count
        Issue.record("\(label): \(mismatches) mismatches; first at NHWC (h \(i / c / w), w \((i / c) % w), c \(i % c)): got \(first.element.0), expected \(first.element.1)")
    }

    @Test(arguments: convCases)
    func convMatchesOracle(_ c: ConvCase) {
        var rng = SeededRandom(seed: 11)
        for saturating in [false, true] {
            let (p, x) = program(c, rng: &rng, saturating: saturating)
            let got = Simulator(program: p).run([x])[0]
            expectIdentical(got, NaiveOracle.run(p, x), shape: p.tensors[1].shape, "\(c.testDescription)\(saturating ? " saturating" : "")")
        }
    }

    @Test func denseMatchesOracleIncludingInt64Accumulators() {
        var rng = SeededRandom(seed: 5)
        for (k, o, xBits, wBits) in [(17, 5, 8, 8), (300, 7, 4, 2), (1000, 3, 16, 16)] {
            for saturating in [false, true] {
                let xf = QFormat(bits: xBits, frac: 3), wf = QFormat(bits: wBits, frac: wBits - 1), yf = QFormat(bits: 8, frac: 2)
                var p = QProgram()
                let input = p.addTensor(QTensor(name: "x", shape: [1, k], format: xf))
                let output = p.addTensor(QTensor(name: "y", shape: [1, o], format: yf))
                let w = (0..<(k * o)).map { _ in Int32(saturating ? wf.maxInt : rng.int(wf.minInt, wf.maxInt)) }
                let bound = Int64(w.map { abs(Int64($0)) }.reduce(0, +)) * (Int64(1) << Int64(xBits - 1))
                let dense = QDense(input: input, output: output, inFeatures: k, outFeatures: o,
                                   weights: .fixed(FixedWeights(values: w, bits: wBits, fracs: [wf.frac])),
                                   bias: (0..<o).map { _ in rng.int(-5000, 5000) }, biasBits: 16,
                                   accumulator: bound > Int64(Int32.max) ? .int64 : .int32,
                                   requantize: Requantization(shifts: [xf.frac + wf.frac - yf.frac], clampMin: yf.minInt, clampMax: yf.maxInt))
                p.ops = [QNode(name: "dense", op: .dense(dense))]
                p.inputs = [input]
                p.outputs = [output]
                let x = (0..<k).map { _ in Int32(saturating ? xf.maxInt : rng.int(xf.minInt, xf.maxInt)) }
                expectIdentical(Simulator(program: p).run([x])[0], NaiveOracle.run(p, x), shape: [1, o], "dense k\(k) o\(o) x\(xBits) w\(wBits)")
            }
        }
    }

    @Test func poolsMatchOracle() {
        var rng = SeededRandom(seed: 3)
        // 3x3 windows (divisor 9, 6, 4 at the borders) exercise the reciprocal; 2x2 the shift.
        for (k, stride, pad, includePad) in [(3, 1, 1, false), (3, 2, 1, true), (2, 2, 0, false), (3, 3, 0, false)] {
            for isMax in [false, true] {
                let f = QFormat(bits: 8, frac: 4)
                var p = QProgram()
                let (h, w, c) = (7, 6, 3)
                let input = p.addTensor(QTensor(name: "x", shape: [1, h, w, c], format: f))
                let oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1
                let output = p.addTensor(QTensor(name: "y", shape: [1, oh, ow, c], format: f))
                let pool = QPool(input: input, output: output, kernelH: k, kernelW: k, strideH: stride, strideW: stride, dilationH: 1, dilationW: 1,
                                 padding: QPadding(top: pad, left: pad, bottom: pad, right: pad), countIncludePad: includePad)
                p.ops = [QNode(name: "pool", op: isMax ? .maxPool(pool) : .avgPool(pool))]
                p.inputs = [input]
                p.outputs = [output]
                let x = (0..<(h * w * c)).map { _ in Int32(rng.int(f.minInt, f.maxInt)) }
                expectIdentical(Simulator(program: p).run([x])[0], NaiveOracle.run(p, x), shape: [1, oh, ow, c], "\(isMax ? "max" : "avg")pool k\(k) s\(stride) p\(pad)")
            }
        }
        for isMax in [false, true] {
            let f = QFormat(bits: 16, frac: 9)
            var p = QProgram()
            let input = p.addTensor(QTensor(name: "x", shape: [1, 5, 5, 4], format: f))
            let output = p.addTensor(QTensor(name: "y", shape: [1, 1, 1, 4], format: f))
            p.ops = [QNode(name: "gp", op: isMax ? .globalMaxPool(QUnary(input: input, output: output)) : .globalAvgPool(QUnary(input: input, output: output)))]
            p.inputs = [input]
            p.outputs = [output]
            let x = (0..<100).map { _ in Int32(rng.int(f.minInt, f.maxInt)) }
            expectIdentical(Simulator(program: p).run([x])[0], NaiveOracle.run(p, x), shape: [1, 1, 1, 4], "global pool 5x5")
        }
    }

    @Test func elementwiseOpsMatchOracle() {
        var rng = SeededRandom(seed: 8)
        let fa = QFormat(bits: 8, frac: 5), fb = QFormat(bits: 12, frac: 9), fy = QFormat(bits: 8, frac: 4)
        for (subtract, perChannel) in [(false, false), (true, false), (false, true)] {
            var p = QProgram()
            let a = p.addTensor(QTensor(name: "a", shape: [1, 4, 4, 3], format: fa))
            let b = p.addTensor(QTensor(name: "b", shape: perChannel ? [3] : [1, 4, 4, 3], format: fb))
            let y = p.addTensor(QTensor(name: "y", shape: [1, 4, 4, 3], format: fy))
            p.ops = [QNode(name: "add", op: .add(QAdd(a: a, b: b, output: y, subtract: subtract, clampMin: 0, clampMax: fy.maxInt)))]
            let xa = (0..<48).map { _ in Int32(rng.int(fa.minInt, fa.maxInt)) }
            let xb = (0..<(perChannel ? 3 : 48)).map { _ in Int32(rng.int(fb.minInt, fb.maxInt)) }
            var t = [[Int32]](repeating: [], count: 3)
            t[a] = xa
            t[b] = xb
            p.inputs = [a, b]
            p.outputs = [y]
            let result = Simulator(program: p).run([xa, xb])[0]
            expectIdentical(result, NaiveOracle.execute(p.ops[0].op, t, p.tensors), shape: [1, 4, 4, 3], "add sub=\(subtract) broadcast=\(perChannel)")
        }
        // Concat with requantization of each input, clamp (ReLU6-style), and both table forms.
        var p = QProgram()
        let x1 = p.addTensor(QTensor(name: "x1", shape: [1, 2, 2, 3], format: QFormat(bits: 8, frac: 6)))
        let x2 = p.addTensor(QTensor(name: "x2", shape: [1, 2, 2, 2], format: QFormat(bits: 16, frac: 12)))
        let cat = p.addTensor(QTensor(name: "cat", shape: [1, 2, 2, 5], format: QFormat(bits: 8, frac: 4)))
        p.ops = [QNode(name: "concat", op: .concat(QConcat(inputs: [x1, x2], output: cat, axis: 3)))]
        p.inputs = [x1, x2]
        p.outputs = [cat]
        let v1 = (0..<12).map { _ in Int32(rng.int(-128, 127)) }, v2 = (0..<8).map { _ in Int32(rng.int(-32768, 32767)) }
        var t = [[Int32]](repeating: [], count: 3)
        t[x1] = v1
        t[x2] = v2
        expectIdentical(Simulator(program: p).run([v1, v2])[0], NaiveOracle.execute(p.ops[0].op, t, p.tensors), shape: [1, 2, 2, 5], "concat")

        for bits in [6, 12] {
            var q = QProgram()
            let inF = QFormat(bits: bits, frac: bits - 4), outF = QFormat(bits: 8, frac: 7)
            let input = q.addTensor(QTensor(name: "x", shape: [64], format: inF))
            let clamped = q.addTensor(QTensor(name: "c", shape: [64], format: QFormat(bits: 8, frac: 4)))
            let output = q.addTensor(QTensor(name: "y", shape: [64], format: outF))
            let entries = bits <= 10 ? 1 << bits : 1025
            let table = (0..<entries).map { _ in Int32(rng.int(-128, 127)) }
            q.ops = [QNode(name: "table", op: .table(QTable(input: input, output: output, function: "tanh", values: table))),
                     QNode(name: "clamp", op: .clamp(QClamp(input: input, output: clamped, clampMin: 0, clampMax: 96)))]
            q.inputs = [input]
            q.outputs = [output, clamped]
            let x = (0..<64).map { _ in Int32(rng.int(inF.minInt, inF.maxInt)) }
            let got = Simulator(program: q).run([x])
            var tt = [[Int32]](repeating: [], count: 3)
            tt[input] = x
            expectIdentical(got[0], NaiveOracle.execute(q.ops[0].op, tt, q.tensors), shape: [64], "table \(bits)-bit input")
            expectIdentical(got[1], NaiveOracle.execute(q.ops[1].op, tt, q.tensors), shape: [64], "clamp \(bits)-bit input")
        }
    }
}
