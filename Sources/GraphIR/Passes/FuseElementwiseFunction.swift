/// A chain of element-wise nodes that reads one tensor and decides by comparison (TensorFlow's
/// `select(x > 0, x, α·(exp(x) − 1))` for ELU and SELU) or ends in a power (`x ** 2`) becomes one
/// activation computing the whole function: one table in the fixed-point schemes, where the comparison and the selection
/// would have no kernel. Only chains whose intermediate values nothing else reads, on one input
/// with scalar constants, in a float model (an int8 model runs its own ops).
public struct FuseElementwiseFunction: GraphPass {
    public var name: String { "fuse-elementwise-function" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for rootIndex in graph.nodes.indices.reversed() {
            // Chains that end in a selection, or in a power (x² from PyTorch's `x ** 2`), which has no kernel of its own.
            switch graph.nodes[rootIndex].op {
            case .select: break
            case .binary(let binary) where binary.op == .pow: break
            default: continue
            }
            var builder = Builder(graph: graph, root: rootIndex)
            guard let function = builder.function(of: graph.nodes[rootIndex].outputs[0], isRoot: true),
                  let source = builder.source, builder.valid(outputShape: graph.shape(graph.nodes[rootIndex].outputs[0])) else { continue }
            let root = graph.nodes[rootIndex]
            graph.nodes[rootIndex] = Node(name: root.name, op: .activation(.function(function)), inputs: [source], outputs: root.outputs)
            return true
        }
        return false
    }

    private struct Builder {
        let graph: Graph
        let root: Int
        var source: ValueID?
        var cone = Set<Int>()
        var intermediates = [ValueID]()

        init(graph: Graph, root: Int) {
            self.graph = graph
            self.root = root
        }

        mutating func function(of id: ValueID, isRoot: Bool = false) -> ElementwiseFunction? {
            guard graph[id].quantization == nil else { return nil }
            if let tensor = graph.constant(id) {
                guard tensor.count == 1, tensor.isFloat else { return nil }
                return .constant(tensor.floats[0])
            }
            if id == source { return .input }
            if let p = graph.producerIndex(of: id), let f = node(p) {
                if !isRoot { intermediates.append(id) }
                cone.insert(p)
                return f
            }
            guard source == nil else { return nil }
            source = id
            return .input
        }

        /// The node's function, or nil when it is not element-wise (its output is then the source).
        private mutating func node(_ index: Int) -> ElementwiseFunction? {
            let node = graph.nodes[index]
            func arg(_ k: Int) -> ElementwiseFunction? { function(of: node.inputs[k]) }
            switch node.op {
            case .activation(let activation):
                return arg(0).map { .apply(activation, $0) }
            case .binary(let binary):
                guard let a = arg(0), let b = arg(1) else { return nil }
                return binary.activation.map { .apply($0, .binary(binary.op, a, b)) } ?? .binary(binary.op, a, b)
            case .compare(let op):
                guard let a = arg(0), let b = arg(1) else { return nil }
                return .compare(op, a, b)
            case .select:
                guard let c = arg(0), let a = arg(1), let b = arg(2) else { return nil }
                return .select(c, a, b)
            default:
                return nil
            }
        }

        /// Every intermediate value is read only inside the chain and has the output's shape, as has the source.
        func valid(outputShape: [Int]) -> Bool {
            guard let source, graph.shape(source) == outputShape else { return false }
            return intermediates.allSatisfy { id in
                graph.shape(id) == outputShape && !graph.outputs.contains(id)
                    && graph.consumerIndices(of: id).allSatisfy { cone.contains($0) || $0 == root }
            }
        }
    }
}
