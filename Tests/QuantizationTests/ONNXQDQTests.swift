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
        for variant in Self.variants {
            let (differ, total) = try Self.compare(model: dir + "/\(variant).onnx", input: dir + "/input.npy",
                                                   expected: dir + "/\(variant).output_opt_disabled.npy", label: "\(folder) \(variant)")
            #expect(Self.exact.contains(folder) ? differ == 0 : differ * 8 <= total, "\(folder) \(variant): \(differ) differ")
        }
    }

    /// The same models in onnxruntime's QOperator form (QLinearConv, QGemm, QLinearAdd,
    /// QLinearGlobalAveragePool; MaxPool and Flatten on int8 values), made by
    /// `scripts/make-import-fixtures.py` with onnxruntime's outputs.
    @Test(arguments: ["lenet_cnn", "ds_cnn", "residual_cnn_gap"])
    func qOperatorFormMatchesOnnxruntime(_ folder: String) throws {
        let input = Corpus.path("onnx-qdq/\(folder)/input.npy")
        guard FileManager.default.fileExists(atPath: input) else { print(Corpus.skipMessage); return }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
        let (differ, total) = try Self.compare(model: fixtures + "/qoperator_\(folder).onnx", input: input,
                                               expected: fixtures + "/qoperator_\(folder).output.npy", label: "\(folder) QOperator")
        #expect(Self.exact.contains(folder) ? differ == 0 : differ * 8 <= total, "\(folder) QOperator: \(differ) differ")
    }

    /// Runs `model` with --scheme int8 on `input`; every output within one step of `expected`
    /// (compared as integers). Returns how many differ, of how many.
    static func compare(model: String, input inputPath: String, expected expectedPath: String, label: String) throws -> (Int, Int) {
        let input = try DataReader.load(path: inputPath)
        let graph = try ModelLoader.load(path: model)
        #expect(Pipeline.defaultScheme(for: graph) == .int8, "\(label) is recognised as quantized")
        let program = try AffineLowering.lower(graph).program
        let expected = try DataReader.load(path: expectedPath)
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
        print("\(label): \(total - differ) of \(total) outputs equal onnxruntime's, the others one step away")
        #expect(maxSteps <= 1, "\(label): \(maxSteps) steps")
        return (differ, total)
    }
}
