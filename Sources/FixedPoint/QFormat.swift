import Foundation

/// A signed fixed-point format: integers of `bits` bits (2…16), real value = q · 2^−frac.
/// `frac` may be negative (coarse steps) or larger than `bits` (tiny values).
/// Storage: `int8_t` for bits ≤ 8, else `int16_t` (C twin: the `qc_format` comments in model.h).
public struct QFormat: Codable, Hashable, Sendable, CustomStringConvertible {
    public var bits: Int
    public var frac: Int

    public init(bits: Int, frac: Int) {
        self.bits = bits
        self.frac = frac
    }

    /// Largest and smallest representable integers.
    public var maxInt: Int64 { (Int64(1) << Int64(bits - 1)) - 1 }
    public var minInt: Int64 { -(Int64(1) << Int64(bits - 1)) }
    /// The real value of one step, 2^−frac.
    public var step: Double { pow(2, Double(-frac)) }
    /// Bytes per stored element.
    public var storageBytes: Int { bits <= 8 ? 1 : (bits <= 16 ? 2 : 4) }

    /// Q_{b,f}(x): round half away from zero, then saturate. C twin: `qc_quantize_f32`.
    public func quantize(_ x: Double) -> Int64 {
        guard x.isFinite else { return x.isNaN ? 0 : (x > 0 ? maxInt : minInt) }
        let scaled = (x * pow(2, Double(frac))).rounded(.toNearestOrAwayFromZero)
        if scaled >= Double(maxInt) { return maxInt }
        if scaled <= Double(minInt) { return minInt }
        return Int64(scaled)
    }

    public func dequantize(_ q: Int64) -> Double { Double(q) * step }

    /// Quantize then dequantize (what the fixed-point tensor can represent).
    public func roundTrip(_ x: Double) -> Double { dequantize(quantize(x)) }

    /// The no-overflow fractional length for a tensor whose largest magnitude is `maxAbs`:
    /// f0 = bits − 1 − (⌊log2 m⌋ + 1). For m = 0 the format is arbitrary; `bits − 1` is used.
    public static func fracForMaxAbs(_ maxAbs: Double, bits: Int) -> Int {
        guard maxAbs > 0, maxAbs.isFinite else { return bits - 1 }
        let integerBits = Int(floor(log2(maxAbs))) + 1
        return bits - 1 - integerBits
    }

    public var description: String { "Q(\(bits),\(frac))" }
}

/// Sum of squared errors of representing `values` in `format`.
public func quantizationError(_ values: [Float], _ format: QFormat) -> Double {
    var sum = 0.0
    for v in values {
        let d = Double(v) - format.roundTrip(Double(v))
        sum += d * d
    }
    return sum
}

/// Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x − x̂)²); +∞ when exact.
public func sqnr(signal: [Float], approximation: [Float]) -> Double {
    var power = 0.0, noise = 0.0
    for (x, y) in zip(signal, approximation) {
        power += Double(x) * Double(x)
        noise += (Double(x) - Double(y)) * (Double(x) - Double(y))
    }
    if noise == 0 { return .infinity }
    if power == 0 { return -.infinity }
    return 10 * log10(power / noise)
}
