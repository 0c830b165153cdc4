/// TFLite's int8 LOG_SOFTMAX (its reference integer kernel): the exponentials of the scaled
/// differences summed in Q12.19 as for the softmax, their logarithm in Q5.26 by gemmlowp's
/// polynomial, and each output (x − max) − log Σ in steps of 1/16 from zero point 127.
extension Affine {
    /// The kernel's parameters for an input scale: the softmax's multiplier, left shift and smallest
    /// difference, and the reverse rescaling (a multiplier and a shift ≤ 0) that maps the log of the
    /// sum back to input units. nil where TFLite's own computation is undefined.
    public static func logSoftmaxParameters(inputScale: Float)
        -> (multiplier: Int32, leftShift: Int, reverseMultiplier: Int32, reverseShift: Int, diffMin: Int32)? {
        guard let s = softmaxParameters(beta: 1, inputScale: inputScale), s.leftShift >= 1 else { return nil }
        let (reverseMultiplier, reverseShift) = quantizeMultiplier(Double(Int64(1) << (31 - s.leftShift)) / Double(s.multiplier))
        guard reverseShift <= 0 else { return nil }
        return (s.multiplier, s.leftShift, reverseMultiplier, reverseShift, s.diffMin)
    }

    /// One row; C twin `qc_log_softmax_s8`.
    public static func logSoftmax(_ row: [Int32], multiplier: Int32, leftShift: Int, reverseMultiplier: Int32, reverseShift: Int,
                                  diffMin: Int32) -> [Int32] {
        let maximum = row.max() ?? 0
        var sum: Int32 = 0
        for v in row where v - maximum >= diffMin {
            let scaled = multiplyByQuantizedMultiplier(v - maximum, multiplier, leftShift)
            sum = sum &+ roundingDivideByPOT(expOnNegativeValues(scaled), softmaxSumIntegerBits)
        }
        let logSum = logOfAtLeastOne(sum)
        let adjustedDiffMin = max(diffMin - 1, multiplyByQuantizedMultiplier(logSum &+ Int32.min, reverseMultiplier, reverseShift))
        return row.map { v in
            guard v - maximum > adjustedDiffMin else { return -128 }
            let scaled = multiplyByQuantizedMultiplier(v - maximum, multiplier, leftShift)
            // From Q5.26 to steps of 1/16: 31 − 5 − 4 bits.
            return min(max(roundingDivideByPOT(scaled &- logSum, 22) + 127, -128), 127)
        }
    }

    /// ln x for x ≥ 1 given in Q12.19, result in Q5.26 (TFLite's `log_x_for_x_greater_than_or_equal_to_1`
    /// with 12 input and 5 output integer bits): x written as 2^z · r with r near 1, ln r by a rational
    /// approximation around √√½, accumulated with 6 integer bits. C twin: `qc_log_at_least_one`.
    static func logOfAtLeastOne(_ x: Int32) -> Int32 {
        let inputBits = 12, accumulatorBits = 6, outputBits = 5
        let log2: Int32 = 1_488_522_236, sqrtSqrtHalf: Int32 = 1_805_811_301, sqrtHalf: Int32 = 1_518_500_250
        let alphaN: Int32 = 117_049_297, alphaD: Int32 = 127_690_142, alphaI: Int32 = 1_057_819_769, alphaF: Int32 = 638_450_708
        let shiftedQuarter = roundingDivideByPOT(536_870_912, accumulatorBits)  // ¼ with 6 integer bits
        func saturatingAdd(_ a: Int32, _ b: Int32) -> Int32 { Int32(clamping: Int64(a) + Int64(b)) }
        func saturatingSub(_ a: Int32, _ b: Int32) -> Int32 { Int32(clamping: Int64(a) - Int64(b)) }
        /// x · 2^e saturated, e ≥ 0 (TFLite's SaturatingRoundingMultiplyByPOTParam).
        func timesPOT(_ v: Int32, _ e: Int) -> Int32 {
            guard e > 0 else { return v }
            let threshold = Int32(truncatingIfNeeded: (Int64(1) << Int64(31 - e)) - 1)
            if v > threshold { return Int32.max }
            if v < -threshold { return Int32.min }
            return Int32(truncatingIfNeeded: Int64(v) << Int64(e))
        }
        let headroomA = UInt32(bitPattern: x).leadingZeroBitCount
        let rA = timesPOT(doublingHighMultiply(timesPOT(x, headroomA - 1), sqrtHalf), 1)
        let powerA = saturatingAdd(timesPOT(Int32(inputBits - headroomA), 31 - accumulatorBits), shiftedQuarter)
        let headroomB = UInt32(bitPattern: doublingHighMultiply(x, sqrtHalf)).leadingZeroBitCount - 1
        let rB = timesPOT(x, headroomB)
        let powerB = saturatingSub(timesPOT(Int32(inputBits - headroomB), 31 - accumulatorBits), shiftedQuarter)
        let r = min(rA, rB), power = max(powerA, powerB)
        let halfSum = Int64(r) + Int64(sqrtSqrtHalf)
        let p = Int32(truncatingIfNeeded: (halfSum + (halfSum >= 0 ? 1 : -1)) / 2)
        var q = r &- sqrtSqrtHalf
        q = q &+ q
        let square = doublingHighMultiply(q, q)
        let numerator = doublingHighMultiply(q, r) &+ doublingHighMultiply(doublingHighMultiply(q, square), alphaN)
        let denominatorMinusOne = doublingHighMultiply(p, alphaI &+ q &+ doublingHighMultiply(alphaD, square))
            &+ doublingHighMultiply(alphaF, q)
        let sum = doublingHighMultiply(power, log2)
            &+ doublingHighMultiply(roundingDivideByPOT(numerator, accumulatorBits), oneOverOnePlus(denominatorMinusOne))
        return saturatingMultiplyByPOT(sum, accumulatorBits - outputBits)
    }
}
