import FixedPoint
import FloatReference
import Foundation
import GraphIR

/// Simulates a (possibly partial) plan in floating point: weights and biases replaced by their
/// quantized values, and every planned activation rounded to its format as it is produced.
/// It rounds as the integer program does (inputs half away from zero as `QFormat.quantize`, every
/// kernel's output half up as its rounding shift) and so tracks it closely, at float speed: the
/// bit-allocation search scores candidates with it, while reported accuracy always comes from the
/// `IntegerSimulator`. Ties matter: on a blank background a conv's output is exactly its bias.
public struct FakeQuant: Sendable {
    public let graph: Graph
    public let transform: Interpreter.Transform
    /// The format each value is rounded to, by `ValueID.index` (graph inputs half away from zero, as
    /// samples are quantized; everything else half up).
    public let activationFormats: [Int: QFormat]

    /// `plan` may cover only some layers and tensors; the rest stays float. Fine-tuned weights in
    /// the plan replace the model's.
    public init(_ source: Graph, analysis: QuantAnalysis, plan: QuantizationPlan) {
        let source = plan.applyingTrainedWeights(to: source)
        var graph = source
        for index in analysis.weightedLayers {
            let node = source.nodes[index]
            guard let layer = plan.layers[node.name] else { continue }
            let w = source.constant(node.inputs[1])!
            // A plan that does not encode (a search's half-built candidate) leaves the layer float.
            guard let encoding = try? WeightEncoder.encode(w, layer: layer, name: node.name) else { continue }
            let values = WeightEncoder.realValues(encoding)
            let wID = graph.addConstant(name: source[node.inputs[1]].name, Tensor(shape: w.shape, floats: values))
            var inputs = [node.inputs[0], wID]
            if node.inputs.count > 2 || layer.biasCorrection != nil {
                let format = QFormat(bits: layer.biasBits, frac: layer.biasFrac)
                let bias = layer.bias(source, node)
                inputs.append(graph.addConstant(name: node.inputs.count > 2 ? source[node.inputs[2]].name : node.name + ".bias",
                                                Tensor(shape: [bias.count], floats: bias.map { Float(format.roundTrip(Double($0))) })))
            }
            graph.nodes[index].inputs = inputs
        }
        self.graph = graph
        var formats = [Int: QFormat]()
        for id in analysis.producers {
            if let key = analysis.keys[id], let format = plan.activations[key] { formats[id.index] = format }
        }
        for average in analysis.averages {
            if let format = analysis.format(of: average.output, in: plan) { formats[average.output.index] = format }
        }
        let table = formats
        let inputs = Set(source.inputs.map(\.index))
        activationFormats = table
        transform = { id, values in
            guard let format = table[id.index] else { return }
            Self.round(&values, to: format, halfAwayFromZero: inputs.contains(id.index))
        }
    }

    /// Rounds values to a format as the integer program does: samples half away from zero, kernel
    /// outputs half up (their rounding shift), both saturated.
    public static func round(_ values: inout [Float], to format: QFormat, halfAwayFromZero: Bool) {
        let scale = Float(pow(2, Double(format.frac))), step = 1 / scale
        let lo = Float(format.minInt), hi = Float(format.maxInt)
        if halfAwayFromZero {
            for i in values.indices {
                values[i] = min(max((values[i] * scale).rounded(.toNearestOrAwayFromZero), lo), hi) * step
            }
        } else {
            for i in values.indices { values[i] = min(max((values[i] * scale + 0.5).rounded(.down), lo), hi) * step }
        }
    }

    /// Top-1 predictions over contiguous samples.
    public func predictions(samples: [Float], count: Int) throws -> [Int] {
        try Interpreter(graph: graph).runMany(samples: samples, count: count, transform: transform).map(argmax)
    }
}

/// Index of the largest value (the first on ties).
public func argmax<T: Comparable>(_ values: [T]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}
