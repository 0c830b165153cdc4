import Foundation

/// A function of one value built from element-wise operations: what a chain of element-wise
/// nodes reading a single tensor computes (ELU written as `select(x > 0, x, α·(exp(x) − 1))`,
/// as TensorFlow exports it). One such function runs as one table in the fixed-point schemes.
public indirect enum ElementwiseFunction: Sendable, Equatable {
    /// The input value.
    case input
    case constant(Float)
    case apply(Activation, ElementwiseFunction)
    case binary(BinaryOp, ElementwiseFunction, ElementwiseFunction)
    /// 1 where the comparison holds, else 0.
    case compare(CompareOp, ElementwiseFunction, ElementwiseFunction)
    /// The second where the first is nonzero, else the third.
    case select(ElementwiseFunction, ElementwiseFunction, ElementwiseFunction)

    /// The value at x, in single precision step by step as the nodes it replaces compute it.
    public func value(_ x: Float) -> Float {
        switch self {
        case .input: return x
        case .constant(let c): return c
        case .apply(let activation, let f): return Float(activation.value(Double(f.value(x))))
        case .binary(let op, let a, let b): return op.apply(a.value(x), b.value(x))
        case .compare(let op, let a, let b): return op.holds(a.value(x), b.value(x)) ? 1 : 0
        case .select(let c, let a, let b): return c.value(x) != 0 ? a.value(x) : b.value(x)
        }
    }
}

public enum CompareOp: String, Sendable, Equatable {
    case greater, greaterEqual = "greater_equal", less, lessEqual = "less_equal", equal

    public func holds(_ a: Float, _ b: Float) -> Bool {
        switch self {
        case .greater: return a > b
        case .greaterEqual: return a >= b
        case .less: return a < b
        case .lessEqual: return a <= b
        case .equal: return a == b
        }
    }
}

extension BinaryOp {
    /// a ∘ b in single precision.
    public func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return Foundation.powf(a, b)
        }
    }
}
