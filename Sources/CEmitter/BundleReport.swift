import Foundation
import QuantizedIR

/// report.json of a bundle: sizes, the memory plan and every layer's kernel.
public struct BundleReport: Codable, Sendable {
    public struct TensorInfo: Codable, Sendable {
        public var name: String
        public var shape: [Int]
        public var bits: Int
        public var frac: Int
        /// "input", "output" or "arena+OFFSET".
        public var location: String
    }
    public struct Layer: Codable, Sendable {
        public var name: String
        public var op: String
        public var kernels: [String]
        public var macs: Int
        public var output: TensorInfo
    }

    public var model: String
    public var generator: String
    public var prefix: String
    public var input: TensorInfo
    public var output: TensorInfo
    public var arena_bytes: Int
    public var arena_lower_bound: Int
    public var arena_naive_bytes: Int
    /// The weight arrays as stored, and every constant array (weights, biases, shifts, tables).
    public var weight_bytes: Int
    public var constant_bytes: Int
    public var params_bytes: Int
    public var macs: Int
    public var in_place_ops: [String]
    public var layers: [Layer]

    init(program: QProgram, arena: ArenaPlan, layers emitted: [EmittedLayer], options: BundleOptions, constantBytes: Int, weightBytes: Int,
         paramsBytes: Int) {
        func info(_ id: Int) -> TensorInfo {
            let t = program.tensors[id]
            let location: String
            switch arena.locations[id] {
            case .input(let k)?: location = program.inputs.count == 1 ? "input" : "input \(k)"
            case .output(let k)?: location = program.outputs.count == 1 ? "output" : "output \(k)"
            case .arena(let offset)?: location = "arena+\(offset)"
            case nil: location = "unused"
            }
            return TensorInfo(name: t.name, shape: t.shape, bits: t.format.bits, frac: t.format.frac, location: location)
        }
        model = options.modelName
        generator = options.generator
        prefix = options.prefix
        input = info(program.inputs[0])
        output = info(program.outputs[0])
        arena_bytes = arena.arenaBytes
        arena_lower_bound = arena.lowerBound
        arena_naive_bytes = arena.naiveBytes
        weight_bytes = weightBytes
        constant_bytes = constantBytes
        params_bytes = paramsBytes
        macs = program.ops.reduce(0) { $0 + program.macs(of: $1.op) }
        in_place_ops = arena.inPlaceOps
        layers = emitted.map { layer in
            Layer(name: layer.node.name, op: layer.node.op.kind, kernels: layer.calls.map(\.function),
                  macs: program.macs(of: layer.node.op), output: info(layer.node.op.output))
        }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
