/// select(a > b, a, b) as the maximum of a and b, and its three mirror forms as the maximum or the
/// minimum, when a and b are both computed (a bound by a constant has already become one function of
/// one tensor, `FuseElementwiseFunction`). The importers write TFLite MAXIMUM/MINIMUM and ONNX Max/Min
/// this way; here they become one element-wise op that every scheme has a kernel for.
public struct SelectAsMaxMin: GraphPass {
    public var name: String { "select-as-max-min" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            guard node.op == .select, let producer = graph.producerIndex(of: node.inputs[0]),
                  case .compare(let comparison) = graph.nodes[producer].op else { continue }
            let (a, b) = (node.inputs[1], node.inputs[2]), operands = graph.nodes[producer].inputs
            guard !graph.isConstant(a), !graph.isConstant(b), a != b else { continue }
            let larger: Bool
            switch comparison {
            case .greater, .greaterEqual: larger = true
            case .less, .lessEqual: larger = false
            case .equal: continue
            }
            let minimum: Bool
            if operands == [a, b] {
                minimum = !larger
            } else if operands == [b, a] {
                minimum = larger
            } else {
                continue
            }
            graph.nodes[index] = Node(name: node.name, op: .maxMin(minimum: minimum), inputs: [a, b], outputs: node.outputs)
            return true
        }
        return false
    }
}
