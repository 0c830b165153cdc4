import Foundation
import Quantization
import Targets
import TestSupport
import Testing

/// The codebook scheme on QEMU's Cortex-M4F: bit-exact with the simulator in both kernel
/// forms; in the accumulating form the multiply instructions executed inside every codebook layer
/// equal the static count, one per nonzero centroid and output (≤ K per output).
@Suite(.serialized) struct CodebookBoardTests {
    @Test(arguments: ["ccoltong1215_lenet_regulized.onnx", "yan12125_lenet5.onnx", "akinobu123_model.onnx", "j-dong-cs_keras_mnist.onnx",
                      "CharM0625_mnist_model.tflite", "SeanL1123_mnist_cnn.tflite"])
    func mnistModelIsBitExactInBothForms(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard BitPlaneBoardTests.toolsPresent else { print("run make setup"); return }
        for accumulate in ["no", "yes"] {
            let label = "\(model), --accumulate \(accumulate)"
            let json = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-codebook-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: json) }
            // 100 images (20 for j-dong-cs's 33 M MACs), as `--accumulate` also parses alone.
            let form = accumulate == "yes" ? ["--accumulate"] : ["--accumulate", "no"]
            let result = try Quantc.run(["verify", Corpus.path("mnist-models/" + model)] + BitPlaneBoardTests.mnistData +
                                        ["--limit", model.hasPrefix("j-dong") ? "20" : "100", "--calib-count", "500", "--target", "mps2-an386",
                                         "--scheme", "codebook", "--clusters", "16", "--act-bits", "5"] + form + ["--quiet", "--json", json],
                                        timeout: 900)
            #expect(result.status == 0, "\(label): \(result.stderr)")
            guard let report = (try? Data(contentsOf: URL(fileURLWithPath: json))).flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
            else { Issue.record("\(label): no report"); continue }
            #expect(report["bit_exact"] as? Bool == true, "\(label): \(report["first_mismatch"] ?? "")")
            var codebookLayers = 0
            for layer in report["layers"] as? [[String: Any]] ?? [] where layer["weight_scheme"] as? String == "codebook" {
                codebookLayers += 1
                #expect((layer["clusters"] as? Int).map { (2...16).contains($0) } == true && layer["kernel_form"] as? String == (accumulate == "yes" ? "accumulate" : "lookup"))
                guard accumulate == "yes" else { continue }
                let executed = layer["multiply_instructions"] as? Int, expected = layer["multiplies"] as? Int
                #expect(executed != nil && executed == expected, "\(label): \(layer["name"]!) executed \(executed ?? -1), static \(expected ?? -1)")
            }
            #expect(codebookLayers > 0, "\(label): no codebook layer")
            print("\(label): \(report["instructions_per_inference"] ?? "-") instructions, \(report["multiply_instructions_per_inference"] ?? "-") " +
                  "multiply instructions per inference (static \(report["multiplies_static"] ?? "-") of \(report["macs"] ?? "-") MACs)")
        }
    }
}
