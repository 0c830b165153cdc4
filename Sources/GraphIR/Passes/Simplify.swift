/// Local clean-ups that never change values:
/// - a reshape or transpose that keeps the data as it is disappears;
/// - a transpose that only moves size-1 dimensions becomes a reshape (a free view);
/// - a reshape of a reshape reads the original;
/// - zero padding is dropped;
/// - the logarithm of a softmax becomes one log-softmax;
/// - a reshape, transpose or index copy of a constant becomes a constant, and an index copy that
///   reads its input as it is disappears.
public struct Simplify: GraphPass {
    public var name: String { "simplify" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        var changed = false
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            let input = node.inputs.first
            let output = node.outputs[0]
            switch node.op {
            case .reshape:
                let source = input!
                if let tensor = graph.constant(source) {
                    graph[output].constant = tensor.reshaped(graph.shape(output))
                    graph.nodes[index].inputs = []
                    changed = true
                } else if graph[source].quantization != graph[output].quantization {
                    // A requantization inside an int8 model (its QUANTIZE op): kept.
                } else if graph.shape(source) == graph.shape(output) {
                    changed = bypass(&graph, node: index) || changed
                } else if let producer = graph.producerIndex(of: source), graph.nodes[producer].op == .reshape,
                          graph[graph.nodes[producer].inputs[0]].quantization == graph[source].quantization {
                    graph.nodes[index].inputs = graph.nodes[producer].inputs
                    changed = true
                }
            case .transpose(let perm):
                let source = input!
                if let tensor = graph.constant(source) {
                    let data: Tensor
                    switch tensor.storage {
                    case .float(let values): data = Tensor(shape: graph.shape(output), floats: transposeData(values, shape: tensor.shape, perm: perm))
                    case .int64(let values): data = Tensor(shape: graph.shape(output), ints: transposeData(values, shape: tensor.shape, perm: perm))
                    }
                    graph[output].constant = data
                    graph.nodes[index].inputs = []
                    changed = true
                } else if perm == Array(perm.indices) {
                    changed = bypass(&graph, node: index) || changed
                } else if onlyMovesUnitDimensions(shape: graph.shape(source), perm: perm) {
                    graph.nodes[index].op = .reshape
                    changed = true
                }
            case .indexCopy(let copy):
                let source = input!
                if let tensor = graph.constant(source) {
                    graph[output].constant = copy.applied(to: tensor)
                    graph.nodes[index].inputs = []
                    changed = true
                } else if copy.shape == graph.shape(source), copy.simplified.offsets == [Array(0..<copy.count)] {
                    changed = bypass(&graph, node: index) || changed
                }
            case .pad(let pad):
                if (pad.before + pad.after).allSatisfy({ $0 == 0 }) {
                    changed = bypass(&graph, node: index) || changed
                }
            case .activation(.log):
                // The logarithm of a softmax that nothing else reads is a log-softmax (exact where
                // the softmax underflows to 0, which its logarithm cannot undo).
                if let producer = graph.producerIndex(of: input!), case .softmax(var softmax) = graph.nodes[producer].op, !softmax.log,
                   graph.useCount(of: input!) == 1, !graph.outputs.contains(input!) {
                    softmax.log = true
                    graph.nodes[index].op = .softmax(softmax)
                    graph.nodes[index].inputs = graph.nodes[producer].inputs
                    changed = true
                }
            default:
                break
            }
        }
        // Constant-producing nodes were emptied above; drop them so the verifier sees constants only.
        let before = graph.nodes.count
        let values = graph.values
        graph.nodes.removeAll { $0.inputs.isEmpty && values[$0.outputs[0].index].constant != nil }
        return changed || graph.nodes.count != before
    }

    /// Makes the readers of a node's output read its input; the node becomes dead code.
    /// A graph output keeps its node when it is also a graph input (nothing else would produce it).
    private func bypass(_ graph: inout Graph, node index: Int) -> Bool {
        let node = graph.nodes[index]
        let source = node.inputs[0], output = node.outputs[0]
        if graph.outputs.contains(output) && (graph.inputs.contains(source) || graph.outputs.contains(source)) {
            return false
        }
        graph.replaceUses(of: output, with: source)
        if graph.outputs.contains(source) {
            graph[source].name = graph[output].name
        }
        return true
    }

    /// True when the non-unit dimensions keep their relative order, so the memory order is unchanged.
    func onlyMovesUnitDimensions(shape: [Int], perm: [Int]) -> Bool {
        let order = perm.filter { shape[$0] != 1 }
        return order == order.sorted()
    }
}
