import FixedPoint
import FloatReference
import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import QuantizedIR
import Quantization
import TestSupport
import Testing
import Verification

/// Fixed-point quantization of the corpus MNIST models: calibrate/search on test images 0–999,
/// evaluate on images the search never saw.
@Suite(.serialized) struct MNISTQuantizationTests {
    static let models = ["mnist-models/ccoltong1215_lenet_regulized.onnx", "mnist-models/yan12125_lenet5.onnx",
                         "mnist-models/akinobu123_model.onnx", "mnist-models/j-dong-cs_keras_mnist.onnx",
                         "mnist-models/CharM0625_mnist_model.tflite", "mnist-models/SeanL1123_mnist_cnn.tflite"]
    static let scale: Float = 1 / 255

    func load(_ model: String) throws -> (Graph, QuantAnalysis, SampleSet, SampleSet) {
        let graph = try ModelLoader.load(path: Corpus.path(model))
        let input = graph.inputs[0]
        let all = try DataReader.load(path: Corpus.path("mnist/t10k-images-idx3-ubyte.gz"),
                                      labelsPath: Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"), scale: Self.scale)
            .arranged(for: graph.shape(input), inputName: graph[input].name)
        let search = all.slice(0..<1000), held = all.slice(1000..<10_000)
        return (graph, try QuantAnalysis(graph), SampleSet(values: search.values, count: search.count, labels: search.labels),
                SampleSet(values: held.values, count: held.count, labels: held.labels))
    }

    /// At 16-bit weights (per output channel) and activations the integer program reproduces the
    /// float model's outputs (logits) with SQNR ≥ 60 dB: the integer arithmetic is right to within
    /// rounding. Measured on calibration images, whose ranges the formats cover (unseen images may
    /// exceed a calibrated range and saturate; the held-out accuracy tests account for that).
    /// Per-layer weight formats cannot reach 60 dB on models whose folded batch norm scales
    /// channels ~100× apart, hence per channel.
    @Test(arguments: models)
    func sixteenBitsMatchTheFloatModel(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let (graph, analysis, calibration, _) = try load(model)
        let plan = try FixedPointPlanner.uniformPlan(graph, analysis: analysis, calibration: calibration, weightBits: 16,
                                                     actBits: 16, biasBits: 32, perChannel: true, step: .minmax)
        let held = calibration
        let lowered = try Lowering.lower(graph, plan: plan)
        let interpreter = try Interpreter(graph: graph)
        let simulator = Simulator(program: lowered.program)
        let outputTensor = lowered.program.outputs[0]
        let outputValue = lowered.tensorValues[outputTensor]!
        let size = held.values.count / held.count
        var signal: [Float] = [], approximation: [Float] = []
        for i in 0..<50 {
            let x = Array(held.values[(i * size)..<((i + 1) * size)])
            signal += try interpreter.evaluate([x])[outputValue.index]!
            let q = simulator.run([x.map { Int32(lowered.program.tensors[lowered.program.inputs[0]].format.quantize(Double($0))) }])[0]
            approximation += simulator.dequantize(q, tensor: outputTensor)
        }
        let db = sqnr(signal: signal, approximation: approximation)
        print("\(model): 16-bit output SQNR \(String(format: "%.1f", db)) dB")
        #expect(db >= 60)
    }

    /// Every accumulator the lowering kept at 32 bits provably fits; worst-case inputs (every input
    /// at its largest magnitude with the sign of its weight) give the exact (64-bit) result.
    @Test func accumulatorsNeverOverflow() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var widened = 0, checked = 0
        for bits in [8, 16] {
            let (graph, analysis, calibration, _) = try load("mnist-models/SeanL1123_mnist_cnn.tflite")
            let plan = try FixedPointPlanner.uniformPlan(graph, analysis: analysis, calibration: calibration, weightBits: bits,
                                                         actBits: bits, biasBits: 32, perChannel: true, step: .mse)
            let program = try Lowering.lower(graph, plan: plan).program
            for node in program.ops {
                guard case .dense(let d) = node.op, case .fixed(let w) = d.weights else { continue }
                let xf = program.tensors[d.input].format
                var single = QProgram()
                let input = single.addTensor(QTensor(name: "x", shape: [1, d.inFeatures], format: xf))
                let output = single.addTensor(program.tensors[d.output])
                var layer = d
                layer.input = input
                layer.output = output
                single.ops = [QNode(name: node.name, op: .dense(layer))]
                single.inputs = [input]
                single.outputs = [output]
                for o in 0..<min(d.outFeatures, 8) {
                    // Adversarial input for channel o: the sign of each weight at full scale.
                    let x = (0..<d.inFeatures).map { k in Int32(w.values[o * d.inFeatures + k] >= 0 ? xf.minInt : xf.maxInt) }
                    let exact = (0..<d.inFeatures).reduce(d.bias[o]) { $0 + Int64(x[$1]) * Int64(w.values[o * d.inFeatures + $1]) }
                    let bound = (0..<d.inFeatures).reduce(abs(d.bias[o])) { $0 + abs(Int64(w.values[o * d.inFeatures + $1])) } * -xf.minInt
                    if d.accumulator == .int32 { #expect(bound <= Int64(Int32.max), "\(node.name) channel \(o): bound \(bound) kept at int32") }
                    if bound > Int64(Int32.max) { #expect(d.accumulator == .int64) }
                    let got = Simulator(program: single).run([x])[0][o]
                    let expected = Int32(clamping: min(max(roundingRightShift(exact, d.requantize.shift(for: o)),
                                                           max(program.tensors[d.output].format.minInt, d.requantize.clampMin)),
                                                       min(program.tensors[d.output].format.maxInt, d.requantize.clampMax)))
                    #expect(got == expected, "\(node.name) channel \(o) at \(bits) bits")
                    checked += 1
                }
                if d.accumulator == .int64 { widened += 1 }
            }
        }
        print("accumulator check: \(checked) worst-case channels, \(widened) layers widened to int64")
        #expect(widened >= 1, "16-bit weights and activations over 1600 inputs need 64-bit accumulators")
    }

    /// Uniform 8-bit weights (per channel) and activations lose at most 0.3 pp on held-out images.
    @Test(arguments: models)
    func eightBitsKeepAccuracy(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let (graph, analysis, calibration, held) = try load(model)
        let plan = try FixedPointPlanner.uniformPlan(graph, analysis: analysis, calibration: calibration, weightBits: 8,
                                                     actBits: 8, biasBits: 16, perChannel: true, step: .mse)
        let report = try Metrics.evaluate(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: held, sqnrSamples: 0)
        let drop = report.float_accuracy! - report.quant_accuracy!
        print("\(model): 8-bit float \(report.float_accuracy!) quantized \(report.quant_accuracy!) drop \(String(format: "%.2f", drop * 100)) pp")
        #expect(drop <= 0.003)
    }

    /// Fractional offsets (`--refine-fracs`): at 4-bit weights and activations, moving
    /// activation fracs by at most one step lowers the output error on the calibration images,
    /// and the integer program agrees with the float model at least as often on held-out images.
    @Test func refinedFracsLowerTheOutputError() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let (graph, analysis, all, held) = try load("mnist-models/yan12125_lenet5.onnx")
        let size = all.values.count / all.count
        let calibration = SampleSet(values: Array(all.values[0..<(300 * size)]), count: 300, labels: nil)
        let uniform = try FixedPointPlanner.uniformPlan(graph, analysis: analysis, calibration: calibration, weightBits: 4,
                                                        actBits: 4, biasBits: 16, perChannel: true, step: .mse)
        let refined = try FracRefinement.refine(uniform, graph, analysis: analysis, calibration: calibration)
        let moved = uniform.activations.keys.filter { uniform.activations[$0] != refined.activations[$0] }
        #expect(!moved.isEmpty)
        for key in moved { #expect(abs(uniform.activations[key]!.frac - refined.activations[key]!.frac) == 1, "\(key)") }
        let reference = try Interpreter(graph: graph).runMany(samples: calibration.values, count: calibration.count)
        let before = try FracRefinement.outputError(uniform, graph, analysis: analysis, calibration: calibration, reference: reference)
        let after = try FracRefinement.outputError(refined, graph, analysis: analysis, calibration: calibration, reference: reference)
        let test = SampleSet(values: Array(held.values[0..<(2000 * size)]), count: 2000, labels: nil)
        func agreement(_ plan: QuantizationPlan) throws -> Double {
            try Metrics.evaluate(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: test, sqnrSamples: 0).agreement
        }
        let (a0, a1) = (try agreement(uniform), try agreement(refined))
        print("refine-fracs, yan12125 at 4/4 bits: \(moved.count) fracs moved, output error \(before) -> \(after), held-out agreement \(a0) -> \(a1)")
        #expect(after < before)
        #expect(a1 >= a0)
    }

    /// The bit-allocation search: `--weight-bits auto --max-drop 1` on images 0–999 keeps the held-out drop within
    /// 1 pp at ≤ 0.55× the weight memory and ≤ 0.35× the multiply cost of uniform 8 bits.
    @Test(arguments: models)
    func bitAllocationSearchMeetsTheBudget(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let (graph, analysis, calibration, held) = try load(model)
        let options = SearchOptions(maxDrop: 0.01, objective: .balanced, step: .mse, perChannel: true)
        let plan = try BitAllocationSearch(graph: graph, analysis: analysis, calibration: calibration, options: options).run()
        let report = try Metrics.evaluate(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: held, sqnrSamples: 0)
        let drop = report.float_accuracy! - report.quant_accuracy!
        let bits = report.layers.compactMap { l in l.weight_bits.map { "\($0)/\(l.act_bits)" } }.joined(separator: " ")
        print("\(model): auto drop \(String(format: "%.2f", drop * 100)) pp, weights \(String(format: "%.3f", report.weight_bytes_ratio_8bit))×, multiply cost \(String(format: "%.3f", report.multiply_cost_ratio_8bit))× [w/a bits: \(bits)]")
        #expect(drop <= 0.01)
        #expect(report.weight_bytes_ratio_8bit <= 0.55)
        // The searched mixed formats as a C bundle: bit-exact on 1,000 held-out images under ASan+UBSan.
        let check = SampleSet(values: Array(held.values[..<(1000 * held.values.count / held.count)]), count: 1000,
                              labels: held.labels.map { Array($0[..<1000]) })
        let verified = try HostVerification.verify(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: check,
                                                   options: .init(modelName: model, scheme: "fixed", generator: "quantc (tests)"))
        print("\(model): auto formats on the host: bit-exact \(verified.bit_exact == true), arena \(verified.arena_bytes) B " +
              "(lower bound \(verified.arena_lower_bound), naive \(verified.arena_naive_bytes)), constants \(verified.weight_bytes) B, " +
              "host code \(verified.host_code_bytes ?? 0) B")
        #expect(verified.bit_exact == true, "\(verified.mismatched_samples) samples differ: \(verified.first_mismatch ?? "")")
        #expect(report.multiply_cost_ratio_8bit <= 0.35)
    }

    /// GGD steps at 4-bit activations: the GGD step beats min-max SQNR on ≥ 80 % of layers, by ≥ 1 dB on average.
    @Test func ggdBeatsMinMaxAtFourBits() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var gains = [Double]()
        print("GGD vs min-max, 4-bit activations, 8-bit per-channel weights (SQNR dB on held-out images)")
        print("model | layer | min-max | ggd | gain")
        for model in Self.models {
            let (graph, analysis, calibration, held) = try load(model)
            let subset = SampleSet(values: Array(held.values.prefix(100 * held.values.count / held.count)), count: 100, labels: nil)
            var results = [StepMethod: [String: Double]]()
            for step in [StepMethod.minmax, .ggd] {
                let plan = try FixedPointPlanner.uniformPlan(graph, analysis: analysis,
                                                             calibration: SampleSet(values: Array(calibration.values.prefix(500 * calibration.values.count / 1000)), count: 500, labels: nil),
                                                             weightBits: 8, actBits: 4, biasBits: 16, perChannel: true, step: step)
                let report = try Metrics.evaluate(graph: graph, lowered: try Lowering.lower(graph, plan: plan), data: subset, sqnrSamples: 100)
                for layer in report.layers where ["conv", "dense", "depthwise_conv", "add", "table"].contains(layer.op) {
                    results[step, default: [:]][layer.name] = layer.sqnr_db ?? 0
                }
            }
            for (name, minmax) in results[.minmax]!.sorted(by: { $0.key < $1.key }) {
                let ggd = results[.ggd]![name]!
                gains.append(ggd - minmax)
                print("\(URL(fileURLWithPath: model).lastPathComponent) | \(name.prefix(40)) | \(String(format: "%.1f", minmax)) | \(String(format: "%.1f", ggd)) | \(String(format: "%+.1f", ggd - minmax))")
            }
        }
        let better = Double(gains.filter { $0 > 0 }.count) / Double(gains.count)
        let mean = gains.reduce(0, +) / Double(gains.count)
        print("GGD better on \(String(format: "%.0f", better * 100)) % of \(gains.count) layers, mean gain \(String(format: "%.2f", mean)) dB")
        #expect(better >= 0.8)
        #expect(mean >= 1)
    }
}
