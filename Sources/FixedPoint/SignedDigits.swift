/// Approximate signed digits: an integer weight q = s1·2^e1 + s2·2^e2 with
/// s ∈ {−1, 0, +1} and exponents in the window 0 ≤ e2 < e1 < E; the real weight is q·2^−frac.
/// A product x·q is then two shifts and two adds, so a layer needs no multiplier.
///
/// Code (one byte per weight, what the C kernels read; C twin: the `qc_*_shift_*` kernels):
/// bit 7 = sign of the first term (1 = negative), bits 6:4 = e1, bits 3:1 = e2, bit 0 = the second
/// term's sign relative to the first (1 = opposite). e2 == e1 means "no second term", and the
/// otherwise redundant code with e2 == e1 and bit 0 set is the weight 0.
public struct SignedDigit: Hashable, Sendable, CustomStringConvertible {
    /// The terms (sign, exponent), at most two, the first with the larger exponent.
    public var terms: [(sign: Int, exponent: Int)]

    public init(terms: [(sign: Int, exponent: Int)]) { self.terms = terms }

    public static let zero = SignedDigit(terms: [])
    /// Exponents a byte code can hold (3 bits).
    public static let maxExponents = 8

    public var value: Int64 { terms.reduce(0) { $0 + Int64($1.sign) << Int64($1.exponent) } }

    public var code: UInt8 {
        guard let first = terms.first else { return 0x01 }
        var c = UInt8(first.sign < 0 ? 0x80 : 0) | UInt8(first.exponent << 4)
        if terms.count > 1 {
            c |= UInt8(terms[1].exponent << 1) | (terms[1].sign != first.sign ? 1 : 0)
        } else {
            c |= UInt8(first.exponent << 1)
        }
        return c
    }

    public init(code: UInt8) {
        let e1 = Int((code >> 4) & 7), e2 = Int((code >> 1) & 7)
        let s1 = code & 0x80 != 0 ? -1 : 1
        if e1 == e2 {
            terms = code & 1 != 0 ? [] : [(s1, e1)]
        } else {
            terms = [(s1, e1), (code & 1 != 0 ? -s1 : s1, e2)]
        }
    }

    public static func == (a: SignedDigit, b: SignedDigit) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        terms.isEmpty ? "0" : terms.map { ($0.sign < 0 ? "-" : "+") + "2^\($0.exponent)" }.joined()
    }

    /// Every value with at most `digits` terms in the window [0, exponents), sorted by value; where
    /// two representations share a value, the one with fewer terms is kept (it is the tie rule too).
    public static func table(digits: Int, exponents: Int) -> [SignedDigit] {
        precondition((1...2).contains(digits) && (1...maxExponents).contains(exponents))
        var best = [Int64: SignedDigit]()
        func offer(_ d: SignedDigit) {
            if let old = best[d.value], old.terms.count <= d.terms.count { return }
            best[d.value] = d
        }
        offer(.zero)
        for e1 in 0..<exponents {
            for s1 in [-1, 1] {
                offer(SignedDigit(terms: [(s1, e1)]))
                guard digits == 2 else { continue }
                for e2 in 0..<e1 {
                    for s2 in [-1, 1] { offer(SignedDigit(terms: [(s1, e1), (s2, e2)])) }
                }
            }
        }
        return best.values.sorted { $0.value < $1.value }
    }

    /// The nearest value of `table` to x (already scaled by 2^frac); ties go to fewer terms, then
    /// to the smaller magnitude. Values beyond the table's ends saturate to them.
    public static func nearest(_ x: Double, in table: [SignedDigit]) -> SignedDigit {
        var lo = 0, hi = table.count - 1
        if x <= Double(table[lo].value) { return table[lo] }
        if x >= Double(table[hi].value) { return table[hi] }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if Double(table[mid].value) <= x { lo = mid } else { hi = mid }
        }
        let a = table[lo], b = table[hi]
        let da = x - Double(a.value), db = Double(b.value) - x
        if da != db { return da < db ? a : b }
        if a.terms.count != b.terms.count { return a.terms.count < b.terms.count ? a : b }
        return abs(a.value) <= abs(b.value) ? a : b
    }

    /// The ablation rule: the canonical signed-digit (CSD, non-adjacent form) expansion of
    /// round(x), kept to its `digits` most significant terms, then clamped to the window.
    public static func csdTruncate(_ x: Double, digits: Int, exponents: Int) -> SignedDigit {
        let limit = table(digits: digits, exponents: exponents)
        var n = Int64(x.rounded(.toNearestOrAwayFromZero))
        if n > limit.last!.value { return limit.last! }
        if n < limit.first!.value { return limit.first! }
        var terms = [(sign: Int, exponent: Int)]()
        var e = 0
        while n != 0 {
            if n & 1 != 0 {
                let d: Int64 = 2 - (n & 3) == 1 ? 1 : -1   // n mod 4 == 1 -> +1, == 3 -> -1
                terms.append((Int(d), e))
                n -= d
            }
            n >>= 1
            e += 1
        }
        let kept = Array(terms.reversed().prefix(digits)).filter { $0.exponent < exponents }
        return SignedDigit(terms: kept)
    }
}
