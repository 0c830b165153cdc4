import Foundation

/// A map from data values to pixels along one axis, linear or logarithmic, with the tick values
/// a reader expects (1, 2, 5 × 10^k steps).
public struct Scale: Sendable {
    public var lower: Double
    public var upper: Double
    public var logarithmic: Bool
    /// Pixel positions of `lower` and `upper` (for a y axis the first is the larger).
    var start: Double
    var end: Double

    /// A scale whose domain covers `values`, widened to whole ticks. Log scales need positive values.
    /// `padding`: a share of the data's span added on both sides (linear scales), so no point sits on the frame.
    public init(covering values: [Double], logarithmic: Bool = false, includeZero: Bool = false, padding: Double = 0) {
        var values = values.filter(\.isFinite)
        if logarithmic { values = values.filter { $0 > 0 } }
        if includeZero && !logarithmic { values.append(0) }
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if logarithmic {
            if values.isEmpty { lo = 1; hi = 10 }
            lo = pow(10, floor(log10(lo)))
            hi = pow(10, ceil(log10(hi)))
            if hi <= lo { hi = lo * 10 }
        } else {
            if hi == lo {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                lo -= pad
                hi += pad
            }
            let span = hi - lo
            if !(includeZero && lo >= 0) { lo -= span * padding }
            hi += span * padding
            linearTicks = Scale.niceTicks(lo, hi)
            lo = min(lo, linearTicks.first!)
            hi = max(hi, linearTicks.last!)
        }
        self.lower = lo
        self.upper = hi
        self.logarithmic = logarithmic
        self.start = 0
        self.end = 1
    }

    /// The same domain drawn between two pixel positions.
    func placed(from start: Double, to end: Double) -> Scale {
        var scale = self
        scale.start = start
        scale.end = end
        return scale
    }

    func callAsFunction(_ value: Double) -> Double {
        let t: Double
        if logarithmic {
            t = (log10(max(value, lower)) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            t = (value - lower) / (upper - lower)
        }
        return start + t * (end - start)
    }

    /// The ticks chosen for the data (asking again for the widened domain could pick another step).
    private var linearTicks = [Double]()

    public var ticks: [Double] {
        logarithmic ? Scale.logTicks(lower, upper) : linearTicks
    }

    /// About `target` evenly spaced ticks at a step of 1, 2 or 5 × 10^k, from a multiple of the
    /// step at or below `lo` to one at or above `hi`.
    public static func niceTicks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(target)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw }!
        let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
        return stride(from: first, through: last, by: 1).map { ($0 * step * 1e9).rounded() / 1e9 }
    }

    /// Powers of ten from `lo` to `hi`; with 1, 2 and 5 between them when the range is two
    /// decades or less, so a short log axis still has labels.
    public static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let first = Int(floor(log10(lo) + 1e-9)), last = Int(ceil(log10(hi) - 1e-9))
        let multiples: [Double] = last - first <= 2 ? [1, 2, 5] : [1]
        var ticks = [Double]()
        for k in first...max(first, last) {
            for m in multiples {
                let value = m * pow(10, Double(k))
                if value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9) { ticks.append(value) }
            }
        }
        return ticks
    }
}

/// Tick labels with as many decimals as the step between ticks needs (0.541, 0.542, …), or
/// compact numbers (1.5k, 2M) for large values.
func tickLabels(_ ticks: [Double]) -> (Double) -> String {
    guard ticks.count > 1, let largest = ticks.map(abs).max(), largest < 1e4 else { return compactNumber }
    let step = zip(ticks.dropFirst(), ticks).map { $0 - $1 }.min()!
    let decimals = max(0, min(6, Int(-floor(log10(step) + 1e-9))))
    return { String(format: "%.\(decimals)f", $0) }
}

/// Short labels for axis ticks and bar values: 1.5k, 2M, 0.25, 12.
public func compactNumber(_ value: Double) -> String {
    let magnitude = abs(value)
    func trimmed(_ v: Double, _ suffix: String) -> String {
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s + suffix
    }
    if magnitude >= 1e9 { return trimmed(value / 1e9, "G") }
    if magnitude >= 1e6 { return trimmed(value / 1e6, "M") }
    if magnitude >= 1e4 { return trimmed(value / 1e3, "k") }
    return trimmed(value, "")
}
