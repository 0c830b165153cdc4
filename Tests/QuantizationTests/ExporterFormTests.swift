import FloatReference
import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import Quantization
import TestSupport
import Testing

/// Files in forms of their exporters' own, made by `scripts/make-import-fixtures.py` with their
/// runtime's outputs (ai-edge-litert's reference kernels, onnxruntime): from the TFLite converter,
/// sparse weights (stored CSR, and in 1x4 blocks), densified at import, in float and in int8; and a
/// dynamic-range model whose int8-weight layers quantize their float inputs at run time, which the
/// float reference reproduces (the unquantized model is 1 % away from TFLite on it); and an ONNX
/// LSTM fed [time, batch, features] straight from the model input, whose batch axis is the second;
/// and an opset-6 graph whose Add and Mul broadcast B from an axis of A (PyTorch 0.3's exports).
@Suite struct ExporterFormTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    @Test(arguments: ["sparse_float.tflite", "block_sparse_float.tflite", "hybrid_float.tflite", "lstm_sequence_first.onnx",
                       "legacy_broadcast.onnx", "rounding_powers.onnx"])
    func floatReferenceMatchesTheRuntime(_ file: String) throws {
        let name = String(file.split(separator: ".")[0])
        let graph = try ModelLoader.load(path: Self.fixtures + "/\(file)")
        let input = try DataReader.load(path: Self.fixtures + "/\(name).input.npy")
        let expected = try DataReader.load(path: Self.fixtures + "/\(name).output.npy")
        let interpreter = try Interpreter(graph: graph)
        for s in 0..<input.count {
            let got = try interpreter.run([Array(input.sample(s))])[0]
            let want = Array(expected.sample(s))
            let top = want.map(abs).max() ?? 1
            #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 1e-5 * top }, "\(name) sample \(s): \(got) vs \(want)")
        }
    }

    @Test func hybridLayersAreMarked() throws {
        let graph = try ModelLoader.load(path: Self.fixtures + "/hybrid_float.tflite")
        let hybrids = graph.nodes.compactMap { node -> HybridInput? in
            switch node.op {
            case .conv2d(let c): return c.hybrid
            case .dense(let d): return d.hybrid
            default: return nil
            }
        }
        // Per-channel convolutions round asymmetrically, and the converter asks the fully-connected layers to.
        #expect(hybrids == [.asymmetric, .asymmetric, .asymmetric, .asymmetric])
    }

    /// TFLite's symmetric rounding by hand: scale max|x| / 127, halves away from zero.
    @Test func symmetricRoundingByHand() {
        let got = HybridInput.symmetric.rounded([0.5, -1, 0.25, 0, -0.5, 1, 0], groupSize: 4)
        let want: [Float] = [64.0 / 127, -1, 32.0 / 127, 0, -64.0 / 127, 1, 0]
        #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-6 }, "\(got)")
    }

    @Test(arguments: ["sparse_int8", "block_sparse_int8"])
    func int8EqualsTFLite(_ name: String) throws {
        let graph = try ModelLoader.load(path: Self.fixtures + "/\(name).tflite")
        let program = try AffineLowering.lower(graph, fullyConnected: .tflite).program
        let input = try DataReader.load(path: Self.fixtures + "/\(name).input.npy")
        let expected = try DataReader.load(path: Self.fixtures + "/\(name).output.npy")
        let simulator = Simulator(program: program)
        for s in 0..<input.count {
            let got = simulator.run([input.sample(s).map { Int32($0) }])[0]
            #expect(got == expected.sample(s).map { Int32($0) }, "\(name) sample \(s)")
        }
    }

    /// onnxruntime's dynamic quantization (DynamicQuantizeLinear, MatMulInteger, Cast, Mul) of the
    /// corpus MLP in the float reference, against the ONNX operator definitions computed in numpy
    /// by the dev script. (onnxruntime's own outputs differ by up to 0.03: its uint8 x int8 product
    /// saturates pair sums to int16 on this CPU, which the script shows reproduces them exactly.)
    @Test func dynamicQuantizationFollowsTheOperatorDefinitions() throws {
        let dir = Corpus.path("onnx-qdq/mlp")
        guard FileManager.default.fileExists(atPath: dir + "/dynamic_int8.onnx") else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: dir + "/dynamic_int8.onnx")
        let input = try DataReader.load(path: dir + "/input.npy")
        let expected = try DataReader.load(path: Self.fixtures + "/dynamic_mlp.spec_output.npy")
        let interpreter = try Interpreter(graph: graph)
        for s in 0..<input.count {
            let got = try interpreter.run([Array(input.sample(s))])[0]
            let want = Array(expected.sample(s))
            #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 1e-5 }, "sample \(s): \(got) vs \(want)")
        }
    }
}
