import FixedPoint
import Foundation
import GraphIR

/// Calibration samples (contiguous, already preprocessed) with optional labels.
public struct SampleSet: Sendable {
    public var values: [Float]
    public var count: Int
    public var labels: [Int]?
    public init(values: [Float], count: Int, labels: [Int]?) {
        self.values = values
        self.count = count
        self.labels = labels
    }
}

/// Uniform fixed-point formats: weights first, then activation statistics taken
/// on the network that already uses the quantized weights, then biases aligned below each
/// layer's accumulator.
public enum FixedPointPlanner {
    public static func uniformPlan(_ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet, weightBits: Int,
                                   actBits: Int, biasBits: Int, perChannel: Bool, step: StepMethod) throws -> QuantizationPlan {
        var plan = QuantizationPlan(model: graph.info.path, scheme: .fixed, step: step, perChannel: perChannel)
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            plan.layers[node.name] = LayerFormats(weightBits: weightBits,
                                                  weightFracs: weightFracs(graph, node, bits: weightBits, perChannel: perChannel, step: step),
                                                  biasBits: biasBits, biasFrac: 0)
        }
        try planActivations(&plan, graph, analysis: analysis, calibration: calibration, bits: actBits, step: step)
        return plan
    }

    /// The shift scheme: weights rounded to at most `digits` signed powers of two in an
    /// exponent window of `exponents`, with a power-of-two scale per layer or per output channel;
    /// activations and biases as in the fixed scheme, calibrated on the network with these weights.
    public static func shiftPlan(_ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet, digits: Int,
                                 exponents: Int = SignedDigit.maxExponents, rounding: DigitRounding = .nearest, actBits: Int, biasBits: Int,
                                 perChannel: Bool, step: StepMethod) throws -> QuantizationPlan {
        var plan = QuantizationPlan(model: graph.info.path, scheme: .shift, step: step, perChannel: perChannel)
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            var layer = LayerFormats(weightBits: 8, weightFracs: [], biasBits: biasBits, biasFrac: 0, digits: digits,
                                     exponents: exponents, rounding: rounding)
            layer.weightFracs = digitFracs(graph, node, quantizer: layer.weightQuantizer(), exponents: exponents, perChannel: perChannel)
            plan.layers[node.name] = layer
        }
        try planActivations(&plan, graph, analysis: analysis, calibration: calibration, bits: actBits, step: step)
        return plan
    }

    /// Power-of-two scales for signed digits: the frac f0 that puts the largest |w|·2^f in
    /// [2^(E−1), 2^E), or one to two steps either side, whichever gives the least squared error
    /// (the window's top values 2^(E−1) + 2^(E−2) … leave the upper part of that octave coarse).
    static func digitFracs(_ graph: Graph, _ node: Node, quantizer: WeightQuantizer, exponents: Int, perChannel: Bool) -> [Int] {
        let w = graph.constant(node.inputs[1])!
        let values = w.floats
        func best(_ v: ArraySlice<Float>) -> Int {
            let m = Double(v.map(abs).max() ?? 0)
            guard m > 0, m.isFinite else { return 0 }
            let f0 = exponents - 1 - Int(floor(log2(m)))
            // The first (coarsest) frac with the least error.
            return (f0 - 2...f0 + 1).map { ($0, error(v, $0)) }.min { $0.1 < $1.1 }!.0
        }
        func error(_ v: ArraySlice<Float>, _ frac: Int) -> Double {
            v.reduce(0) { sum, x in let d = Double(x) - quantizer.roundTrip(Double(x), frac: frac); return sum + d * d }
        }
        guard perChannel else { return [best(values[...])] }
        let channels = w.shape[0], per = values.count / channels
        return limitingSpread((0..<channels).map { o in best(values[(o * per)..<((o + 1) * per)]) })
    }

    /// The largest difference between two channels' weight fracs in one layer. 16 rather than more:
    /// a dead channel's bias is aligned to its accumulator frac, and with 24 VWW's dead channels
    /// (bias ~0.3) pushed their layers to 64-bit accumulators (2^34 · 0.3 > 2^31), which also rules
    /// out the DSP kernels; a channel 2^16 below the layer's largest is invisible in the shared output.
    public static let maxFracSpread = 16

    /// Per-channel fracs with none more than `maxFracSpread` above the coarsest. A nearly dead
    /// channel (weights ~1e-30 after batch-norm folding, as in MLPerf's VWW) would otherwise get a
    /// frac near 100, and its bias an alignment shift beyond 64 bits. Its outputs share one
    /// activation format with the other channels, which cannot resolve anything 2^-maxFracSpread
    /// below the coarsest channel's scale, so the cap loses nothing the output can show.
    static func limitingSpread(_ fracs: [Int]) -> [Int] {
        let cap = (fracs.min() ?? 0) + maxFracSpread
        return fracs.map { min($0, cap) }
    }

    /// Per-layer overrides must name conv or dense layers.
    static func checkOverrides(_ overrides: [String: Int], _ graph: Graph, analysis: QuantAnalysis, option: String) throws {
        let names = Set(analysis.weightedLayers.map { graph.nodes[$0].name })
        if let unknown = overrides.keys.sorted().first(where: { !names.contains($0) }) {
            throw QuantizationError("\(option): no conv or dense layer is named '\(unknown)' (layers: \(names.sorted().joined(separator: ", ")))")
        }
    }

    /// A layer another scheme leaves in fixed point (per channel), with the reason noted.
    static func fixedFallback(_ graph: Graph, _ node: Node, bits: Int, biasBits: Int, step: StepMethod, reason: String) -> LayerFormats {
        var layer = LayerFormats(weightBits: bits, weightFracs: weightFracs(graph, node, bits: bits, perChannel: true, step: step),
                                 biasBits: biasBits, biasFrac: 0)
        layer.note = "fixed point: " + reason
        return layer
    }

    /// Per-layer (one entry) or per-output-channel fractional lengths of a layer's weights.
    public static func weightFracs(_ graph: Graph, _ node: Node, bits: Int, perChannel: Bool, step: StepMethod) -> [Int] {
        let w = graph.constant(node.inputs[1])!
        let values = w.floats
        guard perChannel else { return [StepSize.weightFrac(values, bits: bits, method: step)] }
        let channels = w.shape[0], per = values.count / channels
        return limitingSpread((0..<channels).map { o in
            StepSize.weightFrac(Array(values[(o * per)..<((o + 1) * per)]), bits: bits, method: step)
        })
    }

    /// Statistics of `values` on the graph with the plan's weights (and any planned activations) applied.
    public static func activationStatistics(_ graph: Graph, analysis: QuantAnalysis, plan: QuantizationPlan,
                                            calibration: SampleSet, of values: [ValueID]) throws -> [ValueID: TensorStats] {
        let simulated = FakeQuant(graph, analysis: analysis, plan: plan)
        return try Calibration.collect(simulated.graph, samples: calibration.values, count: calibration.count,
                                       values: values, transform: simulated.transform)
    }

    /// The format of one activation tensor; tanh/sigmoid outputs are pinned to frac = bits − 1.
    public static func activationFormat(_ id: ValueID, analysis: QuantAnalysis, stats: TensorStats?, bits: Int,
                                        step: StepMethod) -> QFormat {
        if analysis.fixedFrac[id] == true { return QFormat(bits: bits, frac: bits - 1) }
        guard let stats else { return QFormat(bits: bits, frac: bits - 1) }
        return QFormat(bits: bits, frac: StepSize.activationFrac(stats, bits: bits, method: step).frac)
    }

    /// Every activation format from one statistics pass on the network with the plan's weights
    /// (producers, and the averages after them), and the bias fracs that follow from them.
    static func planActivations(_ plan: inout QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet,
                                bits: Int, step: StepMethod) throws {
        let stats = try activationStatistics(graph, analysis: analysis, plan: plan, calibration: calibration,
                                             of: analysis.producers + analysis.averages.map(\.output))
        for id in analysis.producers {
            plan.activations[analysis.keys[id]!] = activationFormat(id, analysis: analysis, stats: stats[id], bits: bits, step: step)
        }
        setAverageFormats(&plan, analysis: analysis, stats: stats, step: step)
        setBiasFracs(&plan, graph, analysis: analysis)
    }

    /// The formats of average-pool outputs (`QuantAnalysis.averages`) from their own statistics on
    /// the network with the plan applied, for a plan whose other formats are settled (the search).
    public static func setAverageFormats(_ plan: inout QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis,
                                         calibration: SampleSet, step: StepMethod) throws {
        guard !analysis.averages.isEmpty else { return }
        let stats = try activationStatistics(graph, analysis: analysis, plan: plan, calibration: calibration,
                                             of: analysis.averages.map(\.output))
        setAverageFormats(&plan, analysis: analysis, stats: stats, step: step)
    }

    /// An average's format: the input's bits, and the frac those bits give the average's values.
    /// An 8x8 global average of a ReLU map is far smaller than the map's peaks; at the input's step
    /// it rounds most of its signal away (ResNet-8: 2 pp of top-1).
    static func setAverageFormats(_ plan: inout QuantizationPlan, analysis: QuantAnalysis, stats: [ValueID: TensorStats], step: StepMethod) {
        for average in analysis.averages {
            guard let input = analysis.format(of: average.input, in: plan), let key = analysis.keys[average.output] else { continue }
            plan.activations[key] = activationFormat(average.output, analysis: analysis, stats: stats[average.output], bits: input.bits,
                                                     step: step)
        }
    }

    /// Bias frac: the no-overflow frac of the largest bias, but never finer than the layer's
    /// coarsest accumulator (the bias is aligned by a left shift).
    public static func setBiasFracs(_ plan: inout QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis) {
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            guard var layer = plan.layers[node.name], let input = analysis.format(of: node.inputs[0], in: plan) else { continue }
            let maxBias = Double(layer.bias(graph, node).map(abs).max() ?? 0)
            let accFrac = input.frac + (layer.weightFracs.min() ?? 0)
            layer.biasFrac = min(QFormat.fracForMaxAbs(maxBias, bits: layer.biasBits), accFrac)
            plan.layers[node.name] = layer
        }
    }
}
