import FixedPoint
import QuantizedIR

/// C storage of one array.
public enum CType: String, Sendable {
    case s8 = "int8_t", s16 = "int16_t", s32 = "int32_t", s64 = "int64_t"
    /// Signed-digit weight codes.
    case u8 = "uint8_t"
    /// Bit-plane words.
    case u32 = "uint32_t"

    public var bytes: Int {
        switch self {
        case .s8, .u8: return 1
        case .s16: return 2
        case .s32, .u32: return 4
        case .s64: return 8
        }
    }

    /// The storage of a fixed-point value of `bits` bits (int8_t up to 8 bits, else int16_t).
    public static func storage(bits: Int) -> CType { bits <= 8 ? .s8 : .s16 }

    /// The suffix kernel names use for it.
    public var suffix: String { self == .s8 ? "s8" : "s16" }
}

/// Constant data a kernel reads from flash (weights, biases, shifts, tables).
public struct ConstantArray: Sendable {
    public var role: String
    public var type: CType
    public var values: [Int64]
    public var bytes: Int { type.bytes * values.count }
}

public enum KernelArgument: Sendable {
    /// An activation tensor; `offset` elements into it (a concatenation writes each part at its offset).
    case tensor(Int, offset: Int)
    case constant(ConstantArray)
    /// Working memory for the duration of the call (4-byte aligned, of element type `type`), placed in the arena.
    case scratch(bytes: Int, type: CType)
}

/// One call of a runtime_c kernel: which instance, the fields of its params struct in declaration
/// order, and its data arguments in C argument order (the last one is the output).
///
/// Both the emitter (which prints it as C) and the kernel twin tests (which fill the real struct
/// from `params` and call the real function) read this, so the tested calls are the emitted ones.
public struct KernelCall: Sendable {
    public var family: String
    public var paramsType: String
    public var params: [(name: String, values: [Int32])]
    /// Storage of each typed operand, in the order of the instance name.
    public var storage: [CType]
    /// nil for kernels without an accumulator.
    public var wideAccumulator: Bool?
    public var arguments: [KernelArgument]
    /// An instance specialised for a core ("dsp"), with the same outputs; nil for the portable one.
    public var variant: String? = nil
    /// The kernel may write its output over its input (the memory planner then may share them).
    public var worksInPlace = false

    public var function: String {
        "qc_\(family)_" + storage.map(\.suffix).joined() + (wideAccumulator == true ? "_acc64" : "") + (variant.map { "_" + $0 } ?? "")
    }

    /// Bytes of scratch memory the call needs (0 for most kernels).
    public var scratchBytes: Int {
        arguments.reduce(0) { total, argument in
            if case .scratch(let bytes, _) = argument { return total + bytes }
            return total
        }
    }

    /// The struct's fields flattened to int32 values, in memory order.
    public var flatParams: [Int32] { params.flatMap(\.values) }
}
