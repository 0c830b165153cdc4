import Dispatch
import FloatReference
import Foundation
import GraphIR
import IntegerSimulator
import QuantizedIR

/// Empirical bias correction (Nagel et al., "Data-free quantization", 2019, in its data-driven
/// form): coarse weights shift each output's mean by Σ_j (w_j − ŵ_j)·E[x_j]; adding that shift
/// back to the bias removes the systematic part of the error. E[x_j] is the mean of input channel
/// j's values on the calibration samples (taps in the padding are taken at that mean too), measured
/// on the network with the plan's weights.
enum BiasCorrection {
    /// Adds the correction to every planned layer in `layers`.
    static func apply(_ plan: inout QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet,
                      layers: [Int]) throws {
        let inputs = layers.map { graph.nodes[$0].inputs[0] }
        let means = try channelMeans(graph, analysis: analysis, plan: plan, calibration: calibration, of: Array(Set(inputs)))
        for (index, input) in zip(layers, inputs) {
            let node = graph.nodes[index]
            guard var layer = plan.layers[node.name], let mean = means[input], let w = graph.constant(node.inputs[1]) else { continue }
            let encoded = WeightEncoder.realValues(try WeightEncoder.encode(w, layer: layer, name: node.name))
            let values = w.floats, channels = w.shape[0], per = w.count / channels, inner = mean.count
            layer.biasCorrection = (0..<channels).map { o in
                var shift = 0.0
                for j in 0..<per { shift += Double(values[o * per + j] - encoded[o * per + j]) * mean[j % inner] }
                return Float(shift)
            }
            plan.layers[node.name] = layer
        }
    }

    /// Mean of each value's last axis (NHWC channels, dense features) over all other axes and samples.
    static func channelMeans(_ graph: Graph, analysis: QuantAnalysis, plan: QuantizationPlan, calibration: SampleSet,
                             of values: [ValueID]) throws -> [ValueID: [Double]] {
        let simulated = FakeQuant(graph, analysis: analysis, plan: plan)
        let interpreter = try Interpreter(graph: simulated.graph)
        let sums = Slots<[ValueID: [Double]]>(count: calibration.count)
        DispatchQueue.concurrentPerform(iterations: calibration.count) { i in
            var local = [ValueID: [Double]]()
            if let all = try? interpreter.evaluate(interpreter.inputs(of: calibration.values, index: i), transform: simulated.transform) {
                for id in values {
                    guard let data = all[id.index], let channels = graph.shape(id).last, channels > 0 else { continue }
                    var sum = [Double](repeating: 0, count: channels)
                    for (k, v) in data.enumerated() { sum[k % channels] += Double(v) / Double(data.count / channels) }
                    local[id] = sum
                }
            }
            sums.set(i, local)
        }
        var means = [ValueID: [Double]]()
        for local in sums.values {
            for (id, sum) in local {
                means[id] = zip(means[id] ?? [Double](repeating: 0, count: sum.count), sum).map { $0 + $1 / Double(calibration.count) }
            }
        }
        return means
    }
}
