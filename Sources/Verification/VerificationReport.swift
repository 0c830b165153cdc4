import Foundation

/// The JSON of `quantc verify --json`. Fields that do not apply to a target are null, not absent.
public struct VerificationReport: Encodable, Sendable {
    public struct Layer: Encodable, Sendable {
        public var name: String
        public var op: String
        public var macs: Int
        public var multiplies: Int
        public var instructions: Int?
        public var multiply_instructions: Int?
        /// From the plugin's timing model of the core (zero-wait-state memory): an estimate.
        public var estimated_cycles: Int?
        public var weight_bits: Int?
        public var bits_per_weight: Double?
        public var weight_scheme: String?
        public var weight_error: Double?
        /// Codebook layers: centroids and the kernel form (lookup or accumulate).
        public var clusters: Int?
        public var kernel_form: String?
        public var note: String?
        public var act_bits: Int
        public var sqnr_db: Double?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(name, forKey: "name")
            try c.encode(op, forKey: "op")
            try c.encode(macs, forKey: "macs")
            try c.encode(multiplies, forKey: "multiplies")
            try c.encode(instructions, forKey: "instructions")
            try c.encode(multiply_instructions, forKey: "multiply_instructions")
            try c.encode(estimated_cycles, forKey: "estimated_cycles")
            try c.encode(weight_bits, forKey: "weight_bits")
            try c.encode(bits_per_weight, forKey: "bits_per_weight")
            try c.encode(weight_scheme, forKey: "weight_scheme")
            try c.encode(weight_error, forKey: "weight_error")
            try c.encode(clusters, forKey: "clusters")
            try c.encode(kernel_form, forKey: "kernel_form")
            try c.encode(note, forKey: "note")
            try c.encode(act_bits, forKey: "act_bits")
            try c.encode(sqnr_db.map { ($0 * 100).rounded() / 100 }, forKey: "sqnr_db")
        }
    }

    public var model: String
    public var scheme: String
    public var target: String
    public var samples: Int
    public var float_accuracy: Double?
    public var quant_accuracy: Double?
    public var agreement: Double
    /// The first output against the float model's, in dB (nil when the program ends before the model does).
    public var output_sqnr_db: Double?
    /// nil when the target was built but not run (a board without an emulator).
    public var bit_exact: Bool?
    public var mismatched_samples: Int
    /// The first differing sample and output index, for a human.
    public var first_mismatch: String?
    public var macs: Int
    public var multiplies_static: Int
    public var instructions_per_inference: Int?
    public var multiply_instructions_per_inference: Int?
    /// Cycles per inference from the plugin's timing model of the core, with zero-wait-state
    /// memory: an estimate (nil for cores without a model and for the host).
    public var estimated_cycles_per_inference: Int?
    /// The bundle's weight arrays as stored, and all its constant arrays (weights, biases, shifts, tables).
    public var weight_bytes: Int
    public var constant_bytes: Int
    public var arena_bytes: Int
    public var arena_lower_bound: Int
    public var arena_naive_bytes: Int
    public var flash_bytes: Int?
    public var ram_bytes: Int?
    /// .text + .data of the bundle's code (constants excluded) compiled for the host (host target only).
    public var host_code_bytes: Int?
    public var layers: [Layer]

    struct Key: CodingKey, ExpressibleByStringLiteral {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringLiteral value: String) { stringValue = value }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(model, forKey: "model")
        try c.encode(scheme, forKey: "scheme")
        try c.encode(target, forKey: "target")
        try c.encode(samples, forKey: "samples")
        try c.encode(float_accuracy, forKey: "float_accuracy")
        try c.encode(quant_accuracy, forKey: "quant_accuracy")
        try c.encode(agreement, forKey: "agreement")
        try c.encode(output_sqnr_db, forKey: "output_sqnr_db")
        try c.encode(bit_exact, forKey: "bit_exact")
        try c.encode(mismatched_samples, forKey: "mismatched_samples")
        try c.encode(first_mismatch, forKey: "first_mismatch")
        try c.encode(macs, forKey: "macs")
        try c.encode(multiplies_static, forKey: "multiplies_static")
        try c.encode(instructions_per_inference, forKey: "instructions_per_inference")
        try c.encode(multiply_instructions_per_inference, forKey: "multiply_instructions_per_inference")
        try c.encode(estimated_cycles_per_inference, forKey: "estimated_cycles_per_inference")
        try c.encode(weight_bytes, forKey: "weight_bytes")
        try c.encode(constant_bytes, forKey: "constant_bytes")
        try c.encode(arena_bytes, forKey: "arena_bytes")
        try c.encode(arena_lower_bound, forKey: "arena_lower_bound")
        try c.encode(arena_naive_bytes, forKey: "arena_naive_bytes")
        try c.encode(flash_bytes, forKey: "flash_bytes")
        try c.encode(ram_bytes, forKey: "ram_bytes")
        try c.encode(host_code_bytes, forKey: "host_code_bytes")
        try c.encode(layers, forKey: "layers")
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
