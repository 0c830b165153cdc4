/// Folds a per-feature constant add, sub, mul or div into the dense layer that reads it, looking
/// through reshapes: `dense(reshape…(x ∘ c))`. This is the BatchNorm1d that follows a ReLU
/// (it cannot fold backwards through the clamp): W·(s⊙x + t) + b = (W·diag(s))·x + (W·t + b).
public struct FoldAffineIntoConsumer: GraphPass {
    public var name: String { "fold-affine-into-consumer" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for dIndex in graph.nodes.indices {
            guard case .dense = graph.nodes[dIndex].op,
                  let weight = graph.constant(graph.nodes[dIndex].inputs[1]), weight.isFloat else { continue }
            // Walk up through single-use reshapes to a binary op with a constant operand.
            var current = graph.nodes[dIndex].inputs[0]
            var reader = dIndex
            var bIndex: Int?
            while let p = graph.producerIndex(of: current), graph.soleConsumer(of: current) == reader {
                if graph.nodes[p].op == .reshape {
                    reader = p
                    current = graph.nodes[p].inputs[0]
                    continue
                }
                if case .binary(let b) = graph.nodes[p].op, b.activation == nil { bIndex = p }
                break
            }
            guard let bIndex, case .binary(let binary) = graph.nodes[bIndex].op else { continue }
            let node = graph.nodes[bIndex]
            var side = 0
            if graph.isConstant(node.inputs[0]) {
                guard binary.op == .add || binary.op == .mul else { continue }
                side = 1
            }
            let x = node.inputs[side], c = node.inputs[1 - side]
            let outShape = graph.shape(node.outputs[0])
            guard let cData = graph.constantFloats(c), graph.shape(x) == outShape,
                  outShape.elementCount <= HoistConstantBinaryAboveReshape.maxMaterialized else { continue }
            let (outputs, inputs) = (weight.shape[0], weight.shape[1])
            let full = broadcastData(cData, shape: graph.shape(c), to: outShape)
            guard full.count % inputs == 0 else { continue }
            // Per-feature only: the same vector for every row the dense layer sees.
            let vector = Array(full[0..<inputs])
            guard stride(from: inputs, to: full.count, by: inputs).allSatisfy({ Array(full[$0..<($0 + inputs)]) == vector }) else { continue }
            let dense = graph.nodes[dIndex]
            var w = weight.floats
            var bias = dense.inputs.count == 3 ? (graph.constantFloats(dense.inputs[2]) ?? []) : [Float](repeating: 0, count: outputs)
            guard bias.count == outputs else { continue }
            for o in 0..<outputs {
                for k in 0..<inputs {
                    switch binary.op {
                    case .add: bias[o] += w[o * inputs + k] * vector[k]
                    case .sub: bias[o] -= w[o * inputs + k] * vector[k]
                    case .mul: w[o * inputs + k] *= vector[k]
                    case .div: w[o * inputs + k] /= vector[k]
                    }
                }
            }
            let wID = graph.addConstant(name: graph[dense.inputs[1]].name, Tensor(shape: weight.shape, floats: w))
            let bID = graph.addConstant(name: dense.name + ".bias", Tensor(shape: [outputs], floats: bias))
            graph.nodes[dIndex].inputs = [dense.inputs[0], wID, bID]
            graph.replaceUses(of: node.outputs[0], with: x)
            graph.nodes.remove(at: bIndex)
            return true
        }
        return false
    }
}
