import FixedPoint
import QuantizedIR

/// Max or average pooling on integers. Max keeps the input's format; an average is rounded to the
/// output's (same bits, a frac 0…15 finer: `averageOf`).
func pool(_ p: QPool, input: [Int32], from inFormat: QFormat, inShape: [Int], to outFormat: QFormat, outShape: [Int], max isMax: Bool) -> [Int32] {
    let shift = outFormat.frac - inFormat.frac
    let (n, h, w, c) = (inShape[0], inShape[1], inShape[2], inShape[3])
    let (oh, ow) = (outShape[1], outShape[2])
    let pad = p.padding
    var out = [Int32](repeating: 0, count: outShape.reduce(1, *))
    var acc = [Int64](repeating: 0, count: c)
    for b in 0..<n {
        for oy in 0..<oh {
            for ox in 0..<ow {
                for ch in 0..<c { acc[ch] = isMax ? Int64.min : 0 }
                var inside = 0, padded = 0
                for ky in 0..<p.kernelH {
                    let iy = oy * p.strideH + ky * p.dilationH - pad.top
                    for kx in 0..<p.kernelW {
                        let ix = ox * p.strideW + kx * p.dilationW - pad.left
                        if iy >= -pad.top, iy < h + pad.bottom, ix >= -pad.left, ix < w + pad.right { padded += 1 }
                        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                        inside += 1
                        let base = ((b * h + iy) * w + ix) * c
                        for ch in 0..<c {
                            let v = Int64(input[base + ch])
                            acc[ch] = isMax ? Swift.max(acc[ch], v) : acc[ch] + v
                        }
                    }
                }
                let base = ((b * oh + oy) * ow + ox) * c
                let count = p.countIncludePad ? padded : inside
                for ch in 0..<c {
                    out[base + ch] = Int32(isMax ? (inside > 0 ? acc[ch] : 0)
                                          : p.exactDivision ? roundedDivision(sum: acc[ch], count: count)
                                          : averageOf(sum: acc[ch], count: count, shift: shift, format: outFormat))
                }
            }
        }
    }
    return out
}

/// NHWC -> [N,1,1,C] integer mean (the average pooling's division and output rule) or max.
func globalPool(_ x: [Int32], from inFormat: QFormat, shape: [Int], to outFormat: QFormat, max isMax: Bool) -> [Int32] {
    let (n, positions, c) = (shape[0], shape[1] * shape[2], shape[3])
    var out = [Int32](repeating: 0, count: n * c)
    for b in 0..<n {
        for ch in 0..<c {
            var acc: Int64 = isMax ? Int64.min : 0
            for p in 0..<positions {
                let v = Int64(x[(b * positions + p) * c + ch])
                acc = isMax ? Swift.max(acc, v) : acc + v
            }
            out[b * c + ch] = Int32(isMax ? acc : averageOf(sum: acc, count: positions, shift: outFormat.frac - inFormat.frac, format: outFormat))
        }
    }
    return out
}
