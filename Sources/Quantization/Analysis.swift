import GraphIR

/// Which graph values carry a format of their own, which inherit one, and which ops the integer
/// program can express. Shared by planning, lowering and fake-quant simulation.
public struct QuantAnalysis: Sendable {
    /// Values that get a format of their own, in program order (inputs first).
    public var producers: [ValueID]
    /// Plan key of each producer (its name, disambiguated if the graph repeats names).
    public var keys: [ValueID: String]
    /// Value -> the producer whose format it shares (itself for producers).
    public var formatSource: [ValueID: ValueID]
    /// Conv and dense node indices.
    public var weightedLayers: [Int]
    /// Producers whose format is pinned by their op (tanh/sigmoid tables: frac = bits − 1).
    public var fixedFrac: [ValueID: Bool]
    /// The trailing softmax left to the caller, if any (outputs are then logits).
    public var droppedSoftmax: Int?

    public init(_ graph: Graph) throws {
        producers = graph.inputs
        keys = [:]
        formatSource = [:]
        weightedLayers = []
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
                let ok = (binary.op == .add || binary.op == .sub) && !node.inputs.contains { graph.isConstant($0) }
                    && (binary.activation == nil || binary.activation!.isClamp)
                if !ok { unsupported.append("\(node.name) (\(binary.op.rawValue)\(node.inputs.contains { graph.isConstant($0) } ? " with a constant" : ""))") }
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
                default: unsupported.append("\(node.name) (\(act.name))")
                }
            case .maxPool2d, .avgPool2d, .globalAvgPool, .globalMaxPool, .reshape, .transpose, .pad:
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
        if !unsupported.isEmpty {
            throw QuantizationError("the fixed-point program cannot express: \(unsupported.joined(separator: ", "))")
        }
        var seen = [String: Int]()
        for id in producers {
            let name = graph[id].name
            let n = seen[name, default: 0]
            keys[id] = n == 0 ? name : "\(name)#\(n)"
            seen[name] = n + 1
        }
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
