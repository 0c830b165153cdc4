import FixedPoint
import Foundation
import GraphIR
import IntegerSimulator
import QuantizedIR

/// A layer's weights as bit planes: groups cut by the grouping, each fitted by
/// `BitPlanes.fit`, the scales rounded to `alphaBits`-bit integers with one fractional length per
/// output channel (the largest that keeps the channel's biggest scale in range).
public enum BitPlaneQuantizer {
    /// Scales are int16 in storage; 12 bits keep the accumulator of most layers in 32 bits.
    public static let defaultAlphaBits = 12

    /// Why a layer stays in the fixed scheme with `planes` planes, or nil when bit planes apply.
    /// Bit planes must need fewer multiplies per output than the plain kernel's MACs.
    public static func fallbackReason(_ node: Node, weightShape shape: [Int], planes: Int, grouping: BitPlaneGrouping) -> String? {
        if case .conv2d(let conv) = node.op, conv.dilationH != 1 || conv.dilationW != 1 {
            return "dilated convolution (the bit-plane kernel has dilation 1)"
        }
        let layout = Layout(shape: shape, grouping: grouping)
        let macs = shape.dropFirst().reduce(1, *)
        let multiplies = planes * layout.groupsPerOutput
        if multiplies >= macs {
            return "\(planes) plane\(planes == 1 ? "" : "s") (\(grouping.rawValue)) need \(multiplies) multiplies per output, the plain kernel \(macs)"
        }
        if layout.groupSize > BitPlaneWeights.maxGroupSize {
            return "groups of \(layout.groupSize) weights (at most \(BitPlaneWeights.maxGroupSize))"
        }
        return nil
    }

    /// How groups cut an OHWI (or [O, K]) weight tensor.
    struct Layout {
        let outputs: Int, groupSize: Int, groupsPerOutput: Int
        init(shape: [Int], grouping: BitPlaneGrouping) {
            outputs = shape[0]
            let perOutput = shape.dropFirst().reduce(1, *)
            switch grouping {
            case .filter:
                groupsPerOutput = 1
                groupSize = perOutput
            case .kernel2d:
                groupsPerOutput = shape.count == 4 ? shape[3] : perOutput
                groupSize = perOutput / groupsPerOutput
            }
        }
        var groupCount: Int { outputs * groupsPerOutput }

        func index(group g: Int, _ j: Int) -> Int {
            BitPlaneWeights.weightIndex(group: g, j, groupSize: groupSize, groupsPerOutput: groupsPerOutput)
        }
    }

    /// The float fit of every group, in group order. A quantization run asks for each layer's fit
    /// several times (the planner for the formats, FakeQuant while calibrating, the lowering), so
    /// fits are kept for the process: they depend on nothing else.
    public static func fit(_ values: [Float], shape: [Int], planes: Int, grouping: BitPlaneGrouping) -> [BitPlaneFit] {
        memo.value(for: FitKey(values: values, shape: shape, planes: planes, grouping: grouping)) {
            computeFit(values, shape: shape, planes: planes, grouping: grouping)
        }
    }

    /// Fits kept in a plan, checked against the layer's shape.
    static func fits(_ fitted: FittedPlanes, shape: [Int], planes: Int, grouping: BitPlaneGrouping, layer: String) throws -> [BitPlaneFit] {
        let layout = Layout(shape: shape, grouping: grouping)
        return try fitted.fits(groups: layout.groupCount, planes: planes, groupSize: layout.groupSize, layer: layer)
    }

    private struct FitKey: Hashable {
        let values: [Float], shape: [Int], planes: Int, grouping: BitPlaneGrouping
    }
    private static let memo = ProcessMemo<FitKey, [BitPlaneFit]>()

    private static func computeFit(_ values: [Float], shape: [Int], planes: Int, grouping: BitPlaneGrouping) -> [BitPlaneFit] {
        let layout = Layout(shape: shape, grouping: grouping)
        let fits = Slots<BitPlaneFit>(count: layout.groupCount)
        DispatchQueue.concurrentPerform(iterations: layout.groupCount) { g in
            let w = (0..<layout.groupSize).map { Double(values[layout.index(group: g, $0)]) }
            fits.set(g, BitPlanes.fit(w, planes: planes))
        }
        return fits.values
    }

    /// Per output channel: the largest fractional length at which every scale of the channel
    /// rounds into `alphaBits` signed bits; channels with no nonzero scale take the finest of the
    /// others (their scales are 0 at any frac). Spread capped like the fixed scheme's.
    public static func alphaFracs(_ fits: [BitPlaneFit], shape: [Int], grouping: BitPlaneGrouping, alphaBits: Int) -> [Int] {
        let layout = Layout(shape: shape, grouping: grouping)
        let limit = Double((1 << (alphaBits - 1)) - 1)
        let fracs: [Int?] = (0..<layout.outputs).map { o in
            let largest = fits[(o * layout.groupsPerOutput)..<((o + 1) * layout.groupsPerOutput)].flatMap(\.alphas).max() ?? 0
            return largestFrac(rounding: largest, into: limit)
        }
        let live = fracs.compactMap { $0 }
        let fallback = live.max() ?? 0
        return FixedPointPlanner.limitingSpread(fracs.map { $0 ?? fallback })
    }

    /// The largest fractional length f at which round(magnitude·2^f) ≤ limit (nil for 0).
    static func largestFrac(rounding magnitude: Double, into limit: Double) -> Int? {
        guard magnitude > 0, magnitude.isFinite else { return nil }
        var f = Int(floor(log2(limit / magnitude)))
        while (magnitude * pow(2, Double(f))).rounded() > limit { f -= 1 }
        return f
    }

    /// The QuantizedIR encoding of fitted groups at the given fracs.
    public static func encode(_ fits: [BitPlaneFit], shape: [Int], grouping: BitPlaneGrouping, alphaBits: Int, fracs: [Int]) -> BitPlaneWeights {
        let layout = Layout(shape: shape, grouping: grouping)
        let planes = fits.first?.alphas.count ?? 1
        let groupWords = BitPlaneWeights.wordsPerPlane(groupSize: layout.groupSize)
        var words = [UInt32](repeating: 0, count: layout.groupCount * planes * groupWords)
        var alphas = [Int16](repeating: 0, count: layout.groupCount * planes)
        let limit = Double((1 << (alphaBits - 1)) - 1)
        for (g, fit) in fits.enumerated() {
            let frac = fracs.count == 1 ? fracs[0] : fracs[g / layout.groupsPerOutput]
            for m in 0..<planes {
                alphas[g * planes + m] = Int16(min(max((fit.alphas[m] * pow(2, Double(frac))).rounded(), -limit), limit))
                let base = (g * planes + m) * groupWords
                for (j, sign) in fit.planes[m].enumerated() where sign > 0 {
                    words[base + j / 32] |= UInt32(1) << UInt32(31 - j % 32)
                }
            }
        }
        return BitPlaneWeights(grouping: grouping, planes: planes, groupSize: layout.groupSize, groupsPerOutput: layout.groupsPerOutput,
                               words: words, alphas: alphas, alphaBits: alphaBits, fracs: fracs, shape: shape)
    }
}
