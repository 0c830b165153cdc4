import Foundation
import Quantization

/// One round of supervised iterative quantization for a codebook layer (the k-means scheme's
/// training loop): the layer's weights are clustered, then tied to their centroids while the
/// centroids train, each by the sum of its members' gradients (weight sharing, as Han et al. train
/// it). The next round clusters the tied weights again, from the trained centroids (a Lloyd step),
/// so the codebook carries over. Letting the float weights train beside the centroids and
/// re-clustering them instead diverged on ResNet-8 after the first round (76.5 % → 8.6 %).
///
/// Centroids live where the codebook scheme clusters: weights scaled by 2^s per output channel
/// (`CodebookQuantizer.channelShifts`, here the plan's fracs less their smallest).
struct CodebookRound: Sendable {
    var centroids: [Float]
    let assignment: [Int32]
    /// 2^−s of each weight's output channel: real weight = centroid · scale.
    let channelScale: [Float]
    let perChannel: Int
    var adam: Adam

    /// The first round clusters the weights; later rounds keep the trained centroids and move each
    /// weight to the nearest of them.
    init(weights: [Float], formats: LayerFormats, clusters: Int, previous: CodebookRound? = nil) {
        let channels = formats.weightFracs.count
        let per = weights.count / max(channels, 1)
        let smallest = formats.weightFracs.min() ?? 0
        let scales = formats.weightFracs.map { Float(pow(2, Double(-($0 - smallest)))) }
        perChannel = per
        channelScale = scales
        let normalized = weights.indices.map { weights[$0] / scales[$0 / per] }
        let found = previous?.centroids ?? CodebookQuantizer.centroids(normalized, clusters: clusters).map(Float.init)
        centroids = found
        assignment = normalized.map { v in
            var best = 0
            for k in found.indices where abs(found[k] - v) < abs(found[best] - v) { best = k }
            return Int32(best)
        }
        adam = previous?.adam ?? Adam(count: found.count)
    }

    /// The tied weights: each one its centroid, at its channel's scale.
    var weights: [Float] {
        assignment.indices.map { centroids[Int(assignment[$0])] * channelScale[$0 / perChannel] }
    }

    /// One optimiser step: each centroid moves by the sum of its members' gradients.
    mutating func update(gradient: [Float], scale: Float, rate: Float) {
        var sums = [Float](repeating: 0, count: centroids.count)
        for i in gradient.indices { sums[Int(assignment[i])] += gradient[i] * channelScale[i / perChannel] }
        adam.update(&centroids, gradient: sums, scale: scale, rate: rate)
    }
}
