/// TFLite's int8 DIV (its reference `DivElementwise`).
extension Affine {
    /// One quotient of TFLite's int8 DIV (`DivElementwise`): with a = x + aOffset and d = divisor +
    /// bOffset (signs moved so d > 0), a shifted up by its redundant sign bits, times 1/d from
    /// `reciprocal`, then rescaled by (multiplier, shift) less the shifts taken, offset and clamped.
    /// Where that rounding division passes 31 bits (a dividend of 0, ±1 or ±2 can), C++ leaves
    /// TFLite's arithmetic undefined; ai-edge-litert on x86-64 computes a mask of the whole word (one
    /// added to any value ≥ 0) and a shift by the count mod 32, and that is reproduced here (its
    /// outputs for a dividend at the zero point are the offset plus one). A zero divisor, also
    /// undefined, gives the bound on the sign of a (the offset for 0).
    /// C twin: `qc_div_affine_s8`.
    public static func divide(_ x: Int32, by divisor: Int32, aOffset: Int32, bOffset: Int32, outputOffset: Int32, multiplier: Int32,
                              shift: Int, clampMin: Int32, clampMax: Int32) -> Int32 {
        var a = x + aOffset, d = divisor + bOffset
        func clamp(_ v: Int64) -> Int32 { Int32(min(max(v, Int64(clampMin)), Int64(clampMax))) }
        guard d != 0 else { return a > 0 ? clampMax : a < 0 ? clampMin : clamp(Int64(outputOffset)) }
        if d < 0 {
            a = -a
            d = -d
        }
        let (inverse, bitsOverUnit) = reciprocal(d, integerBits: 31)
        let headroom = (a < 0 ? UInt32(bitPattern: ~a) : UInt32(bitPattern: a)).leadingZeroBitCount - 1
        let unscaled = doublingHighMultiply(Int32(truncatingIfNeeded: Int64(a) << Int64(headroom)), inverse)
        let right = bitsOverUnit + headroom - shift
        let product = doublingHighMultiply(unscaled, multiplier)
        let scaled = right > 31 ? (product >> Int32(right & 31)) &+ (product >= 0 ? 1 : 0) : roundingDivideByPOT(product, max(right, 0))
        return clamp(Int64(outputOffset) + Int64(scaled))
    }
}
