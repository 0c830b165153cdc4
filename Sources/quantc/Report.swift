import ArgumentParser
import Foundation
import GraphIR
import Pipeline
import Reporting
import Verification

/// `quantc report`: several quantizations of one model side by side in one HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Quantizes a model in one or more schemes and writes an HTML report with plots of the trade-offs.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(help: ArgumentHelp("Schemes to compare, comma-separated: fixed:BITS, fixed:auto, shift:DIGITS, bitplane:PLANES, codebook:CLUSTERS " +
                               "(the other quantization options apply to all). Without it: the one run the options describe.",
                               valueName: "LIST"))
    var compare: String?
    @Option(help: "Also build and run each scheme: host (the host C compiler) or a board (see `quantc boards`).")
    var target: String?
    @Flag(help: "Host target: build with AddressSanitizer and UndefinedBehaviorSanitizer (slower).")
    var sanitize = false
    @Option(help: "The layer whose activations the histogram shows (default: the first conv or dense layer).")
    var histogramLayer: String?
    @Option(name: .shortAndLong, help: "The HTML file to write.")
    var output: String
    @Option(help: "Also write the report's figures as JSON to this file.")
    var json: String?

    func validate() throws {
        if let compare { _ = try SchemeChoice.parseList(compare) }
        if compare != nil && quantization.plan != nil { throw ValidationError("--compare and --plan exclude each other (a plan fixes one scheme)") }
    }

    func run() throws {
        let destination = try target.map(Pipeline.Target.init(named:))
        let board = destination?.board
        // Fail before the long work when the page could not be written.
        for path in [output] + (json.map { [$0] } ?? []) {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UserError("\(path): cannot write the report (no directory \(directory))")
            }
        }
        let progress = Progress(quiet: self.quantization.quiet)
        let graph = try loadModel(model)
        let quantization = self.quantization.resolved(for: graph)
        let evaluation = try data.load(for: graph)
        let calibration = try quantization.reportCalibration(graph, data: data)
        let choices = try compare.map(SchemeChoice.parseList) ?? [SchemeChoice(options: quantization)]
        let modelName = URL(fileURLWithPath: model).lastPathComponent

        var runs = [ReportRun]()
        var histogram: ActivationHistogram?
        var failures = [String]()
        for (i, choice) in choices.enumerated() {
            progress.prefix = choices.count > 1 ? "[\(i + 1)/\(choices.count)] \(choice.label): " : ""
            let options = choice.applied(to: quantization)
            let plan = try options.makePlan(graph, data: data, progress: progress)
            let lowered = try Pipeline.lower(graph, plan: plan)
            progress.say("evaluating on \(evaluation.count) samples")
            let metrics = try Pipeline.evaluate(graph, lowered, on: evaluation)
            let features = try kernelOptions.features(for: board, lowered)
            var measured: VerificationReport?
            if let destination {
                var verification = VerificationOptions(modelName: modelName, scheme: plan.scheme.rawValue, generator: Quantc.generator,
                                                       sanitize: sanitize, features: features)
                verification.metrics = metrics
                measured = try Pipeline.verify(graph: graph, lowered: lowered, data: evaluation, target: destination, options: verification,
                                               progress: progress.pipeline)
                if measured?.bit_exact == false { failures.append(choice.label) }
            }
            runs.append(try ReportAssembly.run(label: choice.label, model: modelName, generator: Quantc.generator, graph: graph, plan: plan, lowered: lowered,
                                               evaluation: evaluation, calibration: calibration, quantization: metrics,
                                               measured: measured, features: features))
            // The histogram shows the first fixed-point run's format (the step-size rule's result).
            if histogram == nil && (plan.scheme == .fixed || i == choices.count - 1), let calibration {
                progress.say("fitting the activation histogram")
                histogram = try ActivationHistogram.make(run: choice.label, graph: graph, lowered: lowered, calibration: calibration,
                                                         layer: histogramLayer)
            }
        }
        progress.prefix = ""
        progress.done()
        let report = Report(model: modelName, generator: Quantc.generator, target: target, samples: evaluation.count,
                            runs: runs, activation_histogram: histogram)
        try ReportAssembly.write(report, html: output, json: json)
        print("wrote \(output) (\(runs.count) scheme\(runs.count == 1 ? "" : "s"))")
        if !failures.isEmpty {
            throw UserError("verification failed: the C output differs from the simulator for \(failures.joined(separator: ", "))", exitCode: 1)
        }
    }
}

/// One entry of `--compare`: a scheme and its main parameter.
struct SchemeChoice {
    var scheme: Scheme
    /// Bits for fixed (or "auto"), digits for shift, planes for bitplane, clusters for codebook.
    var parameter: String

    var label: String { parameter.isEmpty ? scheme.rawValue : "\(scheme.rawValue):\(parameter)" }

    /// The run the command-line options describe.
    init(options: QuantizationOptions) {
        scheme = options.chosenScheme
        switch options.chosenScheme {
        case .fixed: parameter = options.weightBits
        case .shift: parameter = String(options.digits)
        case .bitplane: parameter = String(options.planes)
        case .codebook: parameter = String(options.clusters)
        case .int8: parameter = ""
        }
    }

    init(scheme: Scheme, parameter: String) {
        self.scheme = scheme
        self.parameter = parameter
    }

    static func parseList(_ list: String) throws -> [SchemeChoice] {
        let items = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ValidationError("--compare: no schemes given") }
        return try items.map(parse)
    }

    static func parse(_ item: String) throws -> SchemeChoice {
        if item == Scheme.int8.rawValue { return SchemeChoice(scheme: .int8, parameter: "") }
        let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let scheme = Scheme(rawValue: parts[0]) else {
            throw ValidationError("--compare '\(item)': expected SCHEME:VALUE with SCHEME one of \(Scheme.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let value = parts[1], number = Int(value)
        let valid: Bool
        switch scheme {
        case .fixed: valid = value == "auto" || number.map { (2...16).contains($0) } == true
        case .shift: valid = number.map { (1...2).contains($0) } == true
        case .bitplane: valid = number.map { (1...4).contains($0) } == true
        case .codebook: valid = number.map { (2...Pipeline.Limits.maxClusters).contains($0) } == true
        case .int8: valid = false
        }
        guard valid else {
            let expected = ["fixed": "2…16 or auto", "shift": "1 or 2 digits", "bitplane": "1…4 planes", "codebook": "2…\(Pipeline.Limits.maxClusters) clusters",
                            "int8": "no value (write int8 alone)"]
            throw ValidationError("--compare '\(item)': \(scheme.rawValue) takes \(expected[scheme.rawValue]!)")
        }
        return SchemeChoice(scheme: scheme, parameter: value)
    }

    /// The options with this scheme and parameter; the other schemes' layers keep --weight-bits.
    func applied(to options: QuantizationOptions) -> QuantizationOptions {
        var options = options
        options.scheme = scheme
        switch scheme {
        case .fixed: options.weightBits = parameter
        case .shift: options.digits = Int(parameter)!; options.weightBits = "8"
        case .bitplane: options.planes = Int(parameter)!
        case .codebook: options.clusters = Int(parameter)!
        case .int8: break
        }
        if scheme != .fixed && Int(options.weightBits) == nil { options.weightBits = "8" }
        return options
    }
}
