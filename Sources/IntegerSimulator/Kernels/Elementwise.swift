import FixedPoint
import QuantizedIR

/// Aligns both operands to F = max(fa, fb), adds (or subtracts) in 64 bits, requantizes to the
/// output. A shorter `b` repeats (per-channel broadcast along the last axis).
func add(_ op: QAdd, _ a: [Int32], _ fa: QFormat, _ b: [Int32], _ fb: QFormat, _ fy: QFormat) -> [Int32] {
    let frac = max(fa.frac, fb.frac)
    let sa = Int64(frac - fa.frac), sb = Int64(frac - fb.frac)
    return a.indices.map { i in
        let x = Int64(a[i]) << sa
        let y = Int64(b[i % b.count]) << sb
        return requantize(op.subtract ? x - y : x + y, shift: frac - fy.frac, bits: fy.bits,
                          clampMin: op.clampMin, clampMax: op.clampMax)
    }
}

/// The larger (or smaller) operand in the finer of the two formats, requantized to the output. A
/// shorter `b` repeats.
func maxMin(_ op: QMaxMin, _ a: [Int32], _ fa: QFormat, _ b: [Int32], _ fb: QFormat, _ fy: QFormat) -> [Int32] {
    let frac = max(fa.frac, fb.frac)
    let sa = Int64(frac - fa.frac), sb = Int64(frac - fb.frac)
    return a.indices.map { i in
        let x = Int64(a[i]) << sa, y = Int64(b[i % b.count]) << sb
        return requantize(op.minimum ? min(x, y) : max(x, y), shift: frac - fy.frac, bits: fy.bits,
                          clampMin: op.clampMin, clampMax: op.clampMax)
    }
}

/// The exact product, requantized from frac fa + fb to the output. A shorter `b` repeats.
func mul(_ op: QMul, _ a: [Int32], _ fa: QFormat, _ b: [Int32], _ fb: QFormat, _ fy: QFormat) -> [Int32] {
    a.indices.map { i in
        requantize(Int64(a[i]) * Int64(b[i % b.count]), shift: fa.frac + fb.frac - fy.frac, bits: fy.bits,
                   clampMin: op.clampMin, clampMax: op.clampMax)
    }
}

func concat(_ op: QConcat, _ t: [[Int32]], _ tensors: [QTensor]) -> [Int32] {
    let out = tensors[op.output]
    let outer = out.shape[..<op.axis].reduce(1, *)
    var result = [Int32]()
    result.reserveCapacity(out.count)
    let parts = op.inputs.map { id -> [Int32] in
        let f = tensors[id].format
        return t[id].map { Int32(rescale(Int64($0), fromFrac: f.frac, toFrac: out.format.frac, bits: out.format.bits)) }
    }
    let blocks = op.inputs.map { tensors[$0].shape[op.axis...].reduce(1, *) }
    for o in 0..<outer {
        for (data, block) in zip(parts, blocks) { result.append(contentsOf: data[(o * block)..<((o + 1) * block)]) }
    }
    return result
}

func pad(_ op: QPad, _ x: [Int32], inShape: [Int], outShape: [Int]) -> [Int32] {
    var out = [Int32](repeating: Int32(op.value), count: outShape.reduce(1, *))
    let inStrides = strides(inShape), outStrides = strides(outShape)
    for i in x.indices {
        var target = 0
        for axis in inShape.indices { target += ((i / inStrides[axis]) % inShape[axis] + op.before[axis]) * outStrides[axis] }
        out[target] = x[i]
    }
    return out
}

func transpose(_ x: [Int32], shape: [Int], perm: [Int]) -> [Int32] {
    let outShape = perm.map { shape[$0] }
    let inStrides = strides(shape), outStrides = strides(outShape)
    var out = [Int32](repeating: 0, count: x.count)
    for i in x.indices {
        var source = 0
        for axis in outShape.indices { source += ((i / outStrides[axis]) % outShape[axis]) * inStrides[perm[axis]] }
        out[i] = x[source]
    }
    return out
}

/// `QIndexCopy`: output element i, split into one index per view axis, reads the sum of their offsets.
func indexCopy(_ x: [Int32], offsets: [[Int]]) -> [Int32] {
    let extents = offsets.map(\.count)
    let count = extents.reduce(1, *)
    let outStrides = strides(extents)
    return (0..<count).map { i in
        var source = 0
        for axis in extents.indices { source += offsets[axis][(i / outStrides[axis]) % extents[axis]] }
        return x[source]
    }
}

/// Table lookup as `QTable` documents (direct for narrow inputs, interpolated otherwise).
func lookup(_ table: QTable, _ x: [Int32], format: QFormat) -> [Int32] {
    let minInt = format.minInt
    if format.bits <= QTable.directBits { return x.map { table.values[Int(Int64($0) - minInt)] } }
    let s = format.bits - QTable.directBits
    return x.map { q in
        let u = Int64(q) - minInt
        let i = Int(u >> Int64(s)), r = u & ((Int64(1) << Int64(s)) - 1)
        let t0 = Int64(table.values[i]), t1 = Int64(table.values[i + 1])
        return Int32(t0 + roundingRightShift((t1 - t0) * r, s))
    }
}

func strides(_ shape: [Int]) -> [Int] {
    var result = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        result[axis] = running
        running *= shape[axis]
    }
    return result
}

/// TFLite's int8 ADD (`QAffineAdd`), element by element in 32-bit arithmetic.
/// TFLite's int8 MUL element by element (`QAffineMul`); C twin `qc_mul_affine_s8`.
func affineMul(_ op: QAffineMul, _ a: [Int32], _ b: [Int32]) -> [Int32] {
    a.indices.map { i in
        let product = (a[i] + op.aOffset) * (b[i % b.count] + op.bOffset)
        let v = Int64(op.outputOffset) + Int64(Affine.multiplyByQuantizedMultiplier(product, op.multiplier, op.shift))
        return Int32(min(max(v, Int64(op.clampMin)), Int64(op.clampMax)))
    }
}

/// TFLite's int8 SQUARED_DIFFERENCE (`QOp.affineSquaredDifference`); C twin `qc_squared_difference_affine_s8`.
func affineSquaredDifference(_ op: QAffineAdd, _ a: [Int32], _ b: [Int32]) -> [Int32] {
    a.indices.map { i in
        let (u, v) = commonScale(op, a[i], b[i % b.count])
        let scaled = Affine.multiplyByQuantizedMultiplier((u - v) * (u - v), op.outputMultiplier, op.outputShift)
        return Int32(min(max(Int64(op.outputOffset) + Int64(scaled), -128), 127))
    }
}

/// TFLite's int8 L2_NORMALIZATION (`QAffineL2Normalization`); C twin `qc_l2_normalization_affine_s8`.
func affineL2Normalization(_ op: QAffineL2Normalization, _ x: [Int32], depth: Int) -> [Int32] {
    stride(from: 0, to: x.count, by: max(depth, 1)).flatMap { start -> [Int32] in
        let row = x[start..<(start + depth)].map { $0 - op.inputZeroPoint }
        let (multiplier, shift) = Affine.inverseSqrt(row.reduce(0) { $0 &+ $1 &* $1 })
        return row.map { min(max(Affine.multiplyByQuantizedMultiplier($0, multiplier, shift + 7), -128), 127) }
    }
}

/// TFLite's int8 PRELU (`QAffinePRelu`); C twin `qc_prelu_affine_s8`.
func affinePRelu(_ op: QAffinePRelu, _ x: [Int32]) -> [Int32] {
    x.indices.map { i in
        let v = x[i] + op.inputOffset
        let scaled = v >= 0 ? Affine.multiplyByQuantizedMultiplier(v, op.positiveMultiplier, op.positiveShift)
            : Affine.multiplyByQuantizedMultiplier(v * (op.alpha[i % op.alpha.count] + op.alphaOffset), op.negativeMultiplier, op.negativeShift)
        return Int32(min(max(Int64(op.outputOffset) + Int64(scaled), -128), 127))
    }
}

/// TFLite's int8 MEAN over H and W (`QAffineMean`) of [batch, H, W, C]; C twin `qc_mean_affine_s8`.
func affineMean(_ op: QAffineMean, _ x: [Int32], shape: [Int]) -> [Int32] {
    let positions = shape[1] * shape[2], channels = shape[3]
    var y = [Int32]()
    y.reserveCapacity(shape[0] * channels)
    for b in 0..<shape[0] {
        for c in 0..<channels {
            var sum: Int32 = 0
            for i in 0..<positions { sum += x[(b * positions + i) * channels + c] - op.inputZeroPoint }
            let v = Affine.multiplyByQuantizedMultiplier(sum, op.multiplier, op.shift) + op.outputZeroPoint
            y.append(min(max(v, -128), 127))
        }
    }
    return y
}

func affineAdd(_ op: QAffineAdd, _ a: [Int32], _ b: [Int32]) -> [Int32] {
    // b repeats along a (a scalar, or one value per channel of the last axis).
    a.indices.map { i in
        let (sa, sb) = commonScale(op, a[i], b[i % b.count])
        let sum = Affine.multiplyByQuantizedMultiplier(sa &+ sb, op.outputMultiplier, op.outputShift) + op.outputOffset
        return min(max(sum, op.clampMin), op.clampMax)
    }
}

/// The two inputs of TFLite's ADD (and SQUARED_DIFFERENCE) at their common scale: offset, shifted
/// left, rescaled by their own multipliers.
private func commonScale(_ op: QAffineAdd, _ x: Int32, _ y: Int32) -> (Int32, Int32) {
    (Affine.multiplyByQuantizedMultiplier((x + op.aOffset) << Int32(op.leftShift), op.aMultiplier, op.aShift),
     Affine.multiplyByQuantizedMultiplier((y + op.bOffset) << Int32(op.leftShift), op.bMultiplier, op.bShift))
}

/// TFLite's int8 softmax over rows of the last axis.
func softmax(_ op: QSoftmax, _ x: [Int32], depth: Int) -> [Int32] {
    stride(from: 0, to: x.count, by: max(depth, 1)).flatMap { start in
        Affine.softmax(Array(x[start..<(start + depth)]), multiplier: op.multiplier, leftShift: op.leftShift, diffMin: op.diffMin)
    }
}
