import FixedPoint
import Foundation
import GraphIR
import QuantizedIR

/// A plan read from a file is untrusted input: every number in it is checked against the model and
/// the ranges the lowering and the C kernels admit before anything is computed from it, so a
/// hand-edited or corrupted plan fails with one line naming the file and the field, never a trap.
///
/// The rules:
/// - scheme: fixed, shift, bitplane, codebook or int8;
/// - activation formats: bits 2…16, frac −64…64;
/// - per layer: weight bits 2…16 (signed digits: 8), weight fracs −64…64, one per layer or one per
///   output channel, bias bits 2…32, bias frac −64…64; signed digits: digits 1…2, exponents 1…8;
///   bit planes: planes 1…4, scale bits 2…16; codebook: clusters 2…256; at most one encoding per
///   layer, and only the plan's scheme (or plain fixed point, which every scheme may keep);
///   bias corrections one finite value per output channel;
/// - the plan names only layers the model has, and has formats for every layer and tensor the
///   integer program needs; a bias frac at most the accumulator's (input frac + weight frac);
/// - trained weights only for layers the model has, as many finite values as the layer's weights and
///   output channels.
public enum PlanValidation {
    public static let activationBits = 2...16
    public static let weightBits = 2...16
    public static let biasBits = 2...32
    /// Fractional lengths: 2^±64 covers every float32 weight and activation a network trains to,
    /// and keeps every shift and scale the lowering derives from them finite and in Int range.
    public static let fracs = -64...64
    public static let digits = 1...2
    public static let exponents = 1...SignedDigit.maxExponents
    public static let planes = 1...4
    public static let alphaBits = 2...16
    public static let clusters = 2...CodebookWeights.maxClusters

    static func range(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound)…\(r.upperBound)" }

    /// Throws the first problem, prefixed with `file`.
    public static func validate(_ plan: QuantizationPlan, for graph: Graph, file: String) throws {
        func fail(_ message: String) -> QuantizationError { QuantizationError("\(file): \(message)") }
        // The scheme itself is checked as the plan is decoded (`Scheme`).
        if plan.scheme == .int8 { return }
        for (key, format) in plan.activations.sorted(by: { $0.key < $1.key }) {
            guard activationBits.contains(format.bits) else { throw fail("activations.\(key).bits \(format.bits) is outside \(range(activationBits))") }
            guard fracs.contains(format.frac) else { throw fail("activations.\(key).frac \(format.frac) is outside \(range(fracs))") }
        }
        let weighted = Dictionary(graph.nodes.filter { $0.op.isWeighted }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, layer) in plan.layers.sorted(by: { $0.key < $1.key }) {
            guard let node = weighted[name], let w = graph.constant(node.inputs[1]) else {
                throw fail("layers.\(name): the model has no convolution or dense layer of that name")
            }
            try validate(layer, channels: w.shape[0], scheme: plan.scheme, field: "layers.\(name)", fail: fail)
        }
        for (name, trained) in (plan.trainedWeights ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let node = weighted[name], let w = graph.constant(node.inputs[1]) else {
                throw fail("trainedWeights.\(name): the model has no convolution or dense layer of that name")
            }
            guard trained.weights.values.count == w.count else {
                throw fail("trainedWeights.\(name).weights has \(trained.weights.values.count) values for \(w.count) weights")
            }
            guard trained.bias.values.count == w.shape[0] else {
                throw fail("trainedWeights.\(name).bias has \(trained.bias.values.count) values for \(w.shape[0]) output channels")
            }
            guard trained.weights.values.allSatisfy(\.isFinite), trained.bias.values.allSatisfy(\.isFinite) else {
                throw fail("trainedWeights.\(name) holds a value that is not finite")
            }
        }
        for name in weighted.keys.sorted() where plan.layers[name] == nil {
            throw fail("layers: no formats for layer '\(name)'")
        }
        let analysis = try QuantAnalysis(graph)
        var needed = graph.inputs
        for (index, node) in graph.nodes.enumerated() where index != analysis.droppedSoftmax { needed.append(contentsOf: node.outputs) }
        for id in needed where analysis.format(of: id, in: plan) == nil {
            throw fail("activations: no format for tensor '\(graph[id].name)'")
        }
        // The bias is aligned to the accumulator by a left shift: its frac may not exceed the
        // accumulator's (input frac + weight frac) on any channel.
        for (name, layer) in plan.layers.sorted(by: { $0.key < $1.key }) {
            guard let node = weighted[name], let input = analysis.format(of: node.inputs[0], in: plan) else { continue }
            if let w = layer.weightFracs.min(), layer.biasFrac > input.frac + w {
                throw fail("layers.\(name).biasFrac \(layer.biasFrac) exceeds the accumulator's frac \(input.frac + w) (input \(input.frac) + weights \(w))")
            }
        }
    }

    static func validate(_ layer: LayerFormats, channels: Int, scheme: Scheme, field: String,
                         fail: (String) -> QuantizationError) throws {
        let encodings = [layer.digits != nil ? Scheme.shift : nil, layer.planes != nil ? .bitplane : nil, layer.clusters != nil ? .codebook : nil]
            .compactMap { $0 }
        guard encodings.count <= 1 else { throw fail("\(field) has fields of several encodings (\(encodings.map(\.rawValue).joined(separator: ", ")))") }
        if let encoding = encodings.first, encoding != scheme {
            throw fail("\(field) is a \(encoding.rawValue) layer in a \(scheme.rawValue) plan")
        }
        guard weightBits.contains(layer.weightBits) else { throw fail("\(field).weightBits \(layer.weightBits) is outside \(range(weightBits))") }
        guard layer.weightFracs.count == 1 || layer.weightFracs.count == channels else {
            throw fail("\(field).weightFracs has \(layer.weightFracs.count) entries for \(channels) output channels (1 or \(channels))")
        }
        if let bad = layer.weightFracs.first(where: { !fracs.contains($0) }) {
            throw fail("\(field).weightFracs holds \(bad), outside \(range(fracs))")
        }
        guard biasBits.contains(layer.biasBits) else { throw fail("\(field).biasBits \(layer.biasBits) is outside \(range(biasBits))") }
        guard fracs.contains(layer.biasFrac) else { throw fail("\(field).biasFrac \(layer.biasFrac) is outside \(range(fracs))") }
        if let d = layer.digits {
            guard digits.contains(d) else { throw fail("\(field).digits \(d) is outside \(range(digits))") }
            guard layer.weightBits == 8 else { throw fail("\(field).weightBits must be 8 for signed digits (one byte code per weight)") }
        }
        if let e = layer.exponents, !exponents.contains(e) { throw fail("\(field).exponents \(e) is outside \(range(exponents))") }
        if let p = layer.planes, !planes.contains(p) { throw fail("\(field).planes \(p) is outside \(range(planes))") }
        if let a = layer.alphaBits, !alphaBits.contains(a) { throw fail("\(field).alphaBits \(a) is outside \(range(alphaBits))") }
        if let k = layer.clusters, !clusters.contains(k) { throw fail("\(field).clusters \(k) is outside \(range(clusters))") }
        if let correction = layer.biasCorrection {
            guard correction.count == channels else {
                throw fail("\(field).biasCorrection has \(correction.count) entries for \(channels) output channels")
            }
            guard correction.allSatisfy(\.isFinite) else { throw fail("\(field).biasCorrection holds a value that is not finite") }
        }
        if let fitted = layer.fittedPlanes, !fitted.isFinite { throw fail("\(field).fittedPlanes holds a value that is not finite") }
    }
}

extension Op {
    /// Convolutions and dense layers: the ops with weight formats in a plan.
    var isWeighted: Bool {
        switch self {
        case .conv2d, .dense: return true
        default: return false
        }
    }
}
