import FixedPoint
import GraphIR
import QuantizedIR

/// Which graph values carry a format of their own, which inherit one, and which ops the integer
/// program can express. Shared by planning, lowering and fake-quant simulation.
public struct QuantAnalysis: Sendable {
    /// Values that get a format of their own, in program order (inputs first).
    public var producers: [ValueID]
    /// Plan key of each producer (its name, disambiguated if the graph repeats names).
    public var keys: [ValueID: String]
    /// Value -> the producer or average whose format it shares (itself for producers and averages).
    public var formatSource: [ValueID: ValueID]
    /// Outputs of average pools (local and global), in program order, each with the format source
    /// of its input. An average resolves finer steps than its inputs, so it has a format of its own
    /// with the input's bits (its storage) and a frac of its own (`format(of:in:)`); plans without
    /// one (written before averages had formats) keep the input's.
    public var averages: [(output: ValueID, input: ValueID)]
    /// Conv and dense node indices.
    public var weightedLayers: [Int]
    /// Producers whose format is pinned by their op (tanh/sigmoid tables: frac = bits − 1).
    public var fixedFrac: [ValueID: Bool]
    /// The trailing softmax left to the caller, if any (outputs are then logits).
    public var droppedSoftmax: Int?

    /// `strict`: throw when an op has no fixed-point form (an int8 program, whose ops TFLite's
    /// arithmetic defines, keeps the analysis only for reports).
    public init(_ graph: Graph, strict: Bool = true) throws {
        producers = graph.inputs
        keys = [:]
        formatSource = [:]
        weightedLayers = []
        averages = []
        fixedFrac = [:]
        for id in graph.inputs { formatSource[id] = id }
        var unsupported = [String]()
        for (index, node) in graph.nodes.enumerated() {
            let out = node.outputs[0]
            let first = node.inputs.first
            switch node.op {
            case .conv2d(let conv):
                if case .leakyRelu? = conv.activation { unsupported.append("\(node.name) (leaky ReLU)") }
                guard graph.isConstant(node.inputs[1]) else { unsupported.append("\(node.name) (conv with computed weights)"); continue }
                weightedLayers.append(index)
                producers.append(out)
            case .dense(let dense):
                if case .leakyRelu? = dense.activation { unsupported.append("\(node.name) (leaky ReLU)") }
                guard graph.isConstant(node.inputs[1]) else { unsupported.append("\(node.name) (dense with computed weights)"); continue }
                weightedLayers.append(index)
                producers.append(out)
            case .binary(let binary):
                // Add, subtract and multiply two computed tensors (a constant operand has no format yet).
                let ok = binary.op != .div && !node.inputs.contains { graph.isConstant($0) }
                    && (binary.activation == nil || binary.activation!.isClamp)
                if !ok { unsupported.append("\(node.name) (\(binary.op.rawValue)\(node.inputs.contains { graph.isConstant($0) } ? " with a constant" : ""))") }
                producers.append(out)
            case .maxMin:
                if node.inputs.contains(where: { graph.isConstant($0) }) { unsupported.append("\(node.name) (\(node.op.kind) with a constant)") }
                producers.append(out)
            case .concat:
                if node.inputs.contains(where: { graph.isConstant($0) }) { unsupported.append("\(node.name) (concat of a constant)") }
                producers.append(out)
            case .activation(let act):
                switch act {
                case .relu, .clip: producers.append(out)
                case .tanh, .sigmoid:
                    producers.append(out)
                    fixedFrac[out] = true
                default:
                    // Every other function by a lookup table into a calibrated output format.
                    producers.append(out)
                }
            case .avgPool2d, .globalAvgPool:
                if let first, let source = formatSource[first] {
                    averages.append((out, source))
                    formatSource[out] = out
                }
            case .maxPool2d, .globalMaxPool, .reshape, .transpose, .pad, .indexCopy:
                if let first, let source = formatSource[first] { formatSource[out] = source }
            case .softmax:
                if graph.outputs == [out] && index == graph.nodes.count - 1 {
                    droppedSoftmax = index
                    if let first, let source = formatSource[first] { formatSource[out] = source }
                } else {
                    unsupported.append("\(node.name) (softmax before the last layer)")
                }
            default:
                unsupported.append("\(node.name) (\(node.op.kind))")
            }
            if producers.last == out { formatSource[out] = out }
        }
        if strict && !unsupported.isEmpty {
            throw QuantizationError("the fixed-point program cannot express: \(unsupported.joined(separator: ", "))")
        }
        var seen = [String: Int]()
        for id in producers + averages.map(\.output) {
            let name = graph[id].name
            let n = seen[name, default: 0]
            keys[id] = n == 0 ? name : "\(name)#\(n)"
            seen[name] = n + 1
        }
    }
}

extension QuantAnalysis {
    /// The format `plan` gives value `id`: its producer's, or its average's, which keeps its input's
    /// bits and a frac 0…`QPool.maxAverageShift` finer (the input's when the plan has none).
    public func format(of id: ValueID, in plan: QuantizationPlan) -> QFormat? {
        guard let source = formatSource[id] else { return nil }
        guard let average = averages.first(where: { $0.output == source }) else { return keys[source].flatMap { plan.activations[$0] } }
        guard let input = format(of: average.input, in: plan) else { return nil }
        guard let own = keys[source].flatMap({ plan.activations[$0] }) else { return input }
        return QFormat(bits: input.bits, frac: min(max(own.frac, input.frac), input.frac + QPool.maxAverageShift))
    }
}

extension Activation {
    /// Activations a requantization clamp implements exactly.
    var isClamp: Bool {
        switch self {
        case .relu, .clip: return true
        default: return false
        }
    }
}
