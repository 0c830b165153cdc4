import Foundation
import QuantizedIR
import Quantization

/// A bit-plane layer whose scales are trained themselves: each group's M scales α move by their
/// exact gradient (ŵ is linear in α: ∂L/∂α_m = Σ_j g_j·B_mj), and every step each weight takes the
/// nearest of the group's 2^M levels Σ ±α_m given the float weight (Lloyd's assignment step), so
/// the signs follow the float weights, which train straight through. Refitting the scales to the
/// weights by least squares instead (`WeightProjection`) chooses them for the weights' error, not
/// for the loss. Scales round to the plan's integer format in the forward pass, as the encoder
/// rounds them.
struct LearnedPlanes: Sendable {
    var alphas: [[Float]]
    let groupSize: Int, groupsPerOutput: Int, planes: Int
    let alphaFracs: [Int], alphaLimit: Float
    var adam: Adam
    /// The signs of the last `project`: group by group, plane by plane, ±1.
    private(set) var signs: [Int8] = []

    init(fits: [BitPlaneFit], shape: [Int], formats: LayerFormats) {
        planes = fits.first?.alphas.count ?? 1
        let perOutput = shape.dropFirst().reduce(1, *)
        groupsPerOutput = formats.grouping == .kernel2d ? (shape.count == 4 ? shape[3] : perOutput) : 1
        groupSize = perOutput / groupsPerOutput
        alphas = fits.map { $0.alphas.map(Float.init) }
        alphaFracs = formats.weightFracs
        alphaLimit = Float((1 << ((formats.alphaBits ?? BitPlaneQuantizer.defaultAlphaBits) - 1)) - 1)
        adam = Adam(count: fits.count * planes)
    }

    private func rounded(_ alpha: Float, group g: Int) -> Float {
        let frac = alphaFracs.count == 1 ? alphaFracs[0] : alphaFracs[g / groupsPerOutput]
        let scale = Float(pow(2, Double(frac)))
        return min(max((alpha * scale).rounded(.toNearestOrAwayFromZero), -alphaLimit), alphaLimit) / scale
    }

    private func index(_ g: Int, _ j: Int) -> Int {
        BitPlaneWeights.weightIndex(group: g, j, groupSize: groupSize, groupsPerOutput: groupsPerOutput)
    }

    /// The forward weights for float weights w: each the nearest level of its group (signs kept
    /// for `update`).
    mutating func project(_ w: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: w.count)
        let count = 1 << planes
        var newSigns = [Int8](repeating: 1, count: alphas.count * planes * groupSize)
        var levels = [Float](repeating: 0, count: count)
        for g in alphas.indices {
            let a = alphas[g].indices.map { rounded(alphas[g][$0], group: g) }
            for code in 0..<count {
                var level: Float = 0
                for m in 0..<planes { level += code >> m & 1 == 1 ? a[m] : -a[m] }
                levels[code] = level
            }
            let base = g * planes * groupSize
            for j in 0..<groupSize {
                let i = index(g, j), x = w[i]
                var best = 0, bestError = Float.infinity
                for code in 0..<count {
                    let error = abs(x - levels[code])
                    if error < bestError { (best, bestError) = (code, error) }
                }
                out[i] = levels[best]
                for m in 0..<planes where best >> m & 1 == 0 { newSigns[base + m * groupSize + j] = -1 }
            }
        }
        signs = newSigns
        return out
    }

    /// One optimiser step of the scales from the gradient of the forward weights.
    mutating func update(gradient: [Float], scale: Float, rate: Float) {
        var flat = alphas.flatMap { $0 }
        var g = [Float](repeating: 0, count: flat.count)
        for group in alphas.indices {
            let base = group * planes * groupSize
            for j in 0..<groupSize {
                let d = gradient[index(group, j)]
                for m in 0..<planes { g[group * planes + m] += d * Float(signs[base + m * groupSize + j]) }
            }
        }
        adam.update(&flat, gradient: g, scale: scale, rate: rate)
        for group in alphas.indices { alphas[group] = Array(flat[(group * planes)..<((group + 1) * planes)]) }
    }

    /// The fits the plan keeps, so lowering encodes exactly these signs and scales.
    var fits: [BitPlaneFit] {
        alphas.indices.map { g in
            let base = g * planes * groupSize
            return BitPlaneFit(alphas: alphas[g].map(Double.init),
                               planes: (0..<planes).map { m in Array(signs[(base + m * groupSize)..<(base + (m + 1) * groupSize)]) })
        }
    }
}
