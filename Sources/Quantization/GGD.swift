import Foundation

/// Generalized gamma distribution (Stacy form) for x > 0:
/// g(x; a, d, p) = p·x^(d−1)·exp(−(x/a)^p) / (a^d·Γ(d/p)).
/// p = 1 is the gamma family, d = p Weibull, d = 1, p = 2 the half-Gaussian (the GGD step-size rule).
public struct GeneralizedGamma: Sendable, Equatable, Codable {
    public var a: Double, d: Double, p: Double

    public init(a: Double, d: Double, p: Double) {
        self.a = a
        self.d = d
        self.p = p
    }

    /// Profile maximum likelihood over p: for each p on a grid, y = x^p is gamma(k = d/p, θ = a^p),
    /// whose k has a near closed form (Minka's start, then Newton on ln k − ψ(k) = s). Needs at
    /// least 100 positive samples; nil otherwise or for (nearly) constant data.
    public static func fit(_ samples: [Double]) -> GeneralizedGamma? {
        let x = samples.filter { $0 > 0 && $0.isFinite }
        guard x.count >= 100 else { return nil }
        let logX = x.map(log)
        let meanLogX = logX.reduce(0, +) / Double(x.count)
        func profile(_ p: Double) -> (logLikelihood: Double, k: Double, theta: Double)? {
            // y = x^p; work in logs to avoid overflow.
            let logY = logX.map { p * $0 }
            let peak = logY.max()!
            let meanY = exp(peak) * logY.reduce(0) { $0 + exp($1 - peak) } / Double(x.count)
            let meanLogY = p * meanLogX
            let s = log(meanY) - meanLogY
            guard s > 1e-9, s.isFinite else { return nil }
            var k = (3 - s + ((s - 3) * (s - 3) + 24 * s).squareRoot()) / (12 * s)
            for _ in 0..<3 { k -= (log(k) - digamma(k) - s) / (1 / k - trigamma(k)) }
            guard k > 0, k.isFinite else { return nil }
            let theta = meanY / k
            // Σ ln g(x) = n·ln p + (p−1)Σln x + (k−1)Σ ln y − Σ y/θ − n·k·ln θ − n·lnΓ(k)
            let n = Double(x.count)
            let jacobian: Double = log(p) + (p - 1) * meanLogX
            let gammaPart: Double = (k - 1) * meanLogY - meanY / theta - k * log(theta) - lgamma(k)
            let ll = n * (jacobian + gammaPart)
            return (ll, k, theta)
        }
        var best: (p: Double, ll: Double, k: Double, theta: Double)?
        var p = 0.2
        while p <= 4.0001 {
            if let r = profile(p), r.logLikelihood > (best?.ll ?? -.infinity) { best = (p, r.logLikelihood, r.k, r.theta) }
            p += 0.05
        }
        guard var found = best else { return nil }
        // Golden-section polish of p around the grid optimum.
        var lo = max(0.05, found.p - 0.05), hi = found.p + 0.05
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<20 {
            let m1 = hi - ratio * (hi - lo), m2 = lo + ratio * (hi - lo)
            let f1 = profile(m1)?.logLikelihood ?? -.infinity, f2 = profile(m2)?.logLikelihood ?? -.infinity
            if f1 > f2 { hi = m2 } else { lo = m1 }
        }
        if let r = profile((lo + hi) / 2), r.logLikelihood > found.ll { found = ((lo + hi) / 2, r.logLikelihood, r.k, r.theta) }
        return GeneralizedGamma(a: pow(found.theta, 1 / found.p), d: found.k * found.p, p: found.p)
    }

    /// E[(X − L)+] = a·Γ((d+1)/p)/Γ(d/p)·Q((d+1)/p, u) − L·Q(d/p, u), u = (L/a)^p.
    public func expectedExcess(over limit: Double) -> Double {
        let u = pow(limit / a, p)
        let ratio = exp(lgamma((d + 1) / p) - lgamma(d / p))
        return max(0, a * ratio * upperIncompleteGammaQ((d + 1) / p, u) - limit * upperIncompleteGammaQ(d / p, u))
    }

    /// The MSE-optimal clipping point L of a uniform quantizer with `levels` levels on [0, L]:
    /// the root of E[(X − L)+] / L = 1 / (12·levels²), by bisection in log L (the left side falls
    /// monotonically). The step is L / levels.
    public func optimalClip(levels: Int) -> Double {
        let target = 1 / (12 * Double(levels) * Double(levels))
        // Bracket around the exponential-tail estimate L ≈ a·(ln 12N²)^(1/p).
        let guess = a * pow(log(12 * Double(levels) * Double(levels)), 1 / p)
        var lo = log(guess) - 20, hi = log(guess) + 20
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            let limit = exp(mid)
            if expectedExcess(over: limit) / limit > target { lo = mid } else { hi = mid }
        }
        return exp((lo + hi) / 2)
    }
}

/// ψ(x) for x > 0: recurrence up to x ≥ 6, then the asymptotic series.
public func digamma(_ x: Double) -> Double {
    var x = x, result = 0.0
    while x < 6 {
        result -= 1 / x
        x += 1
    }
    let f = 1 / (x * x)
    return result + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
}

/// ψ'(x) for x > 0.
public func trigamma(_ x: Double) -> Double {
    var x = x, result = 0.0
    while x < 6 {
        result += 1 / (x * x)
        x += 1
    }
    let f = 1 / (x * x)
    return result + 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)))
}

/// Regularized upper incomplete gamma Q(s, x) = Γ(s, x)/Γ(s): the series for P when x < s + 1,
/// else a continued fraction (modified Lentz).
public func upperIncompleteGammaQ(_ s: Double, _ x: Double) -> Double {
    guard x > 0 else { return 1 }
    let logPrefix = s * log(x) - x - lgamma(s)
    if x < s + 1 {
        var term = 1 / s, sum = term, n = s
        for _ in 0..<1000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-15 { break }
        }
        return max(0, 1 - sum * exp(logPrefix))
    }
    let tiny = 1e-300
    var b = x + 1 - s, c = 1 / tiny, dd = 1 / b, h = dd
    for i in 1...1000 {
        let an = -Double(i) * (Double(i) - s)
        b += 2
        dd = an * dd + b
        if abs(dd) < tiny { dd = tiny }
        c = b + an / c
        if abs(c) < tiny { c = tiny }
        dd = 1 / dd
        let delta = dd * c
        h *= delta
        if abs(delta - 1) < 1e-15 { break }
    }
    return min(1, exp(logPrefix) * h)
}
