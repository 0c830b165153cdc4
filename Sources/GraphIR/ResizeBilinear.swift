/// TFLite RESIZE_BILINEAR of an NHWC tensor kept whole, for int8 models: TFLite interpolates their
/// integers in two dimensions at once with positions in 1/1024 steps and one rounding, which a
/// linear map per axis (how float models run it) cannot reproduce.
public struct ResizeBilinear: Sendable, Equatable {
    public var height: Int, width: Int
    public var alignCorners: Bool, halfPixel: Bool
    public init(height: Int, width: Int, alignCorners: Bool, halfPixel: Bool) {
        self.height = height
        self.width = width
        self.alignCorners = alignCorners
        self.halfPixel = halfPixel
    }

    /// The float kernel's weights along one axis, [output][input]: position (y + 0.5)·scale − 0.5
    /// (half-pixel centres) or y·scale, the lower neighbour clamped at 0 and the upper at the last,
    /// weights 1 − d and d from the lower one.
    public static func matrix(input n: Int, output m: Int, alignCorners: Bool, halfPixel: Bool) -> [[Float]] {
        let scale: Float = alignCorners && m > 1 ? Float(n - 1) / Float(m - 1) : Float(n) / Float(m)
        return (0..<m).map { y in
            let position = halfPixel ? (Float(y) + 0.5) * scale - 0.5 : Float(y) * scale
            let lower = max(Int(position.rounded(.down)), 0), upper = min(Int(position.rounded(.up)), n - 1)
            var row = [Float](repeating: 0, count: n)
            let d = position - Float(lower)
            row[min(lower, n - 1)] += 1 - d
            row[max(upper, 0)] += d
            return row
        }
    }

    /// The integer kernel's step between output positions along an axis, in 1/1024 of an input
    /// position (rounded to nearest).
    public static func scale1024(input n: Int, output m: Int, alignCorners: Bool) -> Int {
        alignCorners && m > 1 ? (1024 * (n - 1) + (m - 1) / 2) / (m - 1) : (1024 * n + m / 2) / m
    }
}
