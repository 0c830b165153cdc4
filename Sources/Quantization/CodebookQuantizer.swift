import Foundation
import GraphIR
import QuantizedIR

/// A layer's weights as a codebook: k-means over all its weights (`KMeans1D`), the
/// centroids rounded to `centroidBits`-bit integers with one fractional length for the layer,
/// each weight the index of its nearest rounded centroid.
///
/// Output channels whose weights are much smaller than the layer's largest (batch-norm folding
/// makes channel ranges differ 100-fold) would all fall into the one or two centroids around zero.
/// Each channel o is therefore scaled by a power of two 2^s_o (s_o ≥ 0, the largest channel's 0)
/// before clustering, and its weights carry frac f + s_o: q · 2^−(f + s_o). That costs nothing at
/// run time (the requantization shift is per channel anyway) and changes nothing for layers
/// whose channels have similar ranges.
public enum CodebookQuantizer {
    /// Centroids are int16 in storage; 8 bits keep every product in the range of an 8-bit
    /// weight's; 12-bit centroids gained at most 0.1 pp on the corpus MNIST models at K = 16.
    public static let defaultCentroidBits = 8

    public static func indexBits(clusters: Int) -> Int { max(1, Int(ceil(log2(Double(clusters))))) }

    /// Why a layer stays in the fixed scheme, or nil when the codebook kernel takes it.
    public static func fallbackReason(_ node: Node, weightShape shape: [Int]) -> String? {
        if case .conv2d(let conv) = node.op, conv.dilationH != 1 || conv.dilationW != 1 {
            return "dilated convolution (the codebook kernel has dilation 1)"
        }
        let window = shape.dropFirst().reduce(1, *)
        if window > maxWindow { return "windows of \(window) weights (at most \(maxWindow))" }
        return nil
    }

    /// The largest window the C kernel takes: its per-cluster sums hold n · 2^15 for 16-bit inputs.
    public static let maxWindow = 65536

    /// Per output channel, s_o = ⌊log2(layer max / channel max)⌋ (0 for all-zero channels), the
    /// spread capped like the fixed scheme's fracs.
    public static func channelShifts(_ values: [Float], channels: Int) -> [Int] {
        let per = values.count / max(channels, 1)
        let maxima = (0..<channels).map { o in values[(o * per)..<((o + 1) * per)].reduce(Float(0)) { max($0, abs($1)) } }
        let largest = maxima.max() ?? 0
        return maxima.map { m in m > 0 ? min(Int(floor(log2(Double(largest) / Double(m)))), FixedPointPlanner.maxFracSpread) : 0 }
    }

    /// The weights scaled by 2^s_o per output channel.
    static func normalized(_ values: [Float], shifts: [Int]) -> [Float] {
        let per = values.count / max(shifts.count, 1)
        return values.indices.map { values[$0] * Float(pow(2, Double(shifts[$0 / per]))) }
    }

    /// The layer's per-channel fracs: the codebook's frac plus each channel's shift.
    public static func fracs(_ values: [Float], channels: Int, clusters: Int, bits: Int) -> [Int] {
        let shifts = channelShifts(values, channels: channels)
        let f = frac(centroids(normalized(values, shifts: shifts), clusters: clusters), bits: bits)
        return shifts.map { f + $0 }
    }

    /// The float centroids of (normalized) weights, ascending (kept for the process, like bit-plane fits).
    public static func centroids(_ values: [Float], clusters: Int) -> [Double] {
        memo.value(for: CentroidKey(values: values, clusters: clusters)) {
            KMeans1D.cluster(values.map(Double.init), k: clusters).centroids
        }
    }

    private struct CentroidKey: Hashable {
        let values: [Float], clusters: Int
    }
    private static let memo = ProcessMemo<CentroidKey, [Double]>()

    /// The largest fractional length at which every centroid rounds into `bits` signed bits.
    public static func frac(_ centroids: [Double], bits: Int) -> Int {
        let largest = centroids.map(abs).max() ?? 0
        return BitPlaneQuantizer.largestFrac(rounding: largest, into: Double((1 << (bits - 1)) - 1)) ?? 0
    }

    /// The encoding at per-channel `fracs` (or one for all): the centroids of the normalized
    /// weights rounded at the smallest frac (equal ones merged), each weight the index of the
    /// nearest of them at its channel's frac.
    public static func encode(_ values: [Float], clusters: Int, centroidBits: Int, fracs: [Int], form: CodebookForm) -> CodebookWeights {
        let f = fracs.min() ?? 0, shifts = fracs.map { $0 - f }
        let per = values.count / max(fracs.count, 1)
        let scale = pow(2, Double(f)), limit = Double((1 << (centroidBits - 1)) - 1)
        let rounded = centroids(normalized(values, shifts: shifts), clusters: clusters).map { min(max(($0 * scale).rounded(), -limit), limit) }
        let codebook = Array(Set(rounded)).sorted()
        let indices = values.indices.map { nearest(Double(values[$0]) * pow(2, Double(fracs[$0 / per])), in: codebook) }
        let bits = indexBits(clusters: clusters)
        return CodebookWeights(codebook: codebook.map { Int16($0) }, centroidBits: centroidBits, indexBits: bits,
                               indices: CodebookWeights.pack(indices, bits: bits), weightCount: values.count, fracs: fracs, form: form)
    }

    /// The index of the entry of an ascending list closest to v (the lower one on a tie).
    static func nearest(_ v: Double, in sorted: [Double]) -> Int {
        var lo = 0, hi = sorted.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid + 1] + sorted[mid] < 2 * v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The cheaper kernel form for outputs summing `window` weights with `centroids` centroids,
    /// a multiply costing `multiplyCycles`: the lookup form costs `lookupCycles` plus a multiply
    /// per weight; the accumulating form `binCycles` per weight, then `centroidCycles` plus a
    /// multiply per centroid.
    public static func cheaperForm(window: Int, centroids: Int, multiplyCycles: Int) -> CodebookForm {
        let m = Double(multiplyCycles), n = Double(window), k = Double(centroids)
        let lookup = n * (lookupCycles + m)
        let accumulate = n * binCycles + k * (centroidCycles + m)
        return accumulate < lookup ? .accumulate : .lookup
    }

    /// Executed instructions of the runtime_c kernel on Cortex-M4 (QEMU, yan12125's dense layers
    /// at K = 16, windows of 256 and 120 weights), the multiply taken out.
    static let lookupCycles = 13.4, binCycles = 15.0, centroidCycles = 17.0
}
