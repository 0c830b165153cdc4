import FixedPoint

public enum AccumulatorWidth: String, Codable, Sendable {
    case int32, int64
}

/// Accumulator → output: `y = clamp(sat(rshift_round(acc, shift)))`, per output channel when
/// `shifts` has one entry per channel. A negative shift is a saturating left shift.
/// With `affine` (int8-affine layers) instead: y = clamp(zeroPoint + mbqm(acc, multiplier, shift)),
/// TFLite's `MultiplyByQuantizedMultiplier` with its shift convention (positive = left), and
/// `shifts` holds those shifts.
public struct Requantization: Codable, Sendable, Equatable {
    public var shifts: [Int]
    public var clampMin: Int64
    public var clampMax: Int64
    public var affine: AffineRequantization?
    public init(shifts: [Int], clampMin: Int64, clampMax: Int64, affine: AffineRequantization? = nil) {
        self.shifts = shifts
        self.clampMin = clampMin
        self.clampMax = clampMax
        self.affine = affine
    }
    public func shift(for channel: Int) -> Int { shifts.count == 1 ? shifts[0] : shifts[channel] }
}

/// The int8-affine part of a requantization: one int32 multiplier per output channel (or one for
/// all) and the output's zero point.
public struct AffineRequantization: Codable, Sendable, Equatable {
    public var multipliers: [Int32]
    public var outputZeroPoint: Int32
    /// One rounding of x·m·2^(shift−31) (half up) instead of TFLite's default two (the doubling high
    /// multiply, then the rounding shift): how ai-edge-litert's reference kernel computes fully
    /// connected layers, where TFLM with CMSIS-NN rounds twice as everywhere else.
    public var singleRounding: Bool
    public init(multipliers: [Int32], outputZeroPoint: Int32, singleRounding: Bool = false) {
        self.multipliers = multipliers
        self.outputZeroPoint = outputZeroPoint
        self.singleRounding = singleRounding
    }
    public func multiplier(for channel: Int) -> Int32 { multipliers.count == 1 ? multipliers[0] : multipliers[channel] }
}
