import Foundation
import QuantizedIR
import Quantization

/// `--weight-bits`: a number of bits for every layer, or the bit-allocation search.
public enum WeightBits: Equatable, Sendable {
    case uniform(Int)
    case auto

    /// "auto" or 2…16; nil for anything else.
    public init?(_ text: String) {
        if text == "auto" { self = .auto; return }
        guard let bits = Int(text), (2...16).contains(bits) else { return nil }
        self = .uniform(bits)
    }

    public var description: String {
        switch self {
        case .uniform(let bits): return String(bits)
        case .auto: return "auto"
        }
    }
}

/// Everything that decides a plan, parsed and checked once: what `quantize`, `export`, `verify`
/// and `report` share. The command line fills it; `Pipeline.plan` turns it into a plan.
public struct PlanRequest: Sendable {
    public var scheme: Scheme = .fixed
    public var fullyConnectedRounding: FullyConnectedRounding = .tflm
    public var digits = 2
    public var rounding: DigitRounding = .nearest
    public var planes = 2
    public var grouping: BitPlaneGrouping = .filter
    public var alphaBits = BitPlaneQuantizer.defaultAlphaBits
    public var planeOverrides = [String: Int]()
    public var biasCorrection = false
    /// Error-feedback rounding: nil for each scheme's default (on for bit planes only).
    public var errorFeedback: Bool?
    public var clusters = 16
    public var clusterOverrides = [String: Int]()
    public var centroidBits = CodebookQuantizer.defaultCentroidBits
    public var codebookForm: CodebookFormChoice = .lookup
    public var multiplyCycles = 1
    public var weightBits: WeightBits = .uniform(8)
    public var actBits = 8
    public var biasBits = 16
    /// The search's accuracy budget, in percentage points.
    public var maxDrop = 1.0
    public var objective: SearchObjective = .balanced
    public var step: StepMethod = .mse
    public var perChannel = false
    public var refineFracs = false
    /// A plan written by `quantize -o` to reuse instead of planning.
    public var planFile: String?

    public init() {}
}
