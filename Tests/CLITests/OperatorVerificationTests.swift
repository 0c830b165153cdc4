import Foundation
import TestSupport
import Testing

/// Single-operator models from the corpus (the TFLite converter's, with ai-edge-litert's sample
/// inputs) quantized 8/8 and verified: the C bundle built with the sanitizers on the host, and on
/// an emulated Cortex-M4F, must equal the integer simulator bit for bit.
@Suite struct OperatorVerificationTests {
    /// Functions by lookup table; products (swish, a squeeze-and-excitation gate); per-channel
    /// constants (an unfused batch norm, a constant scale or offset) as a 1x1 depthwise layer; copies
    /// by index (slice, depth to space, nearest resize, mirror pad); comparison chains as one table;
    /// means, sums and maxima over any axes as global pools; an LSTM as its steps; a transposed
    /// convolution as a convolution over its spread input; a bilinear resize as a dense layer per axis;
    /// an L2 normalization as a sum of squares, a table and a product; PReLU as relu(x) − a·relu(−x).
    static let operators = ["exp", "log", "sqrt", "rsqrt", "elu", "abs", "neg", "hard_swish", "leaky_relu", "swish", "se_block",
                            "batchnorm_unfused", "mul_bcast_const", "add_bcast_const", "slice", "depth_to_space",
                            "resize_nearest_half_pixel", "mirror_pad_reflect", "elu_where", "selu", "square",
                            "mean_axis3_keep", "sum_axis3_nokeep", "reduce_max_axis3_keep", "lstm", "transpose_conv",
                            "resize_bilinear_half_pixel", "l2_normalization", "prelu"]

    /// int8 models (run as int8 by default) whose element-wise ops become 256-entry tables,
    /// padding, transposes and copies by index of int8 tensors, TFLite's int8 MUL (swish), ADD and MUL
    /// by a constant stored in flash, means and maxima over any axes, PRELU, the bilinear resize, the L2
    /// normalization, the log-softmax, and a comparison choosing between int8 branches (SELU).
    static let int8Operators = ["logistic", "tanh", "elu", "exp", "relu6", "pad", "transpose_0312", "swish", "hard_swish", "mean_axes12_keep",
                                "space_to_depth", "gather_axis3", "add_bcast_const", "batchnorm_unfused",
                                "mean_axis1_nokeep", "reduce_max_axis3_keep", "transpose_conv", "sum_axes12_keep", "prelu",
                                "resize_bilinear_half_pixel", "l2_normalization", "log_softmax", "selu"]

    static func verify(_ folder: String, target: String, form: String = "float32") throws -> CommandResult {
        let dir = Corpus.path("tflite-op-tests/\(folder)")
        return try Quantc.run(["verify", dir + "/\(form).tflite", "--data", dir + "/float32.input_0.npy", "--target", target, "--quiet"],
                              timeout: 300)
    }

    @Test(arguments: int8Operators)
    func int8BitExactOnTheHost(_ folder: String) throws {
        guard FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/\(folder)/int8.tflite")) else { print(Corpus.skipMessage); return }
        let result = try Self.verify(folder, target: "host", form: "int8")
        #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(folder): \(result.stdout)\(result.stderr)")
    }

    @Test(arguments: operators)
    func bitExactOnTheHost(_ folder: String) throws {
        guard FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/\(folder)/float32.tflite")) else { print(Corpus.skipMessage); return }
        let result = try Self.verify(folder, target: "host")
        #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(folder): \(result.stdout)\(result.stderr)")
    }

    /// Two inputs (read from one .npz, an array per input) and three outputs: the bundle takes and
    /// returns structs with an array per tensor, bit-exact on the host in fixed point and in int8.
    @Test func severalInputsAndOutputsOnTheHost() throws {
        guard FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/two_input_concat_conv/float32.tflite")) else {
            print(Corpus.skipMessage)
            return
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-several-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let dir = Corpus.path("tflite-op-tests/two_input_concat_conv")
        let npz = try Self.twoInputSamples(in: work)
        for form in ["float32", "int8"] {
            let keep = work.appendingPathComponent(form).path
            let result = try Quantc.run(["verify", dir + "/\(form).tflite", "--data", npz.path, "--target", "host", "--quiet", "--keep", keep],
                                        timeout: 300)
            #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(form): \(result.stdout)\(result.stderr)")
            let header = (try? String(contentsOfFile: keep + "/bundle/model.h", encoding: .utf8)) ?? ""
            #expect(header.contains("int8_t in_a[MODEL_INPUT_IN_A_COUNT];") && header.contains("int8_t in_b[MODEL_INPUT_IN_B_COUNT];"))
        }
        let three = Corpus.path("tflite-op-tests/three_outputs")
        for form in ["float32", "int8"] {
            let result = try Quantc.run(["verify", three + "/\(form).tflite", "--data", three + "/float32.input_0.npy", "--target", "host", "--quiet"],
                                        timeout: 300)
            #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "three outputs \(form): \(result.stdout)\(result.stderr)")
        }
    }

    /// A model quantized by onnxruntime (QDQ, depthwise and pointwise layers, one rounding per
    /// requantization): bit-exact on the host per channel and on the Cortex-M4F per tensor.
    @Test func onnxQuantizedModelBitExact() throws {
        let dir = Corpus.path("onnx-qdq/ds_cnn")
        guard FileManager.default.fileExists(atPath: dir + "/input.npy") else { print(Corpus.skipMessage); return }
        for (variant, target) in [("qdq_int8_per_channel", "host"), ("qdq_int8_per_tensor", "mps2-an386")] {
            let result = try Quantc.run(["verify", dir + "/\(variant).onnx", "--data", dir + "/input.npy", "--target", target, "--quiet"],
                                        timeout: 300)
            #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(variant) \(target): \(result.stdout)\(result.stderr)")
        }
    }

    /// A two-input model's samples as one .npz with arrays x0 and x1.
    static func twoInputSamples(in work: URL, folder: String = "two_input_concat_conv") throws -> URL {
        let dir = Corpus.path("tflite-op-tests/\(folder)")
        let members = try (0..<2).map { k in ("x\(k).npy", [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/float32.input_\(k).npy")))) }
        let npz = work.appendingPathComponent("inputs.npz")
        try Data(Mutators.zip(members)).write(to: npz)
        return npz
    }

    /// TFLite's int8 SUB, its ADD with the second multiplier negated, through the portable, DSP
    /// and Helium kernels.
    @Test func int8SubtractionOnEveryKernel() throws {
        guard FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/sub/int8.tflite")) else { print(Corpus.skipMessage); return }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-sub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let samples = try Self.twoInputSamples(in: work, folder: "sub")
        for target in ["host", "mps2-an386", "mps3-an547"] {
            let result = try Quantc.run(["verify", Corpus.path("tflite-op-tests/sub/int8.tflite"), "--data", samples.path, "--target", target,
                                         "--quiet"], timeout: 300)
            #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "sub on \(target): \(result.stdout)\(result.stderr)")
        }
    }

    /// The maximum and the minimum of two computed tensors (the max_min kernel): in fixed point with
    /// each operand in its own format, and in int8 as TFLite computes them; a division by a tensor in
    /// fixed point (a reciprocal table and a product); TFLite's int8 squared difference, division, comparison and selection; on the host.
    @Test func twoTensorsOnTheHost() throws {
        guard FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/maximum/int8.tflite")) else { print(Corpus.skipMessage); return }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-max-min-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for (folder, form) in [("maximum", "float32"), ("minimum", "int8"), ("div", "float32"), ("squared_difference", "int8"),
                               ("div", "int8"), ("select_v2_bcast", "int8"), ("select_v2_bcast", "float32")] {
            let samples = try Self.twoInputSamples(in: work, folder: folder)
            let result = try Quantc.run(["verify", Corpus.path("tflite-op-tests/\(folder)/\(form).tflite"), "--data", samples.path,
                                         "--target", "host", "--quiet"], timeout: 300)
            #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(folder) \(form): \(result.stdout)\(result.stderr)")
        }
    }

    @Test func bitExactOnTheCortexM4F() throws {
        guard FileManager.default.fileExists(atPath: Corpus.path("tflite-op-tests/elu/float32.tflite")) else { print(Corpus.skipMessage); return }
        for (folder, form) in [("elu", "float32"), ("tanh", "int8"), ("resize_nearest_v1", "int8")] {
            let result = try Self.verify(folder, target: "mps2-an386", form: form)
            #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(folder) \(form): \(result.stdout)\(result.stderr)")
        }
        // Two inputs in, structs through semihosting.
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-several-m4f-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let model = Corpus.path("tflite-op-tests/two_input_concat_conv/int8.tflite")
        let result = try Quantc.run(["verify", model, "--data", try Self.twoInputSamples(in: work).path, "--target", "mps2-an386", "--quiet"],
                                    timeout: 300)
        #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "two inputs: \(result.stdout)\(result.stderr)")
    }
}
