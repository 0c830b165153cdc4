import CKernels
import TestSupport
import Testing

/// runtime_c's rounding primitives (qc_arith.h) called in-process, against a 64-bit oracle written
/// from the definition: floor(v / 2^s) and floor((v + 2^(s-1)) / 2^s).
@Suite struct CArithmeticTests {
    static func floorDiv(_ v: Int64, _ s: Int) -> Int64 {
        let d = Int64(1) << s
        return v >= 0 ? v / d : -((-v + d - 1) / d)
    }

    static var values: [Int32] {
        var rng = SeededRandom(seed: 5)
        let edges: [Int32] = [.min, .min + 1, -1 << 30, -2, -1, 0, 1, 2, 1 << 30, .max - 1, .max]
        return edges + (-128...127).map { Int32($0) } + (0..<2000).map { _ in Int32(truncatingIfNeeded: rng.next()) }
    }

    @Test func floorShiftAndRoundingShiftMatchTheDefinition() {
        for v in Self.values {
            for s in 1...30 {
                #expect(Int64(qc_floor_shift_s32(v, Int32(s))) == Self.floorDiv(Int64(v), s), "floor v=\(v) s=\(s)")
                #expect(Int64(qc_rshift_round_s32(v, Int32(s))) == Self.floorDiv(Int64(v) + (Int64(1) << (s - 1)), s), "round v=\(v) s=\(s)")
            }
            #expect(qc_floor_shift_s32(v, 0) == v)
        }
    }
}
