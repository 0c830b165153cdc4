import Foundation
import TestSupport
import Testing

/// Every corpus MNIST model through `quantize` with nothing but its data and preprocessing: the
/// defaults (8-bit weights per output channel, 8-bit activations) must keep the float model's
/// accuracy within 1.5 pp on 1,000 held-out images (calibrated on the first 200). With weights per
/// layer, CharM0625's folded batch norms of very different scales cost it nearly everything.
@Suite struct DefaultsTests {
    static let models = ["ccoltong1215_lenet_regulized.onnx", "yan12125_lenet5.onnx", "akinobu123_model.onnx", "j-dong-cs_keras_mnist.onnx",
                         "CharM0625_mnist_model.tflite", "SeanL1123_mnist_cnn.tflite"]

    @Test(arguments: models)
    func defaultsKeepAccuracy(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let images = Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), labels = Corpus.path("mnist/t10k-labels-idx1-ubyte.gz")
        let result = try Quantc.run(["quantize", Corpus.path("mnist-models/" + model), "--calib", images, "--calib-count", "200",
                                     "--data", images, "--labels", labels, "--skip", "1000", "--limit", "1000",
                                     "--scale", "0.00392156862745098", "--quiet", "--json"], timeout: 300)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let float = report?["float_accuracy"] as? Double ?? 0, quantized = report?["quant_accuracy"] as? Double ?? 0
        print("\(model): defaults: float \(String(format: "%.2f", 100 * float)) %, quantized \(String(format: "%.2f", 100 * quantized)) %")
        #expect(float - quantized <= 0.015, "\(model): \(float) -> \(quantized)")
    }
}
