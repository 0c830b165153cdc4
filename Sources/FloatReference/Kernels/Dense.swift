import GraphIR

/// Dense weights transposed from [O, K] to [K, O] so the inner loop runs over outputs.
struct PackedDenseWeights: Sendable {
    let inputs: Int, outputs: Int
    let data: [Float]
    init(weight: [Float], shape: [Int]) {
        outputs = shape[0]
        inputs = shape[1]
        data = transposeData(weight, shape: shape, perm: [1, 0])
    }
}

/// y[m, o] = bias[o] + Σ_k x[m, k]·W[o, k] over all leading rows m of x.
func denseLayer(_ x: [Float], weights: PackedDenseWeights, bias: [Float]?) -> [Float] {
    let k = weights.inputs, o = weights.outputs
    let rows = k == 0 ? 0 : x.count / k
    var out = [Float](repeating: 0, count: rows * o)
    x.withUnsafeBufferPointer { xp in
        weights.data.withUnsafeBufferPointer { wp in
            out.withUnsafeMutableBufferPointer { yp in
                for m in 0..<rows {
                    let y = yp.baseAddress! + m * o
                    if let bias { for j in 0..<o { y[j] = bias[j] } }
                    for i in 0..<k {
                        let xv = xp[m * k + i]
                        if xv == 0 { continue }
                        let row = wp.baseAddress! + i * o
                        for j in 0..<o { y[j] += xv * row[j] }
                    }
                }
            }
        }
    }
    return out
}

/// ONNX Gemm: alpha·op(A)·op(B) + beta·C.
func gemmLayer(_ args: [[Float]], shapes: [[Int]], gemm: Gemm, outShape: [Int]) -> [Float] {
    let a = gemm.transA ? transposeData(args[0], shape: shapes[0], perm: [1, 0]) : args[0]
    let bT = gemm.transB ? args[1] : transposeData(args[1], shape: shapes[1], perm: [1, 0])
    let (m, n) = (outShape[0], outShape[1])
    let k = m == 0 ? 0 : a.count / m
    var out = dense2D(a, rows: m, k: k, weightsON: bT, outputs: n)
    for i in out.indices { out[i] *= gemm.alpha }
    if args.count > 2 {
        let c = broadcastData(args[2], shape: shapes[2], to: outShape)
        for i in out.indices { out[i] += gemm.beta * c[i] }
    }
    return out
}

/// Numpy matmul with broadcast batch dimensions.
func matMul(_ a: [Float], _ aShape: [Int], _ b: [Float], _ bShape: [Int], outShape: [Int]) -> [Float] {
    var aS = aShape, bS = bShape
    if aS.count == 1 { aS = [1] + aS }
    if bS.count == 1 { bS = bS + [1] }
    let (m, k, n) = (aS[aS.count - 2], aS[aS.count - 1], bS[bS.count - 1])
    let batch = broadcastShapes(Array(aS.dropLast(2)), Array(bS.dropLast(2)))!
    let aFull = broadcastData(a, shape: aS, to: batch + [m, k])
    let bFull = broadcastData(b, shape: bS, to: batch + [k, n])
    var out = [Float]()
    out.reserveCapacity(outShape.elementCount)
    for i in 0..<batch.elementCount {
        let aMat = Array(aFull[(i * m * k)..<((i + 1) * m * k)])
        let bMat = Array(bFull[(i * k * n)..<((i + 1) * k * n)])
        out += dense2D(aMat, rows: m, k: k, weightsON: transposeData(bMat, shape: [k, n], perm: [1, 0]), outputs: n)
    }
    return out
}

private func dense2D(_ a: [Float], rows: Int, k: Int, weightsON: [Float], outputs: Int) -> [Float] {
    guard k > 0 else { return [Float](repeating: 0, count: rows * outputs) }
    return denseLayer(a, weights: PackedDenseWeights(weight: weightsON, shape: [outputs, k]), bias: nil)
}
