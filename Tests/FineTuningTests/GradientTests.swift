import FineTuning
import FloatReference
import GraphIR
import Testing
import TestSupport

/// The training engine's gradients against central differences of the float reference: every op
/// the engine differentiates sits between the input and the logits of one small random network,
/// so an error in any of them shows in the gradients of the layers before it.
@Suite struct GradientTests {
    struct Network {
        var graph: Graph
        var layers: [(weights: ValueID, bias: ValueID)]
    }

    static func network(seed: UInt64) throws -> Network {
        var random = SeededRandom(seed: seed)
        func values(_ count: Int, _ spread: Float) -> [Float] {
            (0..<count).map { _ in (Float(random.below(20001)) / 10000 - 1) * spread }
        }
        var g = Graph(info: ModelInfo(format: "test"))
        var layers = [(ValueID, ValueID)]()
        func layer(_ shape: [Int], spread: Float) -> (ValueID, ValueID) {
            let w = g.addConstant(name: "w\(layers.count)", Tensor(shape: shape, floats: values(shape.reduce(1, *), spread)))
            let b = g.addConstant(name: "b\(layers.count)", Tensor(shape: [shape[0]], floats: values(shape[0], 0.2)))
            layers.append((w, b))
            return (w, b)
        }
        let x = g.addValue(name: "x", shape: [1, 6, 6, 4])
        g.inputs = [x]
        let (w1, b1) = layer([6, 3, 3, 2], spread: 0.4)
        let c1 = try g.addNode(name: "conv_groups", op: .conv2d(Conv2D(padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1), groups: 2,
                                                                       activation: .tanh)), inputs: [x, w1, b1])
        let p1 = try g.addNode(name: "avgpool", op: .avgPool2d(Pool2D(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2)), inputs: [c1])
        let (w2, b2) = layer([6, 2, 2, 6], spread: 0.4)
        let c2 = try g.addNode(name: "conv_dilated", op: .conv2d(Conv2D(dilationH: 2, dilationW: 2, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                                                                        activation: .sigmoid)), inputs: [p1, w2, b2])
        let (w3, b3) = layer([6, 3, 3, 1], spread: 0.5)
        let dw = try g.addNode(name: "depthwise_strided", op: .conv2d(Conv2D(strideH: 2, strideW: 2, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1),
                                                                            groups: 6)), inputs: [c2, w3, b3])
        let up = try g.addNode(name: "hard_swish", op: .activation(.hardSwish), inputs: [dw])
        let sum = try g.addNode(name: "add", op: .binary(Binary(.add)), inputs: [c2, p1])
        let pooled = try g.addNode(name: "maxpool", op: .maxPool2d(Pool2D(kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
                                                                          padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1))), inputs: [sum])
        let t = try g.addNode(name: "transpose", op: .transpose(perm: [0, 3, 1, 2]), inputs: [pooled])
        let padded = try g.addNode(name: "pad", op: .pad(Pad(before: [0, 0, 1, 0], after: [0, 0, 0, 1])), inputs: [t])
        let flat = try g.addNode(name: "flatten", op: .reshape, inputs: [padded], declared: [1, 96])
        let (w4, b4) = layer([8, 96], spread: 0.2)
        let d1 = try g.addNode(name: "dense_tanh", op: .dense(Dense(activation: .tanh)), inputs: [flat, w4, b4])
        let squared = try g.addNode(name: "mul", op: .binary(Binary(.mul)), inputs: [d1, d1])
        let soft = try g.addNode(name: "softmax", op: .softmax(Softmax(axis: 1)), inputs: [d1])
        let mean = try g.addNode(name: "mean", op: .mean(Mean(axes: [1, 2], keepDims: false)), inputs: [up])
        let scale = g.addConstant(name: "scale", Tensor(shape: [6], floats: values(6, 1)))
        let scaled = try g.addNode(name: "mul_const", op: .binary(Binary(.mul)), inputs: [mean, scale])
        let joined = try g.addNode(name: "concat", op: .concat(axis: 1), inputs: [squared, soft, scaled])
        let (w5, b5) = layer([5, 22], spread: 0.5)
        let logits = try g.addNode(name: "logits", op: .dense(Dense()), inputs: [joined, w5, b5])
        g.outputs = [logits]
        return Network(graph: g, layers: layers)
    }

    /// Σ cᵢ·logitᵢ by the float reference.
    static func objective(_ graph: Graph, _ input: [Float], _ c: [Float]) throws -> Double {
        let logits = try Interpreter(graph: graph).run([input])[0]
        return zip(logits, c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test func layerGradientsMatchCentralDifferences() throws {
        let net = try Self.network(seed: 7)
        var random = SeededRandom(seed: 11)
        let input = (0..<144).map { _ in Float(random.below(2001)) / 1000 - 1 }
        let c: [Float] = [0.7, -1.2, 0.4, 1.5, -0.3]
        let analytic = try FloatGradients.evaluate(net.graph, inputs: [input], logitWeights: c)
        #expect(analytic.layers == ["conv_groups", "conv_dilated", "depthwise_strided", "dense_tanh", "logits"])
        let reference = try Interpreter(graph: net.graph).run([input])[0]
        #expect(zip(analytic.logits, reference).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })

        let h: Float = 1e-3
        var worst = 0.0
        var checked = 0
        for (k, layer) in net.layers.enumerated() {
            for (id, gradient) in [(layer.weights, analytic.weights[k]), (layer.bias, analytic.biases[k])] {
                let tensor = net.graph.constant(id)!
                // Every bias, and weights spread over the whole tensor.
                let step = max(1, tensor.count / 12)
                for i in stride(from: 0, to: tensor.count, by: step) {
                    var graph = net.graph
                    var floats = tensor.floats
                    floats[i] += h
                    graph[id].constant = Tensor(shape: tensor.shape, floats: floats)
                    let up = try Self.objective(graph, input, c)
                    floats[i] -= 2 * h
                    graph[id].constant = Tensor(shape: tensor.shape, floats: floats)
                    let down = try Self.objective(graph, input, c)
                    let numeric = (up - down) / Double(2 * h)
                    let error = abs(numeric - Double(gradient[i])) / (0.01 + abs(numeric))
                    worst = max(worst, error)
                    checked += 1
                    #expect(error < 0.02, "layer \(analytic.layers[k]) element \(i): numeric \(numeric), engine \(gradient[i])")
                }
            }
        }
        #expect(checked > 80)
        print("gradient check: \(checked) elements, worst relative error \(worst)")
    }

    /// Conv and dense layers with no differentiable path to them still get gradients, and an op
    /// the engine cannot differentiate is named with its node.
    @Test func unsupportedOperatorsAreListed() throws {
        var g = Graph(info: ModelInfo(format: "test"))
        let x = g.addValue(name: "x", shape: [1, 4])
        g.inputs = [x]
        let zero = g.addConstant(name: "zero", Tensor(shape: [], floats: [0]))
        let positive = try g.addNode(name: "is_positive", op: .compare(.greater), inputs: [x, zero])
        let w = g.addConstant(name: "w", Tensor(shape: [3, 4], floats: [Float](repeating: 0.1, count: 12)))
        let y = try g.addNode(name: "dense", op: .dense(Dense()), inputs: [positive, w])
        g.outputs = [y]
        #expect {
            _ = try FloatGradients.evaluate(g, inputs: [[1, -1, 2, -2]], logitWeights: [1, 1, 1])
        } throws: { error in
            "\(error)".contains("is_positive (greater)")
        }
    }
}
