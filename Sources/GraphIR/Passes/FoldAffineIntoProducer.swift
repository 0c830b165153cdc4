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
            // y op c, or c op y for the commutative ops.
            var side = 0
            if graph.isConstant(node.inputs[0]) {
                guard binary.op == .add || binary.op == .mul else { continue }
                side = 1
            }
            let y = node.inputs[side], c = node.inputs[1 - side]
            guard let cData = graph.constantFloats(c),
                  let pIndex = graph.producerIndex(of: y),
                  graph.soleConsumer(of: y) == bIndex,
                  graph.nodes[pIndex].op.isConvOrDense,
                  let weight = graph.constant(graph.nodes[pIndex].inputs[1]), weight.isFloat,
                  graph.shape(node.outputs[0]) == graph.shape(y) else { continue }
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
                      cData.allSatisfy({ $0 > 0 && $0.isFinite }) else { continue }
            }
            let channels = weight.shape[0]
            let cShape = graph.shape(c)
            let perChannel: [Float]
            if cShape.elementCount == 1 {
                perChannel = [Float](repeating: cData[0], count: channels)
            } else if cShape.last == channels, cShape.dropLast().allSatisfy({ $0 == 1 }) {
                perChannel = cData
            } else {
                continue
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
