import FixedPoint
import GraphIR
import QuantizedIR

/// Which kernel form codebook layers use.
public enum CodebookFormChoice: String, Sendable, CaseIterable {
    case lookup, accumulate
    /// Per layer, the cheaper by `CodebookQuantizer.cheaperForm`.
    case auto
}

/// Options of the codebook scheme.
public struct CodebookOptions: Sendable {
    public var clusters: Int
    public var centroidBits: Int
    public var form: CodebookFormChoice
    /// What `auto` charges a multiply, in cycles (1 on Cortex-M3/M4/M7; 32 on a Cortex-M0 with the
    /// small iterative multiplier).
    public var multiplyCycles: Int
    /// Clusters per layer name, overriding `clusters`; 0 keeps a layer in fixed point.
    public var overrides: [String: Int] = [:]
    /// Weight bits of the layers that stay in fixed point.
    public var fallbackBits: Int
    /// Empirical bias correction of the codebook layers (`BiasCorrection`).
    public var biasCorrection = false

    public init(clusters: Int, centroidBits: Int = CodebookQuantizer.defaultCentroidBits, form: CodebookFormChoice = .lookup,
                multiplyCycles: Int = 1, fallbackBits: Int = 8) {
        self.clusters = clusters
        self.centroidBits = centroidBits
        self.form = form
        self.multiplyCycles = multiplyCycles
        self.fallbackBits = fallbackBits
    }
}

extension FixedPointPlanner {
    /// The codebook scheme: every conv and dense layer's weights as a k-means codebook
    /// with one shared centroid format (and power-of-two channel scales, `CodebookQuantizer`); activations uniform as in the fixed scheme, calibrated on
    /// the network with these weights.
    public static func codebookPlan(_ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet, options: CodebookOptions,
                                    actBits: Int, biasBits: Int, step: StepMethod) throws -> QuantizationPlan {
        guard (2...CodebookWeights.maxClusters).contains(options.clusters), (2...16).contains(options.centroidBits) else {
            throw QuantizationError("\(options.clusters) clusters of \(options.centroidBits)-bit centroids (2…256 clusters, 2…16 bits)")
        }
        try checkOverrides(options.overrides, graph, analysis: analysis, option: "--clusters-for")
        var plan = QuantizationPlan(model: graph.info.path, scheme: .codebook, step: step, perChannel: false)
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            let w = graph.constant(node.inputs[1])!
            let clusters = options.overrides[node.name] ?? options.clusters
            // As in the bit-plane scheme, the output layer stays fixed unless named in the overrides:
            // its errors reach the logits unfiltered (on CharM0625, whose last layer folds a
            // batch norm, a 16-centroid output layer alone costs 50 pp), and it holds few weights.
            let isOutput = index == analysis.weightedLayers.last && options.overrides[node.name] == nil
            let reason = clusters == 0 ? "kept in fixed point by --clusters-for"
                : isOutput ? "the output layer stays in fixed point (--clusters-for LAYER=K to change)"
                : CodebookQuantizer.fallbackReason(node, weightShape: w.shape)
            if let reason {
                plan.layers[node.name] = fixedFallback(graph, node, bits: options.fallbackBits, biasBits: biasBits, step: step, reason: reason)
                continue
            }
            guard (2...CodebookWeights.maxClusters).contains(clusters) else {
                throw QuantizationError("--clusters-for \(node.name)=\(clusters): 0 or 2…\(CodebookWeights.maxClusters) clusters")
            }
            let fracs = CodebookQuantizer.fracs(w.floats, channels: w.shape[0], clusters: clusters, bits: options.centroidBits)
            var layer = LayerFormats(weightBits: options.centroidBits, weightFracs: fracs, biasBits: biasBits, biasFrac: 0)
            layer.clusters = clusters
            switch options.form {
            case .lookup: layer.codebookForm = .lookup
            case .accumulate: layer.codebookForm = .accumulate
            case .auto:
                layer.codebookForm = CodebookQuantizer.cheaperForm(window: w.count / w.shape[0], centroids: clusters,
                                                                   multiplyCycles: options.multiplyCycles)
            }
            plan.layers[node.name] = layer
        }
        if options.biasCorrection {
            let codebookLayers = analysis.weightedLayers.filter { plan.layers[graph.nodes[$0].name]?.clusters != nil }
            try BiasCorrection.apply(&plan, graph, analysis: analysis, calibration: calibration, layers: codebookLayers)
        }
        try planActivations(&plan, graph, analysis: analysis, calibration: calibration, bits: actBits, step: step)
        return plan
    }
}
