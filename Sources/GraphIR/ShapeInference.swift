/// Output shapes of every op from its input shapes (one exhaustive switch).
///
/// `reshape` has no rule: its output shape is whatever the graph says it is, checked only for
/// element count by the verifier.
public enum ShapeInference {
    /// The largest tensor quantc accepts (elements), far above any microcontroller model.
    public static let maxElements = 1 << 31

    public static func outputShape(of op: Op, inputs: [[Int]], declared: [Int]? = nil) throws -> [Int] {
        let shape = try rawOutputShape(of: op, inputs: inputs, declared: declared)
        guard shape.allSatisfy({ $0 >= 0 }), shape.elementCount <= maxElements else {
            throw GraphError("\(op.kind): output shape \(shape) is invalid or too large")
        }
        return shape
    }

    static func rawOutputShape(of op: Op, inputs: [[Int]], declared: [Int]?) throws -> [Int] {
        guard inputs.allSatisfy({ $0.allSatisfy { $0 >= 0 } && $0.elementCount <= maxElements }) else {
            throw GraphError("\(op.kind): input shapes \(inputs) are invalid or too large")
        }
        func fail(_ why: String) -> GraphError { GraphError("\(op.kind): \(why) (input shapes \(inputs))") }
        func need(_ count: ClosedRange<Int>) throws {
            guard count.contains(inputs.count) else { throw fail("expects \(count) inputs") }
        }
        switch op {
        case .conv2d(let conv):
            try need(2...3)
            let x = inputs[0], w = inputs[1]
            guard x.count == 4, w.count == 4 else { throw fail("needs 4-D NHWC input and OHWI weight") }
            guard conv.groups >= 1, x[3] % conv.groups == 0, w[0] % conv.groups == 0,
                  w[3] * conv.groups == x[3] else { throw fail("channels do not match groups \(conv.groups)") }
            if inputs.count == 3, inputs[2].elementCount != w[0] { throw fail("bias size is not \(w[0])") }
            let h = try windowCount(x[1], kernel: w[1], stride: conv.strideH, dilation: conv.dilationH,
                                    padBefore: conv.padding.top, padAfter: conv.padding.bottom, ceil: false)
            let wd = try windowCount(x[2], kernel: w[2], stride: conv.strideW, dilation: conv.dilationW,
                                     padBefore: conv.padding.left, padAfter: conv.padding.right, ceil: false)
            return [x[0], h, wd, w[0]]
        case .dense:
            try need(2...3)
            let x = inputs[0], w = inputs[1]
            guard w.count == 2, let k = x.last, k == w[1] else { throw fail("needs weight [O, K] with K = last input dim") }
            if inputs.count == 3, inputs[2].elementCount != w[0] { throw fail("bias size is not \(w[0])") }
            return Array(x.dropLast()) + [w[0]]
        case .gemm(let gemm):
            try need(2...3)
            let a = inputs[0], b = inputs[1]
            guard a.count == 2, b.count == 2 else { throw fail("needs 2-D operands") }
            let (m, k) = gemm.transA ? (a[1], a[0]) : (a[0], a[1])
            let (k2, n) = gemm.transB ? (b[1], b[0]) : (b[0], b[1])
            guard k == k2 else { throw fail("inner dimensions differ") }
            if inputs.count == 3, broadcastShapes(inputs[2], [m, n]) != [m, n] { throw fail("C does not broadcast") }
            return [m, n]
        case .matMul:
            try need(2...2)
            var a = inputs[0], b = inputs[1]
            guard !a.isEmpty, !b.isEmpty else { throw fail("scalars are not allowed") }
            let aVector = a.count == 1, bVector = b.count == 1
            if aVector { a = [1] + a }
            if bVector { b = b + [1] }
            guard a[a.count - 1] == b[b.count - 2] else { throw fail("inner dimensions differ") }
            guard let batch = broadcastShapes(Array(a.dropLast(2)), Array(b.dropLast(2))) else {
                throw fail("batch dimensions do not broadcast")
            }
            var out = batch + [a[a.count - 2], b[b.count - 1]]
            if aVector { out.remove(at: out.count - 2) }
            if bVector { out.removeLast() }
            return out
        case .maxPool2d(let pool), .avgPool2d(let pool):
            try need(1...1)
            let x = inputs[0]
            guard x.count == 4 else { throw fail("needs 4-D NHWC input") }
            let h = try windowCount(x[1], kernel: pool.kernelH, stride: pool.strideH, dilation: pool.dilationH,
                                    padBefore: pool.padding.top, padAfter: pool.padding.bottom, ceil: pool.ceilMode)
            let w = try windowCount(x[2], kernel: pool.kernelW, stride: pool.strideW, dilation: pool.dilationW,
                                    padBefore: pool.padding.left, padAfter: pool.padding.right, ceil: pool.ceilMode)
            return [x[0], h, w, x[3]]
        case .globalAvgPool, .globalMaxPool:
            try need(1...1)
            guard inputs[0].count == 4 else { throw fail("needs 4-D NHWC input") }
            return [inputs[0][0], 1, 1, inputs[0][3]]
        case .mean(let mean):
            try need(1...1)
            let x = inputs[0]
            guard mean.axes.allSatisfy({ $0 >= 0 && $0 < x.count }) else { throw fail("axis out of range") }
            var out = [Int]()
            for (axis, dim) in x.enumerated() {
                if mean.axes.contains(axis) {
                    if mean.keepDims { out.append(1) }
                } else {
                    out.append(dim)
                }
            }
            return out
        case .activation:
            try need(1...1)
            return inputs[0]
        case .prelu:
            try need(2...2)
            guard broadcastShapes(inputs[0], inputs[1]) == inputs[0] else { throw fail("slope does not broadcast") }
            return inputs[0]
        case .softmax(let softmax):
            try need(1...1)
            guard softmax.axis >= 0, softmax.axis < Swift.max(inputs[0].count, 1) else { throw fail("axis out of range") }
            return inputs[0]
        case .binary, .compare, .maxMin, .squaredDifference:
            try need(2...2)
            guard let out = broadcastShapes(inputs[0], inputs[1]) else { throw fail("shapes do not broadcast") }
            return out
        case .select:
            try need(3...3)
            guard let ab = broadcastShapes(inputs[1], inputs[2]), let out = broadcastShapes(inputs[0], ab) else {
                throw fail("shapes do not broadcast")
            }
            return out
        case .concat(let axis):
            guard !inputs.isEmpty else { throw fail("needs inputs") }
            let first = inputs[0]
            guard axis >= 0, axis < first.count else { throw fail("axis out of range") }
            var out = first
            out[axis] = 0
            for shape in inputs {
                guard shape.count == first.count,
                      shape.indices.allSatisfy({ $0 == axis || shape[$0] == first[$0] }) else {
                    throw fail("shapes differ off the concat axis")
                }
                out[axis] += shape[axis]
            }
            return out
        case .reshape:
            try need(1...1)
            guard let declared, declared.elementCount == inputs[0].elementCount else {
                throw fail("element count changes")
            }
            return declared
        case .transpose(let perm):
            try need(1...1)
            guard perm.sorted() == Array(0..<inputs[0].count) else { throw fail("perm \(perm) is not a permutation") }
            return permute(inputs[0], perm)
        case .pad(let pad):
            try need(1...1)
            let x = inputs[0]
            guard pad.before.count == x.count, pad.after.count == x.count,
                  (pad.before + pad.after).allSatisfy({ $0 >= 0 }) else { throw fail("pads do not match rank") }
            return x.indices.map { x[$0] + pad.before[$0] + pad.after[$0] }
        case .l2Normalization:
            try need(1...1)
            guard !inputs[0].isEmpty else { throw fail("needs an axis to normalize over") }
            return inputs[0]
        case .resizeBilinear(let resize):
            try need(1...1)
            guard inputs[0].count == 4, resize.height > 0, resize.width > 0 else { throw fail("needs a 4-D input and a positive size") }
            return [inputs[0][0], resize.height, resize.width, inputs[0][3]]
        case .indexCopy(let copy):
            try need(1...1)
            let size = inputs[0].elementCount
            guard copy.shape.elementCount == copy.count,
                  copy.offsets.allSatisfy({ $0.allSatisfy { $0 >= 0 } }),
                  copy.count == 0 || copy.offsets.reduce(0, { $0 + ($1.max() ?? 0) }) < size else {
                throw fail("the copy reads outside its input or does not fill its shape \(copy.shape)")
            }
            return copy.shape
        }
    }

    /// Number of sliding-window positions along one axis (ONNX/TFLite rules).
    public static func windowCount(_ size: Int, kernel: Int, stride: Int, dilation: Int,
                                   padBefore: Int, padAfter: Int, ceil: Bool) throws -> Int {
        guard kernel >= 1, stride >= 1, dilation >= 1, padBefore >= 0, padAfter >= 0 else {
            throw GraphError("invalid window (kernel \(kernel), stride \(stride), dilation \(dilation))")
        }
        let span = (kernel - 1) * dilation + 1
        let room = size + padBefore + padAfter - span
        guard room >= 0 else { throw GraphError("window \(span) is larger than the padded input \(size + padBefore + padAfter)") }
        if !ceil { return room / stride + 1 }
        var count = (room + stride - 1) / stride + 1
        // A window that would start in the trailing padding is dropped.
        if (count - 1) * stride >= size + padBefore { count -= 1 }
        return count
    }
}
