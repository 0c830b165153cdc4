/// A mean, sum or maximum over any axes becomes a global pool, which every scheme runs: the input
/// is viewed (or copied by index, when the reduced axes are not the leading ones) as
/// [1, R, 1, O] with the R reduced values of each of the O outputs in a column, pooled, scaled
/// by R for a sum, and reshaped to the output.
public struct ReductionAsGlobalPool: GraphPass {
    public var name: String { "reduction-as-global-pool" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            guard case .mean(let mean) = graph.nodes[index].op else { continue }
            let node = graph.nodes[index]
            let x = node.inputs[0], y = node.outputs[0]
            let shape = graph.shape(x)
            // An int8 model's sum has an arithmetic of its own (its mean and maximum are pools): it
            // stays a sum, over the columns of the same view.
            let int8Sum = mean.reduction == .sum && graph[y].quantization != nil
            if int8Sum && Self.isColumnSum(mean, shape) { continue }
            let kept = shape.indices.filter { !mean.axes.contains($0) }
            let r = mean.axes.map { shape[$0] }.reduce(1, *), o = kept.map { shape[$0] }.reduce(1, *)
            let perm = mean.axes + kept
            let viewShape = [1, r, 1, o]
            var nodes = [Node]()
            func value(_ suffix: String, _ shape: [Int], like source: ValueID) -> ValueID {
                let id = graph.addValue(name: node.name + suffix, shape: shape)
                graph[id].quantization = graph[source].quantization
                return id
            }
            // No data moves when the axes of more than one element keep their order.
            let moving = perm.filter { shape[$0] > 1 }
            let view = value(".columns", viewShape, like: x)
            if moving == moving.sorted() {
                nodes.append(Node(name: node.name + ".columns", op: .reshape, inputs: [x], outputs: [view]))
            } else {
                let strides = rowMajorStrides(shape)
                let copy = IndexCopy(offsets: perm.map { k in (0..<shape[k]).map { $0 * strides[k] } }, shape: viewShape, source: "transpose")
                nodes.append(Node(name: node.name + ".columns", op: .indexCopy(copy), inputs: [x], outputs: [view]))
            }
            let pooled = value(".pool", [1, 1, 1, o], like: y)
            let pool: Op = int8Sum ? .mean(Mean(axes: [1, 2], keepDims: true, reduction: .sum)) : (mean.reduction == .max ? .globalMaxPool : .globalAvgPool)
            nodes.append(Node(name: node.name + ".pool", op: pool, inputs: [view], outputs: [pooled]))
            var last = pooled
            if mean.reduction == .sum && !int8Sum {
                let count = graph.addConstant(name: node.name + ".count", Tensor(shape: [], floats: [Float(r)]))
                last = value(".sum", [1, 1, 1, o], like: y)
                nodes.append(Node(name: node.name + ".sum", op: .binary(Binary(.mul)), inputs: [pooled, count], outputs: [last]))
            }
            nodes.append(Node(name: node.name, op: .reshape, inputs: [last], outputs: [y]))
            graph.nodes.replaceSubrange(index...index, with: nodes)
            return true
        }
        return false
    }

    /// A sum down the columns of a [1, R, 1, O] view: what an int8 sum becomes.
    public static func isColumnSum(_ mean: Mean, _ shape: [Int]) -> Bool {
        mean.reduction == .sum && mean.keepDims && mean.axes == [1, 2] && shape.count == 4 && shape[0] == 1 && shape[2] == 1
    }
}
