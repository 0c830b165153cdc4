/// Fuses ReLU, clip (ReLU6) and leaky ReLU into the conv, dense or binary op that produces their
/// input, as fixed-point kernels apply them for free while saturating.
public struct FuseActivations: GraphPass {
    public var name: String { "fuse-activations" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for aIndex in graph.nodes.indices {
            guard case .activation(let activation) = graph.nodes[aIndex].op, activation.isFusable else { continue }
            let node = graph.nodes[aIndex]
            let x = node.inputs[0]
            guard let pIndex = graph.producerIndex(of: x), graph.soleConsumer(of: x) == aIndex else { continue }
            var op = graph.nodes[pIndex].op
            switch op {
            case .conv2d(var conv) where conv.activation == nil:
                conv.activation = activation
                op = .conv2d(conv)
            case .dense(var dense) where dense.activation == nil:
                dense.activation = activation
                op = .dense(dense)
            case .binary(var binary) where binary.activation == nil:
                binary.activation = activation
                op = .binary(binary)
            default:
                continue
            }
            graph.nodes[pIndex].op = op
            graph.nodes[pIndex].outputs = node.outputs
            graph.nodes.remove(at: aIndex)
            return true
        }
        return false
    }
}
