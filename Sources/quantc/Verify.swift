import ArgumentParser
import Foundation
import Quantization
import Verification

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Builds the bundle for a target, runs the samples, and checks every output bit against the integer simulator.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @Option(help: "host (the host C compiler), or a board (coming with the QEMU targets).")
    var target: String
    @Option(help: "Write the verification report (JSON) to this file.")
    var json: String?
    @Flag(inversion: .prefixedNo, help: "Host target: build with AddressSanitizer and UndefinedBehaviorSanitizer.")
    var sanitize = true
    @Option(help: "Keep the generated bundle and harness in this directory.")
    var keep: String?

    func run() throws {
        guard target == "host" else { throw UserError("--target \(target): unknown target (available: host)") }
        let progress = Progress(quiet: quantization.quiet)
        let graph = try loadModel(model)
        let plan = try quantization.makePlan(graph, data: data, progress: progress)
        let lowered = try Lowering.lower(graph, plan: plan)
        let set = try data.load(for: graph)
        progress.say("building and running \(set.count) samples on the host\(sanitize ? " (ASan+UBSan)" : "")")
        let report = try HostVerification.verify(
            graph: graph, lowered: lowered, data: SampleSet(values: set.values, count: set.count, labels: set.labels),
            options: .init(modelName: URL(fileURLWithPath: model).lastPathComponent, scheme: quantization.scheme.rawValue,
                           generator: "quantc \(Quantc.version)", sanitize: sanitize, keepDirectory: keep))
        progress.done()
        if let json { try Data(report.json().utf8).write(to: URL(fileURLWithPath: json)) }
        func percent(_ v: Double?) -> String { v.map { String(format: "%.2f %%", $0 * 100) } ?? "n/a" }
        print("\(model) on \(report.target): \(report.samples) samples, float \(percent(report.float_accuracy)), " +
              "quantized \(percent(report.quant_accuracy)), agreement \(percent(report.agreement))")
        print("bit-exact: \(report.bit_exact ? "yes" : "NO, \(report.mismatched_samples) samples differ (\(report.first_mismatch ?? ""))")")
        print("arena \(report.arena_bytes) bytes (lower bound \(report.arena_lower_bound)), constants \(report.weight_bytes) bytes" +
              (report.host_code_bytes.map { ", host code \($0) bytes" } ?? ""))
        if !report.bit_exact { throw UserError("verification failed: the C output differs from the simulator", exitCode: 1) }
    }
}
