import GraphIR

/// A convolution's shape for one sample (NHWC input, OHWI weights), as matrix products over the
/// im2col matrix: one row per output pixel, one column per (ky, kx, input channel) of a group.
struct ConvolutionShape: Sendable {
    let height: Int, width: Int, channels: Int
    let outHeight: Int, outWidth: Int, outChannels: Int
    let kernelH: Int, kernelW: Int
    let conv: Conv2D

    init(input: [Int], output: [Int], weight: [Int], conv: Conv2D) {
        (height, width, channels) = (input[1], input[2], input[3])
        (outHeight, outWidth, outChannels) = (output[1], output[2], output[3])
        (kernelH, kernelW) = (weight[1], weight[2])
        self.conv = conv
    }

    var groups: Int { conv.groups }
    var inPerGroup: Int { channels / groups }
    var outPerGroup: Int { outChannels / groups }
    /// Columns of the im2col matrix (the weights of one output channel).
    var window: Int { kernelH * kernelW * inPerGroup }
    var pixels: Int { outHeight * outWidth }

    /// Calls `body` for every (output pixel, kernel tap) of group g with the tap's offset in the
    /// im2col matrix and the offset of its first input channel in the input, nil where the window
    /// overhangs the padding.
    @inline(__always)
    private func forEachTap(group g: Int, _ body: (_ column: Int, _ input: Int?) -> Void) {
        let c0 = g * inPerGroup
        var column = 0
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                for ky in 0..<kernelH {
                    let iy = oy * conv.strideH + ky * conv.dilationH - conv.padding.top
                    for kx in 0..<kernelW {
                        let ix = ox * conv.strideW + kx * conv.dilationW - conv.padding.left
                        body(column, iy >= 0 && iy < height && ix >= 0 && ix < width ? (iy * width + ix) * channels + c0 : nil)
                        column += inPerGroup
                    }
                }
            }
        }
    }

    /// The im2col matrix of group g: zeros where the window overhangs the padding.
    func columns(_ x: UnsafePointer<Float>, group g: Int, into col: UnsafeMutablePointer<Float>) {
        let cin = inPerGroup
        forEachTap(group: g) { column, input in
            let dst = col + column
            if let input {
                for i in 0..<cin { dst[i] = x[input + i] }
            } else {
                for i in 0..<cin { dst[i] = 0 }
            }
        }
    }

    /// Adds an im2col-shaped gradient back onto the input's gradient (the adjoint of `columns`).
    func addColumns(_ col: UnsafePointer<Float>, group g: Int, into dx: UnsafeMutablePointer<Float>) {
        let cin = inPerGroup
        forEachTap(group: g) { column, input in
            guard let input else { return }
            for i in 0..<cin { dx[input + i] += col[column + i] }
        }
    }
}

/// A conv or dense layer's weights as the products use them: W [O, K] (the model's layout) and,
/// per group, Wᵀ [K, O/groups] for the forward product.
struct LayerWeights: Sendable {
    var weights: [Float]
    var transposed: [Float]
    var bias: [Float]

    init(weights: [Float], bias: [Float], groups: Int) {
        self.weights = weights
        self.bias = bias
        let outputs = bias.count, window = weights.count / max(outputs, 1), perGroup = outputs / groups
        var t = [Float](repeating: 0, count: weights.count)
        weights.withUnsafeBufferPointer { w in
            t.withUnsafeMutableBufferPointer { tp in
                for g in 0..<groups {
                    MatrixProduct.transpose(w.baseAddress! + g * perGroup * window, rows: perGroup, columns: window,
                                            into: tp.baseAddress! + g * perGroup * window)
                }
            }
        }
        transposed = t
    }
}

enum LayerProducts {
    /// y [pixels, O] = bias + im2col(x)·Wᵀ, group by group.
    static func convForward(_ x: [Float], _ s: ConvolutionShape, _ w: LayerWeights) -> [Float] {
        var y = [Float](repeating: 0, count: s.pixels * s.outChannels)
        var col = [Float](repeating: 0, count: s.pixels * s.window)
        x.withUnsafeBufferPointer { xp in
            col.withUnsafeMutableBufferPointer { cp in
                w.transposed.withUnsafeBufferPointer { tp in
                    y.withUnsafeMutableBufferPointer { yp in
                        for g in 0..<s.groups {
                            s.columns(xp.baseAddress!, group: g, into: cp.baseAddress!)
                            MatrixProduct.multiply(m: s.pixels, n: s.outPerGroup, k: s.window, a: cp.baseAddress!, lda: s.window,
                                                   b: tp.baseAddress! + g * s.outPerGroup * s.window, ldb: s.outPerGroup,
                                                   c: yp.baseAddress! + g * s.outPerGroup, ldc: s.outChannels, accumulate: false)
                        }
                        for p in 0..<s.pixels {
                            for o in 0..<s.outChannels { yp[p * s.outChannels + o] += w.bias[o] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Adds the weight and bias gradients of dy to dW and dB, and returns the input's gradient.
    static func convBackward(_ x: [Float], _ dy: [Float], _ s: ConvolutionShape, _ w: LayerWeights,
                             dW: inout [Float], dB: inout [Float]) -> [Float] {
        var dx = [Float](repeating: 0, count: x.count)
        var col = [Float](repeating: 0, count: s.pixels * s.window)
        var dCol = [Float](repeating: 0, count: s.pixels * s.window)
        var dyT = [Float](repeating: 0, count: s.pixels * s.outPerGroup)
        var dyGroup = [Float](repeating: 0, count: s.pixels * s.outPerGroup)
        for p in 0..<s.pixels {
            for o in 0..<s.outChannels { dB[o] += dy[p * s.outChannels + o] }
        }
        x.withUnsafeBufferPointer { xp in
            dy.withUnsafeBufferPointer { dyp in
                w.weights.withUnsafeBufferPointer { wp in
                    for g in 0..<s.groups {
                        col.withUnsafeMutableBufferPointer { s.columns(xp.baseAddress!, group: g, into: $0.baseAddress!) }
                        dyGroup.withUnsafeMutableBufferPointer { gp in
                            for p in 0..<s.pixels {
                                for o in 0..<s.outPerGroup { gp[p * s.outPerGroup + o] = dyp[p * s.outChannels + g * s.outPerGroup + o] }
                            }
                            dyT.withUnsafeMutableBufferPointer {
                                MatrixProduct.transpose(gp.baseAddress!, rows: s.pixels, columns: s.outPerGroup, into: $0.baseAddress!)
                            }
                        }
                        dW.withUnsafeMutableBufferPointer { dwp in
                            dyT.withUnsafeBufferPointer { tp in
                                col.withUnsafeBufferPointer { cp in
                                    MatrixProduct.multiply(m: s.outPerGroup, n: s.window, k: s.pixels, a: tp.baseAddress!, lda: s.pixels,
                                                           b: cp.baseAddress!, ldb: s.window,
                                                           c: dwp.baseAddress! + g * s.outPerGroup * s.window, ldc: s.window, accumulate: true)
                                }
                            }
                        }
                        dCol.withUnsafeMutableBufferPointer { dcp in
                            dyGroup.withUnsafeBufferPointer { gp in
                                MatrixProduct.multiply(m: s.pixels, n: s.window, k: s.outPerGroup, a: gp.baseAddress!, lda: s.outPerGroup,
                                                       b: wp.baseAddress! + g * s.outPerGroup * s.window, ldb: s.window,
                                                       c: dcp.baseAddress!, ldc: s.window, accumulate: false)
                            }
                            dx.withUnsafeMutableBufferPointer { s.addColumns(dcp.baseAddress!, group: g, into: $0.baseAddress!) }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// y [rows, O] = bias + x·Wᵀ over every leading row of x.
    static func denseForward(_ x: [Float], _ w: LayerWeights) -> [Float] {
        let outputs = w.bias.count, k = w.weights.count / max(outputs, 1), rows = k == 0 ? 0 : x.count / k
        var y = [Float](repeating: 0, count: rows * outputs)
        x.withUnsafeBufferPointer { xp in
            w.transposed.withUnsafeBufferPointer { tp in
                y.withUnsafeMutableBufferPointer { yp in
                    MatrixProduct.multiply(m: rows, n: outputs, k: k, a: xp.baseAddress!, lda: k, b: tp.baseAddress!, ldb: outputs,
                                           c: yp.baseAddress!, ldc: outputs, accumulate: false)
                    for r in 0..<rows {
                        for o in 0..<outputs { yp[r * outputs + o] += w.bias[o] }
                    }
                }
            }
        }
        return y
    }

    static func denseBackward(_ x: [Float], _ dy: [Float], _ w: LayerWeights, dW: inout [Float], dB: inout [Float]) -> [Float] {
        let outputs = w.bias.count, k = w.weights.count / max(outputs, 1), rows = k == 0 ? 0 : x.count / k
        var dx = [Float](repeating: 0, count: x.count)
        var dyT = [Float](repeating: 0, count: dy.count)
        for r in 0..<rows {
            for o in 0..<outputs { dB[o] += dy[r * outputs + o] }
        }
        dy.withUnsafeBufferPointer { dyp in
            dyT.withUnsafeMutableBufferPointer { MatrixProduct.transpose(dyp.baseAddress!, rows: rows, columns: outputs, into: $0.baseAddress!) }
            x.withUnsafeBufferPointer { xp in
                dyT.withUnsafeBufferPointer { tp in
                    dW.withUnsafeMutableBufferPointer { dwp in
                        MatrixProduct.multiply(m: outputs, n: k, k: rows, a: tp.baseAddress!, lda: rows, b: xp.baseAddress!, ldb: k,
                                               c: dwp.baseAddress!, ldc: k, accumulate: true)
                    }
                }
            }
            w.weights.withUnsafeBufferPointer { wp in
                dx.withUnsafeMutableBufferPointer { dxp in
                    MatrixProduct.multiply(m: rows, n: k, k: outputs, a: dyp.baseAddress!, lda: outputs, b: wp.baseAddress!, ldb: k,
                                           c: dxp.baseAddress!, ldc: k, accumulate: false)
                }
            }
        }
        return dx
    }
}
