import FixedPoint
import FloatReference
import Foundation
import GraphIR
import Quantization

/// A fine-tuning problem phrased for the user.
public struct FineTuningError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The graph as the training engine runs it, one sample at a time: conv and dense layers by matrix
/// products over the weights being trained, every other op by the float reference, each planned
/// activation rounded to its format on the way (so the forward pass is the fake-quantized network
/// `FakeQuant` scores), and the gradients back from the logits to every layer's weights and bias.
final class TrainingNetwork: @unchecked Sendable {
    enum Step {
        case conv(layer: Int, ConvolutionShape)
        case dense(layer: Int)
        case activation(Activation)
        case pool(Pool2D, max: Bool)
        case reduce(Mean.Reduction, axes: [Int])
        /// With each output element's operand elements under broadcasting, found once.
        case binary(Binary, a: [Int], b: [Int])
        case softmax(log: Bool, depth: Int)
        case maxMin(minimum: Bool, a: [Int], b: [Int])
        /// Data movement (reshape, transpose, pad, slices, concat): each output element's source in
        /// the inputs laid end to end, −1 for a constant.
        case gather(sources: [Int32])
    }

    let graph: Graph
    let reference: Interpreter
    let steps: [Step]
    /// The nodes run: all of them, or all but a trailing softmax (its input is the logits).
    let nodeCount: Int
    let logits: ValueID
    /// Node index of each conv and dense layer, in graph order.
    let layerNodes: [Int]
    /// The format each value is rounded to (graph inputs as samples are, half away from zero).
    let formats: [Int: QFormat]
    /// Every value's constant data, by value index, taken once (each sample starts from a copy).
    private let constants: [[Float]?]

    init(graph: Graph, formats: [Int: QFormat]) throws {
        guard graph.outputs.count == 1, graph.shape(graph.outputs[0]).reduce(1, *) >= 2 else {
            throw FineTuningError("fine-tuning needs a classifier: one output with a score per class")
        }
        self.graph = graph
        self.formats = formats
        reference = try Interpreter(graph: graph)
        constants = graph.values.map { $0.constant?.floats }
        var count = graph.nodes.count
        var logits = graph.outputs[0]
        if let last = graph.nodes.last, last.outputs[0] == graph.outputs[0], case .softmax(let softmax) = last.op, !softmax.log {
            count -= 1
            logits = last.inputs[0]
        }
        nodeCount = count
        self.logits = logits
        var steps = [Step](), layers = [Int](), unsupported = [String]()
        for index in 0..<count {
            let node = graph.nodes[index]
            if let step = try Self.step(for: node, index: index, graph: graph, reference: reference, layer: layers.count) {
                if case .conv = step { layers.append(index) }
                if case .dense = step { layers.append(index) }
                steps.append(step)
            } else {
                unsupported.append("\(node.name) (\(node.op.kind))")
                steps.append(.gather(sources: []))
            }
        }
        guard unsupported.isEmpty else {
            throw FineTuningError("fine-tuning cannot differentiate \(unsupported.count == 1 ? "this op" : "these ops") yet: "
                                  + unsupported.joined(separator: ", "))
        }
        self.steps = steps
        layerNodes = layers
    }

    private static func step(for node: Node, index: Int, graph: Graph, reference: Interpreter, layer: Int) throws -> Step? {
        let inShape = graph.shape(node.inputs[0]), outShape = graph.shape(node.outputs[0])
        switch node.op {
        case .conv2d(let conv):
            guard let w = graph.constant(node.inputs[1]), inShape.count == 4, inShape[0] == 1 else { return nil }
            return .conv(layer: layer, ConvolutionShape(input: inShape, output: outShape, weight: w.shape, conv: conv))
        case .dense:
            return graph.isConstant(node.inputs[1]) ? .dense(layer: layer) : nil
        case .activation(let act): return .activation(act)
        case .maxPool2d(let pool): return inShape.count == 4 && inShape[0] == 1 ? .pool(pool, max: true) : nil
        case .avgPool2d(let pool): return inShape.count == 4 && inShape[0] == 1 ? .pool(pool, max: false) : nil
        case .globalAvgPool: return .reduce(.mean, axes: [1, 2])
        case .globalMaxPool: return .reduce(.max, axes: [1, 2])
        case .mean(let mean): return .reduce(mean.reduction, axes: mean.axes)
        case .binary(let binary):
            guard binary.op != .pow else { return nil }
            return .binary(binary, a: Gradients.broadcastSources(inShape, to: outShape),
                           b: Gradients.broadcastSources(graph.shape(node.inputs[1]), to: outShape))
        case .maxMin(let minimum):
            return .maxMin(minimum: minimum, a: Gradients.broadcastSources(inShape, to: outShape),
                           b: Gradients.broadcastSources(graph.shape(node.inputs[1]), to: outShape))
        case .softmax(let softmax):
            if softmax.coerceTo2D { return .softmax(log: softmax.log, depth: inShape[softmax.axis...].reduce(1, *)) }
            return softmax.axis == inShape.count - 1 ? .softmax(log: softmax.log, depth: inShape[softmax.axis]) : nil
        case .reshape, .transpose, .pad, .indexCopy, .concat:
            return probeSources(node, index: index, graph: graph, reference: reference).map { .gather(sources: $0) }
        case .gemm, .matMul, .prelu, .compare, .select, .squaredDifference, .l2Normalization, .resizeBilinear:
            return nil
        }
    }

    /// Where each output element of a data-movement op comes from, found by running the op on
    /// inputs that hold their own positions (plus a half, so a padding constant cannot pass for one).
    private static func probeSources(_ node: Node, index: Int, graph: Graph, reference: Interpreter) -> [Int32]? {
        var offset = 0
        let inputs = node.inputs.map { id -> [Float] in
            let count = graph.shape(id).reduce(1, *)
            defer { offset += count }
            return (0..<count).map { Float(offset + $0) + 0.5 }
        }
        guard offset < 1 << 22 else { return nil }
        return reference.output(ofNode: index, inputs: inputs).map { v in
            let position = v - 0.5
            return position == position.rounded() && position >= 0 && position < Float(offset) ? Int32(position) : -1
        }
    }

    /// What a forward pass keeps for the backward one.
    struct Tape {
        var values: [[Float]?]
        /// Conv, dense and binary outputs before their fused activation, by node index.
        var beforeActivation: [Int: [Float]] = [:]
        /// Values before rounding to their format, by value index.
        var beforeRounding: [Int: [Float]] = [:]
        var logits: [Float]
    }

    func forward(_ inputs: [[Float]], weights: [LayerWeights]) -> Tape {
        var values = constants
        var tape = Tape(values: [], logits: [])
        for (id, data) in zip(graph.inputs, inputs) {
            var data = data
            if let format = formats[id.index] { FakeQuant.round(&data, to: format, halfAwayFromZero: true) }
            values[id.index] = data
        }
        for index in 0..<nodeCount {
            let node = graph.nodes[index]
            let args = node.inputs.map { values[$0.index]! }
            var y: [Float]
            switch steps[index] {
            case .conv(let layer, let shape): y = LayerProducts.convForward(args[0], shape, weights[layer])
            case .dense(let layer): y = LayerProducts.denseForward(args[0], weights[layer])
            case .binary(let binary, let ia, let ib):
                y = (0..<ia.count).map { i in
                    let (a, b) = (args[0][ia[i]], args[1][ib[i]])
                    switch binary.op {
                    case .add: return a + b
                    case .sub: return a - b
                    case .mul: return a * b
                    case .div: return a / b
                    case .pow: return Foundation.powf(a, b)
                    }
                }
            default: y = reference.output(ofNode: index, inputs: args)
            }
            if let act = node.op.fusedActivation, isWeightedOrBinary(steps[index]) {
                tape.beforeActivation[index] = y
                Interpreter.activate(act, &y)
            }
            let out = node.outputs[0]
            if let format = formats[out.index] {
                tape.beforeRounding[out.index] = y
                FakeQuant.round(&y, to: format, halfAwayFromZero: false)
            }
            values[out.index] = y
        }
        tape.logits = values[logits.index]!
        tape.values = values
        return tape
    }

    private func isWeightedOrBinary(_ step: Step) -> Bool {
        switch step {
        case .conv, .dense, .binary: return true
        default: return false
        }
    }

    /// Adds this sample's weight and bias gradients (from dL/dlogits) to `dW` and `dB`.
    func backward(_ tape: Tape, dLogits: [Float], weights: [LayerWeights], dW: inout [[Float]], dB: inout [[Float]]) {
        var grads = [[Float]?](repeating: nil, count: graph.values.count)
        grads[logits.index] = dLogits
        func accumulate(_ id: ValueID, _ g: [Float]) {
            guard !graph.isConstant(id) else { return }
            if var existing = grads[id.index] {
                for i in existing.indices { existing[i] += g[i] }
                grads[id.index] = existing
            } else {
                grads[id.index] = g
            }
        }
        for index in stride(from: nodeCount - 1, through: 0, by: -1) {
            let node = graph.nodes[index]
            let out = node.outputs[0]
            guard var g = grads[out.index] else { continue }
            grads[out.index] = nil
            // Rounding: straight through inside the format's range, nothing where it saturated.
            if let before = tape.beforeRounding[out.index], let format = formats[out.index] {
                let step = Float(pow(2, Double(-format.frac)))
                let lo = (Float(format.minInt) - 0.5) * step, hi = (Float(format.maxInt) + 0.5) * step
                for i in g.indices where before[i] < lo || before[i] > hi { g[i] = 0 }
            }
            if let z = tape.beforeActivation[index], let act = node.op.fusedActivation {
                var y = z
                Interpreter.activate(act, &y)
                g = Gradients.activation(act, x: z, y: y, dy: g)
            }
            let x = tape.values[node.inputs[0].index]!
            let y = tape.values[out.index]!
            switch steps[index] {
            case .conv(let layer, let shape):
                accumulate(node.inputs[0], LayerProducts.convBackward(x, g, shape, weights[layer], dW: &dW[layer], dB: &dB[layer]))
            case .dense(let layer):
                accumulate(node.inputs[0], LayerProducts.denseBackward(x, g, weights[layer], dW: &dW[layer], dB: &dB[layer]))
            case .activation(let act):
                // y was rounded; the derivative wants the activation's own output.
                var exact = x
                Interpreter.activate(act, &exact)
                accumulate(node.inputs[0], Gradients.activation(act, x: x, y: exact, dy: g))
            case .pool(let pool, let isMax):
                var exact = y
                if isMax, tape.beforeRounding[out.index] != nil { exact = reference.output(ofNode: index, inputs: [x]) }
                accumulate(node.inputs[0], Gradients.pool(pool, x: x, inShape: graph.shape(node.inputs[0]), y: exact,
                                                          outShape: graph.shape(out), dy: g, max: isMax))
            case .reduce(let reduction, let axes):
                let exact = reduction == .max ? reference.output(ofNode: index, inputs: [x]) : y
                accumulate(node.inputs[0], Gradients.reduce(reduction, axes: axes, x: x, shape: graph.shape(node.inputs[0]), y: exact, dy: g))
            case .binary(let binary, let ia, let ib):
                let (da, db) = Gradients.binary(binary.op, a: x, sourcesA: ia, b: tape.values[node.inputs[1].index]!, sourcesB: ib, dy: g)
                accumulate(node.inputs[0], da)
                accumulate(node.inputs[1], db)
            case .maxMin(let minimum, let ia, let ib):
                let b = tape.values[node.inputs[1].index]!
                var da = [Float](repeating: 0, count: x.count), db = [Float](repeating: 0, count: b.count)
                for i in g.indices {
                    let first = minimum ? !(x[ia[i]] > b[ib[i]]) : !(x[ia[i]] < b[ib[i]])
                    if first { da[ia[i]] += g[i] } else { db[ib[i]] += g[i] }
                }
                accumulate(node.inputs[0], da)
                accumulate(node.inputs[1], db)
            case .softmax(let log, let depth):
                let exact = tape.beforeRounding[out.index] ?? y
                accumulate(node.inputs[0], Gradients.softmax(log: log, y: exact, dy: g, depth: depth))
            case .gather(let sources):
                var offset = 0
                for id in node.inputs {
                    let count = graph.shape(id).reduce(1, *)
                    if !graph.isConstant(id) {
                        var dx = [Float](repeating: 0, count: count)
                        for i in g.indices {
                            let s = Int(sources[i]) - offset
                            if s >= 0, s < count { dx[s] += g[i] }
                        }
                        accumulate(id, dx)
                    }
                    offset += count
                }
            }
        }
    }
}
