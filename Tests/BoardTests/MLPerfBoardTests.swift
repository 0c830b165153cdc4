import Foundation
import Targets
import TestSupport
import Testing

/// The four MLPerf Tiny float models, 8-bit fixed point, bit-exact on the Cortex-M4F (DSP kernel
/// variants) and the Cortex-M55 (Helium variants): the only CI coverage of the variants' native
/// instructions on models with depthwise layers and residual adds. Speed is measured by
/// scripts/bench-mlperf-tiny.sh, not here.
@Suite(.serialized) struct MLPerfBoardTests {
    /// The corpus sample files as .npy (the CLI reads .npy, .npz and IDX): float32 with a shape.
    static func npy(_ values: [Float], shape: [Int], to path: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data += Data(header.utf8)
        values.withUnsafeBufferPointer { data += Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func samples(_ name: String, in dir: String) throws -> String {
        let m = "mlperf-tiny/"
        let path = dir + "/\(name).npy"
        switch name {
        case "kws": // the int8 sample dequantized with the int8 model's input scale and zero point
            let raw = try Data(contentsOf: URL(fileURLWithPath: Corpus.path(m + "kws_input_int8_1x49x10x1.bin")))
            try npy(raw.map { (Float(Int8(bitPattern: $0)) - 83) * 0.5847029089927673 }, shape: [1, 49, 10, 1], to: path)
        case "vww":
            let raw = try Data(contentsOf: URL(fileURLWithPath: Corpus.path(m + "vww_inputs_float32_2x96x96x3.bin")))
            let floats = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            try npy(Array(floats[..<(96 * 96 * 3)]), shape: [1, 96, 96, 3], to: path)
        default: // ad: the first window of five log-mel frames
            let raw = try Data(contentsOf: URL(fileURLWithPath: Corpus.path(m + "ad_input_float32_200x128.bin")))
            let floats = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            try npy(Array(floats[..<640]), shape: [1, 640], to: path)
        }
        return path
    }

    static let cases: [(model: String, samples: String)] = [
        ("pretrainedResnet.tflite", "cifar"), ("kws_ref_model_float32.tflite", "kws"), ("vww_96_float.tflite", "vww"), ("ad01_fp32.tflite", "ad"),
    ]

    @Test(arguments: ["mps2-an386", "mps3-an547"])
    func mlperfModelsAreBitExact(_ board: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard BoardVerificationTests.toolsAvailable else { print("Arm toolchain or QEMU missing: run make setup"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-mlperf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let vectorized = Board.named(board)!.features?.contains("mve") == true
        for (model, name) in Self.cases {
            let data = name == "cifar" ? Corpus.path("cifar10/test_first846.npz") : try Self.samples(name, in: dir)
            let (result, report) = try BoardVerificationTests().verify([Corpus.path("mlperf-tiny/" + model), "--data", data, "--limit", "1",
                                                                        "--per-channel", "--target", board])
            #expect(result.status == 0, "\(model): \(result.stdout)\(result.stderr)")
            let r = try #require(report)
            #expect(r["bit_exact"] as? Bool == true, "\(model) on \(board)")
            let macs = try #require(r["macs"] as? Int), multiplies = try #require(r["multiply_instructions_per_inference"] as? Int)
            // SMLAD does two MACs and VMLADAV sixteen (fewer on depthwise layers, and in the tails).
            #expect(multiplies < macs * (vectorized ? 1 : 3) / 4, "\(model) on \(board): \(multiplies) multiply instructions, \(macs) MACs")
            print("\(model) on \(board): \(r["instructions_per_inference"] ?? "-") instructions, \(multiplies) multiply instructions, \(macs) MACs")
        }
    }

    static let int8Cases: [(model: String, samples: String)] = [
        ("pretrainedResnet_quant.tflite", "cifar"), ("kws_ref_model.tflite", "kws"), ("vww_96_int8.tflite", "vww"), ("ad01_int8.tflite", "ad"),
    ]

    /// `--scheme int8` on the four MLPerf Tiny int8 models: the C on the Cortex-M4F and on the
    /// Cortex-M55 (the int8 DSP and Helium variants, natively) and on the host with sanitizers (the
    /// portable kernels; for the two small models also the DSP and Helium variants through their
    /// portable twins) equals the simulator, which Int8SchemeTests holds to TFLite's own outputs.
    @Test func int8ModelsAreBitExact() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard BoardVerificationTests.toolsAvailable else { print("Arm toolchain or QEMU missing: run make setup"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-int8-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (model, name) in Self.int8Cases {
            let data = name == "cifar" ? Corpus.path("cifar10/test_first846.npz") : try Self.samples(name, in: dir)
            let twins = name == "ad" || name == "kws" ? [("host", "dsp"), ("host", "mve")] : []
            for (target, kernels) in [("mps2-an386", "auto"), ("mps3-an547", "auto"), ("host", "portable")] + twins {
                let (result, report) = try BoardVerificationTests().verify([Corpus.path("mlperf-tiny/" + model), "--scheme", "int8", "--data", data,
                                                                            "--limit", "1", "--target", target, "--kernels", kernels])
                #expect(result.status == 0, "\(model) on \(target) (\(kernels)): \(result.stdout)\(result.stderr)")
                let r = try #require(report)
                #expect(r["bit_exact"] as? Bool == true, "\(model) on \(target) (\(kernels))")
                if target != "host" { print("int8 \(model) on \(target): \(r["instructions_per_inference"] ?? "-") instructions") }
            }
        }
    }
}
