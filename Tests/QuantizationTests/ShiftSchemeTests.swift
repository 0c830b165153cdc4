import FixedPoint
import Foundation
import GraphIR
import ModelImport
import Quantization
import TestSupport
import Testing

/// The shift scheme's accuracy on the corpus MNIST models: calibrated on test images 0–999,
/// measured on 1000–2999 (the acceptance: two digits, per channel, drop ≤ 0.3 pp). The one-digit
/// and CSD-truncation ablations on all 9,000 held-out images: scripts/ablation-shift.sh.
@Suite(.serialized) struct ShiftSchemeTests {
    static let models = ["ccoltong1215_lenet_regulized.onnx", "yan12125_lenet5.onnx", "akinobu123_model.onnx", "j-dong-cs_keras_mnist.onnx",
                         "CharM0625_mnist_model.tflite", "SeanL1123_mnist_cnn.tflite"]

    @Test(arguments: models)
    func twoDigitsKeepAccuracy(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: Corpus.path("mnist-models/" + model))
        let input = graph.inputs[0]
        let all = try DataReader.load(path: Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), labelsPath: Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                                      scale: 1 / 255).arranged(for: graph.shape(input), inputName: graph[input].name)
        func set(_ r: Range<Int>) -> SampleSet { let s = all.slice(r); return SampleSet(values: s.values, count: s.count, labels: s.labels) }
        let calibration = set(0..<1000), held = set(1000..<3000)
        let plan = try FixedPointPlanner.shiftPlan(graph, analysis: try QuantAnalysis(graph), calibration: calibration, digits: 2,
                                                   actBits: 8, biasBits: 16, perChannel: true, step: .mse)
        let report = try Metrics.evaluate(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: held, sqnrSamples: 0)
        let drop = report.float_accuracy! - report.quant_accuracy!
        print("\(model): shift, two digits, per channel: float \(String(format: "%.2f", report.float_accuracy! * 100))%, " +
              "drop \(String(format: "%.2f", drop * 100)) pp on 2000 held-out images")
        #expect(drop <= 0.003, "\(model): two-digit drop \(drop * 100) pp")
        #expect(report.multiplies_static == 0)
        #expect(report.layers.compactMap(\.weight_bits).allSatisfy { $0 <= 8 }, "one byte per weight")
    }
}
