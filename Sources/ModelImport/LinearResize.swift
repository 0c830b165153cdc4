import GraphIR

/// Bilinear (linear) resizing as one linear map per resized axis: each output position is a
/// weighted sum of at most two input positions, written as a dense layer over that axis (a
/// matrix [output, input], one row per output position). The float reference, every scheme and
/// the C runtime then run it with the dense kernel; the transposes that bring the axis last are
/// views or copies the passes fold.
extension Graph {
    /// Applies `matrix` ([out][in]) along `axis` of `x`.
    mutating func linearMap(_ x: ValueID, axis: Int, matrix: [[Float]], name: String) throws -> ValueID {
        let s = shape(x)
        guard axis >= 0, axis < s.count, let first = matrix.first, first.count == s[axis] else {
            throw GraphError("resize: a matrix of \(matrix.first?.count ?? 0) columns for axis \(axis) of \(s)")
        }
        let last = s.count - 1
        var perm = Array(0..<s.count)
        perm.swapAt(axis, last)
        func node(_ op: Op, _ input: ValueID, _ label: String, shape declared: [Int]? = nil) throws -> ValueID {
            try addNode(name: label, op: op, inputs: [input], declared: declared)
        }
        let moved = axis == last ? x : try node(.transpose(perm: perm), x, "\(name).axis\(axis)")
        let movedShape = shape(moved)
        let rows = movedShape.dropLast().reduce(1, *)
        let flat = try node(.reshape, moved, "\(name).rows\(axis)", shape: [rows, s[axis]])
        let weights = addConstant(name: "\(name).weights\(axis)", Tensor(shape: [matrix.count, s[axis]], floats: matrix.flatMap { $0 }))
        let mapped = addNode(name: "\(name).map\(axis)", op: .dense(Dense()), inputs: [flat, weights], outputName: "\(name).map\(axis)",
                             shape: [rows, matrix.count])
        let back = try node(.reshape, mapped, "\(name).unrows\(axis)", shape: Array(movedShape.dropLast()) + [matrix.count])
        return axis == last ? back : try node(.transpose(perm: perm), back, "\(name).resized\(axis)")
    }

    /// TFLite RESIZE_BILINEAR's weights along one axis, computed in float as its kernel does.
    static func tfliteBilinearMatrix(input n: Int, output m: Int, alignCorners: Bool, halfPixel: Bool) -> [[Float]] {
        ResizeBilinear.matrix(input: n, output: m, alignCorners: alignCorners, halfPixel: halfPixel)
    }

    /// ONNX Resize's linear weights along one axis for the input position of each output, clamped
    /// to the input (edge values beyond it).
    static func onnxLinearMatrix(input n: Int, positions: [Float]) -> [[Float]] {
        positions.map { p in
            let clamped = min(max(p, 0), Float(n - 1))
            let lower = Int(clamped.rounded(.down)), r = clamped - Float(lower)
            var row = [Float](repeating: 0, count: n)
            row[lower] += 1 - r
            row[min(lower + 1, n - 1)] += r
            return row
        }
    }
}
