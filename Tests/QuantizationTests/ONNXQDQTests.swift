import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import Pipeline
import Quantization
import QuantizedIR
import TestSupport
import Testing

/// Models quantized by onnxruntime's own quantizer (QDQ: QuantizeLinear and DequantizeLinear
/// around float ops, weights per tensor and per channel) through `--scheme int8`, against
/// onnxruntime's outputs with graph optimizations disabled, compared as the integers they
/// dequantize from. onnxruntime then computes each op in float32 and rounds once to the next
/// QuantizeLinear; quantc computes the same rounding of the exact value. They differ only where
/// the exact value lies within float32's error of a rounding boundary (measured: 16.5000014 and
/// 55.5000047, which onnxruntime rounds down), and such a one-step difference can carry on to
/// later layers. With optimizations enabled onnxruntime fuses the groups into integer kernels
/// and its outputs move by up to 126 of 160 values, so those are no reference.
@Suite struct ONNXQDQTests {
    static let models = ["mlp", "lenet_cnn", "ds_cnn", "residual_cnn_gap"]
    static let variants = ["qdq_int8_per_tensor", "qdq_int8_per_channel"]
    /// Models without a near-tie anywhere on these samples: equal outright.
    static let exact = ["mlp", "lenet_cnn"]

    @Test(arguments: models)
    func int8MatchesOnnxruntime(_ folder: String) throws {
        let dir = Corpus.path("onnx-qdq/\(folder)")
        guard FileManager.default.fileExists(atPath: dir + "/input.npy") else { print(Corpus.skipMessage); return }
        let input = try DataReader.load(path: dir + "/input.npy")
        for variant in Self.variants {
            let graph = try ModelLoader.load(path: dir + "/\(variant).onnx")
            #expect(Pipeline.defaultScheme(for: graph) == .int8, "\(folder) \(variant) is recognised as quantized")
            let program = try AffineLowering.lower(graph).program
            let expected = try DataReader.load(path: dir + "/\(variant).output_opt_disabled.npy")
            let out = program.tensors[program.outputs[0]]
            let simulator = Simulator(program: program)
            var differ = 0, maxSteps: Int64 = 0
            for s in 0..<input.count {
                let got = simulator.run(simulator.quantizeInputs(Array(input.sample(s)), index: 0))[0]
                let want = expected.sample(s).map { out.quantize(Double($0)) }
                for (g, w) in zip(got, want) where Int64(g) != w {
                    differ += 1
                    maxSteps = max(maxSteps, abs(Int64(g) - w))
                }
            }
            let total = expected.count * out.count
            print("\(folder) \(variant): \(total - differ) of \(total) outputs equal onnxruntime's, the others one step away")
            #expect(maxSteps <= 1, "\(folder) \(variant): \(maxSteps) steps")
            #expect(Self.exact.contains(folder) ? differ == 0 : differ * 8 <= total, "\(folder) \(variant): \(differ) differ")
        }
    }
}
