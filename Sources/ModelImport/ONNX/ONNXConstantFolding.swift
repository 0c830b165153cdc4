import GraphIR

/// Evaluates shape arithmetic at import time: `Shape` of a static tensor, and `Cast`,
/// `ConstantOfShape`, `Concat` and the four binary ops when all their inputs are constants
/// (`Gather` and `Slice` of constants fold where they are imported, `ONNXDataMovement`).
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
        case "Cast" where allConstant:
            let tensor = try constantInput(node, 0, "input")
            let to = try attributes.int("to", default: 1)
            result = to == 1 || to == 10 || to == 11 ? Tensor(shape: tensor.shape, floats: tensor.floats)
                                                     : Tensor(shape: tensor.shape, ints: tensor.ints)
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
        case "Cast":
            // Of a value the graph holds as real numbers: to float nothing changes; to an integer
            // type the value is truncated toward zero.
            let to = try attributes.int("to", default: 0)
            let integers: [ONNXDataType] = [.uint8, .int8, .uint16, .int16, .int32, .int64]
            if to == Int(ONNXDataType.float.rawValue) {
                bind(node, try input(node, 0))
            } else if integers.contains(where: { Int($0.rawValue) == to }) {
                bind(node, try emit(.activation(.trunc), [try input(node, 0)], name: name, output: outputName(node)))
            } else {
                throw GraphError("Cast of a computed tensor is supported to float and to integer types")
            }
            return true
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
}
