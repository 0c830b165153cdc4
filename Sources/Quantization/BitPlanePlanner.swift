import FixedPoint
import GraphIR
import QuantizedIR

/// Options of the bit-plane scheme.
public struct BitPlaneOptions: Sendable {
    public var planes: Int
    public var grouping: BitPlaneGrouping
    public var alphaBits: Int
    /// Planes per layer name, overriding `planes`; 0 keeps a layer in fixed point.
    public var overrides: [String: Int]
    /// Weight bits of the layers that stay in fixed point.
    public var fallbackBits: Int
    /// Empirical bias correction of the bit-plane layers (`BiasCorrection`). Off by default: on
    /// the corpus MNIST models it helped some and hurt others.
    public var biasCorrection = false
    /// Choose the plane signs by error feedback on the layers' calibration inputs
    /// (`ErrorFeedbackPlanes`), layer by layer with the earlier ones already in bit planes.
    public var errorFeedback = true

    public init(planes: Int, grouping: BitPlaneGrouping = .filter, alphaBits: Int = BitPlaneQuantizer.defaultAlphaBits,
                overrides: [String: Int] = [:], fallbackBits: Int = 8) {
        self.planes = planes
        self.grouping = grouping
        self.alphaBits = alphaBits
        self.overrides = overrides
        self.fallbackBits = fallbackBits
    }
}

extension FixedPointPlanner {
    /// The bit-plane scheme: each conv and dense layer as bit planes where they need
    /// fewer multiplies than its MACs, else in fixed point (per channel) with the reason noted;
    /// activations and biases as in the fixed scheme, calibrated on the network with these weights.
    public static func bitPlanePlan(_ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet, options: BitPlaneOptions,
                                    actBits: Int, biasBits: Int, step: StepMethod) throws -> QuantizationPlan {
        try checkOverrides(options.overrides, graph, analysis: analysis, option: "--planes-for")
        var plan = QuantizationPlan(model: graph.info.path, scheme: .bitplane, step: step, perChannel: true)
        let outputLayer = analysis.weightedLayers.last
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            let w = graph.constant(node.inputs[1])!
            let planes = options.overrides[node.name] ?? options.planes
            // The output layer stays fixed unless named in the overrides: its errors reach the logits
            // unfiltered, and it holds few of the MACs.
            let isOutput = index == outputLayer && options.overrides[node.name] == nil
            let reason = planes == 0 ? "kept in fixed point by --planes-for"
                : isOutput ? "the output layer stays in fixed point (--planes-for LAYER=M to change)"
                : BitPlaneQuantizer.fallbackReason(node, weightShape: w.shape, planes: planes, grouping: options.grouping)
            if let reason {
                plan.layers[node.name] = fixedFallback(graph, node, bits: options.fallbackBits, biasBits: biasBits, step: step, reason: reason)
                continue
            }
            var fits = BitPlaneQuantizer.fit(w.floats, shape: w.shape, planes: planes, grouping: options.grouping)
            var fitted: FittedPlanes?
            if options.errorFeedback,
               let h = try ErrorFeedbackPlanes.inputMoments(graph, node: node, analysis: analysis, plan: plan, calibration: calibration) {
                fits = ErrorFeedbackPlanes.refit(fits, values: w.floats, shape: w.shape, grouping: options.grouping, h: h)
                fitted = FittedPlanes(fits)
            }
            let fracs = BitPlaneQuantizer.alphaFracs(fits, shape: w.shape, grouping: options.grouping, alphaBits: options.alphaBits)
            var layer = LayerFormats(weightBits: 16, weightFracs: fracs, biasBits: biasBits, biasFrac: 0)
            layer.fittedPlanes = fitted
            layer.planes = planes
            layer.grouping = options.grouping
            layer.alphaBits = options.alphaBits
            plan.layers[node.name] = layer
        }
        // The coarse planes shift output means: correct the biases of the bit-plane layers.
        let planeLayers = analysis.weightedLayers.filter { plan.layers[graph.nodes[$0].name]?.planes != nil }
        if options.biasCorrection {
            try BiasCorrection.apply(&plan, graph, analysis: analysis, calibration: calibration, layers: planeLayers)
        }
        try planActivations(&plan, graph, analysis: analysis, calibration: calibration, bits: actBits, step: step)
        return plan
    }
}
