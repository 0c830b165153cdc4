import Foundation
import GraphIR
import Quantization
import QuantizedIR

/// One layer's activations over the calibration set, the generalized-gamma density fitted to
/// their magnitudes, and the levels of the format the plan gave them.
public struct ActivationHistogram: Encodable, Sendable {
    /// The run whose format is drawn.
    public var run: String
    public var layer: String
    public var bits: Int
    public var frac: Int
    /// Values seen (a deterministic subsample for large tensors) and the share that is exactly 0.
    public var samples: Int
    public var zero_fraction: Double
    /// The fit to the positive magnitudes; nil when there are too few of them.
    public var ggd: GeneralizedGamma?
    /// The fit's MSE-optimal clipping point for this bit width.
    public var ggd_clip: Double?
    /// [lower, upper, density] of each bin of the positive magnitudes (area 1).
    public var bins: [[Double]]
    /// Positive quantization levels k·2^−frac within the plotted range.
    public var levels: [Double]

    static let binCount = 60

    /// `layer`: a program op's name; nil picks the first conv or dense layer.
    public static func make(run: String, graph: Graph, lowered: Lowering.Result, calibration: SampleSet,
                            layer: String?) throws -> ActivationHistogram? {
        let program = lowered.program
        let node: QNode?
        if let layer {
            node = program.ops.first { $0.name == layer }
            guard node != nil else {
                throw QuantizationError("--histogram-layer \(layer): no such layer (layers: \(program.ops.map(\.name).joined(separator: ", ")))")
            }
        } else {
            node = program.ops.first { $0.op.weights != nil }
        }
        guard let node, let value = lowered.tensorValues[node.op.output] else { return nil }
        let format = program.tensors[node.op.output].format
        let stats = try Calibration.collect(graph, samples: calibration.values, count: calibration.count, values: [value])[value]
        guard let stats, !stats.samples.isEmpty else { return nil }
        let magnitudes = stats.samples.map { Double(abs($0)) }
        let positive = magnitudes.filter { $0 > 0 }.sorted()
        guard !positive.isEmpty else { return nil }
        let fit = GeneralizedGamma.fit(positive)
        let levelCount = 1 << (format.bits - 1)
        let clip = fit?.optimalClip(levels: levelCount)
        let step = pow(2, Double(-format.frac))
        // Up to the 99.9th percentile (a few outliers would squash the picture), or further to
        // show the clip and the largest level.
        let high = max(positive[min(positive.count - 1, Int(Double(positive.count) * 0.999))], min(clip ?? 0, positive.last!))
        let width = high / Double(binCount)
        var counts = [Int](repeating: 0, count: binCount)
        for x in positive where x <= high { counts[min(binCount - 1, Int(x / width))] += 1 }
        let bins = counts.enumerated().map { k, c in
            [Double(k) * width, Double(k + 1) * width, Double(c) / (Double(positive.count) * width)].map(rounded)
        }
        let top = Double(levelCount - 1) * step
        let levels = stride(from: step, through: min(top, high), by: step).prefix(256).map(rounded)
        return ActivationHistogram(run: run, layer: node.name, bits: format.bits, frac: format.frac, samples: magnitudes.count,
                                   zero_fraction: rounded(1 - Double(positive.count) / Double(magnitudes.count)),
                                   ggd: fit, ggd_clip: clip.map(rounded), bins: bins, levels: levels)
    }

    /// The fitted density at x: p·x^(d−1)·exp(−(x/a)^p) / (a^d·Γ(d/p)), in logs.
    public static func density(_ g: GeneralizedGamma, at x: Double) -> Double {
        guard x > 0 else { return 0 }
        return exp(log(g.p) + (g.d - 1) * log(x) - pow(x / g.a, g.p) - g.d * log(g.a) - lgamma(g.d / g.p))
    }

    private static func rounded(_ v: Double) -> Double {
        guard v != 0, v.isFinite else { return v }
        let scale = pow(10, 6 - floor(log10(abs(v))))
        return (v * scale).rounded() / scale
    }
}
