import FixedPoint
import QuantizedIR

/// The value ranges `runtime_c/include/qc_kernels.h` states for kernel parameters, checked on the
/// whole program before a bundle is written, so no bundle shifts by more than its type's width,
/// indexes past a table or stores a constant its C type cannot hold. A program that breaks one
/// came from a model the importer should have refused; the error names the layer and the field.
public enum KernelContract {
    /// int8-affine rescalings (qc_mbqm, qc_mbqm_single): multiplier ≥ 0, shift −31…30.
    public static let affineShifts = -31...30
    /// TFLite's ADD rescales inputs shifted left by 20 bits; offsets are negated int8 zero points.
    public static let addLeftShifts = 0...20
    public static let int8Range: ClosedRange<Int64> = -128...127
    public static let formatBits = 2...16

    public static func check(_ program: QProgram) throws {
        for tensor in program.tensors where !formatBits.contains(tensor.format.bits) {
            throw EmitError("tensor '\(tensor.name)': \(tensor.format.bits) bits is outside \(formatBits.lowerBound)…\(formatBits.upperBound)")
        }
        for node in program.ops {
            func fail(_ what: String) -> EmitError { EmitError("layer '\(node.name)': \(what) (kernel contract in qc_kernels.h)") }
            func bits(_ t: Int) -> Int { program.tensors[t].format.bits }
            func within(_ v: Int64, bitsOf t: Int) -> Bool { QFormat(bits: bits(t), frac: 0).minInt <= v && v <= QFormat(bits: bits(t), frac: 0).maxInt }
            switch node.op {
            case .conv(let c):
                try checkWeighted(c.weights, bias: c.bias, accumulator: c.accumulator, requantize: c.requantize, channels: c.outChannels, fail: fail)
            case .dense(let d):
                try checkWeighted(d.weights, bias: d.bias, accumulator: d.accumulator, requantize: d.requantize, channels: d.outFeatures, fail: fail)
            case .pad(let p):
                guard within(p.value, bitsOf: p.output) else { throw fail("pad value \(p.value) does not fit \(bits(p.output)) bits") }
            case .indexCopy(let c):
                let reach = c.offsets.reduce(0) { $0 + ($1.max() ?? 0) }
                guard c.offsets.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0 } }), reach < program.tensors[c.input].count,
                      c.offsets.reduce(1, { $0 * $1.count }) == program.tensors[c.output].count, bits(c.input) == bits(c.output) else {
                    throw fail("copy reads outside its input, or does not fill its output in the same storage")
                }
            case .table(let t):
                let inBits = bits(t.input)
                let expected = inBits <= QTable.directBits ? 1 << inBits : (1 << QTable.directBits) + 1
                guard t.values.count == expected else { throw fail("table of \(t.values.count) entries for \(inBits)-bit inputs (\(expected))") }
                guard t.values.allSatisfy({ within(Int64($0), bitsOf: t.output) }) else { throw fail("table entry beyond \(bits(t.output)) bits") }
            case .affineAdd(let a):
                for (name, m, s) in [("a", a.aMultiplier, a.aShift), ("output", a.outputMultiplier, a.outputShift)] {
                    guard m >= 0, affineShifts.contains(s) else { throw fail("\(name) rescaling (\(m), \(s)) outside multiplier ≥ 0, shift −31…30") }
                }
                // A subtraction negates b's multiplier (TFLite's SUB).
                guard a.bMultiplier > Int32.min, affineShifts.contains(a.bShift) else {
                    throw fail("b rescaling (\(a.bMultiplier), \(a.bShift)) outside multiplier > −2^31, shift −31…30")
                }
                guard addLeftShifts.contains(a.leftShift) else { throw fail("left shift \(a.leftShift) outside 0…20") }
                for offset in [a.aOffset, a.bOffset] where !(-127...128).contains(offset) { throw fail("input offset \(offset) outside −127…128") }
                guard int8Range.contains(Int64(a.outputOffset)) else { throw fail("output offset \(a.outputOffset) is no int8") }
            case .affineCompare(let c):
                for (m, s) in [(c.aMultiplier, c.aShift), (c.bMultiplier, c.bShift)] where m < 0 || !(-31...0).contains(s) {
                    throw fail("rescaling (\(m), \(s)) outside multiplier ≥ 0, shift −31…0")
                }
                for offset in [c.aOffset, c.bOffset] where !(-127...128).contains(offset) { throw fail("input offset \(offset) outside −127…128") }
            case .select(let s):
                let n = program.tensors[s.output].count
                for x in [s.condition, s.a, s.b] where bits(x) != 8 || n % max(program.tensors[x].count, 1) != 0 {
                    throw fail("a selection over \(n) values reads \(program.tensors[x].count) of \(bits(x)) bits")
                }
            case .affineDiv(let m):
                // The quotient's rounding exponent stays within 0…63 for shifts −24…23.
                guard m.multiplier >= 0, (-24...23).contains(m.shift) else { throw fail("rescaling (\(m.multiplier), \(m.shift)) outside multiplier ≥ 0, shift −24…23") }
                for offset in [m.aOffset, m.bOffset] where !(-127...128).contains(offset) { throw fail("input offset \(offset) outside −127…128") }
                guard int8Range.contains(Int64(m.outputOffset)) else { throw fail("output offset \(m.outputOffset) is no int8") }
            case .affineMul(let m):
                guard m.multiplier >= 0, affineShifts.contains(m.shift) else { throw fail("rescaling (\(m.multiplier), \(m.shift)) outside multiplier ≥ 0, shift −31…30") }
                for offset in [m.aOffset, m.bOffset] where !(-127...128).contains(offset) { throw fail("input offset \(offset) outside −127…128") }
                guard int8Range.contains(Int64(m.outputOffset)) else { throw fail("output offset \(m.outputOffset) is no int8") }
            case .affineMean(let m):
                let shape = program.tensors[m.input].shape
                guard shape.count == 4, (1...(1 << 23)).contains(shape[1] * shape[2]) else { throw fail("mean over \(shape) (1…2^23 positions)") }
                guard m.multiplier >= 0, affineShifts.contains(m.shift) else { throw fail("rescaling (\(m.multiplier), \(m.shift)) outside multiplier ≥ 0, shift −31…30") }
                guard int8Range.contains(Int64(m.inputZeroPoint)), int8Range.contains(Int64(m.outputZeroPoint)) else { throw fail("zero points are no int8") }
            case .logSoftmax(let s):
                guard s.multiplier >= 0, (1...30).contains(s.leftShift), s.reverseMultiplier >= 0, (-31...0).contains(s.reverseShift),
                      s.diffMin <= 0 else {
                    throw fail("log-softmax scaling (\(s.multiplier), \(s.leftShift), \(s.reverseMultiplier), \(s.reverseShift)) outside its ranges")
                }
            case .softmax(let s):
                guard s.multiplier > 0, (0...30).contains(s.leftShift), s.diffMin <= 0 else {
                    throw fail("softmax scaling (\(s.multiplier), \(s.leftShift), \(s.diffMin)) outside multiplier > 0, left shift 0…30")
                }
            case .affineSquaredDifference(let a):
                // The squared difference stays within int32 when both input rescalings are at most 1/2.
                for (name, m, s) in [("a", a.aMultiplier, a.aShift), ("b", a.bMultiplier, a.bShift)] {
                    guard m >= 0, (-31...0).contains(s), s < 0 || m <= 1 << 30 else { throw fail("\(name) rescaling (\(m), \(s)) beyond 1/2") }
                }
                guard a.outputMultiplier >= 0, affineShifts.contains(a.outputShift), a.leftShift == 7 else {
                    throw fail("output rescaling (\(a.outputMultiplier), \(a.outputShift)) or left shift \(a.leftShift) outside TFLite's")
                }
                for offset in [a.aOffset, a.bOffset] where !(-127...128).contains(offset) { throw fail("input offset \(offset) outside −127…128") }
                guard int8Range.contains(Int64(a.outputOffset)) else { throw fail("output offset \(a.outputOffset) is no int8") }
            case .affineL2Normalization(let l):
                let depth = program.tensors[l.input].shape.last ?? 0
                guard (1...(1 << 15)).contains(depth), (-128...127).contains(l.inputZeroPoint) else {
                    throw fail("L2 normalization over \(depth) values (1…32768) or zero point \(l.inputZeroPoint)")
                }
            case .affinePRelu(let r):
                for (name, m, s) in [("positive", r.positiveMultiplier, r.positiveShift), ("negative", r.negativeMultiplier, r.negativeShift)] {
                    guard m >= 0, affineShifts.contains(s) else { throw fail("\(name) rescaling (\(m), \(s)) outside multiplier ≥ 0, shift −31…30") }
                }
                for offset in [r.inputOffset, r.alphaOffset] where !(-127...128).contains(offset) { throw fail("offset \(offset) outside −127…128") }
                guard int8Range.contains(Int64(r.outputOffset)), r.alpha.allSatisfy({ int8Range.contains(Int64($0)) }), !r.alpha.isEmpty else {
                    throw fail("output offset or slopes are no int8")
                }
            case .resizeBilinear(let r):
                let (x, y) = (program.tensors[r.input].shape, program.tensors[r.output].shape)
                guard x.count == 4, y.count == 4, (x[1...2] + y[1...2]).allSatisfy({ (1...4096).contains($0) }),
                      [r.heightScale, r.widthScale].allSatisfy({ (1...(1 << 22)).contains($0) }), bits(r.input) == 8, bits(r.output) == 8 else {
                    throw fail("resize of \(x) to \(y) by (\(r.heightScale), \(r.widthScale))/1024 outside sizes 1…4096, scales 1…2^22, int8")
                }
            case .maxMin(let m):
                // The kernel aligns the operands by left shifts of at most 31 (qc_kernels.h).
                let frac = max(program.tensors[m.a].format.frac, program.tensors[m.b].format.frac)
                for x in [m.a, m.b] where frac - program.tensors[x].format.frac > 31 {
                    throw fail("operand formats \(program.tensors[m.a].format) and \(program.tensors[m.b].format) differ by more than 31 fractional bits")
                }
            case .maxPool, .avgPool, .globalAvgPool, .globalMaxPool, .add, .mul, .concat, .reshape, .transpose, .clamp:
                break
            }
        }
    }

    static func checkWeighted(_ weights: WeightEncoding, bias: [Int64], accumulator: AccumulatorWidth, requantize r: Requantization,
                              channels: Int, fail: (String) -> EmitError) throws {
        guard r.shifts.count == 1 || r.shifts.count == channels else { throw fail("\(r.shifts.count) shifts for \(channels) channels") }
        guard bias.count == channels else { throw fail("\(bias.count) biases for \(channels) channels") }
        if accumulator == .int32, let b = bias.first(where: { Int32(exactly: $0) == nil }) { throw fail("bias \(b) does not fit a 32-bit accumulator") }
        if case .fixed(let w) = weights {
            let limit = QFormat(bits: w.bits, frac: 0)
            guard formatBits.contains(w.bits) else { throw fail("\(w.bits)-bit weights") }
            if let v = w.values.first(where: { Int64($0) < limit.minInt || Int64($0) > limit.maxInt }) { throw fail("weight \(v) beyond \(w.bits) bits") }
        }
        guard let affine = r.affine else { return }
        guard affine.multipliers.count == r.shifts.count else { throw fail("\(affine.multipliers.count) multipliers for \(r.shifts.count) shifts") }
        if let s = r.shifts.first(where: { !affineShifts.contains($0) }) { throw fail("rescaling shift \(s) is outside −31…30") }
        if let m = affine.multipliers.first(where: { $0 < 0 }) { throw fail("multiplier \(m) is negative") }
        guard int8Range.contains(Int64(affine.outputZeroPoint)) else { throw fail("output zero point \(affine.outputZeroPoint) is no int8") }
    }
}
