import CEmitter
import Foundation
import GraphIR
import IntegerSimulator
import Quantization
import QuantizedIR
import Targets

/// What every verification target shares: the bundle written into a work directory (removed at
/// the end unless kept), the simulator's expected inputs and outputs, and the report's
/// target-independent fields.
struct VerificationSession {
    let program: QProgram
    let bundle: CEmitter.Bundle
    let work: String
    let bundleDirectory: String
    /// The bundle's C sources, relative to `bundleDirectory`.
    let sources: [String]
    /// Per sample: the quantized input and the simulator's output.
    let inputs: [[Int32]]
    let expected: [[Int32]]
    var report: VerificationReport

    init(graph: Graph, lowered: Lowering.Result, data: SampleSet, target: String, options: VerificationOptions) throws {
        program = lowered.program
        bundle = try BundleEmitter.emit(program, options: BundleOptions(generator: options.generator, modelName: options.modelName,
                                                                           features: options.features))
        work = options.keepDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("quantc-verify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        bundleDirectory = work + "/bundle"
        try BundleWriter.write(bundle, to: bundleDirectory, force: true)
        sources = bundle.files.map(\.name).filter { $0.hasSuffix(".c") }

        let simulator = Simulator(program: program)
        inputs = (0..<data.count).map { simulator.quantizeInput(data.values, index: $0) }
        // Every output, one after another; the metrics judge the first.
        expected = simulator.runMany(samples: data.values, count: data.count, allOutputs: true)
        let known = options.metrics.flatMap { $0.samples == data.count ? $0 : nil }
        let firstCount = lowered.program.tensors[lowered.program.outputs[0]].count
        let first = lowered.program.outputs.count == 1 ? expected : expected.map { Array($0.prefix(firstCount)) }
        let metrics = try known ?? Metrics.evaluate(graph: graph, lowered: lowered, data: data, simulated: first)
        report = VerificationReport(
            model: options.modelName, scheme: options.scheme, target: target, samples: data.count,
            float_accuracy: metrics.float_accuracy, quant_accuracy: metrics.quant_accuracy, agreement: metrics.agreement,
            output_sqnr_db: metrics.output_sqnr_db,
            bit_exact: nil, mismatched_samples: 0, first_mismatch: nil, macs: metrics.macs, multiplies_static: metrics.multiplies_static,
            instructions_per_inference: nil, multiply_instructions_per_inference: nil, weight_bytes: bundle.weightBytes, constant_bytes: bundle.constantBytes,
            arena_bytes: bundle.arena.arenaBytes, arena_lower_bound: bundle.arena.lowerBound, arena_naive_bytes: bundle.arena.naiveBytes,
            flash_bytes: nil, ram_bytes: nil, host_code_bytes: nil,
            layers: metrics.layers.map {
                VerificationReport.Layer(name: $0.name, op: $0.op, macs: $0.macs, multiplies: $0.multiplies, instructions: nil,
                                         multiply_instructions: nil, weight_bits: $0.weight_bits, bits_per_weight: $0.bits_per_weight,
                                         weight_scheme: $0.weight_scheme, weight_error: $0.weight_error, clusters: $0.clusters,
                                         kernel_form: $0.kernel_form, note: $0.note,
                                         act_bits: $0.act_bits, sqnr_db: $0.sqnr_db)
            })
    }

    /// How the harness stores one sample's inputs and outputs: plain arrays, or the structs of a
    /// model with several.
    var inputLayout: RecordLayout { Self.layout(bundle.interface.inputs, structBytes: bundle.interface.inputBytes, structs: bundle.interface.usesStructs) }
    var outputLayout: RecordLayout { Self.layout(bundle.interface.outputs, structBytes: bundle.interface.outputBytes, structs: bundle.interface.usesStructs) }

    private static func layout(_ members: [ModelInterface.Member], structBytes: Int, structs: Bool) -> RecordLayout {
        RecordLayout(fields: members.map { RecordLayout.Field(offset: $0.offset, count: $0.count, bytes: $0.type.bytes) },
                     size: structs ? structBytes : members[0].count * members[0].type.bytes)
    }

    /// Compares what the target computed with the simulator, sample by sample, and records the
    /// result; `targetInputs` are the target's own quantized inputs when it quantizes them itself.
    mutating func compare(outputs: [[Int32]], targetInputs: [[Int32]]? = nil, on target: String) {
        var mismatched = max(0, expected.count - outputs.count)
        var first: String? = outputs.count < expected.count ? "\(target) returned \(outputs.count) of \(expected.count) outputs" : nil
        for (i, got) in outputs.prefix(expected.count).enumerated() {
            if let targetInputs, targetInputs[i] != inputs[i] {
                mismatched += 1
                let k = inputs[i].indices.first { inputs[i][$0] != targetInputs[i][$0] }!
                first = first ?? "sample \(i): input \(k) quantized to \(targetInputs[i][k]) on \(target), \(inputs[i][k]) in Swift"
            } else if got != expected[i] {
                mismatched += 1
                let k = got.indices.first { got[$0] != expected[i][$0] }!
                first = first ?? "sample \(i): output \(k) is \(got[k]) on \(target), \(expected[i][k]) in the simulator"
            }
        }
        report.bit_exact = mismatched == 0
        report.mismatched_samples = mismatched
        report.first_mismatch = first
    }

    /// Removes the work directory unless the user asked to keep it.
    func finish(_ options: VerificationOptions) {
        if options.keepDirectory == nil { try? FileManager.default.removeItem(atPath: work) }
    }
}
