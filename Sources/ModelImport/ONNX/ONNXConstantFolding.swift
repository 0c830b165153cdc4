import GraphIR

/// Evaluates shape arithmetic at import time: `Shape` of a static tensor, and `Gather`, `Cast`,
/// `Slice`, `ConstantOfShape`, `Concat` and the four binary ops when all their inputs are constants.
/// This folds the Shape→Gather→Unsqueeze→Concat→Reshape chains PyTorch and tf2onnx emit.
extension ONNXImporter {
    mutating func foldShapeArithmetic(_ node: Onnx_NodeProto, attributes: ONNXAttributes, name: String) throws -> Bool {
        let inputs = node.input.filter { !$0.isEmpty }.compactMap { values[$0] }
        let allConstant = inputs.count == node.input.filter({ !$0.isEmpty }).count && inputs.allSatisfy { graph.isConstant($0) }
        let result: Tensor?
        switch node.opType {
        case "Shape":
            let source = try input(node, 0)
            let shape = graph.shape(source).map { Int64($0) }
            let start = try attributes.int("start", default: 0), end = try attributes.int("end", default: shape.count)
            let lo = clampIndex(start, shape.count), hi = clampIndex(end, shape.count)
            let slice = lo < hi ? Array(shape[lo..<hi]) : []
            result = Tensor(shape: [slice.count], ints: slice)
        case "ConstantOfShape":
            let shape = try constantInput(node, 0, "the shape").ints.map { Int($0) }
            guard shape.allSatisfy({ $0 >= 0 }), shape.elementCount <= 1 << 24 else { throw GraphError("invalid shape \(shape)") }
            let fill = try attributes.tensor("value") ?? Tensor(shape: [1], floats: [0])
            switch fill.storage {
            case .float(let v): result = Tensor(shape: shape, floats: [Float](repeating: v.first ?? 0, count: shape.elementCount))
            case .int64(let v): result = Tensor(shape: shape, ints: [Int64](repeating: v.first ?? 0, count: shape.elementCount))
            }
        case "Gather" where allConstant:
            result = try gather(try constantInput(node, 0, "data"), try constantInput(node, 1, "indices"),
                                axis: try attributes.int("axis", default: 0))
        case "Cast" where allConstant:
            let tensor = try constantInput(node, 0, "input")
            let to = try attributes.int("to", default: 1)
            result = to == 1 || to == 10 || to == 11 ? Tensor(shape: tensor.shape, floats: tensor.floats)
                                                     : Tensor(shape: tensor.shape, ints: tensor.ints)
        case "Slice" where allConstant:
            result = try slice(node, attributes)
        case "Concat" where allConstant && !inputs.isEmpty:
            let tensors = inputs.map { graph.constant($0)! }
            let axis = try normalizedAxis(try attributes.int("axis", default: 0), rank: tensors[0].shape.count)
            let shape = try ShapeInference.outputShape(of: .concat(axis: axis), inputs: tensors.map(\.shape))
            let outer = Array(shape[..<axis]).elementCount
            if tensors.allSatisfy({ !$0.isFloat }) {
                result = Tensor(shape: shape, ints: concatenate(tensors.map { ($0.ints, Array($0.shape[axis...]).elementCount) }, outer: outer))
            } else {
                result = Tensor(shape: shape, floats: concatenate(tensors.map { ($0.floats, Array($0.shape[axis...]).elementCount) }, outer: outer))
            }
        case "Add" where allConstant, "Sub" where allConstant, "Mul" where allConstant, "Div" where allConstant:
            let a = graph.constant(inputs[0])!, b = graph.constant(inputs[1])!
            guard let shape = broadcastShapes(a.shape, b.shape) else { throw GraphError("shapes \(a.shape) and \(b.shape) do not broadcast") }
            if !a.isFloat && !b.isFloat {
                let x = broadcastData(a.ints, shape: a.shape, to: shape), y = broadcastData(b.ints, shape: b.shape, to: shape)
                let op: (Int64, Int64) -> Int64
                switch node.opType {
                case "Add": op = (&+)
                case "Sub": op = (&-)
                case "Mul": op = (&*)
                default: op = { $1 == 0 ? 0 : $0 / $1 }
                }
                result = Tensor(shape: shape, ints: zip(x, y).map(op))
            } else {
                let x = broadcastData(a.floats, shape: a.shape, to: shape), y = broadcastData(b.floats, shape: b.shape, to: shape)
                let op: (Float, Float) -> Float
                switch node.opType {
                case "Add": op = { $0 + $1 }
                case "Sub": op = { $0 - $1 }
                case "Mul": op = { $0 * $1 }
                default: op = { $0 / $1 }
                }
                result = Tensor(shape: shape, floats: zip(x, y).map(op))
            }
        case "Gather", "Cast", "Slice":
            throw GraphError("\(node.opType) is only supported on constant inputs (shape arithmetic)")
        default:
            result = nil
        }
        guard let result else { return false }
        bind(node, graph.addConstant(name: outputName(node), result))
        return true
    }

    private func clampIndex(_ index: Int, _ count: Int) -> Int {
        Swift.min(Swift.max(index < 0 ? index + count : index, 0), count)
    }

    private func concatenate<T>(_ parts: [([T], Int)], outer: Int) -> [T] {
        var out = [T]()
        for o in 0..<outer {
            for (data, block) in parts { out.append(contentsOf: data[(o * block)..<((o + 1) * block)]) }
        }
        return out
    }

    private func gather(_ data: Tensor, _ indices: Tensor, axis rawAxis: Int) throws -> Tensor {
        let axis = try normalizedAxis(rawAxis, rank: data.shape.count)
        let size = data.shape[axis]
        let index = try indices.ints.map { i -> Int in
            let j = Int(i < 0 ? i + Int64(size) : i)
            guard j >= 0, j < size else { throw GraphError("Gather index \(i) is out of range") }
            return j
        }
        let outer = Array(data.shape[..<axis]).elementCount
        let inner = Array(data.shape[(axis + 1)...]).elementCount
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        func pick<T>(_ values: [T]) -> [T] {
            var out = [T]()
            for o in 0..<outer {
                for j in index { out.append(contentsOf: values[((o * size + j) * inner)..<((o * size + j + 1) * inner)]) }
            }
            return out
        }
        switch data.storage {
        case .float(let v): return Tensor(shape: shape, floats: pick(v))
        case .int64(let v): return Tensor(shape: shape, ints: pick(v))
        }
    }

    private func slice(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws -> Tensor {
        let data = try constantInput(node, 0, "data")
        let rank = data.shape.count
        var starts: [Int64], ends: [Int64], axes: [Int64], steps: [Int64]
        if opset < 10 {
            starts = (try attributes.ints("starts") ?? []).map(Int64.init)
            ends = (try attributes.ints("ends") ?? []).map(Int64.init)
            axes = (try attributes.ints("axes") ?? Array(0..<starts.count)).map(Int64.init)
        } else {
            starts = try constantInput(node, 1, "starts").ints
            ends = try constantInput(node, 2, "ends").ints
            axes = hasInput(node, 3) ? try constantInput(node, 3, "axes").ints : (0..<Int64(starts.count)).map { $0 }
        }
        steps = opset >= 10 && hasInput(node, 4) ? try constantInput(node, 4, "steps").ints : [Int64](repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw GraphError("Slice starts, ends, axes and steps differ in length")
        }
        var ranges = data.shape.map { (start: 0, step: 1, count: $0) }
        for i in starts.indices {
            let axis = try normalizedAxis(Int(axes[i]), rank: rank)
            let dim = Int64(data.shape[axis]), step = steps[i]
            guard step != 0 else { throw GraphError("Slice step 0") }
            func clamp(_ v: Int64, _ lo: Int64, _ hi: Int64) -> Int64 { Swift.min(Swift.max(v, lo), hi) }
            var s = starts[i] < 0 ? starts[i] + dim : starts[i]
            var e = ends[i] < 0 ? ends[i] + dim : ends[i]
            if step > 0 {
                s = clamp(s, 0, dim); e = clamp(e, 0, dim)
            } else {
                s = clamp(s, -1, dim - 1); e = clamp(e, -1, dim - 1)
            }
            let count = step > 0 ? Swift.max(0, (e - s + step - 1) / step) : Swift.max(0, (s - e - step - 1) / -step)
            ranges[axis] = (Int(s), Int(step), Int(count))
        }
        let shape = ranges.map(\.count)
        let strides = data.shape.strides
        var offsets = [0]
        for axis in 0..<rank {
            offsets = offsets.flatMap { base in (0..<ranges[axis].count).map { base + (ranges[axis].start + $0 * ranges[axis].step) * strides[axis] } }
        }
        switch data.storage {
        case .float(let v): return Tensor(shape: shape, floats: offsets.map { v[$0] })
        case .int64(let v): return Tensor(shape: shape, ints: offsets.map { v[$0] })
        }
    }
}
