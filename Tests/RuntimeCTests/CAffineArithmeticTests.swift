import CKernels
import FixedPoint
import TestSupport
import Testing

/// runtime_c's int8-affine arithmetic (qc_affine.h) called in-process, against an oracle written
/// from the definitions with exact 64-bit integers, and against the Swift twins in FixedPoint.Affine.
/// The doubling high multiply rounds halves up (TFLite's sign-dependent nudge with a truncating
/// division amounts to floor((ab + 2^30) / 2^31)); the divide by a power of two rounds them away
/// from zero.
@Suite struct CAffineArithmeticTests {
    /// round(n / 2^s), halves away from zero, for any Int64 n and 0 ≤ s ≤ 62.
    static func roundHalfAway(_ n: Int64, _ s: Int) -> Int64 {
        guard s > 0 else { return n }
        let d = Int64(1) << s
        let q = n / d, r = n % d // truncating: r has n's sign
        return 2 * abs(r) >= d ? q + (n < 0 ? -1 : 1) : q
    }

    static func cases(_ count: Int) -> [(x: Int32, m: Int32, shift: Int)] {
        var rng = SeededRandom(seed: 17)
        let edges: [Int32] = [.min, .min + 1, -(1 << 30), -3, -2, -1, 0, 1, 2, 3, 1 << 30, .max]
        var out = [(Int32, Int32, Int)]()
        for x in edges { for m in [Int32(1 << 30), .max, 1_515_870_810] { for s in [-31, -12, -1, 0, 1] { out.append((x, m, s)) } } }
        for _ in 0..<count {
            let r = rng.next()
            // Accumulator-like values of every magnitude, multipliers in QuantizeMultiplier's range.
            let x = Int32(truncatingIfNeeded: Int64(bitPattern: r)) >> Int32(rng.next() % 31)
            let m = Int32((1 << 30) + Int64(rng.next() % (1 << 30)))
            out.append((x, m, Int(rng.next() % 32) - 31 + (rng.next() % 8 == 0 ? Int(rng.next() % 4) : 0)))
        }
        return out
    }

    /// floor((n + 2^(s−1)) / 2^s): round half up.
    static func roundHalfUp(_ n: Int64, _ s: Int) -> Int64 {
        let d = Int64(1) << s, v = n + d / 2
        return v >= 0 ? v / d : -((-v + d - 1) / d)
    }

    @Test func doublingHighMultiplyAndDivideByPowerOfTwoMatchTheDefinition() {
        for (x, m, _) in Self.cases(20000) {
            let want = x == .min && m == .min ? Int64(Int32.max) : Self.roundHalfUp(Int64(x) * Int64(m), 31)
            #expect(Int64(qc_srdhm(x, m)) == want, "srdhm \(x) \(m)")
            #expect(Affine.doublingHighMultiply(x, m) == qc_srdhm(x, m))
            let e = Int(UInt32(bitPattern: m) % 32)
            #expect(Int64(qc_rdbpot(x, Int32(e))) == Self.roundHalfAway(Int64(x), e), "rdbpot \(x) \(e)")
            #expect(Affine.roundingDivideByPOT(x, e) == qc_rdbpot(x, Int32(e)))
        }
        #expect(qc_srdhm(.min, .min) == .max)
    }

    /// The one-multiply-accumulate form for right shifts of 2 to 31 equals the two-step definition,
    /// also for multipliers below QuantizeMultiplier's range (0 and small ones) and for every edge x.
    @Test func oneStepRightShiftEqualsTheTwoStepDefinition() {
        var rng = SeededRandom(seed: 29)
        let edges: [Int32] = [.min, .min + 1, -(1 << 30) - 1, -(1 << 30), -3, -2, -1, 0, 1, 2, 1 << 30, .max - 1, .max]
        for step in 0..<200_000 {
            let x = step < edges.count * 40 ? edges[step % edges.count]
                : Int32(truncatingIfNeeded: Int64(bitPattern: rng.next())) >> Int32(rng.next() % 32)
            let m: Int32 = switch rng.next() % 6 {
            case 0: Int32(rng.next() % 5)
            case 1: .max
            default: Int32(rng.next() % (1 << 31))
            }
            let e = 2 + Int(rng.next() % 30)
            let twoStep = Self.roundHalfAway(Self.roundHalfUp(Int64(x) * Int64(m), 31), e)
            #expect(Int64(qc_mbqm_right(x, m, Int32(e))) == twoStep, "mbqm_right \(x) \(m) \(e)")
        }
    }

    /// The one-step form from its per-channel constants (qc_rescale) is the two-step definition; without
    /// its sign terms it stays exact for x ≥ 0 and gives, like the definition, at most 0 for x < 0 (so a
    /// layer whose clamp floors every value ≤ 0 may drop them).
    @Test func oneStepFormWithoutSignTermsIsExactForNonNegativeSums() {
        var rng = SeededRandom(seed: 31)
        let edges: [Int32] = [.min, -(1 << 30), -2, -1, 0, 1, 2, 1 << 30, .max]
        for step in 0..<100_000 {
            let x = step < edges.count * 40 ? edges[step % edges.count]
                : Int32(truncatingIfNeeded: Int64(bitPattern: rng.next())) >> Int32(rng.next() % 32)
            let m: Int32 = rng.next() % 5 == 0 ? .max : Int32(rng.next() % (1 << 31))
            let e = 2 + Int(rng.next() % 30)
            let q = qc_rescale_right(m, Int32(e))
            let twoStep = Self.roundHalfAway(Self.roundHalfUp(Int64(x) * Int64(m), 31), e)
            #expect(Int64(qc_rescale_apply(x, q, 1)) == twoStep, "signed \(x) \(m) \(e)")
            let unsigned = Int64(qc_rescale_apply(x, q, 0))
            if x >= 0 {
                #expect(unsigned == twoStep, "unsigned \(x) \(m) \(e)")
            } else {
                #expect(unsigned <= 0 && twoStep <= 0, "unsigned \(x) \(m) \(e)")
            }
        }
    }

    /// qc_rescale_apply_once, from qc_rescale_right's constants, is qc_mbqm_single's round-half-up of
    /// x·m·2^(−e−31) for every x and shifts −2…−31.
    @Test func singleRoundingFromTheRescaleConstantsMatchesTheDefinition() {
        var rng = SeededRandom(seed: 37)
        for _ in 0..<100_000 {
            let x = Int32(truncatingIfNeeded: Int64(bitPattern: rng.next())) >> Int32(rng.next() % 32)
            let m: Int32 = rng.next() % 7 == 0 ? .max : Int32(rng.next() % (1 << 31))
            let e = 2 + Int(rng.next() % 30)
            let total = Int64(31 + e), product = Int64(x) * Int64(m)
            let q = product >> total, r = product - (q << total)
            let single = r >= Int64(1) << (total - 1) ? q + 1 : q
            #expect(Int64(qc_rescale_apply_once(x, qc_rescale_right(m, Int32(e)))) == single, "once \(x) \(m) \(e)")
        }
    }

    /// The requantization equals TFLite's two-step definition; the single-rounding form equals
    /// round-half-up of x·m·2^(shift−31).
    @Test func multiplierRequantizationMatchesTheDefinition() {
        for (x, m, shift) in Self.cases(50000) {
            let shifted = Int32(truncatingIfNeeded: Int64(x) << Int64(max(shift, 0)))
            let twoStep = Self.roundHalfAway(Self.roundHalfUp(Int64(shifted) * Int64(m), 31), max(-shift, 0))
            #expect(Int64(qc_mbqm(x, m, Int32(shift))) == twoStep, "mbqm \(x) \(m) \(shift)")
            #expect(Affine.multiplyByQuantizedMultiplier(x, m, shift) == qc_mbqm(x, m, Int32(shift)))
            if qc_mbqm_right_applies(m, Int32(shift)) != 0 {
                #expect(Int64(qc_mbqm_right(x, m, Int32(-shift))) == twoStep, "mbqm_right \(x) \(m) \(shift)")
            }
            if shift <= 0 {
                let total = 31 - shift
                let product = Int64(x) * Int64(m)
                // floor((p + 2^(total−1)) / 2^total) without overflow: p ≤ 2^62.
                let half = Int64(1) << (total - 1)
                let q = product >> Int64(total), r = product - (q << Int64(total))
                let single = r >= half ? q + 1 : q
                #expect(Int64(qc_mbqm_single(x, m, Int32(shift))) == single, "single \(x) \(m) \(shift)")
                #expect(Affine.multiplyByQuantizedMultiplierSingleRounding(x, m, shift) == qc_mbqm_single(x, m, Int32(shift)))
            }
        }
    }
}
