import CEmitter
import FloatReference
import Foundation
import GraphIR
import Quantization
import Reporting
import Verification

/// What `report`, `quantize --report` and `verify --report` share: one run's figures gathered
/// from the quantization metrics, the bundle the emitter would write, and a target's measurement.
public enum ReportAssembly {
    public static func run(label: String, model: String, generator: String, graph: Graph, plan: QuantizationPlan, lowered: Lowering.Result,
                           evaluation: SampleSet, calibration: SampleSet?, quantization: QuantizationReport? = nil,
                           measured: VerificationReport? = nil, features: CoreFeatures = []) throws -> ReportRun {
        let metrics = try quantization ?? Metrics.evaluate(graph: graph, lowered: lowered, data: evaluation)
        let bundle = try BundleEmitter.emit(lowered.program, options: BundleOptions(generator: generator, modelName: model,
                                                                                  features: features))
        var trajectory: [ReportSearchStep]?
        if let steps = plan.searchTrajectory, let calibration {
            let floatAccuracy = try accuracy(graph, on: calibration)
            trajectory = steps.map { ReportSearchStep($0, floatAccuracy: floatAccuracy) }
        }
        return ReportRun(label: label, scheme: plan.scheme.rawValue, quantization: metrics, bundle: bundle, opNames: lowered.program.ops.map(\.name),
                         measured: measured, trajectory: trajectory)
    }

    /// `quantize --report` and `verify --report`: the page for their single run, labelled `label`
    /// (the histogram and the search trajectory need the calibration set; a plan file has none).
    public static func writeSingle(to path: String, label: String, model: String, generator: String, graph: Graph, plan: QuantizationPlan,
                                   lowered: Lowering.Result, evaluation: SampleSet, calibration: SampleSet?,
                                   quantization: QuantizationReport? = nil, measured: VerificationReport? = nil,
                                   features: CoreFeatures = [], target: String? = nil) throws {
        let modelName = URL(fileURLWithPath: model).lastPathComponent
        let run = try run(label: label, model: modelName, generator: generator, graph: graph, plan: plan, lowered: lowered,
                          evaluation: evaluation, calibration: calibration, quantization: quantization, measured: measured, features: features)
        let histogram = try calibration.flatMap {
            try ActivationHistogram.make(run: label, graph: graph, lowered: lowered, calibration: $0, layer: nil)
        }
        let report = Report(model: modelName, generator: generator, target: target, samples: evaluation.count,
                            runs: [run], activation_histogram: histogram)
        try write(report, html: path)
    }

    /// The float model's top-1 on a sample set (1 without labels: the search then measures
    /// agreement, which the float model has with itself).
    public static func accuracy(_ graph: Graph, on set: SampleSet) throws -> Double {
        guard let labels = set.labels else { return 1 }
        let outputs = try Interpreter(graph: graph).runMany(samples: set.values, count: set.count)
        return Double(zip(outputs.map(argmax), labels).filter { $0 == $1 }.count) / Double(max(set.count, 1))
    }

    /// Writes the page (and the JSON when asked), each in one step so no half-written file is left.
    public static func write(_ report: Report, html path: String, json jsonPath: String? = nil) throws {
        let html = HTMLReport.render(report)
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            if let jsonPath {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(report).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
            }
        } catch {
            throw Pipeline.RequestError("\(jsonPath.map { "\(path) or \($0)" } ?? path): cannot write the report (\(error.localizedDescription))")
        }
    }
}
