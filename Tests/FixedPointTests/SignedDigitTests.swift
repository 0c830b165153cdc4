import FixedPoint
import TestSupport
import Testing

/// Signed digits: the nearest two-term rounding against a brute-force search over the
/// whole window, the byte code, and hand-derived cases for both rounding rules.
@Suite struct SignedDigitTests {
    /// Every (s1, e1, s2, e2) with e1 > e2 in 0..<exponents, one-term values and zero.
    func everyRepresentation(digits: Int, exponents: Int) -> [(value: Int64, terms: Int)] {
        var all: [(Int64, Int)] = [(0, 0)]
        for e1 in 0..<exponents {
            for s1 in [-1, 1] {
                all.append((Int64(s1) << Int64(e1), 1))
                guard digits == 2 else { continue }
                for e2 in 0..<e1 { for s2 in [-1, 1] { all.append(((Int64(s1) << Int64(e1)) + (Int64(s2) << Int64(e2)), 2)) } }
            }
        }
        return all
    }

    /// Brute force: the smallest distance; among those, fewest terms; then smallest magnitude.
    func bruteForce(_ x: Double, digits: Int, exponents: Int) -> (value: Int64, terms: Int) {
        everyRepresentation(digits: digits, exponents: exponents).min { a, b in
            let da = abs(x - Double(a.value)), db = abs(x - Double(b.value))
            if da != db { return da < db }
            if a.terms != b.terms { return a.terms < b.terms }
            return abs(a.value) < abs(b.value)
        }!
    }

    @Test(arguments: [(2, 8), (1, 8), (2, 5), (2, 1)])
    func nearestMatchesBruteForce(_ digits: Int, _ exponents: Int) {
        let table = SignedDigit.table(digits: digits, exponents: exponents)
        var rng = SeededRandom(seed: 4)
        let limit = Double(1 << exponents) * 1.2
        // Random points, every value, and every midpoint between neighbours (the ties).
        var points = (0..<20_000).map { _ in (Double(rng.next() % 1_000_000) / 1_000_000 * 2 - 1) * limit }
        let values = table.map { Double($0.value) }
        points += values + zip(values, values.dropFirst()).map { ($0 + $1) / 2 }
        for x in points {
            let got = SignedDigit.nearest(x, in: table), want = bruteForce(x, digits: digits, exponents: exponents)
            if got.value != want.value || got.terms.count != want.terms {
                Issue.record("x = \(x): nearest gave \(got) (\(got.value)), brute force \(want.value) with \(want.terms) terms")
                return
            }
        }
    }

    @Test func codesRoundTripAndFitOneByte() {
        for digit in SignedDigit.table(digits: 2, exponents: 8) {
            #expect(SignedDigit(code: digit.code).value == digit.value, "\(digit)")
        }
        // Every byte decodes to something within the window's range.
        for code in 0...255 { #expect(abs(SignedDigit(code: UInt8(code)).value) <= 192) }
        #expect(SignedDigit.zero.code == 0x01 && SignedDigit(code: 0x01).value == 0)
    }

    @Test func handDerivedRoundings() {
        let two = SignedDigit.table(digits: 2, exponents: 8), one = SignedDigit.table(digits: 1, exponents: 8)
        // 11 lies between 10 = 8+2 and 12 = 8+4 (= 16-4): a tie of two-term values, the smaller magnitude wins.
        #expect(SignedDigit.nearest(11, in: two).value == 10)
        // Its canonical signed digits are 16 - 4 - 1; truncated to two digits: 12.
        #expect(SignedDigit.csdTruncate(11, digits: 2, exponents: 8).value == 12)
        // 7 = 8 - 1 exactly; 6 = 4 + 2 (one term would give 4 or 8).
        #expect(SignedDigit.nearest(7, in: two).value == 7 && SignedDigit.nearest(6, in: two).value == 6)
        // One digit: 3 is a tie between 2 and 4 (both one term): the smaller magnitude, 2; 3.2 -> 4.
        #expect(SignedDigit.nearest(3, in: one).value == 2 && SignedDigit.nearest(3.2, in: one).value == 4)
        // The window saturates: 2^7 + 2^6 = 192 is the largest value, 0.4 rounds to 0.
        #expect(SignedDigit.nearest(250, in: two).value == 192 && SignedDigit.nearest(-0.4, in: two).value == 0)
        // 0.5 is a tie between 0 (no terms) and 1 (one term): fewer terms win.
        #expect(SignedDigit.nearest(0.5, in: two).value == 0)
    }
}
