import FixedPoint

/// One operation of the program, with its tensors and every integer it needs (the structs are in
/// FixedPointOps.swift and Int8Ops.swift). Every stage after the quantizer switches over it
/// exhaustively, so a new case does not compile until the simulator and the emitter handle it.
public enum QOp: Codable, Sendable {
    case conv(QConv)
    case dense(QDense)
    case maxPool(QPool)
    case avgPool(QPool)
    case globalAvgPool(QUnary)
    case globalMaxPool(QUnary)
    case add(QAdd)
    /// Element-wise product of two tensors (a gate, a swish, a squeeze-and-excitation scale).
    case mul(QMul)
    /// Element-wise maximum or minimum of two tensors (TFLite MAXIMUM/MINIMUM, ONNX Max/Min).
    case maxMin(QMaxMin)
    case concat(QConcat)
    case pad(QPad)
    /// Copies the data unchanged into a tensor of another shape (a view in C).
    case reshape(QUnary)
    case transpose(QTranspose)
    /// Copies values by constant indices (slice, split, gather, mirror pad, nearest resize,
    /// depth/space rearrangement); the output keeps the input's format.
    case indexCopy(QIndexCopy)
    /// Requantizes to the output format and clamps (a standalone ReLU, ReLU6 or clip).
    case clamp(QClamp)
    /// Element-wise lookup (sigmoid, tanh).
    case table(QTable)
    /// int8-affine addition of two tensors with their own scales (TFLite's quantized ADD).
    case affineAdd(QAffineAdd)
    /// int8-affine multiplication of two tensors with their own scales (TFLite's quantized MUL).
    case affineMul(QAffineMul)
    /// int8-affine mean over H and W with its own input and output scales (TFLite's integer MEAN).
    case affineMean(QAffineMean)
    /// TFLite's int8 SQUARED_DIFFERENCE: its ADD's input rescaling (left shift 7), then the squared
    /// difference rescaled to the output (the clamp fields unused).
    case affineSquaredDifference(QAffineAdd)
    /// TFLite's int8 L2_NORMALIZATION over the last axis: output scale 1/128, zero point 0.
    case affineL2Normalization(QAffineL2Normalization)
    /// TFLite's int8 DIV (`Affine.divide`), with the fields of its MUL: the multiplier and shift are
    /// a's scale / (b's scale · the output's).
    case affineDiv(QAffineMul)
    /// TFLite's int8 comparisons (GREATER, LESS, EQUAL, ...): 1 where it holds, else 0.
    case affineCompare(QAffineCompare)
    /// TFLite's SELECT/SELECT_V2 of int8 values: a where the condition is nonzero, else b, copied as
    /// they are stored.
    case select(QSelect)
    /// int8-affine PReLU with a constant slope (TFLite's PRELU).
    case affinePRelu(QAffinePRelu)
    /// Bilinear resizing of int8 values as TFLite computes it (positions in 1/1024, one rounding).
    case resizeBilinear(QResizeBilinear)
    /// int8-affine softmax over the last axis (TFLite's reference integer softmax).
    case softmax(QSoftmax)
    /// int8-affine log-softmax over the last axis (TFLite's reference integer LOG_SOFTMAX).
    case logSoftmax(QLogSoftmax)

    public var kind: String {
        switch self {
        case .conv(let c): return c.groups > 1 ? (c.groups == c.outChannels && c.inChannelsPerGroup == 1 ? "depthwise_conv" : "grouped_conv") : "conv"
        case .dense: return "dense"
        case .maxPool: return "maxpool"
        case .avgPool: return "avgpool"
        case .globalAvgPool: return "global_avgpool"
        case .globalMaxPool: return "global_maxpool"
        case .add: return "add"
        case .mul: return "mul"
        case .maxMin(let m): return m.minimum ? "minimum" : "maximum"
        case .concat: return "concat"
        case .pad: return "pad"
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .indexCopy(let c): return c.source
        case .clamp: return "clamp"
        case .table: return "table"
        case .affineAdd: return "add"
        case .affineMul: return "mul"
        case .affineMean: return "mean"
        case .affinePRelu: return "prelu"
        case .affineCompare(let c): return c.comparison.rawValue
        case .select: return "select"
        case .affineDiv: return "div"
        case .affineL2Normalization: return "l2_normalization"
        case .affineSquaredDifference: return "squared_difference"
        case .resizeBilinear: return "resize_bilinear"
        case .softmax: return "softmax"
        case .logSoftmax: return "log_softmax"
        }
    }

    /// The weights of a conv or dense layer.
    public var weights: WeightEncoding? {
        switch self {
        case .conv(let c): return c.weights
        case .dense(let d): return d.weights
        default: return nil
        }
    }

    /// Tensors read and written.
    public var inputs: [Int] {
        switch self {
        case .conv(let c): return [c.input]
        case .dense(let d): return [d.input]
        case .maxPool(let p), .avgPool(let p): return [p.input]
        case .globalAvgPool(let u), .globalMaxPool(let u), .reshape(let u): return [u.input]
        case .add(let a): return [a.a, a.b]
        case .mul(let m): return [m.a, m.b]
        case .maxMin(let m): return [m.a, m.b]
        case .concat(let c): return c.inputs
        case .pad(let p): return [p.input]
        case .transpose(let t): return [t.input]
        case .indexCopy(let c): return [c.input]
        case .clamp(let c): return [c.input]
        case .table(let t): return [t.input]
        case .affineAdd(let a): return [a.a, a.b]
        case .affineMul(let m): return [m.a, m.b]
        case .affineMean(let m): return [m.input]
        case .affinePRelu(let r): return [r.input]
        case .affineCompare(let c): return [c.a, c.b]
        case .select(let s): return [s.condition, s.a, s.b]
        case .affineDiv(let m): return [m.a, m.b]
        case .affineL2Normalization(let l): return [l.input]
        case .affineSquaredDifference(let a): return [a.a, a.b]
        case .resizeBilinear(let r): return [r.input]
        case .softmax(let s): return [s.input]
        case .logSoftmax(let s): return [s.input]
        }
    }

    public var output: Int {
        switch self {
        case .conv(let c): return c.output
        case .dense(let d): return d.output
        case .maxPool(let p), .avgPool(let p): return p.output
        case .globalAvgPool(let u), .globalMaxPool(let u), .reshape(let u): return u.output
        case .add(let a): return a.output
        case .mul(let m): return m.output
        case .maxMin(let m): return m.output
        case .concat(let c): return c.output
        case .pad(let p): return p.output
        case .transpose(let t): return t.output
        case .indexCopy(let c): return c.output
        case .clamp(let c): return c.output
        case .table(let t): return t.output
        case .affineAdd(let a): return a.output
        case .affineMul(let m): return m.output
        case .affineMean(let m): return m.output
        case .affinePRelu(let r): return r.output
        case .affineCompare(let c): return c.output
        case .select(let s): return s.output
        case .affineDiv(let m): return m.output
        case .affineL2Normalization(let l): return l.output
        case .affineSquaredDifference(let a): return a.output
        case .resizeBilinear(let r): return r.output
        case .softmax(let s): return s.output
        case .logSoftmax(let s): return s.output
        }
    }
}
