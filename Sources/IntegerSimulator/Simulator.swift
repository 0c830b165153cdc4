import Dispatch
import FixedPoint
import Foundation
import QuantizedIR

/// Bit-exact Swift interpreter of a `QProgram`: the executable specification of `runtime_c/`.
/// Tensors are held as Int32 arrays of their integer values.
public final class Simulator: Sendable {
    public let program: QProgram
    private let packed: [PackedIntWeights?]

    public init(program: QProgram) {
        self.program = program
        packed = program.ops.map { node in
            switch node.op {
            // Signed digits compute the same sums Σ x·q with shifts: one path serves both encodings.
            case .conv(let c):
                return PackedIntWeights(conv: c, values: c.weights.integerValues)
            case .dense(let d):
                return PackedIntWeights(dense: d, values: d.weights.integerValues)
            default:
                return nil
            }
        }
    }

    /// Runs one sample (integer inputs in the input tensors' formats); returns every tensor.
    public func evaluate(_ inputs: [[Int32]]) -> [[Int32]] {
        var tensors = [[Int32]](repeating: [], count: program.tensors.count)
        for (id, tensor) in program.tensors.enumerated() where tensor.constant != nil { tensors[id] = tensor.constant! }
        for (id, data) in zip(program.inputs, inputs) { tensors[id] = data }
        for (index, node) in program.ops.enumerated() {
            tensors[node.op.output] = execute(node.op, tensors, packed[index])
        }
        return tensors
    }

    public func run(_ inputs: [[Int32]]) -> [[Int32]] {
        let all = evaluate(inputs)
        return program.outputs.map { all[$0] }
    }

    /// Float values per sample: every input's, one after another (the bundle's `model_quantize_input` reads the same).
    public var sampleSize: Int { program.inputs.reduce(0) { $0 + program.tensors[$1].count } }

    /// Sample `index` of contiguous float samples, each input in its own format (the C twin is the
    /// bundle's `model_quantize_input`).
    public func quantizeInputs(_ samples: [Float], index: Int) -> [[Int32]] {
        var start = index * sampleSize
        return program.inputs.map { id in
            let input = program.tensors[id]
            defer { start += input.count }
            return samples[start..<(start + input.count)].map { Int32(input.quantize(Double($0))) }
        }
    }

    /// The quantized inputs of sample `index`, one after another.
    public func quantizeInput(_ samples: [Float], index: Int) -> [Int32] {
        quantizeInputs(samples, index: index).flatMap { $0 }
    }

    /// Quantizes float samples to the input formats, runs them in parallel, and returns the first
    /// output of each as integers, or with `allOutputs` every output one after another.
    public func runMany(samples: [Float], count: Int, allOutputs: Bool = false) -> [[Int32]] {
        let results = Slots<[Int32]>(count: count)
        let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                let outputs = self.run(self.quantizeInputs(samples, index: i))
                results.set(i, allOutputs ? outputs.flatMap { $0 } : outputs[0])
                i += workers
            }
        }
        return results.values
    }

    /// Real values of an output tensor.
    public func dequantize(_ values: [Int32], tensor: Int) -> [Float] {
        let t = program.tensors[tensor]
        return values.map { Float(t.dequantize(Int64($0))) }
    }

    private func execute(_ op: QOp, _ t: [[Int32]], _ weights: PackedIntWeights?) -> [Int32] {
        let tensors = program.tensors
        switch op {
        case .conv(let c):
            return convolve(c, input: t[c.input], inShape: tensors[c.input].shape, outShape: tensors[c.output].shape,
                            weights: weights!, outBits: tensors[c.output].format.bits)
        case .dense(let d):
            return denseLayer(d, input: t[d.input], weights: weights!, outBits: tensors[d.output].format.bits)
        case .maxPool(let p):
            return pool(p, input: t[p.input], from: tensors[p.input].format, inShape: tensors[p.input].shape,
                        to: tensors[p.output].format, outShape: tensors[p.output].shape, max: true)
        case .avgPool(let p):
            return pool(p, input: t[p.input], from: tensors[p.input].format, inShape: tensors[p.input].shape,
                        to: tensors[p.output].format, outShape: tensors[p.output].shape, max: false)
        case .globalAvgPool(let u):
            return globalPool(t[u.input], from: tensors[u.input].format, shape: tensors[u.input].shape, to: tensors[u.output].format, max: false)
        case .globalMaxPool(let u):
            return globalPool(t[u.input], from: tensors[u.input].format, shape: tensors[u.input].shape, to: tensors[u.output].format, max: true)
        case .add(let a):
            return add(a, t[a.a], tensors[a.a].format, t[a.b], tensors[a.b].format, tensors[a.output].format)
        case .mul(let m):
            return mul(m, t[m.a], tensors[m.a].format, t[m.b], tensors[m.b].format, tensors[m.output].format)
        case .maxMin(let m):
            return maxMin(m, t[m.a], tensors[m.a].format, t[m.b], tensors[m.b].format, tensors[m.output].format)
        case .concat(let c):
            return concat(c, t, tensors)
        case .pad(let p):
            return pad(p, t[p.input], inShape: tensors[p.input].shape, outShape: tensors[p.output].shape)
        case .reshape(let u):
            return t[u.input]
        case .transpose(let tr):
            return transpose(t[tr.input], shape: tensors[tr.input].shape, perm: tr.perm)
        case .indexCopy(let c):
            return indexCopy(t[c.input], offsets: c.offsets)
        case .clamp(let c):
            let fin = tensors[c.input].format, fout = tensors[c.output].format
            return t[c.input].map { requantize(Int64($0), shift: fin.frac - fout.frac, bits: fout.bits, clampMin: c.clampMin, clampMax: c.clampMax) }
        case .table(let table):
            return lookup(table, t[table.input], format: tensors[table.input].format)
        case .affineAdd(let a):
            return affineAdd(a, t[a.a], t[a.b])
        case .affineMul(let m):
            return affineMul(m, t[m.a], t[m.b])
        case .affineMean(let m):
            return affineMean(m, t[m.input], shape: tensors[m.input].shape)
        case .affineSquaredDifference(let a):
            return affineSquaredDifference(a, t[a.a], t[a.b])
        case .affineL2Normalization(let l):
            return affineL2Normalization(l, t[l.input], depth: tensors[l.input].shape.last!)
        case .affineDiv(let m):
            let (a, b) = (t[m.a], t[m.b])
            return a.indices.map { i in
                Affine.divide(a[i], by: b[i % b.count], aOffset: m.aOffset, bOffset: m.bOffset, outputOffset: m.outputOffset,
                              multiplier: m.multiplier, shift: m.shift, clampMin: m.clampMin, clampMax: m.clampMax)
            }
        case .affineCompare(let c):
            let (a, b) = (t[c.a], t[c.b])
            func scaled(_ v: Int32, _ offset: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
                Affine.multiplyByQuantizedMultiplier((v + offset) << 8, multiplier, shift)
            }
            return a.indices.map { i in
                c.holds(scaled(a[i], c.aOffset, c.aMultiplier, c.aShift), scaled(b[i % b.count], c.bOffset, c.bMultiplier, c.bShift)) ? 1 : 0
            }
        case .select(let s):
            let (condition, a, b) = (t[s.condition], t[s.a], t[s.b])
            return (0..<tensors[s.output].count).map { i in condition[i % condition.count] != 0 ? a[i % a.count] : b[i % b.count] }
        case .affinePRelu(let r):
            return affinePRelu(r, t[r.input])
        case .resizeBilinear(let r):
            return resizeBilinear(r, t[r.input], inShape: tensors[r.input].shape, outShape: tensors[r.output].shape)
        case .logSoftmax(let s):
            let depth = max(tensors[s.input].shape.last ?? 1, 1)
            return stride(from: 0, to: t[s.input].count, by: depth).flatMap { start in
                Affine.logSoftmax(Array(t[s.input][start..<(start + depth)]), multiplier: s.multiplier, leftShift: s.leftShift,
                                  reverseMultiplier: s.reverseMultiplier, reverseShift: s.reverseShift, diffMin: s.diffMin)
            }
        case .softmax(let s):
            return softmax(s, t[s.input], depth: tensors[s.input].shape.last ?? 1)
        }
    }
}

/// Write-once result slots filled concurrently, one index per writer.
public final class Slots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutablePointer<T?>
    private let count: Int
    public init(count: Int) {
        self.count = count
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil, count: count)
    }
    deinit {
        buffer.deinitialize(count: count)
        buffer.deallocate()
    }
    public func set(_ index: Int, _ value: T) { buffer[index] = value }
    public var values: [T] { (0..<count).map { buffer[$0]! } }
}
