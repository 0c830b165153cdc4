/// Turns Gemm and MatMul with a constant matrix B into `dense` (weight [O, K]) so the quantizer and
/// the emitter see one kind of fully connected layer. alpha is folded into the weight, beta·C into
/// the bias when C is a per-output vector; any other C stays as a following add.
public struct LowerToDense: GraphPass {
    public var name: String { "lower-to-dense" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            switch node.op {
            case .gemm(let gemm):
                guard !gemm.transA, let b = graph.constant(node.inputs[1]), b.isFloat else { continue }
                let k = graph.shape(node.inputs[0])[1]
                let n = graph.shape(node.outputs[0])[1]
                var weight = gemm.transB ? b.floats : transposeData(b.floats, shape: b.shape, perm: [1, 0])
                if gemm.alpha != 1 { weight = weight.map { $0 * gemm.alpha } }
                let w = graph.addValue(name: graph[node.inputs[1]].name + ".dense", shape: [n, k], constant: Tensor(shape: [n, k], floats: weight),
                                       quantization: gemm.alpha != 1 ? nil
                                           : gemm.transB ? graph[node.inputs[1]].quantization : graph[node.inputs[1]].quantization?.transposed(from: b.shape, perm: [1, 0]))
                var inputs = [node.inputs[0], w]
                var trailingAdd: ValueID?
                if node.inputs.count == 3 {
                    let c = node.inputs[2]
                    let cShape = graph.shape(c)
                    if let cData = graph.constantFloats(c), cShape.elementCount == n || cShape.elementCount == 1,
                       cShape.count <= 1 || cShape.dropLast().allSatisfy({ $0 == 1 }) {
                        let bias = cShape.elementCount == 1 ? [Float](repeating: cData[0], count: n) : cData
                        let stored = gemm.beta == 1 && cShape.elementCount == n ? graph[c].quantization : nil
                        inputs.append(graph.addValue(name: graph[c].name + ".bias", shape: [n],
                                                     constant: Tensor(shape: [n], floats: bias.map { $0 * gemm.beta }),
                                                     quantization: stored.map { var q = $0; q.axis = 0; return q }))
                    } else {
                        trailingAdd = c
                    }
                }
                if let c = trailingAdd {
                    let product = graph.addValue(name: graph[node.outputs[0]].name + ".product", shape: graph.shape(node.outputs[0]))
                    var scaled = c
                    if gemm.beta != 1 {
                        let beta = graph.addConstant(name: node.name + ".beta", Tensor(shape: [], floats: [gemm.beta]))
                        scaled = graph.addValue(name: node.name + ".betaC", shape: graph.shape(c))
                        graph.nodes.insert(Node(name: node.name + ".beta", op: .binary(Binary(.mul)), inputs: [c, beta], outputs: [scaled]), at: index)
                    }
                    let at = gemm.beta != 1 ? index + 1 : index
                    graph.nodes[at] = Node(name: node.name, op: .dense(Dense()), inputs: inputs, outputs: [product])
                    graph.nodes.insert(Node(name: node.name + ".add", op: .binary(Binary(.add)), inputs: [product, scaled],
                                            outputs: node.outputs), at: at + 1)
                } else {
                    graph.nodes[index] = Node(name: node.name, op: .dense(Dense()), inputs: inputs, outputs: node.outputs)
                }
                return true
            case .matMul:
                guard let b = graph.constant(node.inputs[1]), b.isFloat, b.shape.count == 2 else { continue }
                let weight = transposeData(b.floats, shape: b.shape, perm: [1, 0])
                let w = graph.addValue(name: graph[node.inputs[1]].name + ".dense", shape: [b.shape[1], b.shape[0]],
                                       constant: Tensor(shape: [b.shape[1], b.shape[0]], floats: weight),
                                       quantization: graph[node.inputs[1]].quantization?.transposed(from: b.shape, perm: [1, 0]))
                graph.nodes[index] = Node(name: node.name, op: .dense(Dense()), inputs: [node.inputs[0], w], outputs: node.outputs)
                return true
            default:
                continue
            }
        }
        return false
    }
}
