/// Folds a per-output-channel constant add, sub, mul or div into the conv or dense layer before it:
/// BatchNormalization (imported as mul + add), TFLite's unfused batch-norm MUL/ADD, and the separate
/// bias adds of CNTK and Keras exports. Afterwards those layers carry their own bias and scale.
///
/// A positive scale also folds through a ReLU (or leaky ReLU) fused into the layer, since
/// relu(z)·s = relu(s·z) for s > 0. This matters for fixed point: a post-ReLU batch norm folded
/// forward instead would scale the next layer's weights per *input* channel, which no per-layer
/// or per-output-channel format can represent well. An activation fused into the folded op moves
/// to the layer.
public struct FoldAffineIntoProducer: GraphPass {
    public var name: String { "fold-affine-into-producer" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for bIndex in graph.nodes.indices {
            guard case .binary(let binary) = graph.nodes[bIndex].op else { continue }
            let node = graph.nodes[bIndex]
            // A model quantized already (int8) runs its own ops as stored: folding would lose the weights' quantization.
            if graph[node.outputs[0]].quantization != nil || binary.op == .pow { continue }
            // y op c, or c op y for the commutative ops.
            var side = 0
            if graph.isConstant(node.inputs[0]) {
                guard binary.op == .add || binary.op == .mul else { continue }
                side = 1
            }
            let y = node.inputs[side], c = node.inputs[1 - side]
            // The producing conv/dense layer, possibly behind single-use reshapes (PyTorch applies
            // BatchNorm1d through an Unsqueeze); a reshape keeps the element order, so the constant
            // maps onto the layer's output exactly.
            var current = y, reader = bIndex
            var found: Int?
            while let p = graph.producerIndex(of: current), graph.soleConsumer(of: current) == reader {
                if graph.nodes[p].op == .reshape {
                    reader = p
                    current = graph.nodes[p].inputs[0]
                    continue
                }
                if graph.nodes[p].op.isConvOrDense { found = p }
                break
            }
            guard let pIndex = found, let cData = graph.constantFloats(c),
                  let weight = graph.constant(graph.nodes[pIndex].inputs[1]), weight.isFloat,
                  graph.shape(node.outputs[0]) == graph.shape(y),
                  graph.shape(y).elementCount <= FoldAffineIntoConsumer.maxMaterialized else { continue }
            let channels = weight.shape[0]
            let full = broadcastData(cData, shape: graph.shape(c), to: graph.shape(y))
            guard full.count % channels == 0 else { continue }
            // Per output channel: the same vector at every position of the layer's output.
            let perChannel = Array(full[0..<channels])
            guard stride(from: channels, to: full.count, by: channels).allSatisfy({ Array(full[$0..<($0 + channels)]) == perChannel }) else { continue }
            let producerActivation = graph.nodes[pIndex].op.fusedActivation
            if let producerActivation {
                // Only a positive scale commutes with the producer's activation, and only a
                // positively homogeneous one; the folded op must not add an activation of its own.
                let homogeneous: Bool
                switch producerActivation {
                case .relu, .leakyRelu: homogeneous = true
                default: homogeneous = false
                }
                guard homogeneous, binary.activation == nil, binary.op == .mul || binary.op == .div,
                      perChannel.allSatisfy({ $0 > 0 && $0.isFinite }) else { continue }
            }
            let producer = graph.nodes[pIndex]
            var bias = producer.inputs.count == 3 ? graph.constantFloats(producer.inputs[2]) : [Float](repeating: 0, count: channels)
            guard bias != nil else { continue }
            var w = weight.floats
            let perOutput = w.count / channels
            switch binary.op {
            case .add:
                for o in 0..<channels { bias![o] += perChannel[o] }
            case .sub:
                for o in 0..<channels { bias![o] -= perChannel[o] }
            case .pow:
                continue  // not affine: skipped above
            case .mul, .div:
                for o in 0..<channels {
                    let s = perChannel[o]
                    for j in 0..<perOutput {
                        w[o * perOutput + j] = binary.op == .mul ? w[o * perOutput + j] * s : w[o * perOutput + j] / s
                    }
                    bias![o] = binary.op == .mul ? bias![o] * s : bias![o] / s
                }
            }
            let wID = graph.addConstant(name: graph[producer.inputs[1]].name, Tensor(shape: weight.shape, floats: w))
            let bName = producer.inputs.count == 3 ? graph[producer.inputs[2]].name : producer.name + ".bias"
            let bID = graph.addConstant(name: bName, Tensor(shape: [channels], floats: bias!))
            graph.nodes[pIndex].inputs = [producer.inputs[0], wID, bID]
            if producerActivation == nil, let moved = binary.activation {
                graph.nodes[pIndex].op = producer.op.withActivation(moved)
            }
            graph.replaceUses(of: node.outputs[0], with: y)
            if graph.outputs.contains(y) { graph[y].name = graph[node.outputs[0]].name }
            graph.nodes.remove(at: bIndex)
            return true
        }
        return false
    }
}

extension Op {
    /// The same conv or dense op with another fused activation.
    func withActivation(_ activation: Activation?) -> Op {
        switch self {
        case .conv2d(var conv):
            conv.activation = activation
            return .conv2d(conv)
        case .dense(var dense):
            dense.activation = activation
            return .dense(dense)
        case .binary(var binary):
            binary.activation = activation
            return .binary(binary)
        default:
            return self
        }
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
