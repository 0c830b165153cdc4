import FloatReference
import Foundation
import GraphIR
import ModelImport
import TestSupport
import Testing

/// The corpus's per-operator TFLite models (made by the TFLite converter from tiny random
/// networks, with ai-edge-litert's outputs on 8 samples): every float model that imports must
/// match the stored outputs within rtol 1e-4, atol 1e-5 through the float reference. Models that do
/// not import yet are listed as skipped with the reason, and the operators this tool supports
/// must not be among them.
@Suite struct TFLiteOpTests {
    /// Folders whose float model must import and match (the operators the float reference runs).
    static let required = [
        "abs", "add_bcast_const", "avgpool_2x2_s2_valid", "avgpool_3x3_s1_same", "conv2d_dilation2", "conv2d_s1_same_relu",
        "conv2d_s2_same", "conv2d_s2_valid", "depthwise_dm1", "depthwise_dm2", "elu", "exp", "fc_2d_relu", "hard_swish",
        "leaky_relu", "log", "log_softmax", "logistic", "maxpool_2x2_s2_valid", "maxpool_3x3_s2_same", "mean_axes12_keep", "neg",
        "rsqrt", "softmax", "sqrt", "tanh", "swish", "se_block", "batchnorm_unfused", "mul_bcast_const",
        "slice", "strided_slice", "strided_slice_shrink", "split", "split_v", "unpack", "gather_axis3", "mirror_pad_reflect",
        "mirror_pad_symmetric", "depth_to_space", "space_to_depth", "resize_nearest_half_pixel", "resize_nearest_v1", "expand_dims",
        "add", "sub", "mul", "div", "concat_axis1", "concat_axis3", "pack", "two_input_concat_conv", "three_outputs",
        "elu_where", "selu", "select_v2_bcast", "maximum", "minimum", "square", "squared_difference",
        "mean_axis1_nokeep", "mean_axis3_keep", "sum_axes12_keep", "sum_axis3_nokeep", "reduce_max_axes12_nokeep", "reduce_max_axis3_keep",
        "space_to_batch_nd", "cast_f32_to_i32", "cast_i32_to_f32", "pow",
    ]

    @Test func floatModelsMatchTheReferenceRuntime() throws {
        guard Corpus.isAvailable, FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/INDEX.tsv")) else {
            print(Corpus.skipMessage)
            return
        }
        let root = Corpus.path("tflite-op-tests")
        var passed = [String](), skipped = [String](), failed = [String]()
        for folder in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
            let dir = root + "/" + folder
            guard FileManager.default.fileExists(atPath: dir + "/float32.tflite") else { continue }
            switch check(dir) {
            case .passed: passed.append(folder)
            case .skipped(let why): skipped.append("\(folder): \(why)")
            case .failed(let why): failed.append("\(folder): \(why)")
            }
        }
        print("TFLite float op tests: \(passed.count) passed, \(failed.count) failed, \(skipped.count) skipped")
        for line in skipped { print("  skipped \(line)") }
        for line in failed { print("  FAILED \(line)") }
        #expect(failed.isEmpty)
        for folder in Self.required where !passed.contains(folder) {
            Issue.record("\(folder): required to pass (\(skipped.first { $0.hasPrefix(folder + ":") } ?? "missing"))")
        }
    }

    enum Outcome {
        case passed, skipped(String), failed(String)
    }

    func check(_ dir: String) -> Outcome {
        let fm = FileManager.default
        let graph: Graph
        do {
            graph = try ModelLoader.load(path: dir + "/float32.tflite")
        } catch {
            return .skipped("\(error)")
        }
        do {
            var inputs = [Dataset]()
            while fm.fileExists(atPath: dir + "/float32.input_\(inputs.count).npy") {
                inputs.append(try DataReader.load(path: dir + "/float32.input_\(inputs.count).npy"))
            }
            var expected = [Dataset]()
            var k = 0
            while fm.fileExists(atPath: dir + "/float32.output_\(k).npy") {
                expected.append(try DataReader.load(path: dir + "/float32.output_\(k).npy"))
                k += 1
            }
            guard graph.inputs.count == inputs.count,
                  zip(graph.inputs, inputs).allSatisfy({ graph.shape($0).elementCount == $1.sampleSize }) else {
                return .skipped("inputs of \(inputs.map(\.sampleSize)) values for model inputs of \(graph.inputs.map { graph.shape($0) })")
            }
            let interpreter = try Interpreter(graph: graph)
            for s in 0..<inputs[0].count {
                let got = try interpreter.run(inputs.map { Array($0.sample(s)) })
                guard got.count == expected.count else { return .failed("\(got.count) outputs, expected \(expected.count)") }
                for (j, want) in expected.enumerated() {
                    let w = Array(want.sample(s))
                    guard got[j].count == w.count else { return .failed("output \(j) has \(got[j].count) values, expected \(w.count)") }
                    for i in w.indices where !(abs(got[j][i] - w[i]) <= 1e-5 + 1e-4 * abs(w[i])) && !(got[j][i].isNaN && w[i].isNaN) {
                        return .failed("sample \(s) output \(j)[\(i)] = \(got[j][i]), expected \(w[i])")
                    }
                }
            }
            return .passed
        } catch {
            return .failed("\(error)")
        }
    }
}
