import Foundation
import Quantization
import TestSupport
import Testing

/// The codebook scheme's k-means against a brute-force optimum, and Lloyd's fallback.
@Suite struct KMeansTests {
    /// Every assignment of n points to k labels; the best cost is the k-means optimum.
    func bruteForceCost(_ x: [Double], k: Int) -> Double {
        var best = Double.infinity
        var labels = [Int](repeating: 0, count: x.count)
        while true {
            var sums = [Double](repeating: 0, count: k), counts = [Double](repeating: 0, count: k)
            for (v, l) in zip(x, labels) { sums[l] += v; counts[l] += 1 }
            let cost = zip(x, labels).reduce(0.0) { total, p in
                let mean = sums[p.1] / counts[p.1]
                return total + (p.0 - mean) * (p.0 - mean)
            }
            best = min(best, cost)
            var i = 0
            while i < labels.count && labels[i] == k - 1 { labels[i] = 0; i += 1 }
            if i == labels.count { return best }
            labels[i] += 1
        }
    }

    @Test func exactSolverFindsTheBruteForceOptimum() {
        var rng = SeededRandom(seed: 3)
        for trial in 0..<60 {
            let n = 3 + trial % 6, k = 2 + trial % 3
            // Small integers make ties and repeated values likely.
            let x = (0..<n).map { _ in Double(rng.int(-6, 6)) / 2 }
            let result = KMeans1D.cluster(x, k: k)
            let want = bruteForceCost(x, k: k)
            #expect(abs(result.cost - want) <= 1e-9, "trial \(trial): \(x), k \(k): cost \(result.cost), optimum \(want)")
            #expect(result.centroids == result.centroids.sorted())
            #expect(abs(result.cost - x.reduce(0.0) { $0 + KMeans1D.nearestError($1, result.centroids) }) <= 1e-9)
        }
    }

    @Test func fewerDistinctValuesThanClustersAreTheCentroids() {
        let result = KMeans1D.cluster([0.5, -1, 0.5, 2, -1], k: 16)
        #expect(result.centroids == [-1, 0.5, 2] && result.cost == 0)
    }

    /// Beyond the exact solver's memory budget (here: 20 bins per cluster), k-means runs on binned values
    /// and Lloyd polishes the result: never below the exact cost, and close to it on weight-like
    /// (Laplacian) data; every cluster is used.
    @Test func mergedSolverIsNearTheOptimum() {
        var rng = SeededRandom(seed: 8)
        let x = (0..<5000).map { _ -> Double in
            let u = Double(rng.int(1, 999_999)) / 1_000_000
            return (u < 0.5 ? 1 : -1) * log(2 * min(u, 1 - u)) * 0.05
        }
        for k in [4, 16, 32] {
            let exact = KMeans1D.cluster(x, k: k), merged = KMeans1D.cluster(x, k: k, budget: 20 * k * k)
            #expect(merged.cost >= exact.cost - 1e-9 && merged.cost <= exact.cost * 1.02, "k \(k): merged \(merged.cost), exact \(exact.cost)")
            #expect(Set(merged.centroids).count == k)
        }
    }
}
