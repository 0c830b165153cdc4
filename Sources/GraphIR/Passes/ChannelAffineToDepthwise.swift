/// A per-channel constant add, subtract, multiply or divide that no neighbouring layer could take
/// in (`FoldAffineIntoProducer`, `FoldAffineIntoConsumer`) becomes a 1x1 depthwise convolution:
/// x·w + b per channel. A chain of them (an unfused batch norm's multiply then add) becomes one
/// layer. An unfused batch norm after a pool or an add, a per-channel scale before a classifier:
/// every scheme runs them as it runs any depthwise layer. Models that arrive quantized (int8) keep
/// their ops, whose arithmetic TFLite defines.
public struct ChannelAffineToDepthwise: GraphPass {
    public var name: String { "channel-affine-to-depthwise" }
    public init() {}

    /// A node as y = x·w + b per channel of its one computed input x.
    struct Affine {
        var x: ValueID
        var w: [Float], b: [Float]
        var activation: Activation?
    }

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            guard var affine = Self.affine(graph, graph.nodes[index]) else { continue }
            // Start at the head of a chain: an input that an activation-free affine node makes alone
            // is part of that node's chain, handled from there.
            if let p = graph.producerIndex(of: affine.x), graph.soleConsumer(of: affine.x) == index,
               let before = Self.affine(graph, graph.nodes[p]), before.activation == nil { continue }
            var last = index
            while affine.activation == nil, let next = graph.soleConsumer(of: graph.nodes[last].outputs[0]),
                  let step = Self.affine(graph, graph.nodes[next]) {
                affine.w = zip(affine.w, step.w).map { $0 * $1 }
                affine.b = zip(affine.b, zip(step.w, step.b)).map { $0 * $1.0 + $1.1 }
                affine.activation = step.activation
                last = next
            }
            let name = graph.nodes[last].name, channels = affine.w.count
            let w = graph.addConstant(name: name + ".scale", Tensor(shape: [channels, 1, 1, 1], floats: affine.w))
            let b = graph.addConstant(name: name + ".offset", Tensor(shape: [channels], floats: affine.b))
            graph.nodes[last].op = .conv2d(Conv2D(groups: channels, activation: affine.activation))
            graph.nodes[last].inputs = [affine.x, w, b]
            return true
        }
        return false
    }

    /// The node as a per-channel affine map of a 4-D float tensor, when it is one.
    static func affine(_ graph: Graph, _ node: Node) -> Affine? {
        guard case .binary(let binary) = node.op, let side = node.inputs.firstIndex(where: { graph.isConstant($0) }),
              !graph.isConstant(node.inputs[1 - side]) else { return nil }
        let x = node.inputs[1 - side], c = node.inputs[side]
        let shape = graph.shape(x)
        guard shape.count == 4, graph.shape(node.outputs[0]) == shape, graph[x].quantization == nil,
              let data = graph.constantFloats(c) else { return nil }
        let full = broadcastData(data, shape: graph.shape(c), to: shape)
        let channels = shape[3]
        let v = Array(full[0..<channels])
        guard stride(from: channels, to: full.count, by: channels).allSatisfy({ Array(full[$0..<($0 + channels)]) == v }) else { return nil }
        let ones = [Float](repeating: 1, count: channels), zeros = [Float](repeating: 0, count: channels)
        switch (binary.op, side) {
        case (.add, _): return Affine(x: x, w: ones, b: v, activation: binary.activation)
        case (.sub, 1): return Affine(x: x, w: ones, b: v.map { -$0 }, activation: binary.activation)
        case (.sub, _): return Affine(x: x, w: ones.map { -$0 }, b: v, activation: binary.activation)
        case (.mul, _): return Affine(x: x, w: v, b: zeros, activation: binary.activation)
        case (.div, 1):
            guard v.allSatisfy({ $0 != 0 && (1 / $0).isFinite }) else { return nil }
            return Affine(x: x, w: v.map { 1 / $0 }, b: zeros, activation: binary.activation)
        case (.div, _), (.pow, _): return nil
        }
    }
}
