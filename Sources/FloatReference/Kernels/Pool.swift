import GraphIR

/// NHWC max or average pooling. Windows are clipped to the padded input; padding never wins a max.
/// Average divisor: the taps inside the explicitly padded input when `countIncludePad`, else the
/// taps inside the input (ONNX semantics; the ceil-mode overhang never counts).
func pool2d(_ x: [Float], shape: [Int], pool: Pool2D, outShape: [Int], max isMax: Bool) -> [Float] {
    let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    let (oh, ow) = (outShape[1], outShape[2])
    let p = pool.padding
    var out = [Float](repeating: 0, count: outShape.elementCount)
    var acc = [Float](repeating: 0, count: c)
    for b in 0..<n {
        for oy in 0..<oh {
            for ox in 0..<ow {
                for ch in 0..<c { acc[ch] = isMax ? -.infinity : 0 }
                var inside = 0, padded = 0
                for ky in 0..<pool.kernelH {
                    let iy = oy * pool.strideH + ky * pool.dilationH - p.top
                    for kx in 0..<pool.kernelW {
                        let ix = ox * pool.strideW + kx * pool.dilationW - p.left
                        if iy >= -p.top, iy < h + p.bottom, ix >= -p.left, ix < w + p.right { padded += 1 }
                        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                        inside += 1
                        let base = ((b * h + iy) * w + ix) * c
                        if isMax {
                            for ch in 0..<c { acc[ch] = Swift.max(acc[ch], x[base + ch]) }
                        } else {
                            for ch in 0..<c { acc[ch] += x[base + ch] }
                        }
                    }
                }
                let base = ((b * oh + oy) * ow + ox) * c
                let divisor = Float(pool.countIncludePad ? padded : inside)
                for ch in 0..<c { out[base + ch] = isMax ? acc[ch] : (divisor > 0 ? acc[ch] / divisor : 0) }
            }
        }
    }
    return out
}

/// NHWC -> [N,1,1,C] mean or max over all positions.
func globalPool(_ x: [Float], shape: [Int], max isMax: Bool) -> [Float] {
    let (n, positions, c) = (shape[0], shape[1] * shape[2], shape[3])
    var out = [Float](repeating: isMax ? -.infinity : 0, count: n * c)
    for b in 0..<n {
        for p in 0..<positions {
            let base = (b * positions + p) * c
            for ch in 0..<c {
                out[b * c + ch] = isMax ? Swift.max(out[b * c + ch], x[base + ch]) : out[b * c + ch] + x[base + ch]
            }
        }
    }
    if !isMax, positions > 0 { for i in out.indices { out[i] /= Float(positions) } }
    return out
}

/// Mean over `axes` (output has those axes removed or kept as 1: same data order either way).
func reduce(_ x: [Float], shape: [Int], axes: [Int], reduction: Mean.Reduction) -> [Float] {
    let strides = shape.strides
    let keptAxes = shape.indices.filter { !axes.contains($0) }
    let keptShape = keptAxes.map { shape[$0] }
    let keptStrides = keptShape.strides
    var out = [Float](repeating: reduction == .max ? -.infinity : 0, count: keptShape.elementCount)
    let reduced = Float(axes.map { shape[$0] }.reduce(1, *))
    for i in x.indices {
        var target = 0
        for (k, axis) in keptAxes.enumerated() { target += ((i / strides[axis]) % shape[axis]) * keptStrides[k] }
        if reduction == .max { out[target] = Swift.max(out[target], x[i]) } else { out[target] += x[i] }
    }
    return reduction == .mean ? out.map { $0 / reduced } : out
}
