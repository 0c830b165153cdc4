import CEmitter
import Quantization
import Verification

/// Everything one report shows, as the JSON `quantc report --json` writes: the HTML is drawn
/// from this value only, so the page and the JSON of a run cannot disagree.
public struct Report: Encodable, Sendable {
    public var model: String
    public var generator: String
    /// "host", a board name, or nil when nothing was built (static figures only).
    public var target: String?
    public var samples: Int
    public var runs: [ReportRun]
    public var activation_histogram: ActivationHistogram?

    public init(model: String, generator: String, target: String?, samples: Int, runs: [ReportRun],
                activation_histogram: ActivationHistogram? = nil) {
        self.model = model
        self.generator = generator
        self.target = target
        self.samples = samples
        self.runs = runs
        self.activation_histogram = activation_histogram
        markParetoFronts()
    }

    /// The cost a run's "multiplies" plot uses: executed multiply instructions when measured on a
    /// board, else the multiplies in the program.
    public static func multiplies(_ run: ReportRun) -> Int { run.multiply_instructions_per_inference ?? run.multiplies_static }

    /// The accuracy the plots use: top-1 against the labels, or agreement with the float model.
    public static func accuracy(_ run: ReportRun) -> Double { run.quant_accuracy ?? run.agreement }

    mutating func markParetoFronts() {
        let memory = Set(Pareto.front(runs.map { (Double($0.weight_bytes), Report.accuracy($0)) }))
        let multiplies = Set(Pareto.front(runs.map { (Double(Report.multiplies($0)), Report.accuracy($0)) }))
        for i in runs.indices {
            runs[i].pareto_weight_bytes = memory.contains(i)
            runs[i].pareto_multiplies = multiplies.contains(i)
        }
    }
}

/// One quantization of the model: what `quantize --json` reports, the bundle's memory, and what
/// the target measured when there was one.
public struct ReportRun: Encodable, Sendable {
    /// "fixed:8", "bitplane:2", … as given to --compare, or the scheme of a single run.
    public var label: String
    public var scheme: String
    public var float_accuracy: Double?
    public var quant_accuracy: Double?
    public var agreement: Double
    /// Weights and biases packed at their bit widths (`quantize --json`'s weight_bytes).
    public var weight_bytes: Int
    public var weight_bytes_ratio_8bit: Double
    /// The C bundle's weight arrays as stored (a byte per weight unless packed), and all its
    /// constant arrays (weights, biases, shifts, tables).
    public var stored_weight_bytes: Int
    public var constant_bytes: Int
    public var arena_bytes: Int
    public var arena_lower_bound: Int
    public var macs: Int
    public var multiplies_static: Int
    public var multiply_cost_ratio_8bit: Double
    public var bit_exact: Bool?
    public var instructions_per_inference: Int?
    public var multiply_instructions_per_inference: Int?
    /// From the plugin's timing model of the board's core (zero-wait-state memory): an estimate.
    public var estimated_cycles_per_inference: Int?
    public var flash_bytes: Int?
    public var ram_bytes: Int?
    public var pareto_weight_bytes = false
    public var pareto_multiplies = false
    public var layers: [ReportLayer]
    public var op_names: [String]
    public var arena_blocks: [ReportArenaBlock]
    /// Accepted steps of the bit-allocation search (`--weight-bits auto` only).
    public var search_trajectory: [ReportSearchStep]?

    /// `measured`: the verification of the same program on a target, when one ran.
    public init(label: String, scheme: String, quantization q: QuantizationReport, bundle: Bundle, opNames: [String],
                measured: VerificationReport? = nil, trajectory: [ReportSearchStep]? = nil) {
        self.label = label
        self.scheme = scheme
        float_accuracy = q.float_accuracy
        quant_accuracy = q.quant_accuracy
        agreement = q.agreement
        weight_bytes = q.weight_bytes
        weight_bytes_ratio_8bit = q.weight_bytes_ratio_8bit
        stored_weight_bytes = bundle.weightBytes
        constant_bytes = bundle.constantBytes
        arena_bytes = bundle.arena.arenaBytes
        arena_lower_bound = bundle.arena.lowerBound
        macs = q.macs
        multiplies_static = q.multiplies_static
        multiply_cost_ratio_8bit = q.multiply_cost_ratio_8bit
        bit_exact = measured?.bit_exact
        instructions_per_inference = measured?.instructions_per_inference
        multiply_instructions_per_inference = measured?.multiply_instructions_per_inference
        estimated_cycles_per_inference = measured?.estimated_cycles_per_inference
        flash_bytes = measured?.flash_bytes
        ram_bytes = measured?.ram_bytes
        let measuredLayers = Dictionary((measured?.layers ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        layers = q.layers.map { layer in
            ReportLayer(name: layer.name, op: layer.op, weight_scheme: layer.weight_scheme, weight_bits: layer.weight_bits,
                        bits_per_weight: layer.bits_per_weight, act_bits: layer.act_bits, sqnr_db: layer.sqnr_db.map { ($0 * 100).rounded() / 100 },
                        macs: layer.macs, multiplies: layer.multiplies, instructions: measuredLayers[layer.name]?.instructions,
                        multiply_instructions: measuredLayers[layer.name]?.multiply_instructions,
                        estimated_cycles: measuredLayers[layer.name]?.estimated_cycles)
        }
        op_names = opNames
        arena_blocks = bundle.arena.blocks.map {
            ReportArenaBlock(name: $0.name, offset: $0.offset, bytes: $0.bytes, first_op: $0.firstOp, last_op: $0.lastOp)
        }
        search_trajectory = trajectory
    }
}

public struct ReportLayer: Encodable, Sendable {
    public var name: String
    public var op: String
    public var weight_scheme: String?
    public var weight_bits: Int?
    public var bits_per_weight: Double?
    public var act_bits: Int
    public var sqnr_db: Double?
    public var macs: Int
    public var multiplies: Int
    public var instructions: Int?
    public var multiply_instructions: Int?
    public var estimated_cycles: Int?
}

public struct ReportArenaBlock: Encodable, Sendable, Equatable {
    public var name: String
    public var offset: Int
    public var bytes: Int
    public var first_op: Int
    public var last_op: Int
}

public struct ReportSearchStep: Encodable, Sendable {
    public var description: String
    /// Top-1 on the search samples, estimated as the float accuracy there minus the step's loss
    /// rate (gains are not counted, so it is a lower bound).
    public var accuracy: Double
    public var weight_bytes_ratio: Double
    public var multiply_cost_ratio: Double

    public init(_ step: SearchStep, floatAccuracy: Double) {
        description = step.description
        accuracy = ((floatAccuracy - step.loss) * 1e6).rounded() / 1e6
        weight_bytes_ratio = (step.weightBytesRatio * 1e6).rounded() / 1e6
        multiply_cost_ratio = (step.multiplyCostRatio * 1e6).rounded() / 1e6
    }
}
