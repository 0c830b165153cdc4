import Foundation
import GraphIR
import ModelImport
import Quantization
import Targets
import TestSupport
import Testing
import Verification

/// The example model and the corpus models verified on QEMU boards through the command line,
/// as users run it.
@Suite(.serialized) struct BoardVerificationTests {
    static let example = Corpus.repositoryRoot.appendingPathComponent("examples").path
    static var toolsAvailable: Bool { toolsAvailable(for: "mps2-an386") }

    /// The board's cross compiler and emulator are installed (`make setup` installs both ISAs').
    static func toolsAvailable(for board: String) -> Bool {
        guard let isa = Board.named(board)?.isa else { return false }
        return [isa.toolchainPrefix + "gcc", isa.qemuExecutable].allSatisfy { Command.which($0) != nil }
    }

    func verify(_ arguments: [String]) throws -> (CommandResult, [String: Any]?) {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-board-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try Quantc.run(["verify"] + arguments + ["--quiet", "--json", json], timeout: 600)
        let report = (try? Data(contentsOf: URL(fileURLWithPath: json))).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (result, report)
    }

    /// make demo's model on the four cores CI must cover: every output bit-exact, instructions
    /// and multiplies counted, and the per-layer counts adding up to the per-inference ones.
    @Test(arguments: ["microbit", "mps2-an386", "mps3-an547", "qemu-riscv32"])
    func exampleIsBitExactOnTheBoard(_ board: String) throws {
        guard Self.toolsAvailable(for: board) else { print("\(board)'s toolchain or QEMU missing: run make setup"); return }
        let (result, report) = try verify(["\(Self.example)/digits_cnn.onnx", "--data", "\(Self.example)/digits_test.npz", "--scale", "0.0625",
                                           "--per-channel", "--target", board])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let r = try #require(report)
        #expect(r["bit_exact"] as? Bool == true)
        #expect(r["samples"] as? Int == 397)
        let instructions = try #require(r["instructions_per_inference"] as? Int)
        let multiplies = try #require(r["multiply_instructions_per_inference"] as? Int)
        let layers = try #require(r["layers"] as? [[String: Any]])
        let layerInstructions = layers.compactMap { $0["instructions"] as? Int }.reduce(0, +)
        let layerMultiplies = layers.compactMap { $0["multiply_instructions"] as? Int }.reduce(0, +)
        // Means are rounded per layer: the sums agree to within one per layer.
        #expect(abs(layerInstructions - instructions) <= layers.count && abs(layerMultiplies - multiplies) <= layers.count)
        // Every MAC of the convolutions and the dense layer runs in a multiply instruction, minus the taps
        // that padding skips: one MAC per MUL/MLA on the M0, up to two per SMLAD in the DSP kernels (M4),
        // up to 16 per VMLADAV in the Helium kernels (M55; fewer where a window is not a multiple of 16).
        let macs = r["macs"] as! Int
        let features = Board.named(board)!.features ?? []
        let macsPerInstruction = features.contains("mve") ? 16 : features.contains("dsp") ? 2 : 1
        #expect(multiplies >= macs * 3 / 4 / macsPerInstruction, "\(multiplies) multiply instructions for \(macs) MACs")
        // Pairing shows as fewer multiplies than MACs (this model's 9-tap first layer leaves one tap in 9 unpaired).
        if macsPerInstruction == 2 { #expect(multiplies <= macs * 3 / 4, "the DSP kernels pair MACs: \(multiplies) for \(macs) MACs") }
        if macsPerInstruction == 16 { #expect(multiplies <= macs / 4, "the Helium kernels vectorize MACs: \(multiplies) for \(macs) MACs") }
        // Cycles are estimated on the cores the plugin has timing tables for: at least one per
        // instruction, and the layers' estimates add up to the inference's.
        let cycles = r["estimated_cycles_per_inference"] as? Int
        if ["cortex-m0", "cortex-m3", "cortex-m4"].contains(Board.named(board)!.cpu) { // the cores arm_timing.h models
            let estimate = try #require(cycles)
            let layerCycles = layers.compactMap { $0["estimated_cycles"] as? Int }.reduce(0, +)
            #expect(estimate >= instructions && abs(layerCycles - estimate) <= layers.count, "\(estimate) cycles, layers \(layerCycles)")
        } else {
            #expect(cycles == nil)
        }
        #expect((r["flash_bytes"] as? Int ?? 0) > 0 && (r["ram_bytes"] as? Int ?? 0) > 0)
        print("example on \(board): \(instructions) instructions, \(multiplies) multiplies per inference, flash \(r["flash_bytes"]!), RAM \(r["ram_bytes"]!)")
    }

    /// The bench's harness links newlib's printf like TFLM's: the inference is untouched (same outputs,
    /// same instructions) and the firmware grows by printf's size (the issue puts printf and
    /// semihosting at about 35 KB of TFLM's firmware).
    @Test func printfHarnessAddsPrintfToFlashOnly() throws {
        guard Self.toolsAvailable else { print("Arm toolchain or QEMU missing: run make setup"); return }
        let arguments = ["\(Self.example)/digits_cnn.onnx", "--data", "\(Self.example)/digits_test.npz", "--scale", "0.0625",
                         "--limit", "10", "--target", "mps2-an386"]
        let (plainRun, plain) = try verify(arguments)
        let (printfRun, withPrintf) = try verify(arguments + ["--printf-harness"])
        #expect(plainRun.status == 0 && printfRun.status == 0, "\(printfRun.stdout)\(printfRun.stderr)")
        let a = try #require(plain), b = try #require(withPrintf)
        #expect(b["bit_exact"] as? Bool == true)
        #expect(a["instructions_per_inference"] as? Int == b["instructions_per_inference"] as? Int)
        let growth = (b["flash_bytes"] as? Int ?? 0) - (a["flash_bytes"] as? Int ?? 0)
        #expect(growth > 20_000 && growth < 40_000, "printf added \(growth) bytes of flash")
    }

    /// The printf harness is newlib's: on the RISC-V boards (picolibc) it is refused as a usage error
    /// before anything is built.
    @Test func printfHarnessIsRefusedOnRISCV() throws {
        let (result, _) = try verify(["\(Self.example)/digits_cnn.onnx", "--data", "\(Self.example)/digits_test.npz", "--scale", "0.0625",
                                      "--limit", "2", "--target", "qemu-riscv32", "--printf-harness"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--printf-harness: qemu-riscv32"), "\(result.stderr)")
    }

    /// Every corpus MNIST model on the Cortex-M4F, and one on the RISC-V core.
    static let mnist = ["ccoltong1215_lenet_regulized.onnx", "yan12125_lenet5.onnx", "akinobu123_model.onnx", "j-dong-cs_keras_mnist.onnx",
                        "CharM0625_mnist_model.tflite", "SeanL1123_mnist_cnn.tflite"].map { ($0, "mps2-an386") }
        + [("SeanL1123_mnist_cnn.tflite", "qemu-riscv32")]

    @Test(arguments: mnist)
    func mnistModelIsBitExactOnTheBoard(_ model: String, _ board: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard Self.toolsAvailable(for: board) else { print("\(board)'s toolchain or QEMU missing: run make setup"); return }
        let start = Date()
        let (result, report) = try verify([Corpus.path("mnist-models/" + model), "--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"),
                                           "--labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"), "--scale", "0.00392156862745098",
                                           "--limit", "100", "--calib-count", "200", "--per-channel", "--target", board])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let r = try #require(report)
        #expect(r["bit_exact"] as? Bool == true, "\(r["first_mismatch"] ?? "")")
        print("\(model) on \(board): \(r["instructions_per_inference"] ?? "-") instructions, \(r["multiply_instructions_per_inference"] ?? "-") " +
              "multiplies per inference, \(r["macs"]!) MACs, flash \(r["flash_bytes"] ?? "-"), RAM \(r["ram_bytes"] ?? "-"), " +
              "\(Int(Date().timeIntervalSince(start))) s")
    }

    /// MLPerf Tiny image classification and keyword spotting on their sample inputs (in-process:
    /// the inputs are raw binaries the command line does not read).
    @Test(arguments: ["pretrainedResnet.tflite", "kws_ref_model_float32.tflite"])
    func mlperfModelIsBitExactOnMPS2AN386(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard Self.toolsAvailable else { print("Arm toolchain or QEMU missing: run make setup"); return }
        let graph = try ModelLoader.load(path: Corpus.path("mlperf-tiny/" + model))
        let samples: SampleSet
        if model.hasPrefix("pretrained") {
            samples = SampleSet(values: [Float](repeating: 0, count: 3072) + (try MLPerfSamples.cifar(20)), count: 21, labels: nil)
        } else {
            samples = SampleSet(values: try MLPerfSamples.kws(), count: 1, labels: nil)
        }
        let plan = try FixedPointPlanner.uniformPlan(graph, analysis: try QuantAnalysis(graph), calibration: samples, weightBits: 8, actBits: 8,
                                                     biasBits: 16, perChannel: true, step: .mse)
        let report = try BoardVerification.verify(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: samples,
                                                  board: try #require(Board.named("mps2-an386")),
                                                  options: .init(modelName: model, scheme: "fixed", generator: "quantc (tests)"))
        #expect(report.bit_exact == true, "\(report.first_mismatch ?? "")")
        print("\(model) on mps2-an386: \(report.instructions_per_inference ?? 0) instructions, " +
              "\(report.multiply_instructions_per_inference ?? 0) multiplies per inference, \(report.macs) MACs")
    }

    @Test func firmwareThatDoesNotFitIsRefusedWithBothSizes() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard Self.toolsAvailable else { print("Arm toolchain or QEMU missing: run make setup"); return }
        // 923 kB of weights on the micro:bit's 256 KiB of flash.
        let (result, _) = try verify([Corpus.path("mnist-models/j-dong-cs_keras_mnist.onnx"), "--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"),
                                      "--scale", "0.00392156862745098", "--limit", "5", "--calib-count", "20", "--target", "microbit"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("does not fit microbit") && result.stderr.contains("262144") && result.stderr.contains("16384"),
                "\(result.stderr)")
    }

    @Test func boardsWithoutEmulatorBuildForFlashing() throws {
        for board in ["nucleo-f446re", "nrf52840-dk", "gd32vf103"] {
            guard Self.toolsAvailable(for: board) else { print("\(board)'s toolchain missing: run make setup"); continue }
            let keep = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-flash-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: keep) }
            let (result, report) = try verify(["\(Self.example)/digits_cnn.onnx", "--data", "\(Self.example)/digits_test.npz", "--scale", "0.0625",
                                               "--target", board, "--keep", keep])
            #expect(result.status == 0, "\(board): \(result.stdout)\(result.stderr)")
            #expect(report?["bit_exact"] is NSNull, "\(board): not run, so neither exact nor not")
            #expect(FileManager.default.fileExists(atPath: keep + "/firmware.elf"))
            let expected = (try? String(contentsOfFile: keep + "/expected.txt", encoding: .utf8)) ?? ""
            #expect(expected.hasPrefix("sample 0: "), "\(board): expected.txt holds the outputs the console must show")
        }
    }

    @Test func boardsCommandListsEveryBoard() throws {
        let result = try Quantc.run(["boards"])
        #expect(result.status == 0)
        for board in ["gd32vf103", "microbit", "mps2-an385", "mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547", "nucleo-f446re",
                      "nrf52840-dk", "qemu-riscv32"] {
            #expect(result.stdout.contains(board))
        }
    }
}
