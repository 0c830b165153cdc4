/// `dense(reshape(transpose(x)))` where the reshape flattens everything after the batch axis:
/// the transpose only reorders the dense weight's input columns, so it is folded into the weight.
/// This removes the NHWC→NCHW transpose that stands before every `Flatten` of an ONNX CNN.
public struct FoldTransposeIntoDense: GraphPass {
    public var name: String { "fold-transpose-into-dense" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for dIndex in graph.nodes.indices {
            guard case .dense = graph.nodes[dIndex].op else { continue }
            let dense = graph.nodes[dIndex]
            guard let rIndex = graph.producerIndex(of: dense.inputs[0]), graph.nodes[rIndex].op == .reshape,
                  graph.soleConsumer(of: dense.inputs[0]) == dIndex else { continue }
            let reshape = graph.nodes[rIndex]
            guard let tIndex = graph.producerIndex(of: reshape.inputs[0]),
                  case .transpose(let perm) = graph.nodes[tIndex].op,
                  graph.soleConsumer(of: reshape.inputs[0]) == rIndex,
                  let weight = graph.constant(dense.inputs[1]), weight.isFloat else { continue }
            let tShape = graph.shape(reshape.inputs[0])
            let flat = graph.shape(reshape.outputs[0])
            guard perm.first == 0, flat.count == 2, flat[0] == tShape[0] else { continue }
            let x = graph.nodes[tIndex].inputs[0]
            let inverse = inversePermutation(perm)
            // W viewed as [O, t-dims...]; reorder its trailing axes into x's order.
            let viewShape = [weight.shape[0]] + Array(tShape.dropFirst())
            let order = [0] + (1..<perm.count).map { inverse[$0] }
            let reordered = transposeData(weight.floats, shape: viewShape, perm: order)
            // An int8 model's stored weights move with their values (scales stay per output row).
            let newWeight = graph.addValue(name: graph[dense.inputs[1]].name + ".reordered", shape: weight.shape,
                                           constant: Tensor(shape: weight.shape, floats: reordered),
                                           quantization: graph[dense.inputs[1]].quantization?.transposed(from: viewShape, perm: order))
            graph.nodes[rIndex].inputs = [x]
            graph.nodes[dIndex].inputs[1] = newWeight
            graph.nodes.remove(at: tIndex)
            return true
        }
        return false
    }
}
