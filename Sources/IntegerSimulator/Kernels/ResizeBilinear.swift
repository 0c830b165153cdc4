import QuantizedIR

/// TFLite's int8 bilinear resize (`QResizeBilinear`); C twin `qc_resize_bilinear_s8`.
func resizeBilinear(_ op: QResizeBilinear, _ x: [Int32], inShape: [Int], outShape: [Int]) -> [Int32] {
    let (batch, inH, inW, channels) = (inShape[0], inShape[1], inShape[2], inShape[3])
    /// The position in 1/1024 steps and its two neighbours (Swift's / truncates, as C's).
    func neighbours(_ y: Int, scale: Int, size: Int) -> (position: Int, lower: Int, upper: Int) {
        let position = op.halfPixel ? y * scale + scale / 2 - 512 : y * scale
        return (position, max(position / 1024, 0), min((position + 1023) / 1024, size - 1))
    }
    var out = [Int32]()
    out.reserveCapacity(outShape.reduce(1, *))
    for b in 0..<batch {
        for oy in 0..<outShape[1] {
            let (py, y0, y1) = neighbours(oy, scale: op.heightScale, size: inH)
            let dy = Int64(py - 1024 * y0)
            for ox in 0..<outShape[2] {
                let (px, x0, x1) = neighbours(ox, scale: op.widthScale, size: inW)
                let dx = Int64(px - 1024 * x0)
                for c in 0..<channels {
                    func at(_ row: Int, _ column: Int) -> Int64 { Int64(x[((b * inH + row) * inW + column) * channels + c]) }
                    let sum = at(y0, x0) * (1024 - dy) * (1024 - dx) + at(y1, x0) * dy * (1024 - dx)
                        + at(y0, x1) * (1024 - dy) * dx + at(y1, x1) * dy * dx
                    out.append(Int32((sum + (sum > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20)))
                }
            }
        }
    }
    return out
}
