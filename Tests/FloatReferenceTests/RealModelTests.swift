import FloatReference
import Foundation
import GraphIR
import ModelImport
import TestSupport
import Testing

/// The corpus MNIST classifiers over all 10,000 test images: the float reference must reach the
/// top-1 accuracy the reference runtime recorded in MANIFEST.md / models.json, and reproduce the
/// reference runtime's raw outputs for images 0–99 (`*.expected.txt`) within 1e-3.
@Suite(.serialized) struct RealModelTests {
    struct Entry {
        var file: String, scale: Float, offset: Float, referenceTop1: Double, expected: String
    }

    static func mnistModels(extension ext: String) throws -> [Entry] {
        guard Corpus.isAvailable else { return [] }
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpus.path("models.json")))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (json["models"] as! [[String: Any]]).compactMap { model in
            guard model["dataset"] as? String == "mnist", (model["file"] as! String).hasSuffix(ext) else { return nil }
            return Entry(file: model["file"] as! String, scale: Float(model["scale"] as! Double),
                         offset: Float(model["offset"] as! Double), referenceTop1: model["reference_top1"] as! Double,
                         expected: model["expected"] as! String)
        }
    }

    @Test(arguments: try mnistModels(extension: ".onnx").map(\.file))
    func onnxModelMatchesReferenceRuntime(file: String) throws {
        try checkModel(file)
    }

    @Test(arguments: try mnistModels(extension: ".tflite").map(\.file))
    func tfliteModelMatchesReferenceRuntime(file: String) throws {
        try checkModel(file)
    }

    @Test func corpusIsPresentOrSkipped() throws {
        guard Corpus.isAvailable else {
            print(Corpus.skipMessage)
            return
        }
        #expect(try Self.mnistModels(extension: ".onnx").count == 4)
        #expect(try Self.mnistModels(extension: ".tflite").count == 2)
    }

    func checkModel(_ file: String) throws {
        let entry = try Self.mnistModels(extension: "").first { $0.file == file }!
        let graph = try ModelLoader.load(path: Corpus.path(entry.file))
        let input = graph.inputs[0]
        let dataset = try DataReader.load(path: Corpus.path("mnist/t10k-images-idx3-ubyte.gz"),
                                          labelsPath: Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                                          scale: entry.scale, offset: entry.offset)
            .arranged(for: graph.shape(input), inputName: graph[input].name)
        #expect(dataset.count == 10_000)
        let outputs = try Interpreter(graph: graph).runMany(samples: dataset.values, count: dataset.count)
        let predictions = outputs.map(argmax)
        let correct = zip(predictions, dataset.labels!).filter { $0 == $1 }.count
        let accuracy = Double(correct) / 10_000
        print("\(file): top-1 \(String(format: "%.2f", accuracy * 100)) % (reference \(String(format: "%.2f", entry.referenceTop1 * 100)) %)")
        // Within 0.05 pp, i.e. at most 5 of 10,000 images decided differently in net.
        #expect(abs(accuracy - entry.referenceTop1) <= 0.0005, "\(file): \(accuracy) vs \(entry.referenceTop1)")

        // Raw outputs of images 0..99 against the reference runtime.
        let lines = try String(contentsOfFile: Corpus.path(entry.expected), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 100)
        var worst: Float = 0
        for line in lines {
            let fields = line.split(separator: " ")
            let image = Int(fields[0])!, top1 = Int(fields[2])!
            let reference = fields[3...].map { Float($0)! }
            #expect(predictions[image] == top1, "\(file) image \(image): top-1 \(predictions[image]) vs \(top1)")
            for (got, want) in zip(outputs[image], reference) { worst = max(worst, abs(got - want)) }
        }
        print("\(file): max |output - reference| over images 0-99: \(worst)")
        #expect(worst <= 1e-3)
    }
}

func argmax(_ values: [Float]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}
