import GraphIR

/// TFLite RESIZE_BILINEAR in float, as a weighted sum of the (at most) two neighbours along each
/// axis with the float kernel's weights.
func resizeBilinear(_ x: [Float], shape: [Int], _ resize: ResizeBilinear) -> [Float] {
    let (batch, inH, inW, channels) = (shape[0], shape[1], shape[2], shape[3])
    /// Per output position: the input positions with a nonzero weight, and the weights.
    func taps(_ n: Int, _ m: Int) -> [[(Int, Float)]] {
        ResizeBilinear.matrix(input: n, output: m, alignCorners: resize.alignCorners, halfPixel: resize.halfPixel).map { row in
            row.indices.compactMap { row[$0] == 0 ? nil : ($0, row[$0]) }
        }
    }
    let rows = taps(inH, resize.height), columns = taps(inW, resize.width)
    var y = [Float](repeating: 0, count: batch * resize.height * resize.width * channels)
    var k = 0
    for b in 0..<batch {
        for row in rows {
            for column in columns {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (i, wy) in row {
                        for (j, wx) in column { sum += wy * wx * x[((b * inH + i) * inW + j) * channels + c] }
                    }
                    y[k] = sum
                    k += 1
                }
            }
        }
    }
    return y
}
