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
    var out = [Float](repeating: 0, count: outShape.elementCount)
    let biasValues = bias ?? [Float](repeating: 0, count: cout)
    let geometry = ConvGeometry(kh: weights.kh, kw: weights.kw, cin: weights.cinPerGroup, cog: weights.coutPerGroup,
                                c: c, wp: wp, hp: hp, strideH: conv.strideH, strideW: conv.strideW,
                                dilationH: conv.dilationH, dilationW: conv.dilationW)
    x.withUnsafeBufferPointer { xp in
        weights.data.withUnsafeBufferPointer { wptr in
            out.withUnsafeMutableBufferPointer { op in
                biasValues.withUnsafeBufferPointer { bp in
                    for b in 0..<n {
                        for oy in 0..<oh {
                            for g in 0..<weights.groups {
                                convRow(geometry, x: xp.baseAddress!, w: wptr.baseAddress!, bias: bp.baseAddress!,
                                        out: op.baseAddress!, batch: b, oy: oy, ow: ow, oh: oh, cout: cout, group: g)
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

struct ConvGeometry {
    let kh: Int, kw: Int, cin: Int, cog: Int, c: Int, wp: Int, hp: Int
    let strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
}

/// One output row of one group. The main path keeps a 4-pixel × 8-channel tile of accumulators in
/// SIMD registers, so each weight vector loaded feeds four multiply-adds; edges use the scalar path.
@inline(__always)
private func convRow(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                     out: UnsafeMutablePointer<Float>, batch: Int, oy: Int, ow: Int, oh: Int, cout: Int, group: Int) {
    let pixelBlock = 4, channelBlock = 8
    let wGroup = w + group * g.kh * g.kw * g.cin * g.cog
    let inChannel0 = group * g.cin
    let outChannel0 = group * g.cog
    let fullChannels = g.cog - g.cog % channelBlock
    let rowOut = out + ((batch * oh + oy) * ow) * cout
    @inline(__always) func inputPixel(_ ky: Int, _ ox: Int, _ kx: Int) -> UnsafePointer<Float> {
        let iy = oy * g.strideH + ky * g.dilationH
        let ix = ox * g.strideW + kx * g.dilationW
        return x + ((batch * g.hp + iy) * g.wp + ix) * g.c + inChannel0
    }
    var ox = 0
    while ox + pixelBlock <= ow {
        var co = 0
        while co < fullChannels {
            let b0 = UnsafeRawPointer(bias + outChannel0 + co).loadUnaligned(as: SIMD8<Float>.self)
            var a0 = b0, a1 = b0, a2 = b0, a3 = b0
            for ky in 0..<g.kh {
                for kx in 0..<g.kw {
                    let x0 = inputPixel(ky, ox, kx), x1 = inputPixel(ky, ox + 1, kx)
                    let x2 = inputPixel(ky, ox + 2, kx), x3 = inputPixel(ky, ox + 3, kx)
                    var wRow = wGroup + (ky * g.kw + kx) * g.cin * g.cog + co
                    for i in 0..<g.cin {
                        let wv = UnsafeRawPointer(wRow).loadUnaligned(as: SIMD8<Float>.self)
                        a0 += SIMD8(repeating: x0[i]) * wv
                        a1 += SIMD8(repeating: x1[i]) * wv
                        a2 += SIMD8(repeating: x2[i]) * wv
                        a3 += SIMD8(repeating: x3[i]) * wv
                        wRow += g.cog
                    }
                }
            }
            let o = rowOut + ox * cout + outChannel0 + co
            UnsafeMutableRawPointer(o).storeBytes(of: a0, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(o + cout).storeBytes(of: a1, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(o + 2 * cout).storeBytes(of: a2, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(o + 3 * cout).storeBytes(of: a3, as: SIMD8<Float>.self)
            co += channelBlock
        }
        for p in 0..<pixelBlock where fullChannels < g.cog {
            convPixelScalar(g, wGroup: wGroup, bias: bias, out: rowOut + (ox + p) * cout, channels: fullChannels..<g.cog,
                            outChannel0: outChannel0, input: { inputPixel($0, ox + p, $1) })
        }
        ox += pixelBlock
    }
    while ox < ow {
        let px = ox
        convPixelScalar(g, wGroup: wGroup, bias: bias, out: rowOut + ox * cout, channels: 0..<g.cog,
                        outChannel0: outChannel0, input: { inputPixel($0, px, $1) })
        ox += 1
    }
}

/// One output pixel, the given channels of one group: the plain loop.
@inline(__always)
private func convPixelScalar(_ g: ConvGeometry, wGroup: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                             out: UnsafeMutablePointer<Float>, channels: Range<Int>, outChannel0: Int,
                             input: (Int, Int) -> UnsafePointer<Float>) {
    let o = out + outChannel0
    for co in channels { o[co] = bias[outChannel0 + co] }
    for ky in 0..<g.kh {
        for kx in 0..<g.kw {
            let xp = input(ky, kx)
            let wBase = wGroup + (ky * g.kw + kx) * g.cin * g.cog
            for i in 0..<g.cin {
                let xv = xp[i]
                let row = wBase + i * g.cog
                for co in channels { o[co] += xv * row[co] }
            }
        }
    }
}
