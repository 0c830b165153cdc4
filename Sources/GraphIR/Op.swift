import Foundation

/// The closed set of operations quantc understands.
///
/// Every stage switches over this enum exhaustively, so a new case does not compile until
/// the float reference, the quantizer and the emitter all handle it. Spatial ops are NHWC;
/// convolution weights are OHWI with I = input channels / groups.
public enum Op: Sendable, Equatable {
    /// inputs: x [N,H,W,C], weight [O,kh,kw,C/groups], bias [O]?
    case conv2d(Conv2D)
    /// inputs: x [..., K], weight [O, K], bias [O]?; output [..., O]
    case dense(Dense)
    /// ONNX Gemm on two matrices: inputs A, B, C?. Lowered to `dense` when B is constant.
    case gemm(Gemm)
    /// Numpy matmul with batch broadcasting: inputs A, B. Lowered to `dense` when B is a constant matrix.
    case matMul
    case maxPool2d(Pool2D)
    case avgPool2d(Pool2D)
    /// NHWC -> [N,1,1,C]
    case globalAvgPool
    /// NHWC -> [N,1,1,C]
    case globalMaxPool
    /// Mean, sum or maximum over the given axes (TFLite MEAN, SUM, REDUCE_MAX); every one becomes a
    /// global pool (`ReductionAsGlobalPool`).
    case mean(Mean)
    case activation(Activation)
    /// inputs: x, slope (broadcast to x)
    case prelu
    case softmax(Softmax)
    /// inputs: a, b, with numpy broadcasting
    case binary(Binary)
    /// inputs: a, b, with numpy broadcasting; 1 where the comparison holds, else 0.
    case compare(CompareOp)
    /// inputs: condition, a, b, with numpy broadcasting: a where the condition is nonzero, else b.
    case select
    /// inputs: a, b, with numpy broadcasting: the larger of the two, or the smaller when `minimum`.
    /// The importers write max(a, b) as select(a > b, a, b), so that a bound by a constant fuses into
    /// one function; between two computed tensors it becomes this (`SelectAsMaxMin`).
    case maxMin(minimum: Bool)
    case concat(axis: Int)
    /// A view: the output shape is the output value's shape.
    case reshape
    case transpose(perm: [Int])
    case pad(Pad)
    /// inputs: a, b, with numpy broadcasting: (a − b)², TFLite SQUARED_DIFFERENCE of an int8 model
    /// (TFLite computes it in integers on its own); float models write it as a subtraction and a product.
    case squaredDifference
    /// TFLite L2_NORMALIZATION of an int8 model, over the last axis (TFLite computes it in integers
    /// on its own); float models write it as a sum of squares, a reciprocal square root and a product.
    case l2Normalization
    /// TFLite RESIZE_BILINEAR of an int8 model: [N, H, W, C] -> [N, height, width, C]. Float models
    /// resize by a linear map per axis instead (dense layers every scheme runs).
    case resizeBilinear(ResizeBilinear)
    /// Data movement by constant indices (slice, split, gather, reflection padding, nearest resize,
    /// depth/space rearrangement): one input, the output shape is the copy's.
    case indexCopy(IndexCopy)

    /// A short lowercase name for listings (`conv`, `dense`, ...).
    public var kind: String {
        switch self {
        case .conv2d(let conv): return conv.groups > 1 ? "conv(groups=\(conv.groups))" : "conv"
        case .dense: return "dense"
        case .gemm: return "gemm"
        case .matMul: return "matmul"
        case .maxPool2d: return "maxpool"
        case .avgPool2d: return "avgpool"
        case .globalAvgPool: return "global_avgpool"
        case .globalMaxPool: return "global_maxpool"
        case .mean(let mean): return mean.reduction == .mean ? "mean" : "reduce_\(mean.reduction.rawValue)"
        case .activation(let act): return act.name
        case .prelu: return "prelu"
        case .softmax(let softmax): return softmax.log ? "log_softmax" : "softmax"
        case .binary(let binary): return binary.op.rawValue
        case .compare(let op): return op.rawValue
        case .select: return "select"
        case .maxMin(let minimum): return minimum ? "minimum" : "maximum"
        case .concat: return "concat"
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .pad: return "pad"
        case .indexCopy(let copy): return copy.source
        case .resizeBilinear: return "resize_bilinear"
        case .squaredDifference: return "squared_difference"
        case .l2Normalization: return "l2_normalization"
        }
    }

    /// The activation fused into this op, if any.
    public var fusedActivation: Activation? {
        switch self {
        case .conv2d(let conv): return conv.activation
        case .dense(let dense): return dense.activation
        case .binary(let binary): return binary.activation
        default: return nil
        }
    }
}

/// Explicit spatial padding in elements.
public struct Padding2D: Sendable, Equatable {
    public var top: Int, left: Int, bottom: Int, right: Int
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
    public static let zero = Padding2D(top: 0, left: 0, bottom: 0, right: 0)
}

public struct Conv2D: Sendable, Equatable {
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padding: Padding2D
    public var groups: Int
    public var activation: Activation?
    public var hybrid: HybridInput?
    public init(strideH: Int = 1, strideW: Int = 1, dilationH: Int = 1, dilationW: Int = 1,
                padding: Padding2D = .zero, groups: Int = 1, activation: Activation? = nil, hybrid: HybridInput? = nil) {
        self.strideH = strideH
        self.strideW = strideW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.padding = padding
        self.groups = groups
        self.activation = activation
        self.hybrid = hybrid
    }
}

public struct Dense: Sendable, Equatable {
    public var activation: Activation?
    public var hybrid: HybridInput?
    public init(activation: Activation? = nil, hybrid: HybridInput? = nil) {
        self.activation = activation
        self.hybrid = hybrid
    }
}

public struct Gemm: Sendable, Equatable {
    public var alpha: Float, beta: Float
    public var transA: Bool, transB: Bool
    public init(alpha: Float = 1, beta: Float = 1, transA: Bool = false, transB: Bool = false) {
        self.alpha = alpha
        self.beta = beta
        self.transA = transA
        self.transB = transB
    }
}

/// 2-D pooling window on NHWC data; windows are clipped to the padded input.
public struct Pool2D: Sendable, Equatable {
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padding: Padding2D
    /// Average pooling: divide by the window size including explicit padding (ONNX count_include_pad).
    public var countIncludePad: Bool
    /// Output size rounds up (a last window may start inside the input and overhang the padding).
    public var ceilMode: Bool
    public init(kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int = 1, dilationW: Int = 1,
                padding: Padding2D = .zero, countIncludePad: Bool = false, ceilMode: Bool = false) {
        self.ceilMode = ceilMode
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.padding = padding
        self.countIncludePad = countIncludePad
    }
}

/// A reduction over the given axes: the mean (TFLite MEAN, ONNX ReduceMean), the sum or the maximum.
public struct Mean: Sendable, Equatable {
    public var axes: [Int]
    public var keepDims: Bool
    public var reduction: Reduction
    public init(axes: [Int], keepDims: Bool, reduction: Reduction = .mean) {
        self.axes = axes
        self.keepDims = keepDims
        self.reduction = reduction
    }

    public enum Reduction: String, Sendable, Equatable {
        case mean, sum, max
    }
}

/// Element-wise activations. Relu6 is `clip(0, 6)`.
public enum Activation: Sendable, Equatable {
    case relu
    case clip(min: Float, max: Float)
    case leakyRelu(alpha: Float)
    case sigmoid
    case tanh
    case hardSigmoid(alpha: Float, beta: Float)
    case hardSwish
    /// alpha·(e^x − 1) below 0, x above.
    case elu(alpha: Float)
    /// gamma·elu(x) with its own alpha.
    case selu(alpha: Float, gamma: Float)
    /// ln(1 + e^x).
    case softplus
    /// x / (1 + |x|).
    case softsign
    case exp, log, sqrt, rsqrt, reciprocal, abs, neg
    /// Rounding to an integer: down, up, to the nearest (halves to even, as ONNX Round and TFLite
    /// ROUND), toward zero (a cast to an integer type); and the sign (−1, 0 or 1).
    case floor, ceil, round, trunc, sign
    /// A chain of element-wise operations on one value.
    case function(ElementwiseFunction)

    public var name: String {
        switch self {
        case .relu: return "relu"
        case .clip(let lo, let hi): return lo == 0 && hi == 6 ? "relu6" : "clip"
        case .leakyRelu: return "leaky_relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .hardSigmoid: return "hard_sigmoid"
        case .hardSwish: return "hard_swish"
        case .elu: return "elu"
        case .selu: return "selu"
        case .softplus: return "softplus"
        case .softsign: return "softsign"
        case .exp: return "exp"
        case .log: return "log"
        case .sqrt: return "sqrt"
        case .rsqrt: return "rsqrt"
        case .reciprocal: return "reciprocal"
        case .abs: return "abs"
        case .neg: return "neg"
        case .floor: return "floor"
        case .ceil: return "ceil"
        case .round: return "round"
        case .trunc: return "trunc"
        case .sign: return "sign"
        case .function: return "elementwise"
        }
    }

    /// The function itself, in double precision: the float reference rounds it to float, and the
    /// fixed-point schemes tabulate it (a lookup table per input format, `QTable`).
    public func value(_ x: Double) -> Double {
        switch self {
        case .relu: return Swift.max(x, 0)
        case .clip(let lo, let hi): return Swift.min(Swift.max(x, Double(lo)), Double(hi))
        case .leakyRelu(let alpha): return x < 0 ? Double(alpha) * x : x
        case .sigmoid: return x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .tanh: return Foundation.tanh(x)
        case .hardSigmoid(let alpha, let beta): return Swift.max(0, Swift.min(1, Double(alpha) * x + Double(beta)))
        case .hardSwish: return x * Swift.max(0, Swift.min(1, x / 6 + 0.5))
        case .elu(let alpha): return x > 0 ? x : Double(alpha) * Foundation.expm1(x)
        case .selu(let alpha, let gamma): return Double(gamma) * (x > 0 ? x : Double(alpha) * Foundation.expm1(x))
        case .softplus: return Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
        case .softsign: return x / (1 + Swift.abs(x))
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .sqrt: return Foundation.sqrt(x)
        case .rsqrt: return 1 / Foundation.sqrt(x)
        case .reciprocal: return 1 / x
        case .abs: return Swift.abs(x)
        case .neg: return -x
        case .floor: return x.rounded(.down)
        case .ceil: return x.rounded(.up)
        case .round: return x.rounded(.toNearestOrEven)
        case .trunc: return x.rounded(.towardZero)
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .function(let f): return Double(f.value(Float(x)))
        }
    }

    /// SELU's constants (ONNX's defaults, and what TensorFlow's `tf.nn.selu` uses).
    public static let seluAlpha: Float = 1.67326319217681884765625
    public static let seluGamma: Float = 1.05070102214813232421875

    /// Activations a fixed-point producer can apply by clamping (fusable into conv/dense/add).
    public var isFusable: Bool {
        switch self {
        case .relu, .clip, .leakyRelu: return true
        default: return false
        }
    }
}

public struct Softmax: Sendable, Equatable {
    /// Non-negative axis.
    public var axis: Int
    /// ONNX opset < 13: normalise over all axes from `axis` on (the input is coerced to 2-D).
    public var coerceTo2D: Bool
    /// Log-softmax: x − max − ln Σ e^(x − max), the logarithm of the softmax without its rounding.
    public var log: Bool
    public init(axis: Int, coerceTo2D: Bool = false, log: Bool = false) {
        self.axis = axis
        self.coerceTo2D = coerceTo2D
        self.log = log
    }
}

public enum BinaryOp: String, Sendable, Equatable {
    case add, sub, mul, div
    /// a to the power b (C's powf): a table when one side is a constant, the float reference otherwise.
    case pow
}

public struct Binary: Sendable, Equatable {
    public var op: BinaryOp
    public var activation: Activation?
    public init(_ op: BinaryOp, activation: Activation? = nil) {
        self.op = op
        self.activation = activation
    }
}

/// Constant-value padding: `before[i]` and `after[i]` elements on axis i (non-negative).
public struct Pad: Sendable, Equatable {
    public var before: [Int]
    public var after: [Int]
    public var value: Float
    public init(before: [Int], after: [Int], value: Float = 0) {
        self.before = before
        self.after = after
        self.value = value
    }
}
