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
        // TFLite computes int8 hard-swish, leaky ReLU and square root in integer arithmetic of
        // their own, which a float table misses by one step on some inputs.
        default: return nil
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
        let (multiplier, shift) = Affine.quantizeMultiplier(Double(x.scale) / Double(y.scale))
        func bound(_ f: Float) -> Int32 { y.zeroPoint + Int32((f / y.scale).rounded()) }
        let lo = low.isFinite ? max(-128, bound(low)) : -128
        let hi = high.isFinite ? min(127, bound(high)) : 127
        return (-128...127).map { q in
            let v = Int64(y.zeroPoint) + Int64(Affine.multiplyByQuantizedMultiplier(Int32(q) - x.zeroPoint, multiplier, shift))
            return Int32(min(max(v, Int64(lo)), Int64(hi)))
        }
    }
}
