import Foundation
import Dispatch
import GraphIR

/// Float32 interpreter of a GraphIR graph: the reference every quantized result is compared with.
///
/// Constant weights are packed once at construction; `run` allocates one buffer per node output
/// and nothing per element. `runMany` spreads samples over all cores.
public final class Interpreter: Sendable {
    public let graph: Graph
    private let prepared: [PreparedWeights?]

    public init(graph: Graph) throws {
        try Verifier.verify(graph)
        self.graph = graph
        prepared = graph.nodes.map { node in
            switch node.op {
            case .conv2d(let conv):
                guard let w = graph.constant(node.inputs[1]) else { return nil }
                return .conv(PackedConvWeights(weight: w.floats, shape: w.shape, groups: conv.groups))
            case .dense:
                guard let w = graph.constant(node.inputs[1]) else { return nil }
                return .dense(PackedDenseWeights(weight: w.floats, shape: w.shape))
            default:
                return nil
            }
        }
    }

    /// Called on every graph input and node output as it is produced; may rewrite the values
    /// (the quantizer uses it to simulate fixed-point formats, and to record statistics).
    public typealias Transform = @Sendable (ValueID, inout [Float]) -> Void

    /// Runs one sample; `inputs` follow `graph.inputs`. Returns the graph outputs.
    public func run(_ inputs: [[Float]], transform: Transform? = nil) throws -> [[Float]] {
        let values = try evaluate(inputs, transform: transform)
        return graph.outputs.map { values[$0.index]! }
    }

    /// Runs one sample and returns every value of the graph (inputs, constants and node outputs),
    /// indexed by `ValueID.index`: what calibration reads.
    public func evaluate(_ inputs: [[Float]], transform: Transform? = nil) throws -> [[Float]?] {
        guard inputs.count == graph.inputs.count else {
            throw GraphError("the model takes \(graph.inputs.count) inputs, got \(inputs.count)")
        }
        var values = [[Float]?](repeating: nil, count: graph.values.count)
        for (index, value) in graph.values.enumerated() {
            if let constant = value.constant { values[index] = constant.floats }
        }
        for (id, data) in zip(graph.inputs, inputs) {
            guard data.count == graph.shape(id).elementCount else {
                throw GraphError("input '\(graph[id].name)' needs \(graph.shape(id).elementCount) values, got \(data.count)")
            }
            var data = data
            transform?(id, &data)
            values[id.index] = data
        }
        for (index, node) in graph.nodes.enumerated() {
            let args = node.inputs.map { values[$0.index]! }
            var result = execute(node, args, prepared[index])
            transform?(node.outputs[0], &result)
            values[node.outputs[0].index] = result
        }
        return values
    }

    /// One node's output from its inputs' values: the training engine computes the forward pass of
    /// every op without weights with this, so its gradients are those of the reference itself.
    public func output(ofNode index: Int, inputs: [[Float]]) -> [Float] {
        execute(graph.nodes[index], inputs, prepared[index])
    }

    /// An activation applied in place, as the reference applies it.
    public static func activate(_ activation: Activation, _ values: inout [Float]) { apply(activation, to: &values) }

    /// Values per sample: every input's, one after another.
    public var sampleSize: Int { graph.inputs.reduce(0) { $0 + graph.shape($1).elementCount } }

    /// The inputs of sample `index` of samples stored contiguously, each `sampleSize` values.
    public func inputs(of samples: [Float], index: Int) -> [[Float]] {
        var start = index * sampleSize
        return graph.inputs.map { id in
            let size = graph.shape(id).elementCount
            defer { start += size }
            return Array(samples[start..<(start + size)])
        }
    }

    /// Runs `count` samples stored contiguously in `samples`, in parallel, and returns the first
    /// output of each, or with `allOutputs` every output one after another.
    public func runMany(samples: [Float], count: Int, transform: Transform? = nil, allOutputs: Bool = false) throws -> [[Float]] {
        guard samples.count >= count * sampleSize else { throw GraphError("not enough sample data") }
        let results = ResultSlots<[Float]>(count: count)
        let workers = Swift.max(1, Swift.min(count, System.coreCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                let outputs = (try? self.run(self.inputs(of: samples, index: i), transform: transform)) ?? []
                results.set(i, allOutputs ? outputs.flatMap { $0 } : outputs.first ?? [])
                i += workers
            }
        }
        return results.values
    }

    private func execute(_ node: Node, _ args: [[Float]], _ weights: PreparedWeights?) -> [Float] {
        let inShapes = node.inputs.map { graph.shape($0) }
        let outShape = graph.shape(node.outputs[0])
        switch node.op {
        case .conv2d(let conv):
            let packed: PackedConvWeights
            if case .conv(let p)? = weights { packed = p } else {
                packed = PackedConvWeights(weight: args[1], shape: inShapes[1], groups: conv.groups)
            }
            let x = conv.hybrid?.rounded(args[0], groupSize: inShapes[0].dropFirst().reduce(1, *)) ?? args[0]
            return conv2d(x, shape: inShapes[0], weights: packed, bias: args.count > 2 ? args[2] : nil,
                          conv: conv, outShape: outShape)
        case .dense(let dense):
            let packed: PackedDenseWeights
            if case .dense(let p)? = weights { packed = p } else { packed = PackedDenseWeights(weight: args[1], shape: inShapes[1]) }
            let x = dense.hybrid?.rounded(args[0], groupSize: inShapes[1][1]) ?? args[0]
            var y = denseLayer(x, weights: packed, bias: args.count > 2 ? args[2] : nil)
            if let act = dense.activation { apply(act, to: &y) }
            return y
        case .gemm(let gemm):
            return gemmLayer(args, shapes: inShapes, gemm: gemm, outShape: outShape)
        case .matMul:
            return matMul(args[0], inShapes[0], args[1], inShapes[1], outShape: outShape)
        case .maxPool2d(let pool):
            return pool2d(args[0], shape: inShapes[0], pool: pool, outShape: outShape, max: true)
        case .avgPool2d(let pool):
            return pool2d(args[0], shape: inShapes[0], pool: pool, outShape: outShape, max: false)
        case .globalAvgPool:
            return globalPool(args[0], shape: inShapes[0], max: false)
        case .globalMaxPool:
            return globalPool(args[0], shape: inShapes[0], max: true)
        case .mean(let mean):
            return reduce(args[0], shape: inShapes[0], axes: mean.axes, reduction: mean.reduction)
        case .activation(let act):
            var y = args[0]
            apply(act, to: &y)
            return y
        case .prelu:
            let slope = broadcastData(args[1], shape: inShapes[1], to: outShape)
            return zip(args[0], slope).map { $0 < 0 ? $0 * $1 : $0 }
        case .softmax(let softmax):
            return softmaxLayer(args[0], shape: inShapes[0], softmax: softmax)
        case .binary(let binary):
            var y = elementwise(binary.op, args[0], inShapes[0], args[1], inShapes[1], outShape: outShape)
            if let act = binary.activation { apply(act, to: &y) }
            return y
        case .compare(let op):
            let a = broadcastData(args[0], shape: inShapes[0], to: outShape), b = broadcastData(args[1], shape: inShapes[1], to: outShape)
            return zip(a, b).map { op.holds($0, $1) ? 1 : 0 }
        case .select:
            let c = broadcastData(args[0], shape: inShapes[0], to: outShape)
            let a = broadcastData(args[1], shape: inShapes[1], to: outShape), b = broadcastData(args[2], shape: inShapes[2], to: outShape)
            return c.indices.map { c[$0] != 0 ? a[$0] : b[$0] }
        case .l2Normalization:
            // As the float models' form: the squares summed, floored at 1e-12, a reciprocal square root.
            let depth = inShapes[0].last!
            return stride(from: 0, to: args[0].count, by: max(depth, 1)).flatMap { start -> [Float] in
                let row = args[0][start..<(start + depth)]
                let inverse = 1 / max(row.reduce(0) { $0 + $1 * $1 }, 1e-12).squareRoot()
                return row.map { $0 * inverse }
            }
        case .squaredDifference:
            let a = broadcastData(args[0], shape: inShapes[0], to: outShape), b = broadcastData(args[1], shape: inShapes[1], to: outShape)
            return zip(a, b).map { ($0 - $1) * ($0 - $1) }
        case .maxMin(let minimum):
            // As the importers' select(a > b, a, b) and select(a < b, a, b): equal to the bit.
            let a = broadcastData(args[0], shape: inShapes[0], to: outShape), b = broadcastData(args[1], shape: inShapes[1], to: outShape)
            return zip(a, b).map { minimum ? ($0 < $1 ? $0 : $1) : ($0 > $1 ? $0 : $1) }
        case .concat(let axis):
            return concatenate(args, shapes: inShapes, axis: axis)
        case .reshape:
            return args[0]
        case .transpose(let perm):
            return transposeData(args[0], shape: inShapes[0], perm: perm)
        case .pad(let pad):
            return padded(args[0], shape: inShapes[0], pad: pad, outShape: outShape)
        case .indexCopy(let copy):
            return copy.apply(args[0])
        case .resizeBilinear(let resize):
            return resizeBilinear(args[0], shape: inShapes[0], resize)
        }
    }
}

enum PreparedWeights: Sendable {
    case conv(PackedConvWeights)
    case dense(PackedDenseWeights)
}

/// Write-once result slots filled concurrently, one index per writer (a raw buffer, so writers
/// to distinct indices never touch shared Swift state).
final class ResultSlots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil, count: count)
    }
    deinit {
        buffer.deinitialize(count: count)
        buffer.deallocate()
    }
    func set(_ index: Int, _ value: T) { buffer[index] = value }
    var values: [T] { (0..<count).map { buffer[$0]! } }
}

public enum System {
    /// Cores available to this process.
    public static var coreCount: Int { Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
