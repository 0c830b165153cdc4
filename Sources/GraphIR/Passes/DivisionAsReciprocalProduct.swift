/// a / b with b computed as a · (1 / b): a reciprocal, which every fixed-point scheme runs as a table
/// into a calibrated format, and a product, which they run as a kernel; a division by a tensor has
/// no integer kernel of its own. In float the two differ by at most an ulp or two (two roundings
/// instead of one). An int8 model keeps its DIV, whose arithmetic TFLite defines on its own.
public struct DivisionAsReciprocalProduct: GraphPass {
    public var name: String { "division-as-reciprocal-product" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            guard case .binary(let binary) = node.op, binary.op == .div, !graph.isConstant(node.inputs[1]),
                  graph[node.outputs[0]].quantization == nil else { continue }
            let b = node.inputs[1]
            let reciprocal = graph.addValue(name: node.name + ".reciprocal", shape: graph.shape(b))
            graph.nodes.replaceSubrange(index...index, with: [
                Node(name: node.name + ".reciprocal", op: .activation(.reciprocal), inputs: [b], outputs: [reciprocal]),
                Node(name: node.name, op: .binary(Binary(.mul, activation: binary.activation)), inputs: [node.inputs[0], reciprocal],
                     outputs: node.outputs),
            ])
            return true
        }
        return false
    }
}
