import GraphIR

/// ONNX LSTM and GRU, forward, reverse or bidirectional, unrolled over the sequence (see
/// `Graph.unrollLSTM`). Outputs Y, Y_h and (LSTM) Y_c in either layout.
extension ONNXImporter {
    static let recurrentOps: Set<String> = ["LSTM", "GRU"]

    mutating func importRecurrent(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        guard Self.recurrentOps.contains(node.opType) else { return false }
        let lstm = node.opType == "LSTM"
        let gates = lstm ? 4 : 3
        let x = try input(node, 0)
        let w = try constantInput(node, 1, "W"), r = try constantInput(node, 2, "R")
        let bias = hasInput(node, 3) ? try constantInput(node, 3, "B") : nil
        let layout = try attributes.int("layout", default: 0)
        let direction = attributes.string("direction", default: "forward")
        let directions = direction == "bidirectional" ? 2 : 1
        guard ["forward", "reverse", "bidirectional"].contains(direction), layout == 0 || layout == 1 else {
            throw GraphError("direction \(direction), layout \(layout) are not supported")
        }
        guard w.shape.count == 3, r.shape.count == 3, w.shape[0] == directions, r.shape[0] == directions, w.shape[1] % gates == 0 else {
            throw GraphError("W \(w.shape) and R \(r.shape) do not fit \(directions) direction(s)")
        }
        let hidden = w.shape[1] / gates, inputs = w.shape[2]
        guard hidden >= 1, inputs >= 1 else { throw GraphError("W \(w.shape) has no hidden units or no inputs") }
        guard r.shape[1] == gates * hidden, r.shape[2] == hidden, bias.map({ $0.shape == [directions, 2 * gates * hidden] }) ?? true else {
            throw GraphError("R \(r.shape) or B does not fit hidden size \(hidden)")
        }
        guard !attributes.has("clip"), try attributes.int("input_forget", default: 0) == 0 else {
            throw GraphError("clip and input_forget are not supported")
        }
        let defaults = lstm ? ["Sigmoid", "Tanh", "Tanh"] : ["Sigmoid", "Tanh"]
        if let given = attributes.strings("activations"), given != Array(repeating: defaults, count: directions).flatMap({ $0 }) {
            throw GraphError("activations \(given) are not supported (only \(defaults))")
        }
        let xShape = graph.shape(x)
        guard xShape.count == 3, xShape[2] == inputs else { throw GraphError("X \(xShape) does not have \(inputs) features") }
        let steps = layout == 0 ? xShape[0] : xShape[1], batch = layout == 0 ? xShape[1] : xShape[0]
        if hasInput(node, 4) {
            guard try constantInput(node, 4, "sequence_lens").ints.allSatisfy({ $0 == steps }) else {
                throw GraphError("sequences shorter than the input are not supported")
            }
        }
        for state in lstm ? [5, 6] : [5] where hasInput(node, state) {
            guard try constantInput(node, state, "the initial state").floats.allSatisfy({ $0 == 0 }) else {
                throw GraphError("a nonzero initial state is not supported")
            }
        }
        let peepholes = lstm && hasInput(node, 7) ? try constantInput(node, 7, "P") : nil

        // Row blocks of W, R, B and P for direction d.
        func rows(_ t: Tensor, _ d: Int, _ block: Int, _ size: Int, width: Int) -> Tensor {
            let start = (d * t.shape[1] + block * size) * width
            return Tensor(shape: width == 1 ? [size] : [size, width], floats: Array(t.floats[start..<(start + size * width)]))
        }
        let steps0 = try graph.timeSteps(of: x, timeMajor: layout == 0, name: name)
        var outputs = [[ValueID]](), lastH = [ValueID](), lastC = [ValueID]()
        for d in 0..<directions {
            let reverse = direction == "reverse" || d == 1
            let ordered = reverse ? Array(steps0.reversed()) : steps0
            let label = directions > 1 ? "\(name).d\(d)" : name
            var hs: [ValueID]
            if lstm {
                // ONNX's gate order is input, output, forget, cell; peepholes input, output, forget.
                let order = [0, 2, 3, 1]
                let b = bias.map { t in order.map { g in Tensor(shape: [hidden], floats: zip(rows(t, d, g, hidden, width: 1).floats,
                                                                                           rows(t, d, g + 4, hidden, width: 1).floats).map { $0 + $1 }) } }
                var layer = LSTMLayer(inputWeights: order.map { rows(w, d, $0, hidden, width: inputs) },
                                      recurrentWeights: order.map { rows(r, d, $0, hidden, width: hidden) },
                                      biases: b ?? [nil, nil, nil, nil])
                if let p = peepholes {
                    guard p.shape == [directions, 3 * hidden] else { throw GraphError("P \(p.shape) does not fit") }
                    layer.peepholes = [0, 2, 1].map { rows(p, d, $0, hidden, width: 1) }
                }
                let run = try graph.unrollLSTM(layer, steps: ordered, name: label)
                hs = run.outputs
                lastC.append(run.cell)
            } else {
                let layer = GRULayer(inputWeights: (0..<3).map { rows(w, d, $0, hidden, width: inputs) },
                                     recurrentWeights: (0..<3).map { rows(r, d, $0, hidden, width: hidden) },
                                     inputBiases: (0..<3).map { g in bias.map { rows($0, d, g, hidden, width: 1) } },
                                     recurrentBiases: (0..<3).map { g in bias.map { rows($0, d, g + 3, hidden, width: 1) } },
                                     linearBeforeReset: try attributes.int("linear_before_reset", default: 0) != 0)
                hs = try graph.unrollGRU(layer, steps: ordered, name: label)
            }
            lastH.append(hs.last!)
            outputs.append(reverse ? hs.reversed() : hs)
        }

        // Y: [steps, directions, batch, hidden] (layout 1: [batch, steps, directions, hidden]).
        if node.output.count > 0, !node.output[0].isEmpty {
            let perDirection = try outputs.enumerated().map { d, hs in
                let parts = try hs.enumerated().map { t, h in
                    try reshaped(h, layout == 0 ? [1, 1, batch, hidden] : [batch, 1, 1, hidden], name: "\(name).y\(d).\(t)")
                }
                return parts.count == 1 ? parts[0] : try emit(.concat(axis: layout == 0 ? 0 : 1), parts, name: "\(name).y\(d)", output: "\(name).y\(d)")
            }
            values[node.output[0]] = directions == 1 ? perDirection[0]
                : try emit(.concat(axis: layout == 0 ? 1 : 2), perDirection, name: name + ".y", output: outputName(node, 0))
        }
        // Y_h and Y_c: [directions, batch, hidden] (layout 1: [batch, directions, hidden]).
        for (k, finals) in [lastH, lastC].enumerated() where node.output.count > k + 1 && !node.output[k + 1].isEmpty && !finals.isEmpty {
            let parts = try finals.enumerated().map { d, v in
                try reshaped(v, layout == 0 ? [1, batch, hidden] : [batch, 1, hidden], name: "\(name).final\(k).\(d)")
            }
            values[node.output[k + 1]] = parts.count == 1 ? parts[0]
                : try emit(.concat(axis: layout == 0 ? 0 : 1), parts, name: "\(name).final\(k)", output: outputName(node, k + 1))
        }
        return true
    }
}
