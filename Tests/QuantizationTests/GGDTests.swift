import Foundation
import Quantization
import Testing

@Suite struct GGDTests {
    @Test func incompleteGammaMatchesClosedForms() {
        for x in [0.01, 0.5, 1, 2.5, 7, 30] {
            #expect(abs(upperIncompleteGammaQ(1, x) - exp(-x)) < 1e-12)
            #expect(abs(upperIncompleteGammaQ(0.5, x) - erfc(x.squareRoot())) < 1e-10)
            #expect(abs(upperIncompleteGammaQ(2, x) - (1 + x) * exp(-x)) < 1e-12)
        }
    }

    @Test func digammaMatchesKnownValues() {
        #expect(abs(digamma(1) + 0.5772156649015329) < 1e-10)     // −γ
        #expect(abs(digamma(0.5) + 1.9635100260214235) < 1e-10)   // −γ − 2 ln 2
        #expect(abs(trigamma(1) - Double.pi * Double.pi / 6) < 1e-9)
    }

    /// Samples by inverse CDF with a fixed-sequence uniform (no randomness in the test).
    func uniforms(_ n: Int) -> [Double] { (0..<n).map { (Double($0) + 0.5) / Double(n) }.shuffledDeterministically() }

    @Test func fitRecoversWeibullAndExponentialShapes() throws {
        // Weibull(a = 2, p = 1.5) is GGD with d = p.
        let weibull = uniforms(20_000).map { 2 * pow(-log($0), 1 / 1.5) }
        let w = try #require(GeneralizedGamma.fit(weibull))
        #expect(abs(w.p - 1.5) < 0.1 && abs(w.d - 1.5) < 0.15 && abs(w.a - 2) < 0.15, "\(w)")
        let exponential = uniforms(20_000).map { -0.7 * log($0) }
        let e = try #require(GeneralizedGamma.fit(exponential))
        #expect(abs(e.p - 1) < 0.1 && abs(e.d - 1) < 0.1 && abs(e.a - 0.7) < 0.07, "\(e)")
    }

    /// The closed-form clip against a brute-force search of the empirical MSE of a uniform
    /// quantizer with N levels on [0, L] over exponential samples.
    @Test func optimalClipMatchesBruteForce() {
        let samples = uniforms(50_000).map { -log($0) }  // exponential, a = 1
        let distribution = GeneralizedGamma(a: 1, d: 1, p: 1)
        for levels in [8, 16, 128] {
            func mse(_ limit: Double) -> Double {
                let step = limit / Double(levels)
                return samples.reduce(0) { sum, x in
                    let q = min((x / step).rounded(), Double(levels - 1)) * step
                    return sum + (x - q) * (x - q)
                } / Double(samples.count)
            }
            var best = (limit: 0.0, error: Double.infinity)
            for i in 1...400 {
                let limit = Double(i) * 0.05
                let e = mse(limit)
                if e < best.error { best = (limit, e) }
            }
            let clip = distribution.optimalClip(levels: levels)
            // The asymptotic closed form sits within a few percent of the brute-force optimum and its
            // error within 5 % of the best achievable.
            #expect(abs(clip - best.limit) / best.limit < 0.15, "N=\(levels): closed form \(clip), brute force \(best.limit)")
            #expect(mse(clip) <= best.error * 1.05, "N=\(levels): \(mse(clip)) vs \(best.error)")
        }
    }
}

extension Array {
    /// A fixed permutation (so sample order carries no structure), reproducible across runs.
    func shuffledDeterministically() -> [Element] {
        var copy = self
        var state: UInt64 = 12345
        for i in stride(from: copy.count - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            copy.swapAt(i, Int(state >> 33) % (i + 1))
        }
        return copy
    }
}
