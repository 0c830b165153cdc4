import FixedPoint
import Foundation

/// How a tensor's fractional length is chosen for a given bit width.
public enum StepMethod: String, Codable, Sendable, CaseIterable {
    /// No clipping: f0 from the largest magnitude.
    case minmax
    /// The f minimizing the empirical squared error over f0−2 … f0+6.
    case mse
    /// The step-size rules: weights by empirical MSE; activations from a generalized-gamma fit and its
    /// closed-form optimal step, then the better of ⌊f⌋ and ⌈f⌉ (and ±1) on the samples.
    case ggd
}

/// Statistics of one activation tensor over the calibration set.
public struct TensorStats: Sendable {
    public var maxAbs: Double
    /// A deterministic subsample of the values (all of them for small tensors).
    public var samples: [Float]
    public var hasNegatives: Bool

    public init(maxAbs: Double, samples: [Float], hasNegatives: Bool) {
        self.maxAbs = maxAbs
        self.samples = samples
        self.hasNegatives = hasNegatives
    }
}

/// The GGD fit behind an activation format, for reports.
public struct GGDChoice: Sendable, Codable {
    public var distribution: GeneralizedGamma
    public var zeroFraction: Double
    public var clip: Double
    public var realFrac: Double
}

public enum StepSize {
    /// Fractional length for weights (exact values): minmax → f0, mse/ggd → empirical MSE optimum.
    public static func weightFrac(_ values: [Float], bits: Int, method: StepMethod) -> Int {
        let maxAbs = Double(values.map(abs).max() ?? 0)
        let f0 = QFormat.fracForMaxAbs(maxAbs, bits: bits)
        guard method != .minmax, maxAbs > 0 else { return f0 }
        return bestFrac(values, bits: bits, candidates: (f0 - 2)...(f0 + 6))
    }

    /// Fractional length for an activation tensor from its calibration statistics.
    public static func activationFrac(_ stats: TensorStats, bits: Int, method: StepMethod) -> (frac: Int, ggd: GGDChoice?) {
        let f0 = QFormat.fracForMaxAbs(stats.maxAbs, bits: bits)
        guard stats.maxAbs > 0, !stats.samples.isEmpty else { return (f0, nil) }
        switch method {
        case .minmax:
            return (f0, nil)
        case .mse:
            return (bestFrac(stats.samples, bits: bits, candidates: (f0 - 1)...(f0 + 6)), nil)
        case .ggd:
            let magnitudes = stats.samples.map { Double(abs($0)) }
            let zeros = Double(magnitudes.filter { $0 == 0 }.count) / Double(magnitudes.count)
            guard let fit = GeneralizedGamma.fit(magnitudes) else { return (f0, nil) }
            let levels = 1 << (bits - 1)  // positive levels of the signed format
            let clip = fit.optimalClip(levels: levels)
            let realFrac = -log2(clip / Double(levels))
            guard realFrac.isFinite else { return (f0, nil) }
            // The two rounding candidates, then one step of tuning around the better one.
            let down = Int(floor(realFrac)), up = Int(ceil(realFrac))
            var best = bestFrac(stats.samples, bits: bits, candidates: down...max(down, up))
            best = bestFrac(stats.samples, bits: bits, candidates: (best - 1)...(best + 1))
            return (best, GGDChoice(distribution: fit, zeroFraction: zeros, clip: clip, realFrac: realFrac))
        }
    }

    /// The candidate with the least squared error; ties go to the smaller f (wider range).
    static func bestFrac(_ values: [Float], bits: Int, candidates: ClosedRange<Int>) -> Int {
        var best = candidates.lowerBound, bestError = Double.infinity
        for f in candidates {
            let error = quantizationError(values, QFormat(bits: bits, frac: f))
            if error < bestError {
                bestError = error
                best = f
            }
        }
        return best
    }
}
