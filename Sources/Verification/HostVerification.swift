import CEmitter
import Foundation
import GraphIR
import IntegerSimulator
import Quantization
import QuantizedIR
import Targets

/// `quantc verify --target host`: the bundle built by the host compiler (under ASan and UBSan by
/// default) must reproduce every integer the simulator computes, input quantization included.
public enum HostVerification {
    public static func verify(graph: Graph, lowered: Lowering.Result, data: SampleSet, options: VerificationOptions) throws -> VerificationReport {
        let program = lowered.program
        let bundle = try BundleEmitter.emit(program, options: BundleOptions(generator: options.generator, modelName: options.modelName))
        let fm = FileManager.default
        let work = options.keepDirectory ?? fm.temporaryDirectory.appendingPathComponent("quantc-verify-\(UUID().uuidString)").path
        defer { if options.keepDirectory == nil { try? fm.removeItem(atPath: work) } }
        let bundleDir = work + "/bundle"
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        try BundleWriter.write(bundle, to: bundleDir, force: true)
        let sources = bundle.files.map(\.name).filter { $0.hasSuffix(".c") }
        let build = try HostTarget.build(bundle: bundleDir, sources: sources, prefix: "model", compiler: options.compiler,
                                         sanitize: options.sanitize)
        let input = program.tensors[program.inputs[0]], output = program.tensors[program.outputs[0]]
        let c = try HostTarget.run(build, samples: data.values, count: data.count, inputCount: input.count,
                                   inputBytes: CType.storage(bits: input.format.bits).bytes, outputCount: output.count,
                                   outputBytes: CType.storage(bits: output.format.bits).bytes, workDirectory: work)

        let comparison = compare(program: program, samples: data.values, count: data.count, cInputs: c.inputs, cOutputs: c.outputs)
        let metrics = try Metrics.evaluate(graph: graph, lowered: lowered, data: data)
        return VerificationReport(
            model: options.modelName, scheme: options.scheme, target: "host", samples: data.count,
            float_accuracy: metrics.float_accuracy, quant_accuracy: metrics.quant_accuracy, agreement: metrics.agreement,
            bit_exact: comparison.mismatched == 0, mismatched_samples: comparison.mismatched, first_mismatch: comparison.first,
            macs: metrics.macs, multiplies_static: metrics.multiplies_static,
            instructions_per_inference: nil, multiply_instructions_per_inference: nil,
            weight_bytes: bundle.weightBytes, arena_bytes: bundle.arena.arenaBytes, arena_lower_bound: bundle.arena.lowerBound,
            arena_naive_bytes: bundle.arena.naiveBytes, flash_bytes: nil, ram_bytes: nil, host_code_bytes: build.codeBytes,
            layers: metrics.layers.map {
                VerificationReport.Layer(name: $0.name, op: $0.op, macs: $0.macs, multiplies: $0.multiplies, instructions: nil,
                                         multiply_instructions: nil, weight_bits: $0.weight_bits, act_bits: $0.act_bits, sqnr_db: $0.sqnr_db)
            })
    }

    /// Sample-by-sample comparison of the C results with the simulator's.
    static func compare(program: QProgram, samples: [Float], count: Int, cInputs: [[Int32]], cOutputs: [[Int32]])
        -> (mismatched: Int, first: String?) {
        let simulator = Simulator(program: program)
        let input = program.tensors[program.inputs[0]]
        let expected = simulator.runMany(samples: samples, count: count)
        var mismatched = 0
        var first: String?
        for i in 0..<count {
            let quantized = samples[(i * input.count)..<((i + 1) * input.count)].map { Int32(input.format.quantize(Double($0))) }
            if quantized != cInputs[i] {
                mismatched += 1
                let k = quantized.indices.first { quantized[$0] != cInputs[i][$0] }!
                first = first ?? "sample \(i): input \(k) quantized to \(cInputs[i][k]) in C, \(quantized[k]) in Swift"
            } else if expected[i] != cOutputs[i] {
                mismatched += 1
                let k = expected[i].indices.first { expected[i][$0] != cOutputs[i][$0] }!
                first = first ?? "sample \(i): output \(k) is \(cOutputs[i][k]) in C, \(expected[i][k]) in the simulator"
            }
        }
        return (mismatched, first)
    }
}
