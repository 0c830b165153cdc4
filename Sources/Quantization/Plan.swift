import FixedPoint
import Foundation

/// Every format choice of a quantization run, keyed by graph names, so `export` and `verify`
/// can rebuild the same integer program without calibrating or searching again (`--plan`).
public struct QuantizationPlan: Codable, Sendable {
    public var model: String
    public var scheme: String
    public var step: StepMethod
    public var perChannel: Bool
    /// Formats of activation tensors (graph inputs and every op that produces a new format), by key.
    public var activations: [String: QFormat]
    /// Weight and bias formats of conv and dense layers, by node name.
    public var layers: [String: LayerFormats]
    /// The bit-allocation search's accepted steps, when the plan came from `--weight-bits auto`.
    public var searchTrajectory: [SearchStep]?

    public init(model: String, scheme: String, step: StepMethod, perChannel: Bool,
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
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    public static func read(from path: String) throws -> QuantizationPlan {
        guard let data = FileManager.default.contents(atPath: path) else { throw QuantizationError("\(path): cannot read the plan") }
        do {
            return try JSONDecoder().decode(QuantizationPlan.self, from: data)
        } catch {
            throw QuantizationError("\(path): not a quantization plan (\(error))")
        }
    }
}

public struct LayerFormats: Codable, Sendable, Equatable {
    public var weightBits: Int
    /// One fractional length per layer, or one per output channel.
    public var weightFracs: [Int]
    public var biasBits: Int
    public var biasFrac: Int
    public init(weightBits: Int, weightFracs: [Int], biasBits: Int, biasFrac: Int) {
        self.weightBits = weightBits
        self.weightFracs = weightFracs
        self.biasBits = biasBits
        self.biasFrac = biasFrac
    }
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
