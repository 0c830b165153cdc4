import GraphIR

/// An LSTM layer's constants as both file formats state them, gates in the order input, forget,
/// cell, output. Shapes: input weights [cell, inputs], recurrent weights [cell, outputs], biases
/// and peepholes [cell], projection [outputs, cell].
struct LSTMLayer {
    /// nil for the input gate of a coupled (CIFG) layer, whose input gate is 1 - forget.
    var inputWeights: [Tensor?]
    var recurrentWeights: [Tensor?]
    var biases: [Tensor?]
    /// Peepholes of the input, forget and output gates (any may be nil).
    var peepholes: [Tensor?] = [nil, nil, nil]
    var projection: (weights: Tensor, bias: Tensor?)?
    /// 0 means none.
    var cellClip: Float = 0
    var projectionClip: Float = 0
    var cellActivation: Activation = .tanh
}

/// A GRU layer's constants, gates in ONNX's order update, reset, candidate: weights [hidden,
/// inputs] and [hidden, hidden], biases [hidden].
struct GRULayer {
    var inputWeights: [Tensor]
    var recurrentWeights: [Tensor]
    var inputBiases: [Tensor?]
    var recurrentBiases: [Tensor?]
    var linearBeforeReset: Bool
}

/// Recurrent layers run as their steps, one after another: each step is dense layers, tables
/// (sigmoid, tanh), products and sums the graph already has, so the float reference, every
/// quantization scheme and the C runtime compute them with no kernel of their own. The state
/// starts at zero on every inference (as TFLite's reference outputs are made: its variables
/// reset per sample), and a step's weights are shared constants.
extension Graph {
    /// Runs an LSTM over `steps` (each [batch, inputs]); returns the output of each step
    /// ([batch, outputs]) and the last cell state.
    mutating func unrollLSTM(_ layer: LSTMLayer, steps: [ValueID], name: String) throws -> (outputs: [ValueID], cell: ValueID) {
        guard let forget = layer.inputWeights[1], let cellW = layer.inputWeights[2], let outW = layer.inputWeights[3] else {
            throw GraphError("LSTM: the forget, cell and output gates need input weights")
        }
        guard forget.shape.count == 2, forget.shape.allSatisfy({ $0 >= 1 }) else { throw GraphError("LSTM: forget gate weights \(forget.shape)") }
        let cells = forget.shape[0], inputs = forget.shape[1]
        let outputs = layer.projection?.weights.shape[0] ?? cells
        let coupled = layer.inputWeights[0] == nil
        for w in [forget, cellW, outW] + layer.recurrentWeights.compactMap({ $0 }) + (coupled ? [] : [layer.inputWeights[0]!]) {
            guard w.shape.count == 2, w.shape[0] == cells, w.isFloat else { throw GraphError("LSTM: gate weights must be [\(cells), n]") }
        }
        for (gate, w) in layer.recurrentWeights.enumerated() where w != nil && w!.shape[1] != outputs {
            throw GraphError("LSTM: recurrent weights of gate \(gate) must be [\(cells), \(outputs)]")
        }
        for t in [layer.biases, layer.peepholes].joined() where t != nil && t!.count != cells {
            throw GraphError("LSTM: biases and peepholes need \(cells) values")
        }
        // Coupled: the input gate is 1 - sigmoid(z) = sigmoid(-z), the forget gate negated.
        func negated(_ t: Tensor?) -> Tensor? { t.map { Tensor(shape: $0.shape, floats: $0.floats.map { -$0 }) } }
        let inputW = coupled ? negated(forget) : layer.inputWeights[0]
        let inputR = coupled ? negated(layer.recurrentWeights[1]) : layer.recurrentWeights[0]
        let inputB = coupled ? negated(layer.biases[1]) : layer.biases[0]
        let inputP = coupled ? negated(layer.peepholes[1]) : layer.peepholes[0]
        let gateW = [inputW!, forget, cellW, outW]
        let gateR = [inputR, layer.recurrentWeights[1], layer.recurrentWeights[2], layer.recurrentWeights[3]]
        let gateB = [inputB, layer.biases[1], layer.biases[2], layer.biases[3]]

        // Per gate: the weights of the first step (the state is zero) and of the others ([x, h]).
        var first = [ValueID](), later = [ValueID](), biases = [ValueID?]()
        for g in 0..<4 {
            first.append(addConstant(name: "\(name).w\(g).first", gateW[g]))
            later.append(addConstant(name: "\(name).w\(g)", Self.joinedRows(gateW[g], gateR[g], width: outputs)))
            biases.append(gateB[g].map { addConstant(name: "\(name).b\(g)", Tensor(shape: [cells], floats: $0.floats)) })
        }
        let peepholes = [inputP, layer.peepholes[1], layer.peepholes[2]].enumerated().map { k, p in
            p.map { addConstant(name: "\(name).p\(k)", Tensor(shape: [cells], floats: $0.floats)) }
        }
        let projection = layer.projection.map { p in
            (addConstant(name: "\(name).projection", p.weights), p.bias.map { addConstant(name: "\(name).projection.bias", $0) })
        }

        func node(_ op: Op, _ args: [ValueID], _ label: String) throws -> ValueID { try addNode(name: label, op: op, inputs: args) }
        func mul(_ a: ValueID, _ b: ValueID, _ label: String) throws -> ValueID { try node(.binary(Binary(.mul)), [a, b], label) }
        func add(_ a: ValueID, _ b: ValueID, _ label: String) throws -> ValueID { try node(.binary(Binary(.add)), [a, b], label) }

        var h: ValueID?, c: ValueID?
        var results = [ValueID]()
        for (t, x) in steps.enumerated() {
            let step = "\(name).t\(t)"
            guard self.shape(x).count == 2, self.shape(x)[1] == inputs else { throw GraphError("LSTM: step input \(self.shape(x)) needs \(inputs) features") }
            let xh = try h.map { try node(.concat(axis: 1), [x, $0], "\(step).xh") } ?? x
            func preactivation(_ g: Int) throws -> ValueID {
                let weights = h == nil ? first[g] : later[g]
                return try node(.dense(Dense()), [xh] + (biases[g].map { [weights, $0] } ?? [weights]), "\(step).gate\(g)")
            }
            func peephole(_ z: ValueID, _ k: Int, _ state: ValueID?) throws -> ValueID {
                guard let p = peepholes[k], let state else { return z }
                return try add(z, try mul(state, p, "\(step).peep\(k)"), "\(step).gate\(k).peep")
            }
            let i = try node(.activation(.sigmoid), [try peephole(try preactivation(0), 0, c)], "\(step).i")
            let f = try node(.activation(.sigmoid), [try peephole(try preactivation(1), 1, c)], "\(step).f")
            let g = try node(.activation(layer.cellActivation), [try preactivation(2)], "\(step).g")
            let ig = try mul(i, g, "\(step).ig")
            var cNew = try c.map { try add(try mul(f, $0, "\(step).fc"), ig, "\(step).c") } ?? ig
            if layer.cellClip > 0 {
                cNew = try node(.activation(.clip(min: -layer.cellClip, max: layer.cellClip)), [cNew], "\(step).c.clip")
            }
            let o = try node(.activation(.sigmoid), [try peephole(try preactivation(3), 2, cNew)], "\(step).o")
            var hNew = try mul(o, try node(.activation(layer.cellActivation), [cNew], "\(step).c.act"), "\(step).h")
            if let (w, b) = projection {
                hNew = try node(.dense(Dense()), [hNew, w] + (b.map { [$0] } ?? []), "\(step).projection")
                if layer.projectionClip > 0 {
                    hNew = try node(.activation(.clip(min: -layer.projectionClip, max: layer.projectionClip)), [hNew], "\(step).h.clip")
                }
            }
            results.append(hNew)
            h = hNew
            c = cNew
        }
        guard let c else { throw GraphError("LSTM: no time steps") }
        return (results, c)
    }

    /// [a | b] row by row: the weights of a dense layer over [x, h] (b nil: zeros of `width`).
    static func joinedRows(_ a: Tensor, _ b: Tensor?, width: Int) -> Tensor {
        let rows = a.shape[0], left = a.shape[1]
        var joined = [Float]()
        joined.reserveCapacity(rows * (left + width))
        for r in 0..<rows {
            joined += a.floats[(r * left)..<((r + 1) * left)]
            joined += b.map { Array($0.floats[(r * width)..<((r + 1) * width)]) } ?? [Float](repeating: 0, count: width)
        }
        return Tensor(shape: [rows, left + width], floats: joined)
    }

    /// Runs a GRU (ONNX's: gates update z, reset r and candidate n) over `steps`; returns each
    /// step's output. `linearBeforeReset`: the reset gate scales R·h + its bias rather than h.
    mutating func unrollGRU(_ layer: GRULayer, steps: [ValueID], name: String) throws -> [ValueID] {
        guard layer.inputWeights.count == 3, layer.recurrentWeights.count == 3, layer.inputWeights[0].shape.count == 2,
              layer.inputWeights[0].shape.allSatisfy({ $0 >= 1 }) else { throw GraphError("GRU: needs three gates of 2-D weights") }
        let hidden = layer.inputWeights[0].shape[0], inputs = layer.inputWeights[0].shape[1]
        for w in layer.inputWeights + layer.recurrentWeights {
            guard w.shape.count == 2, w.shape[0] == hidden, w.isFloat else { throw GraphError("GRU: gate weights must be [\(hidden), n]") }
        }
        guard layer.recurrentWeights.allSatisfy({ $0.shape[1] == hidden }), layer.inputWeights.allSatisfy({ $0.shape[1] == inputs }) else {
            throw GraphError("GRU: weights do not fit \(inputs) inputs and \(hidden) hidden units")
        }
        func sum(_ a: Tensor?, _ b: Tensor?) -> Tensor? {
            guard let a else { return b }
            guard let b else { return a }
            return Tensor(shape: a.shape, floats: zip(a.floats, b.floats).map { $0 + $1 })
        }
        func constant(_ t: Tensor?, _ label: String) -> ValueID? { t.map { addConstant(name: "\(name).\(label)", $0) } }
        let zBias = constant(sum(layer.inputBiases[0], layer.recurrentBiases[0]), "bz")
        let rBias = constant(sum(layer.inputBiases[1], layer.recurrentBiases[1]), "br")
        let nBias = constant(layer.linearBeforeReset ? layer.inputBiases[2] : sum(layer.inputBiases[2], layer.recurrentBiases[2]), "bn")
        let nRecurrentBias = layer.linearBeforeReset ? constant(layer.recurrentBiases[2], "rbn") : nil
        let firstW = (0..<3).map { addConstant(name: "\(name).w\($0).first", layer.inputWeights[$0]) }
        let laterW = (0..<3).map { addConstant(name: "\(name).w\($0)", Self.joinedRows(layer.inputWeights[$0], layer.recurrentWeights[$0], width: hidden)) }
        let nRecurrent = addConstant(name: "\(name).rn", layer.recurrentWeights[2])

        func node(_ op: Op, _ args: [ValueID], _ label: String) throws -> ValueID { try addNode(name: label, op: op, inputs: args) }
        func dense(_ x: ValueID, _ w: ValueID, _ b: ValueID?, _ label: String) throws -> ValueID {
            try node(.dense(Dense()), [x, w] + (b.map { [$0] } ?? []), label)
        }
        func binary(_ op: BinaryOp, _ a: ValueID, _ b: ValueID, _ label: String) throws -> ValueID { try node(.binary(Binary(op)), [a, b], label) }

        var h: ValueID?
        var results = [ValueID]()
        for (t, x) in steps.enumerated() {
            let step = "\(name).t\(t)"
            let xh = try h.map { try node(.concat(axis: 1), [x, $0], "\(step).xh") } ?? x
            let weights = h == nil ? firstW : laterW
            let z = try node(.activation(.sigmoid), [try dense(xh, weights[0], zBias, "\(step).gate.z")], "\(step).z")
            let needsReset = h != nil || nRecurrentBias != nil
            let r = needsReset ? try node(.activation(.sigmoid), [try dense(xh, weights[1], rBias, "\(step).gate.r")], "\(step).r") : nil
            var candidate: ValueID
            if layer.linearBeforeReset {
                candidate = try dense(x, firstW[2], nBias, "\(step).gate.n.x")
                let recurrent: ValueID? = try h.map { try dense($0, nRecurrent, nRecurrentBias, "\(step).gate.n.h") } ?? nRecurrentBias
                if let recurrent, let r { candidate = try binary(.add, candidate, try binary(.mul, r, recurrent, "\(step).rh"), "\(step).gate.n") }
            } else if let h, let r {
                let xrh = try node(.concat(axis: 1), [x, try binary(.mul, r, h, "\(step).rh")], "\(step).xrh")
                candidate = try dense(xrh, laterW[2], nBias, "\(step).gate.n")
            } else {
                candidate = try dense(x, firstW[2], nBias, "\(step).gate.n")
            }
            let n = try node(.activation(.tanh), [candidate], "\(step).n")
            // h = (1 - z) n + z h = n + z (h - n); with no state yet, n - z n.
            let hNew = try h.map { try binary(.add, n, try binary(.mul, z, try binary(.sub, $0, n, "\(step).hn"), "\(step).zhn"), "\(step).h") }
                ?? binary(.sub, n, try binary(.mul, z, n, "\(step).zn"), "\(step).h")
            results.append(hNew)
            h = hNew
        }
        return results
    }

    /// The steps of a sequence [batch, time, features] (or [time, batch, features]): a copy each.
    mutating func timeSteps(of x: ValueID, timeMajor: Bool, name: String) throws -> [ValueID] {
        let s = shape(x)
        guard s.count == 3 else { throw GraphError("a recurrent layer needs a 3-D input, not \(s)") }
        let steps = timeMajor ? s[0] : s[1]
        // Every step is a dozen nodes: a sequence longer than this is no microcontroller model.
        guard steps <= 1024 else { throw GraphError("a recurrent layer over \(steps) steps (at most 1,024 are unrolled)") }
        return try (0..<steps).map { t in
            var picks = s.map { Array(0..<$0) }
            picks[timeMajor ? 0 : 1] = [t]
            let copy = try IndexCopy.picking(picks, from: s, shape: [timeMajor ? s[1] : s[0], s[2]], source: "time step")
            return addNode(name: "\(name).x\(t)", op: .indexCopy(copy), inputs: [x], outputName: "\(name).x\(t)", shape: copy.shape)
        }
    }

    /// Step outputs ([batch, features] each) stacked along a new time axis.
    mutating func stacking(_ steps: [ValueID], timeMajor: Bool, name: String) throws -> ValueID {
        let s = shape(steps[0])
        let parts = steps.enumerated().map { t, h in
            addNode(name: "\(name).y\(t)", op: .reshape, inputs: [h], outputName: "\(name).y\(t)",
                    shape: timeMajor ? [1, s[0], s[1]] : [s[0], 1, s[1]])
        }
        guard parts.count > 1 else { return parts[0] }
        return try addNode(name: name, op: .concat(axis: timeMajor ? 0 : 1), inputs: parts)
    }
}
