import FixedPoint
import Foundation
import GraphIR
import QuantizedIR

/// int8 element-wise functions as TFLite computes them, tabulated: an int8 input has 256 values,
/// so the output of each is computed once here with TFLite's own arithmetic, and the C kernel (the
/// fixed-point schemes' table kernel, one entry per input level) looks it up.
enum AffineTables {
    /// The 256 outputs for inputs −128…127, or nil when TFLite's arithmetic for the function is not
    /// reproduced here.
    static func table(_ activation: Activation, input x: AffineQuantization, output y: AffineQuantization) -> [Int32]? {
        switch activation {
        case .relu: return reluX(low: 0, high: .infinity, x, y)
        case .clip(let lo, let hi): return reluX(low: lo, high: hi, x, y)
        case .sigmoid: return floatTable(x, y) { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: return floatTable(x, y) { Foundation.tanh($0) }
        case .elu: return floatTable(x, y) { $0 < 0 ? Foundation.expm1($0) : $0 }
        case .exp: return floatTable(x, y) { Foundation.exp($0) }
        case .log: return floatTable(x, y) { Foundation.log($0) }
        case .rsqrt: return floatTable(x, y) { 1 / Foundation.sqrt($0) }
        case .abs: return floatTable(x, y) { Swift.abs($0) }
        case .neg: return floatTable(x, y) { -$0 }
        case .hardSwish: return hardSwish(x, y)
        case .leakyRelu(let alpha): return leakyRelu(alpha, x, y)
        case .sqrt: return sqrtTruncated(x, y)
        default: return nil
        }
    }

    /// TFLite's int8 square root: the real input (in single precision) rooted and divided by the
    /// output scale, truncated rather than rounded (measured on the corpus model: a rounded table
    /// is one step high on 136 of the 256 inputs, the truncated one equal on all); negative inputs
    /// root as zero.
    static func sqrtTruncated(_ x: AffineQuantization, _ y: AffineQuantization) -> [Int32] {
        (-128...127).map { q in
            let real = Swift.max(Float(Int32(q) - x.zeroPoint) * x.scale, 0)
            let steps = (real.squareRoot() / y.scale).rounded(.towardZero)
            return Int32(Swift.min(Swift.max(Double(steps) + Double(y.zeroPoint), -128), 127))
        }
    }

    /// TFLite's int8-to-int8 QUANTIZE: the input less its zero point, rescaled by the quantized
    /// multiplier of input scale / output scale (in double), plus the output zero point.
    static func requantize(_ x: AffineQuantization, _ y: AffineQuantization) -> [Int32] {
        let (m, s) = Affine.quantizeMultiplier(Double(x.scale) / Double(y.scale))
        return (-128...127).map { q in
            let v = Affine.multiplyByQuantizedMultiplier(Int32(q) - x.zeroPoint, m, s)
            return Int32(min(max(Int64(y.zeroPoint) + Int64(v), -128), 127))
        }
    }

    /// TFLite's int8 leaky ReLU: the input less its zero point, rescaled by one of two quantized
    /// multipliers (input scale / output scale, or that times alpha, each in single precision).
    static func leakyRelu(_ alpha: Float, _ x: AffineQuantization, _ y: AffineQuantization) -> [Int32] {
        let identity = Affine.quantizeMultiplier(Double(x.scale / y.scale))
        let negative = Affine.quantizeMultiplier(Double(x.scale * alpha / y.scale))
        return (-128...127).map { q in
            let v = Int32(q) - x.zeroPoint
            let (m, s) = v >= 0 ? identity : negative
            return Int32(min(max(Int64(y.zeroPoint) + Int64(Affine.multiplyByQuantizedMultiplier(v, m, s)), -128), 127))
        }
    }

    /// TFLite's int8 hard-swish, in its 16-bit fixed point: the input on a "high-resolution" scale
    /// (×128), a ReLU-like factor in [0, 1] from it (3.0 represented by 32768), their truncating
    /// doubling product, and a rounding shift to the output.
    static func hardSwish(_ x: AffineQuantization, _ y: AffineQuantization) -> [Int32]? {
        let hires = (1 / Float(128)) * x.scale
        let output = sixteenBitMultiplier(Double(hires / y.scale))
        let reluish = sixteenBitMultiplier(Double(hires / (3 / Float(32768))))
        guard output.exponent <= 0 else { return nil }
        return (-128...127).map { q in
            let input = Int32(q) - x.zeroPoint
            let high = input * 128
            let preshiftOutput = Fixed16.roundingDoublingHighMultiply(high, output.multiplier)
            var factor = high
            if reluish.exponent > 0 { factor = Fixed16.saturatingLeftShift(factor, reluish.exponent - 1) }
            factor = Fixed16.roundingDoublingHighMultiply(factor, reluish.multiplier)
            if reluish.exponent > 0 { factor = Fixed16.saturatingLeftShift(factor, 1) }
            if reluish.exponent < 0 { factor = Affine.roundingDivideByPOT(factor, -reluish.exponent) }
            factor = (factor + (1 << 15)) >> 1
            let product = Fixed16.doublingHighMultiply(factor, preshiftOutput)
            let result = Affine.roundingDivideByPOT(product, -output.exponent) + y.zeroPoint
            return min(max(result, -128), 127)
        }
    }

    /// TFLite's QuantizeMultiplier, then the multiplier rounded to its top 16 bits.
    static func sixteenBitMultiplier(_ real: Double) -> (multiplier: Int32, exponent: Int) {
        let (m, e) = Affine.quantizeMultiplier(real)
        let rounded: Int32 = m >= Int32.max - (1 << 15) ? Int32(Int16.max) : (m + (1 << 15)) >> 16
        return (rounded, e)
    }

    /// The 16-bit fixed-point operations of TFLite's int8 hard-swish, on values held in Int32.
    enum Fixed16 {
        /// round(a·b / 2^15) with halves away from zero as gemmlowp's 16-bit version; −1·−1 saturates.
        static func roundingDoublingHighMultiply(_ a: Int32, _ b: Int32) -> Int32 {
            if a == -32768 && b == -32768 { return 32767 }
            let ab = a * b
            let nudge: Int32 = ab >= 0 ? 1 << 14 : 1 - (1 << 14)
            return (ab + nudge) / (1 << 15)
        }

        /// a·b / 2^15 truncated towards zero; −1·−1 saturates.
        static func doublingHighMultiply(_ a: Int32, _ b: Int32) -> Int32 {
            if a == -32768 && b == -32768 { return 32767 }
            return (a * b) / (1 << 15)
        }

        static func saturatingLeftShift(_ v: Int32, _ amount: Int) -> Int32 {
            Int32(min(max(Int64(v) << Int64(amount), -32768), 32767))
        }
    }

    /// TFLite's int8 lookup tables of float functions (its LUT population): each input level
    /// dequantized in single precision, transformed, divided by the output scale (as a product with
    /// its inverse), rounded half away from zero, offset and clamped to int8.
    static func floatTable(_ x: AffineQuantization, _ y: AffineQuantization, _ f: (Float) -> Float) -> [Int32] {
        let inverse = 1 / y.scale
        return (-128...127).map { q in
            let dequantized = x.scale * Float(Int32(q) - x.zeroPoint)
            let rescaled = (f(dequantized) * inverse).rounded()
            guard !rescaled.isNaN else { return y.zeroPoint }
            return Int32(min(max(rescaled + Float(y.zeroPoint), -128), 127))
        }
    }

    /// TFLite's int8 ReLU, ReLU6 and ReLU_N1_TO_1: the input rescaled to the output's scale by a
    /// quantized multiplier (input scale / output scale), offset, and clamped to the activation's
    /// bounds in the output's integers (zero point + round(bound / scale), within int8).
    static func reluX(low: Float, high: Float, _ x: AffineQuantization, _ y: AffineQuantization) -> [Int32] {
        let (multiplier, shift) = Affine.quantizeMultiplier(Double(x.scale / y.scale))
        func bound(_ f: Float) -> Int32 { y.zeroPoint + Int32((f / y.scale).rounded()) }
        let lo = low.isFinite ? max(-128, bound(low)) : -128
        let hi = high.isFinite ? min(127, bound(high)) : 127
        return (-128...127).map { q in
            let v = Int64(y.zeroPoint) + Int64(Affine.multiplyByQuantizedMultiplier(Int32(q) - x.zeroPoint, multiplier, shift))
            return Int32(min(max(v, Int64(lo)), Int64(hi)))
        }
    }
}
