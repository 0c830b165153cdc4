import Foundation
import GraphIR
import ModelImport
import Quantization
import QuantizedIR
import TestSupport
import Testing

/// The codebook scheme on the corpus MNIST models, post-training: calibrated on test
/// images 0–999, measured on held-out images (acceptance: 16 centroids with 5-bit activations lose
/// ≤ 1 pp; scripts/bench-codebook.sh prints K = 4…32 × 4, 5, 8-bit activations). Storage and
/// static multiplies as the issue defines them.
@Suite(.serialized) struct CodebookSchemeTests {
    static let models = ["ccoltong1215_lenet_regulized.onnx", "yan12125_lenet5.onnx", "akinobu123_model.onnx", "j-dong-cs_keras_mnist.onnx",
                         "CharM0625_mnist_model.tflite", "SeanL1123_mnist_cnn.tflite"]

    func sets(_ graph: Graph, held: Int) throws -> (SampleSet, SampleSet) {
        let input = graph.inputs[0]
        let all = try DataReader.load(path: Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), labelsPath: Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                                      scale: 1 / 255).arranged(for: graph.shape(input), inputName: graph[input].name)
        func set(_ r: Range<Int>) -> SampleSet { let s = all.slice(r); return SampleSet(values: s.values, count: s.count, labels: s.labels) }
        return (set(0..<1000), set(1000..<(1000 + held)))
    }

    @Test(arguments: models)
    func sixteenCentroidsKeepAccuracy(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: Corpus.path("mnist-models/" + model))
        // j-dong-cs's 33 M MACs per image make the simulator slow: fewer held-out images there.
        let (calibration, held) = try sets(graph, held: model.hasPrefix("j-dong") ? 500 : 2000)
        let plan = try FixedPointPlanner.codebookPlan(graph, analysis: try QuantAnalysis(graph), calibration: calibration,
                                                      options: CodebookOptions(clusters: 16, form: .accumulate), actBits: 5,
                                                      biasBits: 16, step: .mse)
        let lowered = try Lowering.lower(graph, plan: plan)
        let report = try Metrics.evaluate(graph: graph, lowered: lowered, data: held, sqnrSamples: 0)
        let drop = report.float_accuracy! - report.quant_accuracy!
        print("\(model): 16 centroids, 5-bit activations: drop \(String(format: "%.2f", drop * 100)) pp on \(held.count) held-out images")
        #expect(drop <= 0.01 + 1e-9, "\(model): drop \(drop * 100) pp")
        for (node, layer) in zip(lowered.program.ops, report.layers) {
            guard let weights = node.op.weights else { continue }
            guard case .codebook(let w) = weights else {
                #expect(layer.note != nil, "\(node.name) stays fixed and says why")
                continue
            }
            // Storage: 4-bit indices plus the codebook, as reported.
            #expect(w.indexBits == 4 && w.codebook.count <= 16)
            #expect(abs(layer.bits_per_weight! - (4 + Double(16 * w.codebook.count) / Double(w.weightCount))) < 0.001)
            // Accumulated: one multiply per nonzero centroid and output.
            let outputs = lowered.program.tensors[node.op.output].count
            #expect(layer.multiplies == outputs * w.nonzeroCentroids && w.nonzeroCentroids <= 16)
        }
    }

    /// The encoding stores the nearest rounded centroid for every weight, the codebook within the
    /// centroid bits; weak channels get their own power-of-two scale.
    @Test func encodingPicksTheNearestCentroid() throws {
        var rng = SeededRandom(seed: 12)
        let channels = 4, per = 75
        // Channel 3's weights are 40 times smaller (as after batch-norm folding).
        let values = (0..<(channels * per)).map { i in Float(Double(rng.int(-1000, 1000)) / 1000) * (i / per == 3 ? 0.025 : 1) }
        let fracs = CodebookQuantizer.fracs(values, channels: channels, clusters: 8, bits: 8)
        #expect(fracs[3] - fracs[0] == 5 && fracs[0] == fracs[1] && fracs[1] == fracs[2], "\(fracs)")
        let w = CodebookQuantizer.encode(values, clusters: 8, centroidBits: 8, fracs: fracs, form: .lookup)
        #expect(w.indexBits == 3 && w.codebook.count == 8 && w.codebook.allSatisfy { abs(Int32($0)) <= 127 } && w.codebook.contains { abs(Int32($0)) >= 64 })
        let q = w.values
        for i in values.indices {
            let scaled = Double(values[i]) * pow(2, Double(fracs[i / per]))
            let best = w.codebook.map { abs(Double($0) - scaled) }.min()!
            #expect(abs(Double(q[i]) - scaled) <= best + 1e-9, "weight \(i)")
        }
        // The small channel is resolved like the others, not rounded to the centroid nearest zero.
        let real = WeightEncoder.realValues(.codebook(w))
        for o in 0..<channels {
            let range = (o * per)..<((o + 1) * per)
            let noise = range.reduce(0.0) { $0 + pow(Double(values[$1] - real[$1]), 2) }, power = range.reduce(0.0) { $0 + pow(Double(values[$1]), 2) }
            #expect((noise / power).squareRoot() < 0.15, "channel \(o): relative error \((noise / power).squareRoot())")
        }
    }

    /// `--accumulate auto` takes the accumulating form where multiplies are dear and windows long,
    /// the lookup form where multiplies are cheap; overrides keep layers fixed or change K.
    @Test func formsAndOverrides() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: Corpus.path("mnist-models/yan12125_lenet5.onnx"))
        let analysis = try QuantAnalysis(graph)
        let (calibration, _) = try sets(graph, held: 0)
        let names = analysis.weightedLayers.map { graph.nodes[$0].name }
        func plan(_ options: CodebookOptions) throws -> QuantizationPlan {
            try FixedPointPlanner.codebookPlan(graph, analysis: analysis, calibration: calibration, options: options, actBits: 8, biasBits: 16, step: .mse)
        }
        let cheap = try plan(CodebookOptions(clusters: 16, form: .auto, multiplyCycles: 1))
        let dear = try plan(CodebookOptions(clusters: 16, form: .auto, multiplyCycles: 32))
        for name in names.dropLast() {
            #expect(cheap.layers[name]?.codebookForm == .lookup, "\(name) with single-cycle multiplies")
        }
        // Conv_0's windows (5×5×1) are too short to pay for 16 sums, the others' (150–256 weights) are not.
        #expect(dear.layers[names[0]]?.codebookForm == .lookup)
        for name in names.dropFirst().dropLast() {
            #expect(dear.layers[name]?.codebookForm == .accumulate, "\(name) with 32-cycle multiplies")
        }
        #expect(dear.layers[names.last!]?.clusters == nil && dear.layers[names.last!]?.note?.contains("output layer") == true)
        var options = CodebookOptions(clusters: 16)
        options.overrides = [names[0]: 0, names.last!: 4]
        let mixed = try plan(options)
        #expect(mixed.layers[names[0]]?.clusters == nil && mixed.layers[names[0]]?.note?.contains("--clusters-for") == true)
        #expect(mixed.layers[names.last!]?.clusters == 4 && mixed.layers[names[1]]?.clusters == 16)
        options.overrides = ["no-such-layer": 4]
        #expect(throws: QuantizationError.self) { _ = try plan(options) }
    }
}
