/// A dense, row-major tensor held by the graph: weights, biases and folded constants.
///
/// Float data is the common case; 64-bit integers only appear in shape arithmetic
/// (ONNX `Shape`, `Reshape` targets), which the importers fold away before the graph is built.
public struct Tensor: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case float([Float])
        case int64([Int64])
    }

    public var shape: [Int]
    public var storage: Storage

    public init(shape: [Int], floats: [Float]) {
        precondition(shape.elementCount == floats.count, "shape \(shape) does not hold \(floats.count) floats")
        self.shape = shape
        self.storage = .float(floats)
    }

    public init(shape: [Int], ints: [Int64]) {
        precondition(shape.elementCount == ints.count, "shape \(shape) does not hold \(ints.count) ints")
        self.shape = shape
        self.storage = .int64(ints)
    }

    public var count: Int { shape.elementCount }

    /// The values as floats (integers are converted).
    public var floats: [Float] {
        switch storage {
        case .float(let values): return values
        case .int64(let values): return values.map { Float($0) }
        }
    }

    /// The values as integers (floats are truncated toward zero, saturated, NaN as 0).
    public var ints: [Int64] {
        switch storage {
        case .float(let values):
            return values.map { v in
                guard v.isFinite else { return v.isNaN ? 0 : (v > 0 ? .max : .min) }
                return v >= 9.2e18 ? .max : (v <= -9.2e18 ? .min : Int64(v))
            }
        case .int64(let values): return values
        }
    }

    public var isFloat: Bool {
        if case .float = storage { return true }
        return false
    }

    /// The same values seen through another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var copy = self
        precondition(newShape.elementCount == count)
        copy.shape = newShape
        return copy
    }
}

extension Array where Element == Int {
    /// Product of the dimensions (1 for a scalar); `Int.max` when it overflows, so a hostile shape
    /// fails a size check instead of trapping.
    public var elementCount: Int {
        var product = 1
        for dim in self {
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            if overflow { return Int.max }
            product = next
        }
        return product
    }

    /// Row-major strides of a shape.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: count)
        var running = 1
        for axis in stride(from: count - 1, through: 0, by: -1) {
            result[axis] = running
            running *= self[axis]
        }
        return result
    }
}

/// Numpy-style broadcasting of two shapes, or nil when they are incompatible.
public func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 {
            result[i] = da
        } else if da == 1 {
            result[i] = db
        } else {
            return nil
        }
    }
    return result
}

/// Applies a permutation: `result[i] = values[perm[i]]`.
public func permute<T>(_ values: [T], _ perm: [Int]) -> [T] {
    perm.map { values[$0] }
}

/// The inverse permutation.
public func inversePermutation(_ perm: [Int]) -> [Int] {
    var inverse = [Int](repeating: 0, count: perm.count)
    for (i, p) in perm.enumerated() { inverse[p] = i }
    return inverse
}

/// Transposes row-major data of `shape` by `perm` (output axis i is input axis perm[i]).
public func transposeData<T>(_ data: [T], shape: [Int], perm: [Int]) -> [T] {
    let outShape = permute(shape, perm)
    let inStrides = shape.strides
    let stepForOutAxis = perm.map { inStrides[$0] }
    var out = [T]()
    out.reserveCapacity(data.count)
    guard !data.isEmpty else { return out }
    var index = [Int](repeating: 0, count: outShape.count)
    var offset = 0
    for _ in 0..<data.count {
        out.append(data[offset])
        var axis = outShape.count - 1
        while axis >= 0 {
            index[axis] += 1
            offset += stepForOutAxis[axis]
            if index[axis] < outShape[axis] { break }
            offset -= stepForOutAxis[axis] * outShape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return out
}

/// Materialises `data` of `shape` broadcast to `target` (numpy rules).
public func broadcastData<T>(_ data: [T], shape: [Int], to target: [Int]) -> [T] {
    let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
    let inStrides = padded.strides
    let steps = zip(padded, inStrides).map { $0 == 1 ? 0 : $1 }
    var out = [T]()
    let total = target.elementCount
    out.reserveCapacity(total)
    guard total > 0 else { return out }
    var index = [Int](repeating: 0, count: target.count)
    var offset = 0
    for _ in 0..<total {
        out.append(data[offset])
        var axis = target.count - 1
        while axis >= 0 {
            index[axis] += 1
            offset += steps[axis]
            if index[axis] < target[axis] { break }
            offset -= steps[axis] * target[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return out
}
