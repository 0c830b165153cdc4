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
    /// Mean over the given axes (TFLite MEAN); spatial means become `globalAvgPool`.
    case mean(Mean)
    case activation(Activation)
    /// inputs: x, slope (broadcast to x)
    case prelu
    case softmax(Softmax)
    /// inputs: a, b, with numpy broadcasting
    case binary(Binary)
    case concat(axis: Int)
    /// A view: the output shape is the output value's shape.
    case reshape
    case transpose(perm: [Int])
    case pad(Pad)

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
        case .mean: return "mean"
        case .activation(let act): return act.name
        case .prelu: return "prelu"
        case .softmax: return "softmax"
        case .binary(let binary): return binary.op.rawValue
        case .concat: return "concat"
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .pad: return "pad"
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
    public init(strideH: Int = 1, strideW: Int = 1, dilationH: Int = 1, dilationW: Int = 1,
                padding: Padding2D = .zero, groups: Int = 1, activation: Activation? = nil) {
        self.strideH = strideH
        self.strideW = strideW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.padding = padding
        self.groups = groups
        self.activation = activation
    }
}

public struct Dense: Sendable, Equatable {
    public var activation: Activation?
    public init(activation: Activation? = nil) { self.activation = activation }
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

public struct Mean: Sendable, Equatable {
    public var axes: [Int]
    public var keepDims: Bool
    public init(axes: [Int], keepDims: Bool) {
        self.axes = axes
        self.keepDims = keepDims
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

    public var name: String {
        switch self {
        case .relu: return "relu"
        case .clip(let lo, let hi): return lo == 0 && hi == 6 ? "relu6" : "clip"
        case .leakyRelu: return "leaky_relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .hardSigmoid: return "hard_sigmoid"
        case .hardSwish: return "hard_swish"
        }
    }

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
    public init(axis: Int, coerceTo2D: Bool = false) {
        self.axis = axis
        self.coerceTo2D = coerceTo2D
    }
}

public enum BinaryOp: String, Sendable, Equatable {
    case add, sub, mul, div
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
