import Foundation

/// TFLite's integer arithmetic for int8-affine models (real = scale · (q − zero_point)), as its
/// reference kernels compute it, so `--scheme int8` reproduces them bit for bit. The C twins live
/// in runtime_c/include/qc_affine.h under the names given here.
public enum Affine {
    /// round(a·b / 2^31) as TFLite's `SaturatingRoundingDoublingHighMul`: a nudge of ±2^30 by sign and
    /// a truncating division, which rounds halves up (towards +∞); the one overflow (INT32_MIN²) saturates.
    /// C twin: `qc_srdhm`.
    @inline(__always)
    public static func doublingHighMultiply(_ a: Int32, _ b: Int32) -> Int32 {
        if a == Int32.min && b == Int32.min { return Int32.max }
        let ab = Int64(a) * Int64(b)
        let nudge: Int64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30)
        return Int32(truncatingIfNeeded: (ab + nudge) / (1 << 31))
    }

    /// x / 2^exponent rounded to nearest, halves away from zero (0 ≤ exponent ≤ 31). C twin: `qc_rdbpot`.
    @inline(__always)
    public static func roundingDivideByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> Int32(exponent)) + (remainder > threshold ? 1 : 0)
    }

    /// x · multiplier · 2^(shift − 31), TFLite's `MultiplyByQuantizedMultiplier`: a left shift
    /// (wrapping in 32 bits, as TFLite's int32 product does), the doubling high multiply, then a
    /// rounding right shift. C twin: `qc_mbqm`.
    @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
        let left = max(shift, 0), right = max(-shift, 0)
        let shifted = Int32(truncatingIfNeeded: Int64(x) << Int64(left))
        return roundingDivideByPOT(doublingHighMultiply(shifted, multiplier), right)
    }

    /// x · multiplier · 2^(shift − 31) with one rounding, half up: TFLite's single-rounding
    /// `MultiplyByQuantizedMultiplier`, which ai-edge-litert's reference fully-connected kernel
    /// computes (measured: it alone reproduces the corpus AD reference). C twin: `qc_mbqm_single`.
    @inline(__always)
    public static func multiplyByQuantizedMultiplierSingleRounding(_ x: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
        let total = Int64(31 - shift)
        return Int32(truncatingIfNeeded: (Int64(x) * Int64(multiplier) + (Int64(1) << (total - 1))) >> total)
    }

    /// TFLite's `QuantizeMultiplier`: m·2^shift = real with m in [2^30, 2^31) as an int32 (0 for 0;
    /// real values under 2^-31 flush to 0; shifts above 30 saturate to the largest multiplier at
    /// shift 30, as TFLite does). The result's shift always lies in −31…30, the range every C
    /// rescaling takes (`qc_mbqm` in qc_affine.h). `real` must be finite and non-negative (the
    /// importer admits only positive normal scales); anything else gives (0, 0).
    public static func quantizeMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int) {
        guard real > 0, real.isFinite else { return (0, 0) }
        let (fraction, exponent) = frexp(real)
        var shift = exponent
        var fixed = Int64((fraction * Double(Int64(1) << 31)).rounded())
        if fixed == Int64(1) << 31 {
            fixed /= 2
            shift += 1
        }
        if shift < -31 { return (0, 0) }
        if shift > 30 { return (Int32.max, 30) }
        return (Int32(fixed), shift)
    }

    /// A multiplier whose product is rounded once: below 1, shift 0 and multiplier real · 2^31, so
    /// the rounding doubling high multiply is the only rounding (a smaller real keeps fewer
    /// significant bits: 21 at 0.001); from 1 up, TFLite's own (its left shift rounds nothing).
    public static func quantizeMultiplierRoundedOnce(_ real: Double) -> (multiplier: Int32, shift: Int) {
        guard real > 0, real < 1 else { return quantizeMultiplier(real) }
        return (Int32(min((real * Double(Int64(1) << 31)).rounded(), Double(Int32.max))), 0)
    }

    /// TFLite's quantization of a real value in a tensor: zero_point + round(f / scale) in float,
    /// halves away from zero (its activation bounds and input quantization).
    public static func quantize(_ f: Float, scale: Float, zeroPoint: Int32) -> Int64 {
        Int64(zeroPoint) + Int64((f / scale).rounded())
    }

    // MARK: Softmax (gemmlowp fixed point, as TFLite's reference int8 softmax)

    /// Integer bits of the scaled input differences and of the sum of exponentials.
    public static let softmaxDiffIntegerBits = 5
    public static let softmaxSumIntegerBits = 12

    /// The input scaling of an int8 softmax: (multiplier, left shift, smallest difference from the row
    /// maximum that still counts), as TFLite's `PreprocessSoftmaxScaling` and `CalculateInputRadius`.
    /// nil where TFLite's own computation is undefined: an input scale so small that the left shift
    /// would be negative (under about 2^−27).
    public static func softmaxParameters(beta: Double, inputScale: Float) -> (multiplier: Int32, leftShift: Int, diffMin: Int32)? {
        let bits = softmaxDiffIntegerBits
        let real = min(beta * Double(inputScale) * Double(1 << (31 - bits)), Double(Int64(1) << 31) - 1)
        let (multiplier, shift) = quantizeMultiplier(real)
        guard multiplier > 0, (0...30).contains(shift) else { return nil }
        let radius = Double((1 << bits) - 1) * Double(Int64(1) << (31 - bits)) / Double(Int64(1) << Int64(shift))
        return (multiplier, shift, Int32(-radius.rounded(.down)))
    }

    /// x · 2^exponent with saturation (exponent > 0) or a rounding right shift (exponent < 0).
    /// C twin: `qc_mul_pot`.
    @inline(__always)
    public static func saturatingMultiplyByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        if exponent <= 0 { return roundingDivideByPOT(x, -exponent) }
        let threshold = Int32((1 << (31 - exponent)) - 1)
        if x > threshold { return Int32.max }
        if x < -threshold { return Int32.min }
        return x << Int32(exponent)
    }

    /// 1/√input as a multiplier and a (TFLite, positive = left) shift: TFLite's
    /// `GetInvSqrtQuantizedMultiplierExp` with a reversed shift, five Newton–Raphson steps in Q3.28
    /// on the input normalised by pairs of bits. Inputs 0 and 1 give (2^31 − 1, 0). C twin:
    /// `qc_inv_sqrt` (qc_l2_normalization_affine_s8.c).
    public static func inverseSqrt(_ value: Int32) -> (multiplier: Int32, shift: Int) {
        guard value > 1 else { return (Int32.max, 0) }
        var input = value, shift = 11
        while input >= 1 << 29 {
            input /= 4
            shift += 1
        }
        let pairs = (UInt32(input).leadingZeroBitCount - 1) / 2 - 1
        shift -= pairs
        input <<= Int32(2 * pairs)
        let halfInput = roundingDivideByPOT(input >> 1, 1)
        let halfThree: Int32 = (1 << 28) + (1 << 27)
        var x: Int32 = 1 << 28
        for _ in 0..<5 {
            let cube = saturatingMultiplyByPOT(doublingHighMultiply(doublingHighMultiply(x, x), x), 6)
            x = saturatingMultiplyByPOT(doublingHighMultiply(halfThree, x) &- doublingHighMultiply(halfInput, cube), 3)
        }
        var multiplier = doublingHighMultiply(x, 1_518_500_250)  // √2/2 in Q0.31
        if shift < 0 {
            multiplier <<= Int32(-shift)
            shift = 0
        }
        return (multiplier, -shift)
    }

    /// exp(a) for a in [−1/4, 0), a and the result with 0 integer bits (Q0.31). C twin: `qc_exp_quarter`.
    static func expOnQuarterInterval(_ a: Int32) -> Int32 {
        let constantTerm: Int32 = 1895147668 // exp(−1/8)·2^31
        let oneThird: Int32 = 715827883 // 2^31 / 3
        let x = a &+ (1 << 28) // a + 1/8
        let x2 = doublingHighMultiply(x, x)
        let x3 = doublingHighMultiply(x2, x)
        let x4 = doublingHighMultiply(x2, x2)
        let x4Over4 = saturatingMultiplyByPOT(x4, -2)
        let poly = saturatingMultiplyByPOT(doublingHighMultiply(x4Over4 &+ x3, oneThird) &+ x2, -1)
        return constantTerm &+ doublingHighMultiply(constantTerm, x &+ poly)
    }

    /// exp(−2^k)·2^31 for k = −2 … 4: the factors of the barrel shifter over the integer part.
    public static let expBarrel: [Int32] = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]

    /// exp(a) for a ≤ 0 given with `softmaxDiffIntegerBits` integer bits; result in Q0.31.
    /// C twin: `qc_exp_negative`.
    public static func expOnNegativeValues(_ a: Int32) -> Int32 {
        let fractionalBits = 31 - softmaxDiffIntegerBits
        let quarter = Int32(1) << Int32(fractionalBits - 2)
        let modQuarterMinusQuarter = (a & (quarter - 1)) &- quarter
        var result = expOnQuarterInterval(saturatingMultiplyByPOT(modQuarterMinusQuarter, softmaxDiffIntegerBits))
        let remainder = modQuarterMinusQuarter &- a
        for (k, factor) in expBarrel.enumerated() where k - 2 < softmaxDiffIntegerBits {
            if remainder & (Int32(1) << Int32(fractionalBits + k - 2)) != 0 { result = doublingHighMultiply(result, factor) }
        }
        return a == 0 ? Int32.max : result
    }

    /// 1 / (1 + x) for x in [0, 1) (Q0.31 in, Q0.31 out), by three Newton-Raphson steps.
    /// C twin: `qc_one_over_one_plus`.
    static func oneOverOnePlus(_ a: Int32) -> Int32 {
        let sum = Int64(a) + Int64(Int32.max)
        let halfDenominator = Int32((sum + (sum >= 0 ? 1 : -1)) / 2)
        let c48over17: Int32 = 1515870810 // 48/17 · 2^29
        let cMinus32over17: Int32 = -1010580540 // −32/17 · 2^29
        var x = c48over17 &+ doublingHighMultiply(halfDenominator, cMinus32over17)
        for _ in 0..<3 {
            let oneMinus = (Int32(1) << 29) &- doublingHighMultiply(halfDenominator, x)
            x = x &+ saturatingMultiplyByPOT(doublingHighMultiply(x, oneMinus), 2)
        }
        return saturatingMultiplyByPOT(x, 1)
    }

    /// The reciprocal of a sum with `integerBits` integer bits: (Q0.31 scale, bits over one), as
    /// TFLite's `GetReciprocal`. C twin: `qc_reciprocal`.
    public static func reciprocal(_ x: Int32, integerBits: Int) -> (scale: Int32, bitsOverUnit: Int) {
        let headroomPlusOne = UInt32(bitPattern: x).leadingZeroBitCount
        let shiftedMinusOne = Int32(bitPattern: (UInt32(bitPattern: x) << UInt32(headroomPlusOne)) &- (UInt32(1) << 31))
        return (oneOverOnePlus(shiftedMinusOne), integerBits - headroomPlusOne)
    }

    /// One row of TFLite's int8 → int8 softmax (output scale 1/256, zero point −128).
    /// C twin: `qc_softmax_s8`.
    public static func softmax(_ row: [Int32], multiplier: Int32, leftShift: Int, diffMin: Int32) -> [Int32] {
        let maximum = row.max() ?? 0
        func scaledExp(_ v: Int32) -> Int32? {
            let diff = v - maximum
            guard diff >= diffMin else { return nil }
            let rescaled = doublingHighMultiply(Int32(truncatingIfNeeded: Int64(diff) << Int64(leftShift)), multiplier)
            return expOnNegativeValues(rescaled)
        }
        var sum: Int32 = 0
        for v in row { if let e = scaledExp(v) { sum = sum &+ roundingDivideByPOT(e, softmaxSumIntegerBits) } }
        let (scale, bitsOverUnit) = reciprocal(sum, integerBits: softmaxSumIntegerBits)
        return row.map { v in
            guard let e = scaledExp(v) else { return -128 }
            let unsaturated = roundingDivideByPOT(doublingHighMultiply(scale, e), bitsOverUnit + 31 - 8)
            return min(max(unsaturated - 128, -128), 127)
        }
    }
}
