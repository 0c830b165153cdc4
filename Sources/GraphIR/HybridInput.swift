import Foundation

/// A layer of a TFLite dynamic-range ("hybrid") model: int8 weights, float activations, and a
/// runtime that quantizes the layer's float input to int8 on every call (one scale per sample, or
/// per row of a fully-connected input) before an integer product. The float reference rounds the
/// input the same way, so it computes what TFLite computes rather than the unquantized model.
public enum HybridInput: Sendable, Equatable {
    /// Scale max|x| / 127, integers in [-127, 127] (TFLite's per-tensor convolutions and its
    /// fully-connected layers by default).
    case symmetric
    /// Scale (max - min) / 255 over a range that holds 0, with a zero point (per-channel
    /// convolutions, and fully-connected layers whose options ask for it).
    case asymmetric
    /// onnxruntime's DynamicQuantizeLinear: uint8 over a range that holds 0, scale (max - min) /
    /// 255, zero point and values rounded half to even.
    case unsignedDynamic

    /// The real values the runtime's integers stand for, each group of `groupSize` values rounded
    /// with a scale of its own.
    public func rounded(_ x: [Float], groupSize: Int) -> [Float] {
        guard groupSize > 0 else { return x }
        var y = x
        var start = 0
        while start < x.count {
            let end = min(start + groupSize, x.count)
            round(x, start..<end, into: &y)
            start = end
        }
        return y
    }

    private func round(_ x: [Float], _ range: Range<Int>, into y: inout [Float]) {
        let slice = x[range]
        let lo = min(0, slice.min() ?? 0), hi = max(0, slice.max() ?? 0)
        switch self {
        case .symmetric:
            let top = max(-lo, hi)
            guard top > 0 else { for i in range { y[i] = 0 }; return }
            let scale = top / 127, inverse = 127 / top
            for i in range { y[i] = Swift.min(127, Swift.max(-127, (x[i] * inverse).rounded())) * scale }
        case .unsignedDynamic:
            guard lo != hi else { for i in range { y[i] = 0 }; return }
            let scale = (hi - lo) / 255
            let zero = Swift.min(Swift.max((-lo / scale).rounded(.toNearestOrEven), 0), 255)
            for i in range {
                let q = Swift.min(Swift.max((x[i] / scale).rounded(.toNearestOrEven) + zero, 0), 255)
                y[i] = (q - zero) * scale
            }
        case .asymmetric:
            guard lo != hi else { for i in range { y[i] = 0 }; return }
            // As TFLite nudges it: the zero point from whichever end loses less, in double.
            let rmin = Double(lo), rmax = Double(hi)
            let scale = (rmax - rmin) / 255
            let fromMin = -128 - rmin / scale, fromMax = 127 - rmax / scale
            let zeroDouble = 128 + abs(rmin / scale) < 127 + abs(rmax / scale) ? fromMin : fromMax
            let zero: Float = zeroDouble <= -128 ? -128 : (zeroDouble >= 127 ? 127 : Float(zeroDouble.rounded()))
            let inverse = Float(1 / scale), step = Float(scale)
            for i in range {
                let q = Swift.min(127, Swift.max(-128, (zero + x[i] * inverse).rounded()))
                y[i] = (q - zero) * step
            }
        }
    }
}
