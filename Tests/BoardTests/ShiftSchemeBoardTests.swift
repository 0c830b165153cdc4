import Foundation
import GraphIR
import ModelImport
import Quantization
import Targets
import TestSupport
import Testing
import Verification

/// The shift scheme on QEMU: bit-exact, and not one multiply instruction executed
/// inside a convolution or dense layer (the plugin counts per layer; pooling, outside, is reported
/// separately).
@Suite(.serialized) struct ShiftSchemeBoardTests {
    static let macLayers: Set<String> = ["conv", "depthwise_conv", "grouped_conv", "dense"]
    static let mnistData = ["--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                            "--scale", "0.00392156862745098"]

    func expectMultiplierFree(_ report: [String: Any], _ label: String) {
        #expect(report["bit_exact"] as? Bool == true, "\(label): \(report["first_mismatch"] ?? "")")
        #expect(report["multiplies_static"] as? Int == 0, "\(label)")
        var inside = 0, outside = 0
        for layer in report["layers"] as? [[String: Any]] ?? [] {
            let count = layer["multiply_instructions"] as? Int ?? 0
            if Self.macLayers.contains(layer["op"] as? String ?? "") {
                inside += count
                #expect(count == 0, "\(label): \(layer["name"]!) executed \(count) multiply instructions")
            } else {
                outside += count
            }
        }
        print("\(label): \(report["instructions_per_inference"] ?? "-") instructions per inference, multiplies in conv/dense \(inside), " +
              "elsewhere (pooling) \(outside)")
    }

    func verify(_ arguments: [String]) throws -> (CommandResult, [String: Any]?) {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-shift-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try Quantc.run(["verify"] + arguments + ["--scheme", "shift", "--per-channel", "--quiet", "--json", json], timeout: 900)
        let report = (try? Data(contentsOf: URL(fileURLWithPath: json))).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (result, report)
    }

    /// Every corpus MNIST model on the Cortex-M4F (100 images; 20 for j-dong's 33 M MACs) and those
    /// that fit its 16 KiB of RAM on the micro:bit's Cortex-M0; the others must be refused with both sizes.
    @Test(arguments: [("ccoltong1215_lenet_regulized.onnx", true), ("yan12125_lenet5.onnx", true), ("akinobu123_model.onnx", true),
                      ("j-dong-cs_keras_mnist.onnx", false), ("CharM0625_mnist_model.tflite", false), ("SeanL1123_mnist_cnn.tflite", false)])
    func mnistModelIsMultiplierFree(_ model: String, _ fitsMicrobit: Bool) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard ["arm-none-eabi-gcc", "qemu-system-arm"].allSatisfy({ Command.which($0) != nil }) else { print("run make setup"); return }
        let limit = model.hasPrefix("j-dong") ? "20" : "100"
        for board in ["mps2-an386", "microbit"] {
            let (result, report) = try verify([Corpus.path("mnist-models/" + model)] + Self.mnistData +
                                              ["--limit", limit, "--calib-count", "500", "--target", board])
            if board == "microbit" && !fitsMicrobit {
                #expect(result.status == 1 && result.stderr.contains("does not fit microbit"), "\(model): \(result.stderr)")
                continue
            }
            #expect(result.status == 0, "\(model) on \(board): \(result.stderr)")
            if let report { expectMultiplierFree(report, "\(model) on \(board)") } else { Issue.record("\(model) on \(board): no report") }
        }
    }

    /// MLPerf Tiny image classification on its sample input (the zero image) and 10 CIFAR-10 images.
    @Test func resnet8IsMultiplierFreeOnMPS2AN386() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard ["arm-none-eabi-gcc", "qemu-system-arm"].allSatisfy({ Command.which($0) != nil }) else { print("run make setup"); return }
        let graph = try ModelLoader.load(path: Corpus.path("mlperf-tiny/pretrainedResnet.tflite"))
        let cifar = try MLPerfSamples.cifar(100)
        let calibration = SampleSet(values: cifar, count: 100, labels: nil)
        let check = SampleSet(values: [Float](repeating: 0, count: 3072) + Array(cifar[..<(10 * 3072)]), count: 11, labels: nil)
        let plan = try FixedPointPlanner.shiftPlan(graph, analysis: try QuantAnalysis(graph), calibration: calibration, digits: 2,
                                                   actBits: 8, biasBits: 16, perChannel: true, step: .mse)
        let report = try BoardVerification.verify(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: check,
                                                  board: try #require(Board.named("mps2-an386")),
                                                  options: .init(modelName: "pretrainedResnet.tflite", scheme: "shift", generator: "quantc (tests)"))
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
        expectMultiplierFree(json, "ResNet-8 on mps2-an386")
    }
}
