/// Data movement by constant indices: slices, splits, unpacking, gathers on constant indices,
/// reflection padding, nearest-neighbour resizing, depth/space rearrangements and tiling are all
/// one of these, so the float reference, every quantization scheme and the C runtime need one
/// kernel for all of them (each moves values without changing them).
///
/// The output, read in row-major order over the extents `offsets[k].count`, takes
/// `y[i0, …, ir] = x[offsets[0][i0] + … + offsets[r][ir]]`, where `x` is the input read as a flat
/// row-major array. The view's axes need not be the output's: a depth-to-space is a 6-axis view of a
/// 4-D output. `shape` is the output value's shape (same element count as the view).
public struct IndexCopy: Sendable, Equatable {
    /// Per view axis, the flat input offset each index along it adds.
    public var offsets: [[Int]]
    /// The output shape.
    public var shape: [Int]
    /// The operator this copy implements, for listings (`slice`, `resize_nearest`, …).
    public var source: String

    public init(offsets: [[Int]], shape: [Int], source: String) {
        self.offsets = offsets
        self.shape = shape
        self.source = source
    }

    /// The element count the view produces.
    public var count: Int { offsets.reduce(1) { $0 * $1.count } }

    /// Picks, along every axis k of an input of `inputShape`, the input indices `indices[k]`
    /// (any order, repeats allowed): slices, gathers, reflection padding, nearest resizing, tiling.
    public static func picking(_ indices: [[Int]], from inputShape: [Int], shape: [Int]? = nil, source: String) throws -> IndexCopy {
        guard indices.count == inputShape.count else { throw GraphError("\(source): \(indices.count) index lists for a rank-\(inputShape.count) input") }
        let strides = rowMajorStrides(inputShape)
        var offsets = [[Int]]()
        for (k, list) in indices.enumerated() {
            guard list.allSatisfy({ $0 >= 0 && $0 < inputShape[k] }) else {
                throw GraphError("\(source): an index on axis \(k) is outside 0..<\(inputShape[k])")
            }
            offsets.append(list.map { $0 * strides[k] })
        }
        return IndexCopy(offsets: offsets, shape: shape ?? indices.map(\.count), source: source)
    }

    /// Gathers along `axis` at constant `indices` (negative ones count from the end): the output
    /// shape is the input's with that axis replaced by the indices' shape.
    public static func gathering(_ indices: Tensor, axis: Int, from shape: [Int]) throws -> IndexCopy {
        var picks = shape.map { Array(0..<$0) }
        picks[axis] = try indices.ints.map { value in
            let i = value < 0 ? Int(value) + shape[axis] : Int(clamping: value)
            guard i >= 0, i < shape[axis] else { throw GraphError("gather: index \(value) is outside 0..<\(shape[axis])") }
            return i
        }
        let outShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
        return try .picking(picks, from: shape, shape: outShape, source: "gather")
    }

    /// Consecutive parts along `axis` of the given sizes (their sum is the axis's size), one copy each.
    public static func splitting(_ shape: [Int], axis: Int, sizes: [Int]) throws -> [IndexCopy] {
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[axis] else {
            throw GraphError("split: sizes \(sizes) do not split \(shape[axis])")
        }
        var start = 0
        return try sizes.map { size in
            var picks = shape.map { Array(0..<$0) }
            picks[axis] = Array(start..<(start + size))
            start += size
            return try .picking(picks, from: shape, source: "split")
        }
    }

    /// The copy of a constant, computed now.
    public func applied(to tensor: Tensor) -> Tensor {
        switch tensor.storage {
        case .float(let values): return Tensor(shape: shape, floats: apply(values))
        case .int64(let values): return Tensor(shape: shape, ints: apply(values))
        }
    }

    /// NHWC depth-to-space in TFLite's order (ONNX mode DCR): y[n, h·b + i, w·b + j, c] = x[n, h, w, (i·b + j)·C + c].
    public static func depthToSpace(inputShape x: [Int], block b: Int) throws -> IndexCopy {
        guard x.count == 4, b >= 1, x[3] % (b * b) == 0 else { throw GraphError("depth_to_space: block \(b) does not divide \(x)") }
        let c = x[3] / (b * b)
        let view = [x[0], x[1], b, x[2], b, c]
        let strides = [x[1] * x[2] * x[3], x[2] * x[3], b * c, x[3], c, 1]
        return IndexCopy(offsets: zip(view, strides).map { n, s in (0..<n).map { $0 * s } },
                         shape: [x[0], x[1] * b, x[2] * b, c], source: "depth_to_space")
    }

    /// NHWC space-to-depth: y[n, h, w, (i·b + j)·C + c] = x[n, h·b + i, w·b + j, c].
    public static func spaceToDepth(inputShape x: [Int], block b: Int) throws -> IndexCopy {
        guard x.count == 4, b >= 1, x[1] % b == 0, x[2] % b == 0 else { throw GraphError("space_to_depth: block \(b) does not divide \(x)") }
        let view = [x[0], x[1] / b, x[2] / b, b, b, x[3]]
        let strides = [x[1] * x[2] * x[3], b * x[2] * x[3], b * x[3], x[2] * x[3], x[3], 1]
        return IndexCopy(offsets: zip(view, strides).map { n, s in (0..<n).map { $0 * s } },
                         shape: [x[0], x[1] / b, x[2] / b, b * b * x[3]], source: "space_to_depth")
    }

    /// The copy applied to one sample's flat data.
    public func apply<T>(_ x: [T]) -> [T] {
        let n = count
        guard n > 0 else { return [] }
        var y = [T]()
        y.reserveCapacity(n)
        let rank = offsets.count
        var index = [Int](repeating: 0, count: rank)
        var base = offsets.reduce(0) { $0 + $1[0] }
        let last = offsets[rank - 1]
        let outer = n / last.count
        for _ in 0..<outer {
            let start = base - last[0]
            for o in last { y.append(x[start + o]) }
            // Advance the odometer over the axes before the last.
            var k = rank - 2
            while k >= 0 {
                let axis = offsets[k]
                base -= axis[index[k]]
                index[k] += 1
                if index[k] < axis.count {
                    base += axis[index[k]]
                    break
                }
                index[k] = 0
                base += axis[0]
                k -= 1
            }
        }
        return y
    }

    /// The same copy with axes of extent 1 folded into a constant, and neighbouring axes that
    /// step evenly through the input merged (a slice of the last two axes is one run): the C kernel
    /// takes at most six axes.
    public var simplified: IndexCopy {
        var constant = 0
        var axes = [[Int]]()
        for axis in offsets {
            if axis.count == 1 {
                constant += axis[0]
                continue
            }
            if let previous = axes.last, let step = evenStep(axis), let outerStep = evenStep(previous),
               outerStep == step * axis.count {
                axes[axes.count - 1] = (0..<(previous.count * axis.count)).map { previous[0] + axis[0] + $0 * step }
                continue
            }
            axes.append(axis)
        }
        if axes.isEmpty { axes = [[constant]] } else { axes[0] = axes[0].map { $0 + constant } }
        return IndexCopy(offsets: axes, shape: shape, source: source)
    }
}

/// The step of an arithmetic sequence of at least two terms, if it is one.
func evenStep(_ values: [Int]) -> Int? {
    guard values.count >= 2 else { return nil }
    let step = values[1] - values[0]
    for i in 1..<values.count where values[i] - values[i - 1] != step { return nil }
    return step
}

/// Row-major strides of a shape, in elements.
public func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var total = 1
    for k in shape.indices.reversed() {
        strides[k] = total
        total *= shape[k]
    }
    return strides
}

extension IndexCopy {
    /// Indices `start, start + step, …` up to but excluding `end` (step ≠ 0; a negative step counts down).
    public static func range(from start: Int, to end: Int, step: Int) -> [Int] {
        guard step != 0 else { return [] }
        return Array(stride(from: start, to: end, by: step))
    }

    /// The input index of each output position along an axis of `size` padded by `before` and
    /// `after`: reflection without the edge (`reflect`: 2 1 | 0 1 2 | 1 0), with it (`symmetric`:
    /// 1 0 | 0 1 2 | 2 1), or repeating the edge (`edge`: 0 0 | 0 1 2 | 2 2).
    public static func paddedIndices(size: Int, before: Int, after: Int, mode: BorderMode) throws -> [Int] {
        let limit = mode == .reflect ? size - 1 : size
        guard size >= 1, before >= 0, after >= 0, before + after <= 1 << 20, mode == .edge || (before <= limit && after <= limit) else {
            throw GraphError("\(mode) padding of \(before) and \(after) on an axis of \(size)")
        }
        return (-before..<(size + after)).map { p in
            if p < 0 { return mode == .reflect ? -p : mode == .symmetric ? -p - 1 : 0 }
            if p >= size { return mode == .reflect ? 2 * size - 2 - p : mode == .symmetric ? 2 * size - 1 - p : size - 1 }
            return p
        }
    }

    public enum BorderMode: String, Sendable {
        case reflect, symmetric, edge
    }
}

extension IndexCopy {
    /// The copy that reads `x` directly where this one reads `transpose(x, perm)` (x of `xShape`),
    /// or nil when an offset sum would carry from one axis of the transposed tensor into the next.
    public func readingThroughTranspose(_ perm: [Int], of xShape: [Int]) -> IndexCopy? {
        let tShape = permute(xShape, perm)
        let tStrides = rowMajorStrides(tShape), xStrides = rowMajorStrides(xShape)
        // Per axis of the transposed tensor, the largest coordinate any view axis contributes.
        var reach = [Int](repeating: 0, count: tShape.count)
        var mapped = [[Int]]()
        for axis in offsets {
            var list = [Int]()
            var largest = [Int](repeating: 0, count: tShape.count)
            for offset in axis {
                var rest = offset, flat = 0
                for k in tShape.indices {
                    let coordinate = rest / tStrides[k]
                    rest -= coordinate * tStrides[k]
                    largest[k] = Swift.max(largest[k], coordinate)
                    flat += coordinate * xStrides[perm[k]]
                }
                list.append(flat)
            }
            for k in tShape.indices { reach[k] += largest[k] }
            mapped.append(list)
        }
        guard zip(reach, tShape).allSatisfy({ $0 < Swift.max($1, 1) }) else { return nil }
        return IndexCopy(offsets: mapped, shape: shape, source: source)
    }

    /// The copy whose output is this one's transposed by `perm`, or nil when the view's axes do
    /// not group, in order, into the output's axes.
    public func transposingOutput(_ perm: [Int]) -> IndexCopy? {
        guard perm.count == shape.count else { return nil }
        var constant = 0
        let axes = offsets.filter { axis in
            if axis.count == 1 { constant += axis[0] }
            return axis.count != 1
        }
        var groups = [[[Int]]](), next = 0
        for dim in shape {
            var group = [[Int]](), product = 1
            while product < dim, next < axes.count {
                product *= axes[next].count
                group.append(axes[next])
                next += 1
            }
            guard product == dim || (dim == 0 && group.isEmpty) else { return nil }
            groups.append(group)
        }
        guard next == axes.count else { return nil }
        var view = perm.flatMap { groups[$0] }
        if view.isEmpty { view = [[constant]] } else { view[0] = view[0].map { $0 + constant } }
        return IndexCopy(offsets: view, shape: permute(shape, perm), source: source)
    }
}
