import GraphIR

/// The training engine on the float network (nothing rounded), opened for checking: the logits of
/// one sample and the gradients of Σ cᵢ·logitᵢ with respect to every conv and dense layer's
/// weights and bias. The gradient tests compare these with finite differences of the float
/// reference.
public enum FloatGradients {
    public struct Result: Sendable {
        public var logits: [Float]
        /// Layer names, in graph order, and their gradients (weights in the model's layout).
        public var layers: [String]
        public var weights: [[Float]]
        public var biases: [[Float]]
    }

    public static func evaluate(_ graph: Graph, inputs: [[Float]], logitWeights: [Float]) throws -> Result {
        let network = try TrainingNetwork(graph: graph, formats: [:])
        var weights = [LayerWeights](), dW = [[Float]](), dB = [[Float]]()
        for index in network.layerNodes {
            let node = graph.nodes[index]
            let w = graph.constant(node.inputs[1])!
            let bias = node.inputs.count > 2 ? graph.constant(node.inputs[2])!.floats : [Float](repeating: 0, count: w.shape[0])
            var groups = 1
            if case .conv2d(let conv) = node.op { groups = conv.groups }
            weights.append(LayerWeights(weights: w.floats, bias: bias, groups: groups))
            dW.append([Float](repeating: 0, count: w.count))
            dB.append([Float](repeating: 0, count: bias.count))
        }
        let tape = network.forward(inputs, weights: weights)
        guard logitWeights.count == tape.logits.count else {
            throw FineTuningError("\(logitWeights.count) logit weights for \(tape.logits.count) logits")
        }
        network.backward(tape, dLogits: logitWeights, weights: weights, dW: &dW, dB: &dB)
        return Result(logits: tape.logits, layers: network.layerNodes.map { graph.nodes[$0].name }, weights: dW, biases: dB)
    }
}
