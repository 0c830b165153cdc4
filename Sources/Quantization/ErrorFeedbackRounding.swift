import Dispatch
import Foundation
import GraphIR
import IntegerSimulator
import QuantizedIR

/// The error feedback the bit-plane scheme uses (`ErrorFeedbackPlanes`), on the fixed-point,
/// signed-digit and codebook grids: layer by layer, with the earlier layers already rounded, each
/// output's weights are rounded to the nearest grid value one input position at a time and each
/// rounding error is pushed onto the positions not yet rounded as the layer's input moments H say
/// cancels it best (GPTQ's order). The grid does not change (the same formats, digits or
/// centroids), only which grid value each weight takes, so the rounded weights go into the plan as
/// its trained weights and lowering encodes them as they are. Layers whose windows are larger than
/// `ErrorFeedbackPlanes.maxInputs`, grouped convolutions and bit-plane layers keep nearest rounding.
public enum ErrorFeedbackRounding {
    public static func apply(_ plan: inout QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet) throws {
        var trained = plan.trainedWeights ?? [:]
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            guard let layer = plan.layers[node.name], layer.planes == nil, let w = graph.constant(node.inputs[1]),
                  let h = try ErrorFeedbackPlanes.inputMoments(graph, node: node, analysis: analysis, plan: plan, calibration: calibration),
                  let grid = try Grid(w, layer: layer, name: node.name) else { continue }
            let n = w.count / w.shape[0]
            guard let u = ErrorFeedbackPlanes.inverseUpperFactor(h, n: n) else { continue }
            let rows = Slots<[Float]>(count: w.shape[0])
            let values = w.floats
            DispatchQueue.concurrentPerform(iterations: w.shape[0]) { o in
                var row = (0..<n).map { Double(values[o * n + $0]) }
                var rounded = [Float](repeating: 0, count: n)
                for j in 0..<n {
                    let q = grid.nearest(row[j], channel: o)
                    rounded[j] = Float(q)
                    let e = (row[j] - q) / u[j * n + j]
                    for k in (j + 1)..<n { row[k] -= e * u[j * n + k] }
                }
                rows.set(o, rounded)
            }
            let bias = node.inputs.count > 2 ? graph.constant(node.inputs[2])!.floats : [Float](repeating: 0, count: w.shape[0])
            trained[node.name] = TrainedLayer(weights: rows.values.flatMap { $0 }, bias: bias)
            plan.trainedWeights = trained
        }
    }

    /// The values a layer's weights can take, per output channel.
    struct Grid: Sendable {
        let quantizer: WeightQuantizer?
        let fracs: [Int]
        /// Codebook: the centroids' real values at the smallest frac, ascending.
        let centroids: [Double]?

        init?(_ w: Tensor, layer: LayerFormats, name: String) throws {
            fracs = layer.weightFracs
            if layer.clusters != nil {
                guard case .codebook(let book) = try WeightEncoder.encode(w, layer: layer, name: name) else { return nil }
                let f = book.fracs.min() ?? 0
                centroids = book.codebook.map { Double($0) * pow(2, Double(-f)) }
                quantizer = nil
            } else {
                quantizer = layer.weightQuantizer()
                centroids = nil
            }
        }

        func nearest(_ v: Double, channel o: Int) -> Double {
            let frac = fracs.count == 1 ? fracs[0] : fracs[o]
            if let quantizer { return quantizer.roundTrip(v, frac: frac) }
            // Codebook channels are the codebook scaled by 2^(smallest frac − channel frac).
            let scale = pow(2, Double((fracs.min() ?? 0) - frac))
            var best = centroids![0] * scale
            for c in centroids! where abs(c * scale - v) < abs(best - v) { best = c * scale }
            return best
        }
    }
}
