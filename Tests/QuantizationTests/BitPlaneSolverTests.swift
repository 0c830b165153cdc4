import Quantization
import TestSupport
import Testing

/// The bit-plane solver: the M = 2 sort-and-split solver against brute force over every
/// inner/outer partition of small random groups, Lloyd's monotone error, and hand-derived cases.
@Suite struct BitPlaneSolverTests {
    func randomGroup(_ n: Int, _ rng: inout SeededRandom) -> [Double] {
        (0..<n).map { _ in Double(Int64(rng.next() % 2001) - 1000) / 1000 }
    }

    /// Two planes give levels ±a, ±c; each weight keeps its sign and takes a or c. Brute force: every
    /// subset of weights as the outer set, each set fitted by the mean of its magnitudes.
    func bruteForceTwo(_ w: [Double]) -> Double {
        var best = Double.infinity
        for mask in 0..<(1 << w.count) {
            let outer = w.indices.filter { mask >> $0 & 1 == 1 }.map { abs(w[$0]) }
            let inner = w.indices.filter { mask >> $0 & 1 == 0 }.map { abs(w[$0]) }
            func sse(_ v: [Double]) -> Double {
                guard !v.isEmpty else { return 0 }
                let mean = v.reduce(0, +) / Double(v.count)
                return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            best = min(best, sse(outer) + sse(inner))
        }
        return best
    }

    @Test func twoPlaneSolverIsOptimal() {
        var rng = SeededRandom(seed: 9)
        for trial in 0..<300 {
            let w = randomGroup(1 + trial % 11, &rng)
            let fit = BitPlanes.exactTwo(w)
            let want = bruteForceTwo(w)
            #expect(abs(fit.error(w) - want) <= 1e-9 * max(1, want), "group \(w): solver \(fit.error(w)), brute force \(want)")
            #expect(fit.alphas[0] >= fit.alphas[1] && fit.alphas[1] >= -1e-12)
        }
    }

    @Test func lloydNeverIncreasesTheError() {
        var rng = SeededRandom(seed: 10)
        for trial in 0..<200 {
            let w = randomGroup(8 + trial % 40, &rng)
            let m = 2 + trial % 3
            var errors = [BitPlanes.greedy(w, planes: m).error(w)]
            var best = errors[0]
            let fit = BitPlanes.lloyd(w, start: BitPlanes.greedy(w, planes: m), iterations: 20) { errors.append($0) }
            // Each step can only lower the error; the returned fit is the best seen.
            for (a, b) in zip(errors, errors.dropFirst()) { #expect(b <= a + 1e-9, "M = \(m): error rose from \(a) to \(b)") }
            for e in errors { best = min(best, e) }
            #expect(abs(fit.error(w) - best) <= 1e-9)
            // More planes never fit worse than fewer (M = 3 starts from greedy, which extends M = 2's greedy).
            #expect(BitPlanes.fit(w, planes: m).error(w) <= BitPlanes.greedy(w, planes: m).error(w) + 1e-9)
        }
    }

    @Test func handDerivedCases() {
        // Two magnitudes, four weights: ±1 and ±3 are represented exactly by a = 3, c = 1: α = (2, 1).
        let fit = BitPlanes.fit([3, -1, 1, -3], planes: 2)
        #expect(abs(fit.alphas[0] - 2) < 1e-12 && abs(fit.alphas[1] - 1) < 1e-12)
        #expect(fit.error([3, -1, 1, -3]) < 1e-18)
        // One plane: α = mean |w| = 2, signs of w.
        let one = BitPlanes.fit([1, -3], planes: 1)
        #expect(one.alphas == [2] && one.planes == [[1, -1]])
        // All-zero group: zero scales, +1 planes.
        let zero = BitPlanes.fit([0, 0, 0], planes: 3)
        #expect(zero.alphas == [0, 0, 0] && zero.planes.allSatisfy { $0 == [1, 1, 1] })
    }
}
