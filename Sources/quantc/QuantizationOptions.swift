import ArgumentParser
import Foundation
import GraphIR
import Pipeline

extension Scheme: ExpressibleByArgument {}

extension StepMethod: ExpressibleByArgument {}
extension FullyConnectedRounding: ExpressibleByArgument {}
extension DigitRounding: ExpressibleByArgument {}
extension SearchObjective: ExpressibleByArgument {}
extension BitPlaneGrouping: ExpressibleByArgument {}

/// `--accumulate`: alone it means yes (see `Quantc.normalizedArguments`).
enum AccumulateOption: String, ExpressibleByArgument, CaseIterable {
    case yes, no, auto
    var choice: CodebookFormChoice {
        switch self {
        case .yes: return .accumulate
        case .no: return .lookup
        case .auto: return .auto
        }
    }
}

/// `--scheme` and its options, `--calib` and `--plan`: the same in quantize, export and verify.
struct QuantizationOptions: ParsableArguments {
    @Option(help: "Quantization scheme: fixed, shift, bitplane, codebook, or int8 (an int8 TFLite model computed exactly as TFLite does). Default: int8 for a model that arrives quantized to int8, fixed otherwise.")
    var scheme: Scheme?
    @Option(help: "int8 scheme: whose fully-connected rounding to reproduce: tflm (TFLM with CMSIS-NN, two roundings) or tflite (ai-edge-litert's reference kernel, one).")
    var fcRounding: FullyConnectedRounding = .tflm
    @Option(help: "Shift scheme: at most this many signed powers of two per weight (1 or 2).")
    var digits: Int = 2
    @Option(help: "Shift scheme: nearest (the closest representable weight) or csd-truncate (the canonical signed digits, truncated).")
    var rounding: DigitRounding = .nearest
    @Option(help: "Bit-plane scheme: planes per group (1…4); a convolution costs this many multiplies per output.")
    var planes: Int = 2
    @Option(help: "Bit-plane scheme: a group per output channel (filter) or per output and input channel (kernel2d).")
    var group: BitPlaneGrouping = .filter
    @Option(help: "Bit-plane scheme: bits of the integer plane scales (2…16).")
    var alphaBits: Int = Pipeline.Limits.defaultAlphaBits
    @Option(help: ArgumentHelp("Bit-plane scheme: planes for one layer, LAYER=M (0 keeps it in fixed point); repeatable.",
                               valueName: "LAYER=M"))
    var planesFor: [String] = []
    @Flag(inversion: .prefixedNo, help: "Bit-plane and codebook schemes: correct each such layer's bias for the mean shift its weights cause.")
    var biasCorrection = false
    @Flag(inversion: .prefixedNo, help: "Round the weights by error feedback on each layer's calibration inputs (GPTQ's order, the earlier layers already rounded): on by default for bitplane (the planes' signs), off for fixed, shift and codebook (their grid values).")
    var errorFeedback: Bool?
    @Option(help: "Codebook scheme: centroids per layer (2…256); weights are stored as ⌈log2 K⌉-bit indices.")
    var clusters: Int = 16
    @Option(help: ArgumentHelp("Codebook scheme: centroids for one layer, LAYER=K (0 keeps it in fixed point); repeatable.",
                               valueName: "LAYER=K"))
    var clustersFor: [String] = []
    @Option(help: "Codebook scheme: bits of the integer centroids (2…16).")
    var centroidBits: Int = Pipeline.Limits.defaultCentroidBits
    @Option(help: ArgumentHelp("Codebook scheme: sum the inputs per centroid, then multiply once per centroid and output (alone: yes; auto: per layer, the cheaper form).",
                               valueName: "yes|no|auto"))
    var accumulate: AccumulateOption = .no
    @Option(help: "Codebook scheme: what --accumulate auto charges a multiply, in cycles (1 on Cortex-M3/M4/M7, 32 on a Cortex-M0 with the small multiplier).")
    var multiplyCycles: Int = 1
    @Option(help: "Weight bits (2…16) or 'auto' for the bit-allocation search; the bit-plane scheme's fixed-point layers use them too.")
    var weightBits: String = "8"
    @Option(help: "Activation bits (2…16); the search's upper bound with --weight-bits auto.")
    var actBits: Int = 8
    @Option(help: "Bias bits before alignment to the accumulator (2…32).")
    var biasBits: Int = 16
    @Option(help: "Accuracy budget for 'auto', in percentage points of top-1 (agreement without labels).")
    var maxDrop: Double = 1
    @Option(help: "What 'auto' minimizes: balanced (both), memory (weight bits) or multiplies (Σ MACs·b_w·b_a).")
    var objective: SearchObjective = .balanced
    @Option(help: "Step-size rule: minmax, mse or ggd.")
    var step: StepMethod = .mse
    @Flag(inversion: .prefixedNo, help: "One weight format per output channel, as TFLite quantizes (the default); --no-per-channel: one per layer.")
    var perChannel = true
    @Flag(help: "Fixed scheme: after calibration, move each activation's frac one step where that brings the network's output closer to the float model's (fractional offsets chosen end to end).")
    var refineFracs = false
    @Option(help: "Calibration samples (default: the first --calib-count samples of --data).")
    var calib: String?
    @Option(help: "Labels for the calibration samples (the search's accuracy); .npz 'y' is read automatically.")
    var calibLabels: String?
    @Option(help: "How many calibration samples to use.")
    var calibCount: Int = 500
    @Option(help: "Reuse the formats of a plan written by 'quantize -o'.")
    var plan: String?
    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard WeightBits(weightBits) != nil else {
            throw ValidationError("--weight-bits must be 2…16 or 'auto'")
        }
        guard (2...16).contains(actBits) else { throw ValidationError("--act-bits must be 2…16") }
        guard (2...32).contains(biasBits) else { throw ValidationError("--bias-bits must be 2…32") }
        guard calibCount >= 1 else { throw ValidationError("--calib-count must be at least 1") }
        guard maxDrop >= 0 else { throw ValidationError("--max-drop must not be negative") }
        guard (1...2).contains(digits) else { throw ValidationError("--digits must be 1 or 2") }
        guard (1...4).contains(planes) else { throw ValidationError("--planes must be 1…4") }
        guard (2...16).contains(alphaBits) else { throw ValidationError("--alpha-bits must be 2…16") }
        guard (2...Pipeline.Limits.maxClusters).contains(clusters) else { throw ValidationError("--clusters must be 2…\(Pipeline.Limits.maxClusters)") }
        guard (2...16).contains(centroidBits) else { throw ValidationError("--centroid-bits must be 2…16") }
        guard multiplyCycles >= 1 else { throw ValidationError("--multiply-cycles must be at least 1") }
        _ = try planeOverrides()
        _ = try clusterOverrides()
    }

    /// `--planes-for` as layer name → planes.
    func planeOverrides() throws -> [String: Int] {
        try Self.overrides(planesFor, option: "--planes-for", letter: "M", valid: 0...4)
    }

    /// `--clusters-for` as layer name → clusters.
    func clusterOverrides() throws -> [String: Int] {
        let overrides = try Self.overrides(clustersFor, option: "--clusters-for", letter: "K", valid: 0...Pipeline.Limits.maxClusters)
        if let bad = overrides.first(where: { $0.value == 1 }) { throw ValidationError("--clusters-for '\(bad.key)=1': K must be 0 or 2…256") }
        return overrides
    }

    /// LAYER=N items as layer name → N.
    static func overrides(_ items: [String], option: String, letter: String, valid: ClosedRange<Int>) throws -> [String: Int] {
        var overrides = [String: Int]()
        for item in items {
            guard let eq = item.lastIndex(of: "="), let m = Int(item[item.index(after: eq)...]), valid.contains(m), eq != item.startIndex else {
                throw ValidationError("\(option) '\(item)': expected LAYER=\(letter) with \(letter) in \(valid.lowerBound)…\(valid.upperBound)")
            }
            overrides[String(item[..<eq])] = m
        }
        return overrides
    }

    /// The calibration set, arranged for the graph's inputs.
    func calibrationSet(_ graph: Graph, data: DataOptions) throws -> SampleSet {
        guard let path = calib ?? data.data else { throw UserError("--calib (or --data) is required to calibrate") }
        return try Pipeline.loadSamples(graph, path: path, labels: calib == nil ? data.labels : calibLabels, scale: data.scale,
                                        offset: data.offset, limit: calibCount, rawType: data.dataType)
    }

    /// The options with the scheme the model calls for when none was given (`Pipeline.defaultScheme`).
    func resolved(for graph: Graph) -> QuantizationOptions {
        var options = self
        options.scheme = scheme ?? Pipeline.defaultScheme(for: graph)
        return options
    }

    /// The run's name in a report: the scheme and its main parameter, or the plan file's (a
    /// plan's options are in the plan, not on the command line).
    func reportLabel(_ plan: QuantizationPlan) -> String {
        guard let file = self.plan else { return SchemeChoice(options: self).label }
        return "\(plan.scheme) (\(URL(fileURLWithPath: file).lastPathComponent))"
    }

    /// The calibration set a report shows (a plan file brings none).
    func reportCalibration(_ graph: Graph, data: DataOptions) throws -> SampleSet? {
        plan == nil ? try calibrationSet(graph, data: data) : nil
    }

    /// The scheme, once `resolved` (fixed before).
    var chosenScheme: Scheme { scheme ?? .fixed }

    /// The options as the pipeline takes them (after `validate`, every value is in range).
    func request() throws -> PlanRequest {
        var r = PlanRequest()
        r.scheme = chosenScheme
        r.fullyConnectedRounding = fcRounding
        r.digits = digits
        r.rounding = rounding
        r.planes = planes
        r.grouping = group
        r.alphaBits = alphaBits
        r.planeOverrides = try planeOverrides()
        r.biasCorrection = biasCorrection
        r.errorFeedback = errorFeedback
        r.clusters = clusters
        r.clusterOverrides = try clusterOverrides()
        r.centroidBits = centroidBits
        r.codebookForm = accumulate.choice
        r.multiplyCycles = multiplyCycles
        r.weightBits = WeightBits(weightBits) ?? .uniform(8)
        r.actBits = actBits
        r.biasBits = biasBits
        r.maxDrop = maxDrop
        r.objective = objective
        r.step = step
        r.perChannel = perChannel
        r.refineFracs = refineFracs
        r.planFile = plan
        return r
    }

    /// Loads or computes the plan (`Pipeline.plan`).
    func makePlan(_ graph: Graph, data: DataOptions, progress: Progress) throws -> QuantizationPlan {
        if let plan {
            InputFiles.note(plan)
            InputFiles.plan = plan
        }
        return try Pipeline.plan(graph, try request(), calibration: { try calibrationSet(graph, data: data) }, progress: progress.pipeline)
    }
}

/// Progress on stderr: one updating line on a terminal; plain lines otherwise, where frequent
/// updates are thinned to one every few seconds; nothing when quiet. Never on stdout (--json).
final class Progress: @unchecked Sendable {
    let enabled: Bool
    let tty = isatty(2) != 0
    /// Put before every message (the scheme being worked on, in a report).
    var prefix = ""
    /// Off a terminal, the least time between two `update` lines.
    static let updateInterval: TimeInterval = 5
    private var lastLine = Date.distantPast

    init(quiet: Bool) { enabled = !quiet }

    /// A new stage of the work: always shown.
    func say(_ message: String) {
        guard enabled else { return }
        write(message)
    }

    /// A step inside a stage (the search's moves): on a terminal it replaces the line; otherwise
    /// it is written only when the last line is old enough.
    func update(_ message: String) {
        guard enabled else { return }
        if tty || Date().timeIntervalSince(lastLine) >= Self.updateInterval { write(message) }
    }

    /// The same reports as the pipeline takes them.
    var pipeline: Pipeline.Progress {
        Pipeline.Progress(say: { [self] in say($0) }, update: { [self] in update($0) })
    }

    func done() {
        if enabled && tty { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    private func write(_ message: String) {
        let line = tty ? "\r\u{1B}[2K" + prefix + message : prefix + message + "\n"
        FileHandle.standardError.write(Data(line.utf8))
        lastLine = Date()
    }
}
