import CEmitter
import Foundation
import GraphIR
import Quantization
import Targets

/// `quantc verify --target host`: the bundle built by the host compiler (under ASan and UBSan by
/// default) must reproduce every integer the simulator computes, input quantization included.
public enum HostVerification {
    public static func verify(graph: Graph, lowered: Lowering.Result, data: SampleSet, options: VerificationOptions) throws -> VerificationReport {
        var session = try VerificationSession(graph: graph, lowered: lowered, data: data, target: "host", options: options)
        defer { session.finish(options) }
        let interface = session.bundle.interface
        let build = try HostTarget.build(bundle: session.bundleDirectory, sources: session.sources, prefix: "model",
                                         compiler: options.compiler, sanitize: options.sanitize, structs: interface.usesStructs)
        // The harness quantizes the floats itself (model_quantize_input), so its inputs are compared too.
        let c = try HostTarget.run(build, samples: data.values, count: data.count, sampleFloats: interface.inputs.reduce(0) { $0 + $1.count },
                                   inputs: session.inputLayout, outputs: session.outputLayout, workDirectory: session.work)
        session.compare(outputs: c.outputs, targetInputs: c.inputs, on: "the host")
        session.report.host_code_bytes = build.codeBytes
        return session.report
    }
}
