import FixedPoint
import QuantizedIR

/// Integer weights repacked so the inner loop runs over contiguous output channels:
/// conv [group][kh][kw][cin/group][cout/group], dense [K][O].
struct PackedIntWeights: Sendable {
    let data: [Int32]

    init(conv c: QConv, values: [Int32]) {
        let cog = c.outChannels / c.groups, cin = c.inChannelsPerGroup
        var packed = [Int32](repeating: 0, count: values.count)
        for o in 0..<c.outChannels {
            let g = o / cog, ol = o % cog
            for y in 0..<c.kernelH {
                for x in 0..<c.kernelW {
                    for i in 0..<cin {
                        packed[(((g * c.kernelH + y) * c.kernelW + x) * cin + i) * cog + ol] = values[((o * c.kernelH + y) * c.kernelW + x) * cin + i]
                    }
                }
            }
        }
        data = packed
    }

    init(dense d: QDense, values: [Int32]) {
        var packed = [Int32](repeating: 0, count: values.count)
        for o in 0..<d.outFeatures {
            for k in 0..<d.inFeatures { packed[k * d.outFeatures + o] = values[o * d.inFeatures + k] }
        }
        data = packed
    }
}

/// NHWC integer convolution: acc = bias + Σ x·w, then per-channel requantization.
/// Padded positions read `padValue`: 0 (the real value 0 in every fixed-point format), or an
/// int8-affine input's zero point.
func convolve(_ c: QConv, input: [Int32], inShape: [Int], outShape: [Int], weights: PackedIntWeights, outBits: Int) -> [Int32] {
    switch c.accumulator {
    case .int32: return convolve(c, input: input, inShape: inShape, outShape: outShape, weights: weights, outBits: outBits, as: Int32.self)
    case .int64: return convolve(c, input: input, inShape: inShape, outShape: outShape, weights: weights, outBits: outBits, as: Int64.self)
    }
}

private func convolve<Acc: FixedWidthInteger & SignedInteger>(_ c: QConv, input: [Int32], inShape: [Int], outShape: [Int],
                                                             weights: PackedIntWeights, outBits: Int, as _: Acc.Type) -> [Int32] {
    let (n, h, w, ch) = (inShape[0], inShape[1], inShape[2], inShape[3])
    let p = c.padding
    let hp = h + p.top + p.bottom, wp = w + p.left + p.right
    var x = [Int32](repeating: c.padValue, count: n * hp * wp * ch)
    for b in 0..<n {
        for y in 0..<h {
            let src = ((b * h + y) * w) * ch, dst = ((b * hp + y + p.top) * wp + p.left) * ch
            x.replaceSubrange(dst..<(dst + w * ch), with: input[src..<(src + w * ch)])
        }
    }
    let (oh, ow, cout) = (outShape[1], outShape[2], outShape[3])
    let cin = c.inChannelsPerGroup, cog = cout / c.groups
    var out = [Int32](repeating: 0, count: outShape.reduce(1, *))
    var acc = [Acc](repeating: 0, count: cout)
    let bias = c.bias.map { Acc(truncatingIfNeeded: $0) }
    x.withUnsafeBufferPointer { xp in
        weights.data.withUnsafeBufferPointer { wptr in
            acc.withUnsafeMutableBufferPointer { ap in
                for b in 0..<n {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            for o in 0..<cout { ap[o] = bias[o] }
                            for g in 0..<c.groups {
                                let a = ap.baseAddress! + g * cog
                                for ky in 0..<c.kernelH {
                                    let iy = oy * c.strideH + ky * c.dilationH
                                    for kx in 0..<c.kernelW {
                                        let ix = ox * c.strideW + kx * c.dilationW
                                        let xBase = ((b * hp + iy) * wp + ix) * ch + g * cin
                                        let wBase = wptr.baseAddress! + ((g * c.kernelH + ky) * c.kernelW + kx) * cin * cog
                                        for i in 0..<cin {
                                            let xv = Acc(truncatingIfNeeded: xp[xBase + i])
                                            if xv == 0 { continue }
                                            let row = wBase + i * cog
                                            for o in 0..<cog { a[o] &+= xv &* Acc(truncatingIfNeeded: row[o]) }
                                        }
                                    }
                                }
                            }
                            let base = ((b * oh + oy) * ow + ox) * cout
                            for o in 0..<cout { out[base + o] = c.requantize.apply(Int64(ap[o]), channel: o, bits: outBits) }
                        }
                    }
                }
            }
        }
    }
    return out
}

/// y[m, o] = requantize(bias[o] + Σ_k x[m, k]·W[o, k]).
func denseLayer(_ d: QDense, input: [Int32], weights: PackedIntWeights, outBits: Int) -> [Int32] {
    let k = d.inFeatures, o = d.outFeatures
    let rows = input.count / max(k, 1)
    var out = [Int32](repeating: 0, count: rows * o)
    var acc = [Int64](repeating: 0, count: o)
    for m in 0..<rows {
        for j in 0..<o { acc[j] = d.bias[j] }
        weights.data.withUnsafeBufferPointer { wp in
            acc.withUnsafeMutableBufferPointer { ap in
                for i in 0..<k {
                    let xv = Int64(input[m * k + i])
                    if xv == 0 { continue }
                    let row = wp.baseAddress! + i * o
                    for j in 0..<o { ap[j] &+= xv &* Int64(row[j]) }
                }
            }
        }
        for j in 0..<o { out[m * o + j] = d.requantize.apply(acc[j], channel: j, bits: outBits) }
    }
    return out
}
