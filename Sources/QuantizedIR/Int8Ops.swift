import FixedPoint

/// TFLite's int8 ADD: each input, offset by −zero point and shifted left by `leftShift`, is scaled by
/// mbqm(·, multiplier, shift) to a common scale; the sum is scaled to the output, offset by its zero
/// point and clamped. All in 32 bits, exactly as TFLite's reference kernel.
public struct QAffineAdd: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var aOffset: Int32, bOffset: Int32, outputOffset: Int32
    public var aMultiplier: Int32, aShift: Int
    public var bMultiplier: Int32, bShift: Int
    public var outputMultiplier: Int32, outputShift: Int
    public var leftShift: Int
    public var clampMin: Int32, clampMax: Int32
    public init(a: Int, b: Int, output: Int, aOffset: Int32, bOffset: Int32, outputOffset: Int32, aMultiplier: Int32, aShift: Int,
                bMultiplier: Int32, bShift: Int, outputMultiplier: Int32, outputShift: Int, leftShift: Int, clampMin: Int32,
                clampMax: Int32) {
        self.a = a
        self.b = b
        self.output = output
        self.aOffset = aOffset
        self.bOffset = bOffset
        self.outputOffset = outputOffset
        self.aMultiplier = aMultiplier
        self.aShift = aShift
        self.bMultiplier = bMultiplier
        self.bShift = bShift
        self.outputMultiplier = outputMultiplier
        self.outputShift = outputShift
        self.leftShift = leftShift
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// TFLite's int8 MUL: y = clamp(outputOffset + mbqm((a + aOffset)·(b + bOffset), multiplier, shift)),
/// `b` repeated when it has fewer elements (per channel or a scalar).
public struct QAffineMul: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var aOffset: Int32, bOffset: Int32, outputOffset: Int32
    public var multiplier: Int32, shift: Int
    public var clampMin: Int32, clampMax: Int32
    public init(a: Int, b: Int, output: Int, aOffset: Int32, bOffset: Int32, outputOffset: Int32, multiplier: Int32, shift: Int,
                clampMin: Int32, clampMax: Int32) {
        self.a = a
        self.b = b
        self.output = output
        self.aOffset = aOffset
        self.bOffset = bOffset
        self.outputOffset = outputOffset
        self.multiplier = multiplier
        self.shift = shift
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// TFLite's int8 MEAN over H and W of an NHWC tensor: per channel, the sum of (x − inputZeroPoint)
/// rescaled by mbqm(·, multiplier, shift), whose real value is input scale / (output scale ·
/// positions), plus outputZeroPoint, clamped to int8.
public struct QAffineMean: Codable, Sendable {
    public var input: Int, output: Int
    public var inputZeroPoint: Int32, outputZeroPoint: Int32
    public var multiplier: Int32, shift: Int
    public init(input: Int, output: Int, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int) {
        self.input = input
        self.output = output
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.multiplier = multiplier
        self.shift = shift
    }
}

/// TFLite's int8 L2_NORMALIZATION of rows along the last axis: with v = x − inputZeroPoint and s the
/// row's Σ v², (m, e) = `Affine.inverseSqrt(s)` and y = clamp(mbqm(v, m, e + 7), −128, 127).
public struct QAffineL2Normalization: Codable, Sendable {
    public var input: Int, output: Int
    public var inputZeroPoint: Int32
    public init(input: Int, output: Int, inputZeroPoint: Int32) {
        self.input = input
        self.output = output
        self.inputZeroPoint = inputZeroPoint
    }
}

/// TFLite's int8 comparison: each input offset by −zero point, shifted left by 8 and scaled by its
/// own scale as mbqm(·, multiplier, shift), then compared; the output is 0 or 1. `b` may repeat
/// (per channel or a scalar).
public struct QAffineCompare: Codable, Sendable {
    public enum Comparison: String, Codable, Sendable, CaseIterable { case greater, greaterEqual = "greater_equal", less, lessEqual = "less_equal", equal }
    public var a: Int, b: Int, output: Int
    public var comparison: Comparison
    public var aOffset: Int32, bOffset: Int32
    public var aMultiplier: Int32, aShift: Int
    public var bMultiplier: Int32, bShift: Int
    public init(a: Int, b: Int, output: Int, comparison: Comparison, aOffset: Int32, bOffset: Int32, aMultiplier: Int32, aShift: Int,
                bMultiplier: Int32, bShift: Int) {
        self.a = a
        self.b = b
        self.output = output
        self.comparison = comparison
        self.aOffset = aOffset
        self.bOffset = bOffset
        self.aMultiplier = aMultiplier
        self.aShift = aShift
        self.bMultiplier = bMultiplier
        self.bShift = bShift
    }

    /// Whether the comparison holds between the two scaled values.
    public func holds(_ x: Int32, _ y: Int32) -> Bool {
        switch comparison {
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .less: return x < y
        case .lessEqual: return x <= y
        case .equal: return x == y
        }
    }
}

/// y[i] = condition[i] != 0 ? a[i] : b[i], each input repeated when it has fewer elements (per
/// channel or a scalar), the stored values copied.
public struct QSelect: Codable, Sendable {
    public var condition: Int, a: Int, b: Int, output: Int
    public init(condition: Int, a: Int, b: Int, output: Int) {
        self.condition = condition
        self.a = a
        self.b = b
        self.output = output
    }
}

/// TFLite's int8 PRELU: v = x − input zero point; y = clamp(outputOffset + mbqm(v, positive…) for
/// v ≥ 0, else mbqm(v · (alpha − alpha zero point), negative…)), `alpha` (int8, constant) repeated
/// along the last axis.
public struct QAffinePRelu: Codable, Sendable {
    public var input: Int, output: Int
    public var alpha: [Int32]
    public var inputOffset: Int32, alphaOffset: Int32, outputOffset: Int32
    public var positiveMultiplier: Int32, positiveShift: Int
    public var negativeMultiplier: Int32, negativeShift: Int
    public init(input: Int, output: Int, alpha: [Int32], inputOffset: Int32, alphaOffset: Int32, outputOffset: Int32,
                positiveMultiplier: Int32, positiveShift: Int, negativeMultiplier: Int32, negativeShift: Int) {
        self.input = input
        self.output = output
        self.alpha = alpha
        self.inputOffset = inputOffset
        self.alphaOffset = alphaOffset
        self.outputOffset = outputOffset
        self.positiveMultiplier = positiveMultiplier
        self.positiveShift = positiveShift
        self.negativeMultiplier = negativeMultiplier
        self.negativeShift = negativeShift
    }
}

/// TFLite's int8 RESIZE_BILINEAR of [N, H, W, C]: output position y reads input position
/// p = y·heightScale (+ heightScale/2 − 512 with half-pixel centres) in 1/1024 steps, between rows
/// max(p/1024, 0) and min(⌈p/1024⌉, H − 1) (C division), weighted by 1024 − d and d (d = p − 1024·row),
/// likewise along W; the four products summed in 64 bits and divided by 2^20, rounding half away
/// from zero. The input and output share one scale and zero point.
public struct QResizeBilinear: Codable, Sendable {
    public var input: Int, output: Int
    public var heightScale: Int, widthScale: Int
    public var halfPixel: Bool
    public init(input: Int, output: Int, heightScale: Int, widthScale: Int, halfPixel: Bool) {
        self.input = input
        self.output = output
        self.heightScale = heightScale
        self.widthScale = widthScale
        self.halfPixel = halfPixel
    }
}

/// TFLite's reference int8 softmax over the last axis (`Affine.softmax`): output scale 1/256,
/// zero point −128.
public struct QSoftmax: Codable, Sendable {
    public var input: Int, output: Int
    public var multiplier: Int32
    public var leftShift: Int
    public var diffMin: Int32
    public init(input: Int, output: Int, multiplier: Int32, leftShift: Int, diffMin: Int32) {
        self.input = input
        self.output = output
        self.multiplier = multiplier
        self.leftShift = leftShift
        self.diffMin = diffMin
    }
}

/// TFLite's reference int8 log-softmax over the last axis (`Affine.logSoftmax`): output scale 1/16,
/// zero point 127.
public struct QLogSoftmax: Codable, Sendable {
    public var input: Int, output: Int
    public var multiplier: Int32, leftShift: Int
    public var reverseMultiplier: Int32, reverseShift: Int
    public var diffMin: Int32
    public init(input: Int, output: Int, multiplier: Int32, leftShift: Int, reverseMultiplier: Int32, reverseShift: Int, diffMin: Int32) {
        self.input = input
        self.output = output
        self.multiplier = multiplier
        self.leftShift = leftShift
        self.reverseMultiplier = reverseMultiplier
        self.reverseShift = reverseShift
        self.diffMin = diffMin
    }
}
