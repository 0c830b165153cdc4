import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import Quantization
import QuantizedIR
import TestSupport
import Testing

/// The corpus's per-operator int8 TFLite models (the TFLite converter's full-integer form, with
/// ai-edge-litert's raw int8 outputs on 8 samples) through `--scheme int8`: every model that
/// lowers must equal the reference byte for byte. Models with an operator that has no int8 kernel
/// yet are listed with the reason, and the operators quantc runs must not be among them.
@Suite struct TFLiteInt8OpTests {
    /// Folders whose int8 model must lower and match.
    static let required = [
        "avgpool_2x2_s2_valid", "avgpool_3x3_s1_same", "conv2d_dilation2", "conv2d_s1_same_relu", "conv2d_s2_same", "conv2d_s2_valid",
        "depthwise_dm1", "fc_2d_relu", "maxpool_2x2_s2_valid", "maxpool_3x3_s2_same", "softmax", "reshape", "pad", "padv2",
        "transpose_0213", "transpose_0312", "relu", "relu6", "relu_n1_to_1", "logistic", "tanh", "elu", "exp", "log", "rsqrt", "abs",
        "neg", "swish", "hard_swish", "leaky_relu", "mean_axes12_keep",
        "mean_axes12_nokeep", "se_block", "three_outputs", "slice", "strided_slice", "strided_slice_shrink", "split", "split_v",
        "unpack", "gather_axis3", "mirror_pad_reflect", "mirror_pad_symmetric", "depth_to_space", "space_to_depth",
        "resize_nearest_half_pixel", "resize_nearest_v1", "expand_dims", "add_bcast_const", "mul_bcast_const", "batchnorm_unfused",
        "requant_concat", "requant_two_outputs", "mean_axis1_nokeep", "mean_axis3_keep", "reduce_max_axes12_nokeep", "reduce_max_axis3_keep",
        "add", "mul", "concat_axis1", "concat_axis3", "pack", "two_input_concat_conv", "space_to_batch_nd", "transpose_conv", "sub", "sqrt", "sum_axes12_keep", "sum_axis3_nokeep",
        "maximum", "minimum", "prelu", "resize_bilinear_align_corners", "resize_bilinear_half_pixel",
        "resize_bilinear_half_pixel_12x12", "resize_bilinear_v1", "squared_difference", "l2_normalization", "log_softmax", "div", "select_v2_bcast", "elu_where", "selu",
    ]

    @Test func int8ModelsEqualTheReferenceRuntime() throws {
        let root = Corpus.path("tflite-op-tests")
        guard FileManager.default.fileExists(atPath: root + "/INDEX.tsv") else { print(Corpus.skipMessage); return }
        var passed = [String](), skipped = [String](), failed = [String]()
        for folder in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
            let dir = root + "/" + folder
            guard FileManager.default.fileExists(atPath: dir + "/int8.tflite") else { continue }
            switch check(dir) {
            case .passed: passed.append(folder)
            case .skipped(let why): skipped.append("\(folder): \(why)")
            case .failed(let why): failed.append("\(folder): \(why)")
            }
        }
        print("TFLite int8 op tests: \(passed.count) byte-exact, \(failed.count) differ, \(skipped.count) not run")
        for line in skipped { print("  not run \(line)") }
        for line in failed { print("  DIFFERS \(line)") }
        #expect(failed.isEmpty)
        for folder in Self.required where !passed.contains(folder) {
            Issue.record("\(folder): required to be byte-exact (\(skipped.first { $0.hasPrefix(folder + ":") } ?? failed.first { $0.hasPrefix(folder + ":") } ?? "missing"))")
        }
    }

    enum Outcome {
        case passed, skipped(String), failed(String)
    }

    func check(_ dir: String) -> Outcome {
        let fm = FileManager.default
        let program: QProgram
        do {
            let graph = try ModelLoader.load(path: dir + "/int8.tflite")
            program = try AffineLowering.lower(graph, fullyConnected: .tflite).program
        } catch {
            return .skipped("\(error)")
        }
        do {
            var inputs = [Dataset]()
            while fm.fileExists(atPath: dir + "/int8.input_\(inputs.count).npy") {
                inputs.append(try DataReader.load(path: dir + "/int8.input_\(inputs.count).npy"))
            }
            guard inputs.count == program.inputs.count else { return .failed("\(program.inputs.count) inputs, the test has \(inputs.count)") }
            var expected = [Dataset]()
            var k = 0
            while fm.fileExists(atPath: dir + "/int8.output_\(k).npy") {
                expected.append(try DataReader.load(path: dir + "/int8.output_\(k).npy"))
                k += 1
            }
            guard program.outputs.count == expected.count else { return .failed("\(program.outputs.count) outputs, expected \(expected.count)") }
            let simulator = Simulator(program: program)
            for s in 0..<inputs[0].count {
                let got = simulator.run(inputs.map { $0.sample(s).map { Int32($0) } })
                for (j, want) in expected.enumerated() {
                    let w = want.sample(s).map { Int32($0) }
                    guard got[j] == w else {
                        let i = zip(got[j], w).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                        return .failed("sample \(s) output \(j)[\(i)] = \(got[j].count > i ? got[j][i] : 0), expected \(w.count > i ? w[i] : 0)")
                    }
                }
            }
            return .passed
        } catch {
            return .failed("\(error)")
        }
    }
}
