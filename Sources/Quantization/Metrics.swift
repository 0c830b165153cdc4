import FixedPoint
import FloatReference
import Foundation
import GraphIR
import IntegerSimulator
import QuantizedIR

/// What a quantized program costs and how well it agrees with the float model.
public struct QuantizationReport: Sendable, Encodable {
    public struct Layer: Sendable, Encodable {
        public var name: String, op: String
        public var macs: Int
        public var multiplies: Int
        public var weight_bits: Int?
        /// Storage per weight including bit-plane scales (fractional for bit planes).
        public var bits_per_weight: Double?
        /// The layer's weight encoding: fixed, shift, bitplane or codebook.
        public var weight_scheme: String?
        /// ‖w − ŵ‖ / ‖w‖ of the quantized weights against the float ones.
        public var weight_error: Double?
        /// Codebook layers: centroids in the codebook and the kernel form (lookup or accumulate).
        public var clusters: Int?
        public var kernel_form: String?
        public var weight_frac: [Int]?
        public var bias_bits: Int?
        public var act_bits: Int
        public var act_frac: Int
        public var sqnr_db: Double?
        public var accumulator: String?
        /// Why the layer is not in the plan's scheme.
        public var note: String?
    }
    public var float_accuracy: Double?
    public var quant_accuracy: Double?
    public var agreement: Double
    /// The program's first output against the float model's over all samples, in dB: the figure
    /// that means something for a regressor (one output value, where top-1 agreement is always 1).
    public var output_sqnr_db: Double?
    public var samples: Int
    public var weight_bytes: Int
    public var weight_bytes_ratio_8bit: Double
    public var multiply_cost_ratio_8bit: Double
    public var macs: Int
    public var multiplies_static: Int
    public var layers: [Layer]
}

public enum Metrics {
    /// Storage of the weights in bytes (packed at their bit width) plus biases at theirs.
    public static func weightBits(_ program: QProgram) -> (weights: Int, biases: Int, eightBit: Int) {
        var weights = 0, biases = 0, eight = 0
        for node in program.ops {
            switch node.op {
            case .conv(let c):
                let n = c.weights.count
                weights += Int((Double(n) * c.weights.bitsPerWeight).rounded())
                eight += n * 8
                biases += c.bias.count * c.biasBits
            case .dense(let d):
                let n = d.weights.count
                weights += Int((Double(n) * d.weights.bitsPerWeight).rounded())
                eight += n * 8
                biases += d.bias.count * d.biasBits
            default: break
            }
        }
        return (weights, biases, eight)
    }

    /// ‖w − ŵ‖ / ‖w‖ of a layer's encoded weights against the graph's float weights (nil when the
    /// graph has no layer of that name or its weights are all zero).
    static func relativeError(_ graph: Graph, layer name: String, _ weights: WeightEncoding) -> Double? {
        guard let node = graph.nodes.first(where: { $0.name == name }), node.inputs.count > 1,
              let w = graph.constant(node.inputs[1])?.floats, w.count == weights.count else { return nil }
        let approximation = WeightEncoder.realValues(weights)
        var power = 0.0, noise = 0.0
        for (x, y) in zip(w, approximation) {
            power += Double(x) * Double(x)
            noise += (Double(x) - Double(y)) * (Double(x) - Double(y))
        }
        return power > 0 ? ((noise / power).squareRoot() * 1e5).rounded() / 1e5 : nil
    }

    /// MACs of a program op (one multiply per MAC in the fixed scheme).
    public static func macs(_ program: QProgram, _ op: QOp) -> Int { program.macs(of: op) }

    /// Σ MAC·b_w·b_x / Σ MAC·64: the multiplier-area proxy.
    public static func multiplyCostRatio(_ program: QProgram) -> Double {
        var cost = 0.0, reference = 0.0
        for node in program.ops {
            let m = Double(macs(program, node.op))
            guard m > 0 else { continue }
            let xBits = Double(program.tensors[node.op.inputs[0]].format.bits)
            if let weights = node.op.weights {
                cost += Double(program.multiplies(of: node.op)) * Double(weights.multiplierOperandBits) * xBits
            }
            reference += m * 64
        }
        return reference > 0 ? cost / reference : 0
    }

    /// Accuracy of the float reference and of the integer program, their top-1 agreement, and
    /// per-tensor SQNR (dB) of the program against the float graph on the first `sqnrSamples`.
    /// `simulated`: the simulator's integer outputs for `data` when the caller already has them
    /// (verification compares them with the C), so they are not computed twice.
    public static func evaluate(graph: Graph, lowered: Lowering.Result, data: SampleSet, sqnrSamples: Int = 50,
                                simulated: [[Int32]]? = nil) throws -> QuantizationReport {
        let program = lowered.program
        let interpreter = try Interpreter(graph: graph)
        let floatOutputs = try interpreter.runMany(samples: data.values, count: data.count)
        let simulator = Simulator(program: program)
        let quantOutputs = simulated ?? simulator.runMany(samples: data.values, count: data.count)
        let floatTop = floatOutputs.map(argmax), quantTop = quantOutputs.map(argmax)
        let agreement = Double(zip(floatTop, quantTop).filter { $0 == $1 }.count) / Double(max(data.count, 1))
        // The first output as real values, against the float model's.
        let output = program.tensors[program.outputs[0]]
        var outputPower = 0.0, outputNoise = 0.0
        for (x, q) in zip(floatOutputs, quantOutputs) {
            for (f, i) in zip(x.prefix(output.count), q.prefix(output.count)) {
                let d = Double(f) - output.dequantize(Int64(i))
                outputPower += Double(f) * Double(f)
                outputNoise += d * d
            }
        }
        // Not when the program ends before the model does (a final softmax left out): other values.
        let sameOutput = lowered.tensorValues[program.outputs[0]] == graph.outputs.first
        let outputSQNR: Double? = !sameOutput || outputPower == 0 ? nil : (outputNoise == 0 ? 999 : 10 * log10(outputPower / outputNoise))
        var floatAccuracy: Double?, quantAccuracy: Double?
        if let labels = data.labels {
            floatAccuracy = Double(zip(floatTop, labels).filter { $0 == $1 }.count) / Double(data.count)
            quantAccuracy = Double(zip(quantTop, labels).filter { $0 == $1 }.count) / Double(data.count)
        }

        // SQNR per program tensor against the float value it represents.
        var power = [Int: Double](), noise = [Int: Double]()
        for i in 0..<min(sqnrSamples, data.count) {
            let reference = try interpreter.evaluate(interpreter.inputs(of: data.values, index: i))
            let integers = simulator.evaluate(simulator.quantizeInputs(data.values, index: i))
            for node in program.ops {
                let t = node.op.output
                guard let value = lowered.tensorValues[t], let expected = reference[value.index] else { continue }
                let tensor = program.tensors[t]
                for (x, q) in zip(expected, integers[t]) {
                    let y = tensor.dequantize(Int64(q))
                    power[t, default: 0] += Double(x) * Double(x)
                    noise[t, default: 0] += (Double(x) - y) * (Double(x) - y)
                }
            }
        }

        var layers = [QuantizationReport.Layer]()
        for node in program.ops {
            let t = node.op.output
            let format = program.tensors[t].format
            var layer = QuantizationReport.Layer(name: node.name, op: node.op.kind, macs: macs(program, node.op),
                                                 multiplies: macs(program, node.op), act_bits: format.bits, act_frac: format.frac)
            if let p = power[t], let n = noise[t] { layer.sqnr_db = n == 0 ? 999 : (p == 0 ? nil : 10 * log10(p / n)) }
            layer.multiplies = program.multiplies(of: node.op)
            if let weights = node.op.weights {
                layer.weight_bits = Int(weights.bitsPerWeight.rounded(.up))
                layer.bits_per_weight = (weights.bitsPerWeight * 1000).rounded() / 1000
                layer.weight_scheme = weights.scheme
                layer.weight_frac = weights.fracs
                // int8-affine weights are the model file's own integers: no error to measure.
                if !isAffine(node.op) { layer.weight_error = relativeError(graph, layer: node.name, weights) }
                layer.note = lowered.notes[node.name]
                if case .codebook(let w) = weights {
                    layer.clusters = w.codebook.count
                    layer.kernel_form = w.form.rawValue
                }
            }
            switch node.op {
            case .conv(let c):
                layer.bias_bits = c.biasBits
                layer.accumulator = c.accumulator.rawValue
            case .dense(let d):
                layer.bias_bits = d.biasBits
                layer.accumulator = d.accumulator.rawValue
            default:
                break
            }
            layers.append(layer)
        }
        let bits = weightBits(program)
        let totalMacs = layers.reduce(0) { $0 + $1.macs }
        return QuantizationReport(float_accuracy: floatAccuracy, quant_accuracy: quantAccuracy, agreement: agreement,
                                  output_sqnr_db: outputSQNR.map { ($0 * 100).rounded() / 100 }, samples: data.count, weight_bytes: (bits.weights + bits.biases + 7) / 8,
                                  weight_bytes_ratio_8bit: bits.eightBit > 0 ? Double(bits.weights) / Double(bits.eightBit) : 0,
                                  multiply_cost_ratio_8bit: multiplyCostRatio(program), macs: totalMacs,
                                  multiplies_static: layers.reduce(0) { $0 + $1.multiplies }, layers: layers)
    }
}

/// Whether an op computes TFLite's int8-affine arithmetic (`--scheme int8`).
func isAffine(_ op: QOp) -> Bool {
    switch op {
    case .conv(let c): return c.requantize.affine != nil
    case .dense(let d): return d.requantize.affine != nil
    case .affineAdd, .affineMul, .affineMean, .softmax: return true
    default: return false
    }
}
