/// Bit-plane decomposition: a group of weights w ≈ Σ_i α_i·B_i with M scales
/// α_i ≥ 0 and sign planes B_i ∈ {−1, +1}^n, minimising ‖w − Σ α_i B_i‖². The reconstruction takes
/// one of the 2^M levels Σ ±α_i, so this is a scalar quantizer with an additive codebook: greedy
/// residual initialisation (optimal for M = 1), the exact sort-and-split solver for M = 2, and
/// Lloyd refinement (least-squares scales, nearest-level signs) for M ≥ 3.
public struct BitPlaneFit: Sendable {
    /// Scales, decreasing, all ≥ 0.
    public var alphas: [Double]
    /// planes[i][j] ∈ {−1, +1}.
    public var planes: [[Int8]]

    public init(alphas: [Double], planes: [[Int8]]) {
        self.alphas = alphas
        self.planes = planes
    }

    public func reconstruction(_ j: Int) -> Double { zip(alphas, planes).reduce(0) { $0 + $1.0 * Double($1.1[j]) } }

    /// ‖w − ŵ‖².
    public func error(_ w: [Double]) -> Double {
        w.indices.reduce(0) { sum, j in let d = w[j] - reconstruction(j); return sum + d * d }
    }
}

public enum BitPlanes {
    public static func fit(_ w: [Double], planes m: Int, iterations: Int = 20) -> BitPlaneFit {
        precondition(m >= 1)
        if w.allSatisfy({ $0 == 0 }) || w.isEmpty {
            return BitPlaneFit(alphas: [Double](repeating: 0, count: m), planes: [[Int8]](repeating: [Int8](repeating: 1, count: w.count), count: m))
        }
        if m == 1 { return normalized(greedy(w, planes: 1)) }
        if m == 2 { return normalized(exactTwo(w)) }
        // Lloyd finds a local optimum: start it from the greedy planes and from the exact two
        // planes with greedy residual planes added, and keep the better end.
        let fromGreedy = lloyd(w, start: greedy(w, planes: m), iterations: iterations)
        var start = exactTwo(w)
        let rest = greedy(w.indices.map { w[$0] - start.reconstruction($0) }, planes: m - 2)
        start.alphas += rest.alphas
        start.planes += rest.planes
        let fromExact = lloyd(w, start: start, iterations: iterations)
        return normalized(fromExact.error(w) < fromGreedy.error(w) ? fromExact : fromGreedy)
    }

    /// B_i = sign(r) (sign(0) = +1), α_i = mean |r|, r ← r − α_i B_i.
    public static func greedy(_ w: [Double], planes m: Int) -> BitPlaneFit {
        var r = w
        var fit = BitPlaneFit(alphas: [], planes: [])
        for _ in 0..<m {
            let plane = r.map { $0 >= 0 ? Int8(1) : Int8(-1) }
            let alpha = r.map(abs).reduce(0, +) / Double(max(r.count, 1))
            for j in r.indices { r[j] -= alpha * Double(plane[j]) }
            fit.alphas.append(alpha)
            fit.planes.append(plane)
        }
        return fit
    }

    /// M = 2, globally optimal: the levels are ±a and ±c (a ≥ c ≥ 0); every weight takes its own
    /// sign, the t smallest magnitudes the inner level c (their mean) and the rest a (their mean);
    /// the best split t wins. α1 = (a + c)/2, α2 = (a − c)/2.
    public static func exactTwo(_ w: [Double]) -> BitPlaneFit {
        let order = w.indices.sorted { abs(w[$0]) < abs(w[$1]) }
        let magnitudes = order.map { abs(w[$0]) }
        let n = magnitudes.count
        var prefix = [0.0], prefixSquares = [0.0]
        for v in magnitudes {
            prefix.append(prefix.last! + v)
            prefixSquares.append(prefixSquares.last! + v * v)
        }
        // Error of a set fitted by its mean: Σv² − (Σv)²/count.
        func cost(_ lo: Int, _ hi: Int) -> Double {
            let count = Double(hi - lo)
            guard count > 0 else { return 0 }
            let s = prefix[hi] - prefix[lo]
            return (prefixSquares[hi] - prefixSquares[lo]) - s * s / count
        }
        var bestSplit = 0, bestCost = Double.infinity
        for t in 0...n {
            let c = cost(0, t) + cost(t, n)
            if c < bestCost - 1e-15 * max(1, bestCost.isFinite ? bestCost : 1) { bestCost = c; bestSplit = t }
        }
        let inner = bestSplit > 0 ? (prefix[bestSplit]) / Double(bestSplit) : 0
        let outer = bestSplit < n ? (prefix[n] - prefix[bestSplit]) / Double(n - bestSplit) : inner
        var first = [Int8](repeating: 1, count: n), second = [Int8](repeating: 1, count: n)
        for (rank, j) in order.enumerated() {
            let s: Int8 = w[j] >= 0 ? 1 : -1
            first[j] = s
            second[j] = rank < bestSplit ? -s : s
        }
        return BitPlaneFit(alphas: [(outer + inner) / 2, (outer - inner) / 2], planes: [first, second])
    }

    /// Lloyd's two steps from `start`; the error never increases (the best iterate is kept).
    /// `trace` sees the error after every step.
    public static func lloyd(_ w: [Double], start: BitPlaneFit, iterations: Int, trace: ((Double) -> Void)? = nil) -> BitPlaneFit {
        var fit = start, best = start, bestError = start.error(w)
        let m = start.alphas.count
        for _ in 0..<iterations {
            // Centroid: least squares α for the current planes (kept when the planes are dependent).
            if let alphas = leastSquares(fit.planes, w) { fit.alphas = alphas }
            trace?(fit.error(w))
            // Nearest level: each weight takes the sign vector of the closest Σ ±α_i.
            var changed = false
            for j in w.indices {
                var bestSigns = 0, bestDistance = Double.infinity
                for signs in 0..<(1 << m) {
                    var level = 0.0
                    for i in 0..<m { level += (signs >> i) & 1 == 1 ? fit.alphas[i] : -fit.alphas[i] }
                    let d = abs(w[j] - level)
                    if d < bestDistance { bestDistance = d; bestSigns = signs }
                }
                for i in 0..<m {
                    let s: Int8 = (bestSigns >> i) & 1 == 1 ? 1 : -1
                    if fit.planes[i][j] != s { fit.planes[i][j] = s; changed = true }
                }
            }
            let e = fit.error(w)
            trace?(e)
            if e < bestError { best = fit; bestError = e }
            if !changed { break }
        }
        return best
    }

    /// α = (AᵀA)⁻¹Aᵀw by Gaussian elimination with partial pivoting; nil when AᵀA is singular.
    static func leastSquares(_ planes: [[Int8]], _ w: [Double]) -> [Double]? {
        let m = planes.count
        var a = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: m)
        for r in 0..<m {
            for c in 0..<m { a[r][c] = zip(planes[r], planes[c]).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
            a[r][m] = zip(planes[r], w).reduce(0) { $0 + Double($1.0) * $1.1 }
        }
        return solve(a)
    }

    /// The solution of the m×m system in `augmented` (m rows of m coefficients and the right-hand
    /// side), by Gauss-Jordan elimination with partial pivoting; nil when singular.
    static func solve(_ augmented: [[Double]], tolerance: Double = 1e-9) -> [Double]? {
        var a = augmented
        let m = a.count
        for col in 0..<m {
            let pivot = (col..<m).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            guard abs(a[pivot][col]) > tolerance else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<m where r != col {
                let f = a[r][col] / a[col][col]
                for c in col...m { a[r][c] -= f * a[col][c] }
            }
        }
        return (0..<m).map { a[$0][m] / a[$0][$0] }
    }

    /// α_i ≥ 0 (a negative scale flips its plane), planes sorted by decreasing α.
    public static func normalized(_ fit: BitPlaneFit) -> BitPlaneFit {
        var pairs = zip(fit.alphas, fit.planes).map { alpha, plane in alpha < 0 ? (-alpha, plane.map { -$0 }) : (alpha, plane) }
        pairs.sort { $0.0 > $1.0 }
        return BitPlaneFit(alphas: pairs.map(\.0), planes: pairs.map(\.1))
    }
}
