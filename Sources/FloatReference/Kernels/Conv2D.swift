import GraphIR

/// Conv weights repacked from OHWI to [group][kh][kw][cin/group][cout/group], so the innermost
/// loop runs over contiguous output channels and vectorizes.
struct PackedConvWeights: Sendable {
    let groups: Int, kh: Int, kw: Int, cinPerGroup: Int, coutPerGroup: Int
    let data: [Float]

    init(weight: [Float], shape: [Int], groups: Int) {
        let (cout, kh, kw, cin) = (shape[0], shape[1], shape[2], shape[3])
        self.groups = groups
        self.kh = kh
        self.kw = kw
        cinPerGroup = cin
        coutPerGroup = cout / groups
        var packed = [Float](repeating: 0, count: weight.count)
        for o in 0..<cout {
            let g = o / coutPerGroup, ol = o % coutPerGroup
            for y in 0..<kh {
                for x in 0..<kw {
                    for i in 0..<cin {
                        packed[(((g * kh + y) * kw + x) * cin + i) * coutPerGroup + ol] = weight[((o * kh + y) * kw + x) * cin + i]
                    }
                }
            }
        }
        data = packed
    }
}

/// NHWC convolution with explicit padding, stride, dilation and groups (depthwise included).
func conv2d(_ input: [Float], shape: [Int], weights: PackedConvWeights, bias: [Float]?, conv: Conv2D,
            outShape: [Int]) -> [Float] {
    let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    let p = conv.padding
    let hp = h + p.top + p.bottom, wp = w + p.left + p.right
    // Zero-padded copy of the input: the inner loops then need no bounds checks.
    var x = input
    if p != .zero {
        x = [Float](repeating: 0, count: n * hp * wp * c)
        for b in 0..<n {
            for y in 0..<h {
                let src = ((b * h + y) * w) * c
                let dst = ((b * hp + y + p.top) * wp + p.left) * c
                x.replaceSubrange(dst..<(dst + w * c), with: input[src..<(src + w * c)])
            }
        }
    }
    let (oh, ow, cout) = (outShape[1], outShape[2], outShape[3])
    let (kh, kw, cin, cog) = (weights.kh, weights.kw, weights.cinPerGroup, weights.coutPerGroup)
    var out = [Float](repeating: 0, count: outShape.elementCount)
    var acc = [Float](repeating: 0, count: cout)
    let biasValues = bias ?? [Float](repeating: 0, count: cout)
    x.withUnsafeBufferPointer { xp in
        weights.data.withUnsafeBufferPointer { wptr in
            out.withUnsafeMutableBufferPointer { op in
                acc.withUnsafeMutableBufferPointer { ap in
                    for b in 0..<n {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                for o in 0..<cout { ap[o] = biasValues[o] }
                                for g in 0..<weights.groups {
                                    let accBase = ap.baseAddress! + g * cog
                                    for ky in 0..<kh {
                                        let iy = oy * conv.strideH + ky * conv.dilationH
                                        for kx in 0..<kw {
                                            let ix = ox * conv.strideW + kx * conv.dilationW
                                            let xBase = ((b * hp + iy) * wp + ix) * c + g * cin
                                            let wBase = wptr.baseAddress! + ((g * kh + ky) * kw + kx) * cin * cog
                                            for i in 0..<cin {
                                                let xv = xp[xBase + i]
                                                let row = wBase + i * cog
                                                for o in 0..<cog { accBase[o] += xv * row[o] }
                                            }
                                        }
                                    }
                                }
                                let outBase = ((b * oh + oy) * ow + ox) * cout
                                for o in 0..<cout { op[outBase + o] = ap[o] }
                            }
                        }
                    }
                }
            }
        }
    }
    if let act = conv.activation { apply(act, to: &out) }
    return out
}
