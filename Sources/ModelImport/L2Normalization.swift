import GraphIR

extension Graph {
    /// x / max(‖x‖₂, 1e-6) along `axis` (TFLite L2_NORMALIZATION, ONNX LpNormalization with p = 2):
    /// the squares summed over the axis, floored at 1e-12, a reciprocal square root, copied back
    /// along the axis (so every scheme multiplies same-shape tensors), and the product.
    mutating func l2Normalized(_ x: ValueID, axis: Int, name: String) throws -> ValueID {
        let rank = shape(x).count
        guard axis >= 0, axis < rank else { throw GraphError("L2 normalization: axis \(axis) of a rank-\(rank) input") }
        func node(_ op: Op, _ args: [ValueID], _ label: String) throws -> ValueID { try addNode(name: label, op: op, inputs: args) }
        let squares = try node(.binary(Binary(.mul)), [x, x], name + ".squares")
        let sum = try node(.mean(Mean(axes: [axis], keepDims: true, reduction: .sum)), [squares], name + ".sum")
        let floored = try node(.activation(.clip(min: 1e-12, max: .infinity)), [sum], name + ".floored")
        var inverse = try node(.activation(.rsqrt), [floored], name + ".inverse")
        let s = shape(x)
        if s[axis] > 1 {
            var picks = shape(inverse).map { Array(0..<$0) }
            picks[axis] = [Int](repeating: 0, count: s[axis])
            let copy = try IndexCopy.picking(picks, from: shape(inverse), shape: s, source: "broadcast")
            inverse = addNode(name: name + ".spread", op: .indexCopy(copy), inputs: [inverse], outputName: name + ".spread", shape: s)
        }
        return try node(.binary(Binary(.mul)), [x, inverse], name)
    }
}
