import FixedPoint

public struct QPadding: Codable, Sendable, Equatable {
    public var top: Int, left: Int, bottom: Int, right: Int
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
}

/// NHWC convolution, OHWI weights (I = input channels / groups).
public struct QConv: Codable, Sendable {
    public var input: Int, output: Int
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padding: QPadding
    public var groups: Int
    public var inChannelsPerGroup: Int
    public var outChannels: Int
    public var weights: WeightEncoding
    /// Biases already aligned to the accumulator's fractional length (frac_x + frac_w[o]).
    public var bias: [Int64]
    /// The format the bias was quantized to before alignment (reporting).
    public var biasBits: Int
    public var accumulator: AccumulatorWidth
    public var requantize: Requantization
    /// The integer every tap outside the input reads: 0, except for int8-affine layers, whose
    /// input zero point is folded into the bias (bias − zp·Σw) and so must fill the padding.
    public var padValue: Int32 = 0

    public init(input: Int, output: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int,
                dilationW: Int, padding: QPadding, groups: Int, inChannelsPerGroup: Int, outChannels: Int,
                weights: WeightEncoding, bias: [Int64], biasBits: Int, accumulator: AccumulatorWidth,
                requantize: Requantization) {
        self.input = input
        self.output = output
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.padding = padding
        self.groups = groups
        self.inChannelsPerGroup = inChannelsPerGroup
        self.outChannels = outChannels
        self.weights = weights
        self.bias = bias
        self.biasBits = biasBits
        self.accumulator = accumulator
        self.requantize = requantize
    }
}

/// y[m, o] over rows m: weights [O, K].
public struct QDense: Codable, Sendable {
    public var input: Int, output: Int
    public var inFeatures: Int, outFeatures: Int
    public var weights: WeightEncoding
    public var bias: [Int64]
    public var biasBits: Int
    public var accumulator: AccumulatorWidth
    public var requantize: Requantization

    public init(input: Int, output: Int, inFeatures: Int, outFeatures: Int, weights: WeightEncoding, bias: [Int64],
                biasBits: Int, accumulator: AccumulatorWidth, requantize: Requantization) {
        self.input = input
        self.output = output
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weights = weights
        self.bias = bias
        self.biasBits = biasBits
        self.accumulator = accumulator
        self.requantize = requantize
    }
}

/// Max or average pooling. Max: output format = input format.
/// Average: the window sum times 2^s divided by the tap count (taps inside the input, or inside
/// the explicitly padded input when `countIncludePad`), saturated to the output format, which has
/// the input's bits and a frac s = 0…15 finer (`maxAverageShift`; an average resolves finer steps
/// than its inputs). A power-of-two count 2^k is a rounding right shift by k − s (a left shift when
/// s > k); any other count n multiplies by round(2^16 / n) and shifts right by 16 − s with rounding.
/// `globalAvgPool` divides the same way, with n = the positions.
public struct QPool: Codable, Sendable {
    /// The largest frac an average's output may add to its input's.
    public static let maxAverageShift = 15
    public var input: Int, output: Int
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padding: QPadding
    public var countIncludePad: Bool
    /// int8-affine pooling (TFLite): the window sum divided by its count, rounded half away from
    /// zero, instead of the reciprocal multiply.
    public var exactDivision = false
    public init(input: Int, output: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int,
                dilationW: Int, padding: QPadding, countIncludePad: Bool) {
        self.input = input
        self.output = output
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

public struct QUnary: Codable, Sendable {
    public var input: Int, output: Int
    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }
}

/// y = clamp(sat(rshift_round((a << (F − fa)) + (b << (F − fb)), F − fy))), F = max(fa, fb),
/// computed in 64 bits. `a` and `b` may broadcast: `b` is repeated when it has fewer elements.
public struct QAdd: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var subtract: Bool
    public var clampMin: Int64, clampMax: Int64
    public init(a: Int, b: Int, output: Int, subtract: Bool, clampMin: Int64, clampMax: Int64) {
        self.a = a
        self.b = b
        self.output = output
        self.subtract = subtract
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// y = clamp(sat(rshift_round(a · b, fa + fb − fy))): the product of two at most 16-bit operands
/// is exact in 32 bits. `b` may broadcast: it is repeated when it has fewer elements (along the
/// last axis, or a scalar).
public struct QMul: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var clampMin: Int64, clampMax: Int64
    public init(a: Int, b: Int, output: Int, clampMin: Int64, clampMax: Int64) {
        self.a = a
        self.b = b
        self.output = output
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// y = clamp(sat(requantize(max(a, b) in the finer of the two formats, to the output format))), or the
/// minimum; `b` may broadcast as for `QAdd`. Rounding is monotone, so this is the larger real value
/// rounded once.
public struct QMaxMin: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var minimum: Bool
    public var clampMin: Int64, clampMax: Int64
    public init(a: Int, b: Int, output: Int, minimum: Bool, clampMin: Int64, clampMax: Int64) {
        self.a = a
        self.b = b
        self.output = output
        self.minimum = minimum
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// Concatenation along `axis`; each input is requantized to the output format.
public struct QConcat: Codable, Sendable {
    public var inputs: [Int], output: Int
    public var axis: Int
    public init(inputs: [Int], output: Int, axis: Int) {
        self.inputs = inputs
        self.output = output
        self.axis = axis
    }
}

public struct QPad: Codable, Sendable {
    public var input: Int, output: Int
    public var before: [Int], after: [Int]
    public var value: Int64
    public init(input: Int, output: Int, before: [Int], after: [Int], value: Int64) {
        self.input = input
        self.output = output
        self.before = before
        self.after = after
        self.value = value
    }
}

public struct QTranspose: Codable, Sendable {
    public var input: Int, output: Int
    public var perm: [Int]
    public init(input: Int, output: Int, perm: [Int]) {
        self.input = input
        self.output = output
        self.perm = perm
    }
}

/// y, read in row-major order over the extents `offsets[k].count`, takes
/// y[i0, …, ir] = x[offsets[0][i0] + … + offsets[r][ir]] (x read flat).
public struct QIndexCopy: Codable, Sendable {
    public var input: Int, output: Int
    /// Per view axis, the flat input offset each index adds.
    public var offsets: [[Int]]
    /// The operator it implements, for listings.
    public var source: String
    public init(input: Int, output: Int, offsets: [[Int]], source: String) {
        self.input = input
        self.output = output
        self.offsets = offsets
        self.source = source
    }
}

/// y = clamp(sat(rshift_round(x, f_in − f_out))).
public struct QClamp: Codable, Sendable {
    public var input: Int, output: Int
    public var clampMin: Int64, clampMax: Int64
    public init(input: Int, output: Int, clampMin: Int64, clampMax: Int64) {
        self.input = input
        self.output = output
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// Element-wise function by table. For an input of b ≤ 10 bits the table has 2^b entries indexed
/// by q − q_min. For wider inputs it has 1025 entries at the 1024 segment starts (and the end);
/// with s = b − 10, i = (q − q_min) >> s and r = (q − q_min) & (2^s − 1):
/// y = t[i] + rshift_round((t[i+1] − t[i]) · r, s).
public struct QTable: Codable, Sendable {
    /// Input bits up to which the table is indexed directly.
    public static let directBits = 10

    public var input: Int, output: Int
    public var function: String
    public var values: [Int32]
    public init(input: Int, output: Int, function: String, values: [Int32]) {
        self.input = input
        self.output = output
        self.function = function
        self.values = values
    }
}
