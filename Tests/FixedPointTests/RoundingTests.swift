import FixedPoint
import TestSupport
import Testing

/// The rounding shift and saturation against an independent oracle: exact rational arithmetic
/// (floor of v/2^s + 1/2 computed with the remainder), exhaustive over int8 × shifts 0…31.
@Suite struct RoundingTests {
    /// round-half-up(v / 2^s) by a different route: Euclidean division, then compare 2·remainder with the divisor.
    func oracle(_ v: Int64, _ s: Int) -> Int64 {
        let divisor = Int64(1) << Int64(s)
        var q = v / divisor, r = v % divisor
        if r < 0 { q -= 1; r += divisor }  // floor division
        return 2 * r >= divisor ? q + 1 : q
    }

    @Test func roundingShiftIsExactOverInt8AndAllShifts() {
        for v in Int64(Int8.min)...Int64(Int8.max) {
            for s in 0...31 {
                #expect(roundingRightShift(v, s) == oracle(v, s), "v=\(v) (\(String(v, radix: 2))) s=\(s)")
            }
        }
    }

    @Test func roundingShiftOnSeededRandomInt32() {
        var rng = SeededRandom(seed: 42)
        for _ in 0..<100_000 {
            let v = Int64(Int32(truncatingIfNeeded: rng.next()))
            let s = Int(rng.next() % 32)
            #expect(roundingRightShift(v, s) == oracle(v, s), "v=\(v) s=\(s)")
        }
    }

    @Test func handDerivedCases() {
        #expect(roundingRightShift(5, 1) == 3)    // 2.5 -> 3
        #expect(roundingRightShift(-5, 1) == -2)  // -2.5 -> -2 (half up)
        #expect(roundingRightShift(-6, 2) == -1)  // -1.5 -> -1
        #expect(roundingRightShift(3, -2) == 12)  // negative shift is a left shift
        #expect(roundingRightShift(Int64.max, 1) == Int64(1) << 62)  // no overflow in the rounding add
    }

    @Test func saturationClampsToTheBitRange() {
        #expect(saturate(200, bits: 8) == 127)
        #expect(saturate(-200, bits: 8) == -128)
        #expect(saturate(5, bits: 4) == 5)
        #expect(saturate(9, bits: 4) == 7)
        #expect(saturate(-9, bits: 4) == -8)
        #expect(saturate(-3, bits: 2) == -2)
    }
}
