import FixedPoint
import Foundation
import GraphIR
import QuantizedIR

/// How weights are stored and multiplied: fixed point, signed digits (shift), bit planes, codebooks,
/// or an int8 model computed as TFLite does.
public enum Scheme: String, Codable, CaseIterable, Sendable {
    case fixed, shift, bitplane, codebook, int8

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let scheme = Scheme(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(name)' is not one of "
                                                   + Scheme.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = scheme
    }
}

/// Every format choice of a quantization run, keyed by graph names, so `export` and `verify`
/// can rebuild the same integer program without calibrating or searching again (`--plan`).
public struct QuantizationPlan: Codable, Sendable {
    public var model: String
    public var scheme: Scheme
    public var step: StepMethod
    public var perChannel: Bool
    /// Formats of activation tensors (graph inputs and every op that produces a new format), by key.
    public var activations: [String: QFormat]
    /// Weight and bias formats of conv and dense layers, by node name.
    public var layers: [String: LayerFormats]
    /// The bit-allocation search's accepted steps, when the plan came from `--weight-bits auto`.
    public var searchTrajectory: [SearchStep]?
    /// `--scheme int8`: whose fully-connected rounding to reproduce (nil: TFLM's).
    public var fullyConnectedRounding: FullyConnectedRounding?
    /// Fine-tuned weights and biases of conv and dense layers, by node name (`quantc finetune`):
    /// lowering encodes these instead of the model's.
    public var trainedWeights: [String: TrainedLayer]?
    /// How the trained weights were made, and what they bought.
    public var fineTuning: FineTuningRecord?

    public init(model: String, scheme: Scheme, step: StepMethod, perChannel: Bool,
                activations: [String: QFormat] = [:], layers: [String: LayerFormats] = [:]) {
        self.model = model
        self.scheme = scheme
        self.step = step
        self.perChannel = perChannel
        self.activations = activations
        self.layers = layers
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The largest plan file read: a ResNet-8 bit-plane plan with fitted planes is a few tens of kilobytes,
    /// one with fine-tuned weights about 0.5 MB (j-dong's 921,000 weights: 5 MB).
    public static let maxFileBytes = 256 << 20

    /// Reads a plan and checks it against the model (`PlanValidation`).
    public static func read(from path: String, for graph: Graph) throws -> QuantizationPlan {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maxFileBytes {
            throw QuantizationError("\(path): \(size) bytes is too large for a quantization plan")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw QuantizationError("\(path): cannot read the plan") }
        let plan: QuantizationPlan
        do {
            plan = try JSONDecoder().decode(QuantizationPlan.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = context.codingPath.isEmpty ? Self.describe(context) : "\(Self.describe(context)): \(context.debugDescription)"
            throw QuantizationError("\(path): not a quantization plan (\(detail))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw QuantizationError("\(path): not a quantization plan (\(Self.describe(context, key: key)) is missing)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw QuantizationError("\(path): not a quantization plan (\(Self.describe(context)): \(context.debugDescription))")
        } catch {
            throw QuantizationError("\(path): not a quantization plan")
        }
        try PlanValidation.validate(plan, for: graph, file: path)
        return plan
    }

    /// A decoding error's place in the JSON, as a dotted path.
    static func describe(_ context: DecodingError.Context, key: CodingKey? = nil) -> String {
        let path = (context.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
        return path.isEmpty ? context.debugDescription : path.joined(separator: ".")
    }
}

/// Whose rounding an int8 fully-connected layer reproduces: TFLM with CMSIS-NN rounds twice (the
/// doubling high multiply, then the rounding shift) as in every other layer; ai-edge-litert's
/// reference kernel rounds once.
public enum FullyConnectedRounding: String, Codable, Sendable, CaseIterable {
    case tflm, tflite
}

public struct LayerFormats: Codable, Sendable, Equatable {
    /// Fixed point: the weights' bits. Signed digits: 8 (one byte code per weight). Bit planes and
    /// codebooks: the bits of the scales or centroids.
    public var weightBits: Int
    /// One fractional length per layer, or one per output channel.
    public var weightFracs: [Int]
    public var biasBits: Int
    public var biasFrac: Int
    /// Signed digits (the shift scheme): at most this many terms per weight; nil for fixed point.
    public var digits: Int?
    /// Signed digits: exponents 0 ..< exponents.
    public var exponents: Int?
    /// Signed digits: the rounding rule.
    public var rounding: DigitRounding?
    /// Bit planes: planes per group (nil for the other encodings); `weightFracs` are the scales' fracs.
    public var planes: Int?
    public var grouping: BitPlaneGrouping?
    /// Bit planes: the fits themselves, when they came from calibration data (`ErrorFeedbackPlanes`)
    /// rather than from the weights alone.
    public var fittedPlanes: FittedPlanes?
    /// Bit planes: bits of the integer scales.
    public var alphaBits: Int?
    /// Codebook: centroids per layer (`weightBits` are the centroids' bits, `weightFracs` their one frac).
    public var clusters: Int?
    /// Codebook: the kernel form.
    public var codebookForm: CodebookForm?
    /// Why the layer is not in the plan's scheme (a bit-plane plan keeps some layers fixed).
    public var note: String?
    /// Added to the float bias before it is quantized (`BiasCorrection`), one per output channel.
    public var biasCorrection: [Float]?
    public init(weightBits: Int, weightFracs: [Int], biasBits: Int, biasFrac: Int, digits: Int? = nil, exponents: Int? = nil,
                rounding: DigitRounding? = nil) {
        self.weightBits = weightBits
        self.weightFracs = weightFracs
        self.biasBits = biasBits
        self.biasFrac = biasFrac
        self.digits = digits
        self.exponents = exponents
        self.rounding = rounding
    }

    /// The layer's float bias (zeros when it has none) plus any correction.
    public func bias(_ graph: Graph, _ node: Node) -> [Float] {
        let channels = graph.constant(node.inputs[1])!.shape[0]
        var bias = node.inputs.count > 2 ? graph.constant(node.inputs[2])!.floats : [Float](repeating: 0, count: channels)
        if let biasCorrection { for o in bias.indices { bias[o] += biasCorrection[o] } }
        return bias
    }

    /// How a weight becomes an integer: a fixed-point format, or a signed-digit rounding.
    public func weightQuantizer() -> WeightQuantizer {
        guard let digits else { return WeightQuantizer(bits: weightBits, table: nil, digits: 0, exponents: 0, rounding: .nearest) }
        let exponents = exponents ?? SignedDigit.maxExponents
        return WeightQuantizer(bits: weightBits, table: SignedDigit.table(digits: digits, exponents: exponents), digits: digits,
                               exponents: exponents, rounding: rounding ?? .nearest)
    }
}

/// Signed-digit rounding: the nearest representable value (default) or the canonical signed-digit
/// expansion truncated to its leading digits (the ablation).
public enum DigitRounding: String, Codable, Sendable, CaseIterable {
    case nearest
    case csdTruncate = "csd-truncate"
}

/// Rounds real weights to the integers of a layer's encoding.
public struct WeightQuantizer: Sendable {
    let bits: Int
    let table: [SignedDigit]?
    let digits: Int, exponents: Int
    let rounding: DigitRounding

    public var isSignedDigits: Bool { table != nil }

    /// The signed digit of w at fractional length frac.
    public func digit(_ w: Double, frac: Int) -> SignedDigit {
        let scaled = w * pow(2, Double(frac))
        return rounding == .nearest ? SignedDigit.nearest(scaled, in: table!) : SignedDigit.csdTruncate(scaled, digits: digits, exponents: exponents)
    }

    /// The integer q with w ≈ q · 2^−frac.
    public func integer(_ w: Double, frac: Int) -> Int64 {
        table == nil ? QFormat(bits: bits, frac: frac).quantize(w) : digit(w, frac: frac).value
    }

    public func roundTrip(_ w: Double, frac: Int) -> Double { Double(integer(w, frac: frac)) * pow(2, Double(-frac)) }
}

/// One accepted move of the bit-allocation search.
public struct SearchStep: Codable, Sendable {
    public var description: String
    /// Loss rate on the search samples after the step.
    public var loss: Double
    public var weightBytesRatio: Double
    public var multiplyCostRatio: Double
}

/// A quantization problem phrased for the user.
public struct QuantizationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
