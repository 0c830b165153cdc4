/// select(a ⋚ b, x, y) of computed tensors that is no maximum or minimum (`SelectAsMaxMin`) and no
/// function of one tensor (`FuseElementwiseFunction`) as y + (x − y) · s, where s = step(a − b) is
/// 1 where the comparison holds and 0 elsewhere: a difference, a table of it, a product and a sum,
/// which every fixed-point scheme has kernels for (a comparison and a selection have none). In
/// float it equals the selection up to one rounding of y + (x − y). An int8 model keeps its
/// SELECT, whose arithmetic TFLite defines on its own.
public struct SelectAsArithmetic: GraphPass {
    public var name: String { "select-as-arithmetic" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            guard node.op == .select, graph[node.outputs[0]].quantization == nil,
                  let producer = graph.producerIndex(of: node.inputs[0]), case .compare(let comparison) = graph.nodes[producer].op,
                  graph.consumerIndices(of: node.inputs[0]) == [index], !graph.outputs.contains(node.inputs[0]) else { continue }
            let (a, b) = (graph.nodes[producer].inputs[0], graph.nodes[producer].inputs[1])
            let (x, y) = (node.inputs[1], node.inputs[2])
            guard !(graph.isConstant(x) && graph.isConstant(y)), !graph.isConstant(a) || !graph.isConstant(b),
                  let dShape = broadcastShapes(graph.shape(a), graph.shape(b)), let eShape = broadcastShapes(graph.shape(x), graph.shape(y)),
                  let pShape = broadcastShapes(eShape, dShape) else { continue }
            let step = ElementwiseFunction.compare(comparison, .input, .constant(0))
            let d = graph.addValue(name: node.name + ".difference", shape: dShape)
            let s = graph.addValue(name: node.name + ".step", shape: dShape)
            let e = graph.addValue(name: node.name + ".span", shape: eShape)
            let p = graph.addValue(name: node.name + ".chosen", shape: pShape)
            graph.nodes.replaceSubrange(index...index, with: [
                Node(name: node.name + ".difference", op: .binary(Binary(.sub)), inputs: [a, b], outputs: [d]),
                Node(name: node.name + ".step", op: .activation(.function(step)), inputs: [d], outputs: [s]),
                Node(name: node.name + ".span", op: .binary(Binary(.sub)), inputs: [x, y], outputs: [e]),
                Node(name: node.name + ".chosen", op: .binary(Binary(.mul)), inputs: [e, s], outputs: [p]),
                Node(name: node.name, op: .binary(Binary(.add)), inputs: [y, p], outputs: node.outputs),
            ])
            // The comparison now has no reader.
            graph.nodes.remove(at: producer)
            return true
        }
        return false
    }
}
