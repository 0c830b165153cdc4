import FixedPoint
import QuantizedIR

/// y = clamp(sat(rshift_round(acc, shift))): the requantization every kernel ends with.
/// C twin: `qc_requantize` in runtime_c/include/qc/arith.h.
@inline(__always)
func requantize(_ acc: Int64, shift: Int, bits: Int, clampMin: Int64, clampMax: Int64) -> Int32 {
    var v: Int64
    if shift >= 0 {
        v = roundingRightShift(acc, shift)
    } else {
        // Saturating left shift: anything that would leave the output range saturates anyway.
        let limit = Int64(1) << 40
        v = acc > limit ? limit : (acc < -limit ? -limit : acc)
        v <<= Int64(min(-shift, 22))
    }
    v = saturate(v, bits: bits)
    return Int32(min(max(v, clampMin), clampMax))
}

/// Changes the format of one value: shift by f_in − f_out with rounding, then saturate.
@inline(__always)
func rescale(_ q: Int64, fromFrac: Int, toFrac: Int, bits: Int) -> Int64 {
    let shift = fromFrac - toFrac
    return Int64(requantize(q, shift: shift, bits: bits, clampMin: Int64.min, clampMax: Int64.max))
}

/// sum · 2^shift / count for average pooling (`shift` = the output's frac minus the input's,
/// 0…15), saturated to `format`: a power-of-two count shifts, any other multiplies by
/// round(2^16 / n) and shifts right by 16 − shift with rounding. C twin: `qc_average_of`.
@inline(__always)
func averageOf(sum: Int64, count: Int, shift: Int, format: QFormat) -> Int64 {
    guard count > 0 else { return 0 }
    let v = count & (count - 1) == 0 ? roundingRightShift(sum, count.trailingZeroBitCount - shift)
                                     : roundingRightShift(sum * reciprocal16(count), 16 - shift)
    return min(max(v, format.minInt), format.maxInt)
}

/// round(2^16 / n), n ≥ 1.
@inline(__always)
func reciprocal16(_ n: Int) -> Int64 {
    (Int64(1 << 16) + Int64(n / 2)) / Int64(n)
}

extension Requantization {
    /// Output channel `channel` of an accumulator: the shift requantization, or TFLite's
    /// multiplier, shift and zero point for int8-affine layers (whose accumulators are int32).
    @inline(__always)
    func apply(_ acc: Int64, channel: Int, bits: Int) -> Int32 {
        guard let affine else { return requantize(acc, shift: shift(for: channel), bits: bits, clampMin: clampMin, clampMax: clampMax) }
        let x = Int32(truncatingIfNeeded: acc), m = affine.multiplier(for: channel), s = shift(for: channel)
        let scaled = Int64(affine.singleRounding ? Affine.multiplyByQuantizedMultiplierSingleRounding(x, m, s)
                                                 : Affine.multiplyByQuantizedMultiplier(x, m, s))
        return Int32(min(max(scaled + Int64(affine.outputZeroPoint), clampMin), clampMax))
    }
}

/// A window sum divided by its count, rounded half away from zero (TFLite's int8 average pool).
@inline(__always)
func roundedDivision(sum: Int64, count: Int) -> Int64 {
    guard count > 0 else { return 0 }
    let n = Int64(count)
    return sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n
}
