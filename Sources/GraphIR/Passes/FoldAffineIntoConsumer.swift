/// Folds a per-feature constant add, sub, mul or div into the dense or conv layer that reads it,
/// looking through reshapes: `dense(reshape…(x ∘ c))`, `conv(x ∘ c)`. This is the batch norm that
/// follows a ReLU (it cannot fold backwards through the clamp):
/// W·(s⊙x + t) + b = (W·diag(s))·x + (W·t + b).
/// A conv only takes an add or sub when it has no padding: padded zeros are not shifted by t.
public struct FoldAffineIntoConsumer: GraphPass {
    public var name: String { "fold-affine-into-consumer" }
    public init() {}
    /// The largest constant a fold expands to the full tensor shape to check its structure.
    static let maxMaterialized = 1 << 20

    public func run(_ graph: inout Graph) throws -> Bool {
        for cIndex in graph.nodes.indices {
            let consumer = graph.nodes[cIndex]
            guard consumer.op.isConvOrDense, let weight = graph.constant(consumer.inputs[1]), weight.isFloat,
                  let bIndex = affineProducer(graph, reading: consumer.inputs[0], from: cIndex),
                  case .binary(let binary) = graph.nodes[bIndex].op else { continue }
            let node = graph.nodes[bIndex]
            // A model quantized already (int8) runs its own ops as stored: folding would lose the weights' quantization.
            if graph[node.outputs[0]].quantization != nil || binary.op == .pow { continue }
            let side = graph.isConstant(node.inputs[0]) ? 1 : 0
            if side == 1 && !(binary.op == .add || binary.op == .mul) { continue }
            let x = node.inputs[side], c = node.inputs[1 - side]
            let outShape = graph.shape(node.outputs[0])
            guard let cData = graph.constantFloats(c), graph.shape(x) == outShape,
                  outShape.elementCount <= Self.maxMaterialized else { continue }

            // Input features of the consumer, and which feature each weight element reads.
            let outputs = weight.shape[0]
            let perOutput = weight.count / outputs
            let features: Int
            let featureOf: (Int) -> Int
            switch consumer.op {
            case .conv2d(let conv):
                let isShift = binary.op == .add || binary.op == .sub
                if isShift && conv.padding != .zero { continue }
                let cinPerGroup = weight.shape[3], coutPerGroup = outputs / conv.groups
                features = cinPerGroup * conv.groups
                featureOf = { j in (j / perOutput / coutPerGroup) * cinPerGroup + (j % cinPerGroup) }
            default:
                features = weight.shape[1]
                featureOf = { j in j % perOutput }
            }
            let full = broadcastData(cData, shape: graph.shape(c), to: outShape)
            guard full.count % features == 0 else { continue }
            let vector = Array(full[0..<features])
            guard stride(from: features, to: full.count, by: features).allSatisfy({ Array(full[$0..<($0 + features)]) == vector }) else { continue }

            var w = weight.floats
            var bias = consumer.inputs.count == 3 ? (graph.constantFloats(consumer.inputs[2]) ?? []) : [Float](repeating: 0, count: outputs)
            guard bias.count == outputs else { continue }
            for j in w.indices {
                let v = vector[featureOf(j)]
                switch binary.op {
                case .add: bias[j / perOutput] += w[j] * v
                case .sub: bias[j / perOutput] -= w[j] * v
                case .mul: w[j] *= v
                case .div: w[j] /= v
                case .pow: break  // not affine: skipped above
                }
            }
            let wID = graph.addConstant(name: graph[consumer.inputs[1]].name, Tensor(shape: weight.shape, floats: w))
            let bID = graph.addConstant(name: consumer.name + ".bias", Tensor(shape: [outputs], floats: bias))
            graph.nodes[cIndex].inputs = [consumer.inputs[0], wID, bID]
            graph.replaceUses(of: node.outputs[0], with: x)
            graph.nodes.remove(at: bIndex)
            return true
        }
        return false
    }

    /// The activation-free binary node feeding `value` through single-use reshapes, if any.
    private func affineProducer(_ graph: Graph, reading value: ValueID, from reader: Int) -> Int? {
        var current = value, reader = reader
        while let p = graph.producerIndex(of: current), graph.soleConsumer(of: current) == reader {
            switch graph.nodes[p].op {
            case .reshape:
                reader = p
                current = graph.nodes[p].inputs[0]
            case .binary(let b) where b.activation == nil:
                return p
            default:
                return nil
            }
        }
        return nil
    }
}
