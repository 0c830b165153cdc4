/// `binary(reshape(y), c)` with a constant c and y from a conv or dense layer becomes
/// `reshape(binary(y, c'))`, with c' the same constant seen in y's shape (reduced to size 1 along
/// every axis where it does not vary). This lets a BatchNorm1d that PyTorch applies through an
/// Unsqueeze fold into the preceding dense layer.
public struct HoistConstantBinaryAboveReshape: GraphPass {
    public var name: String { "hoist-constant-binary-above-reshape" }
    public init() {}
    static let maxMaterialized = 1 << 20

    public func run(_ graph: inout Graph) throws -> Bool {
        for bIndex in graph.nodes.indices {
            guard case .binary(let binary) = graph.nodes[bIndex].op, binary.activation == nil else { continue }
            let node = graph.nodes[bIndex]
            let side = graph.isConstant(node.inputs[1]) ? 0 : 1
            let viewed = node.inputs[side], c = node.inputs[1 - side]
            guard let cData = graph.constantFloats(c),
                  let rIndex = graph.producerIndex(of: viewed), graph.nodes[rIndex].op == .reshape,
                  graph.soleConsumer(of: viewed) == bIndex else { continue }
            let y = graph.nodes[rIndex].inputs[0]
            guard let producer = graph.producerIndex(of: y),
                  graph.nodes[producer].op.isConvOrDense,
                  graph.nodes[producer].op.fusedActivation == nil else { continue }
            let outShape = graph.shape(node.outputs[0])
            guard outShape == graph.shape(viewed), outShape.elementCount <= Self.maxMaterialized else { continue }
            let full = broadcastData(cData, shape: graph.shape(c), to: outShape)
            let (shape, data) = reduceConstantAxes(full, shape: graph.shape(y))
            let c2 = graph.addConstant(name: graph[c].name + ".hoisted", Tensor(shape: shape, floats: data))
            let inner = graph.addValue(name: graph[node.outputs[0]].name + ".hoisted", shape: graph.shape(y))
            var inputs = node.inputs
            inputs[side] = y
            inputs[1 - side] = c2
            graph.nodes[bIndex] = Node(name: node.name, op: node.op, inputs: inputs, outputs: [inner])
            graph.nodes.insert(Node(name: graph.nodes[rIndex].name, op: .reshape, inputs: [inner], outputs: node.outputs), at: bIndex + 1)
            return true
        }
        return false
    }

    /// Shrinks every axis along which the data is constant to size 1.
    func reduceConstantAxes(_ data: [Float], shape: [Int]) -> ([Int], [Float]) {
        var shape = shape
        var data = data
        for axis in shape.indices where shape[axis] > 1 {
            let strides = shape.strides
            let step = strides[axis]
            let block = step * shape[axis]
            var constantAlongAxis = true
            for i in data.indices where (i % block) >= step && data[i] != data[i - (i % block) + (i % step)] {
                constantAlongAxis = false
                break
            }
            guard constantAlongAxis else { continue }
            data = data.indices.filter { ($0 % block) < step }.map { data[$0] }
            shape[axis] = 1
        }
        return (shape, data)
    }
}

extension Op {
    var isConvOrDense: Bool {
        switch self {
        case .conv2d, .dense: return true
        default: return false
        }
    }
}
