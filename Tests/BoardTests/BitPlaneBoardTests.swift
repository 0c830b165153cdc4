import Foundation
import FloatReference
import GraphIR
import IntegerSimulator
import ModelImport
import Quantization
import Targets
import TestSupport
import Testing
import Verification

/// The bit-plane scheme on QEMU's Cortex-M4F: bit-exact with the simulator, and inside
/// every bit-plane layer the executed multiply instructions equal the static count (one per
/// nonzero plane scale and output value), at two and three planes.
@Suite(.serialized) struct BitPlaneBoardTests {
    static let mnistData = ["--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                            "--scale", "0.00392156862745098"]
    static var toolsPresent: Bool { ["arm-none-eabi-gcc", "qemu-system-arm"].allSatisfy { Command.which($0) != nil } }

    func expectCountedMultiplies(_ report: [String: Any], _ label: String) {
        #expect(report["bit_exact"] as? Bool == true, "\(label): \(report["first_mismatch"] ?? "")")
        var planeLayers = 0
        for layer in report["layers"] as? [[String: Any]] ?? [] where layer["weight_scheme"] as? String == "bitplane" {
            planeLayers += 1
            let executed = layer["multiply_instructions"] as? Int, expected = layer["multiplies"] as? Int
            #expect(executed != nil && executed == expected, "\(label): \(layer["name"]!) executed \(executed ?? -1), static \(expected ?? -1)")
        }
        #expect(planeLayers > 0, "\(label): no bit-plane layer")
        print("\(label): \(report["instructions_per_inference"] ?? "-") instructions, \(report["multiply_instructions_per_inference"] ?? "-") " +
              "multiply instructions per inference (static \(report["multiplies_static"] ?? "-") of \(report["macs"] ?? "-") MACs)")
    }

    /// Every corpus MNIST model, 100 images (20 for j-dong-cs's 33 M MACs).
    @Test(arguments: ["ccoltong1215_lenet_regulized.onnx", "yan12125_lenet5.onnx", "akinobu123_model.onnx", "j-dong-cs_keras_mnist.onnx",
                      "CharM0625_mnist_model.tflite", "SeanL1123_mnist_cnn.tflite"])
    func mnistModelIsBitExact(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard Self.toolsPresent else { print("run make setup"); return }
        for planes in [2, 3] {
            let json = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-bitplane-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: json) }
            let result = try Quantc.run(["verify", Corpus.path("mnist-models/" + model)] + Self.mnistData +
                                        ["--limit", model.hasPrefix("j-dong") ? "20" : "100", "--calib-count", "500", "--target", "mps2-an386",
                                         "--scheme", "bitplane", "--planes", "\(planes)", "--quiet", "--json", json], timeout: 900)
            #expect(result.status == 0, "\(model), M = \(planes): \(result.stderr)")
            guard let report = (try? Data(contentsOf: URL(fileURLWithPath: json))).flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
            else { Issue.record("\(model), M = \(planes): no report"); continue }
            expectCountedMultiplies(report, "\(model), M = \(planes)")
        }
    }

    /// MLPerf Tiny image classification (ResNet-8), filter groups: multiplies ≤ 1.4 % of MACs at two
    /// planes, bit-exact at two and three planes on the sample (the zero image) and 5 CIFAR-10
    /// images; the sample's top-1 is the float model's (with the closed-form signs alone it was not).
    @Test func resnet8OnMPS2AN386() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard Self.toolsPresent else { print("run make setup"); return }
        let graph = try ModelLoader.load(path: Corpus.path("mlperf-tiny/pretrainedResnet.tflite"))
        let cifar = try MLPerfSamples.cifar(100)
        let calibration = SampleSet(values: cifar, count: 100, labels: nil)
        let check = SampleSet(values: [Float](repeating: 0, count: 3072) + Array(cifar[..<(5 * 3072)]), count: 6, labels: nil)
        let floatTop = argmax(try FloatReference.Interpreter(graph: graph).run([[Float](repeating: 0, count: 3072)])[0])
        for planes in [2, 3] {
            let plan = try FixedPointPlanner.bitPlanePlan(graph, analysis: try QuantAnalysis(graph), calibration: calibration,
                                                          options: BitPlaneOptions(planes: planes), actBits: 8, biasBits: 16, step: .mse)
            let lowered = try Lowering.lower(graph, plan: plan)
            let report = try BoardVerification.verify(graph: graph, lowered: lowered, data: check, board: try #require(Board.named("mps2-an386")),
                                                      options: .init(modelName: "pretrainedResnet.tflite", scheme: "bitplane", generator: "quantc (tests)"))
            let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
            expectCountedMultiplies(json, "ResNet-8, M = \(planes)")
            if planes == 2 {
                #expect(Double(report.multiplies_static) <= 0.014 * Double(report.macs), "\(report.multiplies_static) of \(report.macs) MACs")
                let sampleTop = argmax(IntegerSimulator.Simulator(program: lowered.program).run([[Int32](repeating: 0, count: 3072)])[0])
                #expect(sampleTop == floatTop, "the zero sample: class \(sampleTop), float \(floatTop)")
            }
        }
    }
}
