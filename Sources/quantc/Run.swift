import ArgumentParser
import FloatReference
import Foundation
import GraphIR
import Pipeline

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Runs the float reference on samples; top-1 accuracy with labels.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var data: DataOptions
    @Flag(help: "Print JSON.")
    var json = false
    @Flag(help: "With --json, include every sample's raw output vector.")
    var outputs = false

    struct Report: Encodable {
        var model: String
        var samples: Int
        var accuracy: Double?
        var predictions: [Int]
        var outputs: [[Float]]?
        var seconds: Double

        enum CodingKeys: String, CodingKey { case model, samples, accuracy, predictions, outputs, seconds }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(samples, forKey: .samples)
            try c.encode(accuracy, forKey: .accuracy)  // null without labels
            try c.encode(predictions, forKey: .predictions)
            try c.encodeIfPresent(outputs, forKey: .outputs)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    func run() throws {
        let graph = try loadModel(model)
        let dataset = try data.load(for: graph)
        let interpreter = try Interpreter(graph: graph)
        let start = Date()
        let results = try interpreter.runMany(samples: dataset.values, count: dataset.count)
        let seconds = Date().timeIntervalSince(start)
        let predictions = Pipeline.predictions(results)
        var accuracy: Double?
        if let labels = dataset.labels {
            let correct = zip(predictions, labels).filter { $0 == $1 }.count
            accuracy = Double(correct) / Double(dataset.count)
        }
        if json {
            try printJSON(Report(model: model, samples: dataset.count, accuracy: accuracy, predictions: predictions,
                                 outputs: outputs ? results : nil, seconds: seconds))
            return
        }
        print("\(model): \(dataset.count) samples in \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", Double(dataset.count) / max(seconds, 1e-9))) samples/s)")
        if let accuracy {
            print("top-1 accuracy: \(String(format: "%.2f", accuracy * 100)) %")
        } else {
            print("predictions: \(predictions.prefix(20).map(String.init).joined(separator: " "))\(predictions.count > 20 ? " ..." : "")")
        }
    }
}
