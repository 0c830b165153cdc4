import CKernels
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

    /// The roles of arrays that hold a layer's weights (as bytes, packed fields, bit planes or
    /// codebook indices); the others are biases, shifts, scales and tables.
    public static let weightRoles: Set<String> = ["weights", "planes", "indices"]
}

public enum KernelArgument: Sendable {
    /// An activation tensor; `offset` elements into it (a concatenation writes each part at its offset).
    case tensor(Int, offset: Int)
    case constant(ConstantArray)
    /// Working memory (of element type `type`) in the op's scratch region of the arena, `offset`
    /// bytes in (aligned): what one call of the op writes there, a later call of the same op may read.
    case scratch(bytes: Int, type: CType, offset: Int = 0)
}

/// A runtime_c kernel family with its params: the C struct itself, imported from qc_kernels.h, so the
/// lowering must name every field the C declares (and no other), and a new family is a new case that
/// every switch over kernels (the emitter's, the tests' C runner) has to handle.
public enum Kernel: Sendable {
    case conv(qc_conv_params)
    case depthwiseConv(qc_conv_params)
    case dense(qc_dense_params)
    case convShift(qc_shift_conv_params)
    case denseShift(qc_dense_params)
    case densePacked(qc_dense_packed_params)
    case convPacked(qc_conv_packed_params)
    case unpackWeights(qc_unpack_weights_params)
    case convBitplane(qc_bitplane_conv_params)
    case convCodebook(qc_codebook_conv_params)
    case convAffine(qc_conv_affine_params)
    case depthwiseConvAffine(qc_conv_affine_params)
    case denseAffine(qc_dense_affine_params)
    case maxPool(qc_pool_params)
    case avgPool(qc_pool_params)
    case avgPoolAffine(qc_pool_params)
    case globalMaxPool(qc_global_pool_params)
    case globalAvgPool(qc_global_pool_params)
    case add(qc_add_params)
    case addAffine(qc_add_affine_params)
    case mul(qc_mul_params)
    case mulAffine(qc_mul_affine_params)
    case maxMin(qc_max_min_params)
    case preluAffine(qc_prelu_affine_params)
    case divAffine(qc_mul_affine_params)
    case compareAffine(qc_compare_affine_params)
    case select(qc_select_params)
    case l2NormalizationAffine(qc_l2_normalization_affine_params)
    case squaredDifferenceAffine(qc_add_affine_params)
    case resizeBilinear(qc_resize_bilinear_params)
    case meanAffine(qc_mean_affine_params)
    case rescale(qc_rescale_params)
    case pad(qc_pad_params)
    case transpose(qc_transpose_params)
    case indexCopy(qc_index_copy_params)
    case table(qc_table_params)
    case softmax(qc_softmax_params)
    case logSoftmax(qc_log_softmax_params)

    public var family: KernelFamily {
        switch self {
        case .conv: return .conv
        case .depthwiseConv: return .depthwiseConv
        case .dense: return .dense
        case .convShift: return .convShift
        case .denseShift: return .denseShift
        case .densePacked: return .densePacked
        case .convPacked: return .convPacked
        case .unpackWeights: return .unpackWeights
        case .convBitplane: return .convBitplane
        case .convCodebook: return .convCodebook
        case .convAffine: return .convAffine
        case .depthwiseConvAffine: return .depthwiseConvAffine
        case .denseAffine: return .denseAffine
        case .maxPool: return .maxPool
        case .avgPool: return .avgPool
        case .avgPoolAffine: return .avgPoolAffine
        case .globalMaxPool: return .globalMaxPool
        case .globalAvgPool: return .globalAvgPool
        case .add: return .add
        case .addAffine: return .addAffine
        case .mul: return .mul
        case .mulAffine: return .mulAffine
        case .maxMin: return .maxMin
        case .preluAffine: return .preluAffine
        case .divAffine: return .divAffine
        case .compareAffine: return .compareAffine
        case .select: return .select
        case .l2NormalizationAffine: return .l2NormalizationAffine
        case .squaredDifferenceAffine: return .squaredDifferenceAffine
        case .resizeBilinear: return .resizeBilinear
        case .meanAffine: return .meanAffine
        case .rescale: return .rescale
        case .pad: return .pad
        case .transpose: return .transpose
        case .indexCopy: return .indexCopy
        case .table: return .table
        case .softmax: return .softmax
        case .logSoftmax: return .logSoftmax
        }
    }

    /// The params struct (for printing and for passing by pointer).
    public var params: Any {
        switch self {
        case .conv(let p), .depthwiseConv(let p): return p
        case .dense(let p), .denseShift(let p): return p
        case .convShift(let p): return p
        case .densePacked(let p): return p
        case .convPacked(let p): return p
        case .unpackWeights(let p): return p
        case .convBitplane(let p): return p
        case .convCodebook(let p): return p
        case .convAffine(let p), .depthwiseConvAffine(let p): return p
        case .denseAffine(let p): return p
        case .maxPool(let p), .avgPool(let p), .avgPoolAffine(let p): return p
        case .globalMaxPool(let p), .globalAvgPool(let p): return p
        case .add(let p): return p
        case .addAffine(let p), .squaredDifferenceAffine(let p): return p
        case .mul(let p): return p
        case .mulAffine(let p), .divAffine(let p): return p
        case .maxMin(let p): return p
        case .preluAffine(let p): return p
        case .compareAffine(let p): return p
        case .select(let p): return p
        case .l2NormalizationAffine(let p): return p
        case .resizeBilinear(let p): return p
        case .meanAffine(let p): return p
        case .rescale(let p): return p
        case .pad(let p): return p
        case .transpose(let p): return p
        case .indexCopy(let p): return p
        case .table(let p): return p
        case .softmax(let p): return p
        case .logSoftmax(let p): return p
        }
    }
}

/// The kernel families by the name their C functions start with (qc_<name>_...).
public enum KernelFamily: String, CaseIterable, Sendable {
    case conv, depthwiseConv = "depthwise_conv", dense
    case convShift = "conv_shift", denseShift = "dense_shift", densePacked = "dense_packed", convPacked = "conv_packed", unpackWeights = "unpack_weights", convBitplane = "conv_bitplane", convCodebook = "conv_codebook"
    case convAffine = "conv_affine", depthwiseConvAffine = "depthwise_conv_affine", denseAffine = "dense_affine"
    case maxPool = "max_pool", avgPool = "avg_pool", avgPoolAffine = "avg_pool_affine"
    case globalMaxPool = "global_max_pool", globalAvgPool = "global_avg_pool"
    case add, addAffine = "add_affine", mul, mulAffine = "mul_affine", maxMin = "max_min", meanAffine = "mean_affine"
    case preluAffine = "prelu_affine", resizeBilinear = "resize_bilinear", squaredDifferenceAffine = "squared_difference_affine"
    case l2NormalizationAffine = "l2_normalization_affine", divAffine = "div_affine"
    case compareAffine = "compare_affine", select
    case rescale, pad, transpose, indexCopy = "index_copy", table, softmax, logSoftmax = "log_softmax"
}

/// A kernel instance specialised for a core, with the portable instance's outputs.
public enum KernelVariant: String, Sendable {
    /// The Armv7E-M DSP extension.
    case dsp
    /// Helium (MVE).
    case mve
}

/// One call of a runtime_c kernel: which instance, its params, and its data arguments in C argument
/// order (the last one is the output).
///
/// Both the emitter (which prints it as C) and the kernel twin tests (which pass the same struct to
/// the real function) read this, so the tested calls are the emitted ones.
public struct KernelCall: Sendable {
    public var kernel: Kernel
    /// Storage of each typed operand, in the order of the instance name.
    public var storage: [CType]
    /// nil for kernels without an accumulator.
    public var wideAccumulator: Bool?
    public var arguments: [KernelArgument]
    /// An instance specialised for a core, with the same outputs; nil for the portable one.
    public var variant: KernelVariant? = nil
    /// Whether the kernel may write its output over its input, starting at the same address (the
    /// memory planner then may give them one buffer).
    public var inPlace = InPlace.never

    public enum InPlace: Int, Sendable, Comparable {
        case never
        /// When the output is no larger than the input.
        case notLarger
        /// Whatever the sizes (the buffer is then the larger of the two).
        case anySize

        public static func < (a: InPlace, b: InPlace) -> Bool { a.rawValue < b.rawValue }
    }

    public var family: KernelFamily { kernel.family }

    public var function: String {
        "qc_\(family.rawValue)_" + storage.map(\.suffix).joined() + (wideAccumulator == true ? "_acc64" : "")
            + (variant.map { "_" + $0.rawValue } ?? "")
    }

    /// The C type of the params struct.
    public var paramsType: String { String(describing: type(of: kernel.params)) }

    /// The struct's fields in declaration order, arrays flattened (every field is int32_t).
    public var params: [(name: String, values: [Int32])] {
        Mirror(reflecting: kernel.params).children.map { field in
            if let value = field.value as? Int32 { return (field.label ?? "", [value]) }
            // A C array field imports as a tuple; qc_kernels.h declares every field int32_t.
            return (field.label ?? "", Mirror(reflecting: field.value).children.compactMap { $0.value as? Int32 })
        }
    }

    /// Bytes of the op's scratch region the call uses (0 for most kernels).
    public var scratchBytes: Int {
        arguments.reduce(0) { end, argument in
            if case .scratch(let bytes, _, let offset) = argument { return max(end, offset + bytes) }
            return end
        }
    }

    /// The struct's fields flattened to int32 values, in memory order.
    public var flatParams: [Int32] { params.flatMap(\.values) }
}
