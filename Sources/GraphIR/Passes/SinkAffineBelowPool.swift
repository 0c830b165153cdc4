/// `pool(x ∘ c)` with a per-channel constant c becomes `pool(x) ∘ c` when the two commute:
/// max pooling with a positive scale or any shift, average pooling unless padded zeros are
/// counted. It moves a post-ReLU batch norm next to the layer that can absorb it.
public struct SinkAffineBelowPool: GraphPass {
    public var name: String { "sink-affine-below-pool" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for pIndex in graph.nodes.indices {
            let pool = graph.nodes[pIndex]
            var commutesWithShift = true
            switch pool.op {
            case .maxPool2d, .globalMaxPool, .globalAvgPool: break
            case .avgPool2d(let p): commutesWithShift = !p.countIncludePad || p.padding == .zero
            default: continue
            }
            guard let bIndex = graph.producerIndex(of: pool.inputs[0]), graph.soleConsumer(of: pool.inputs[0]) == pIndex,
                  case .binary(let binary) = graph.nodes[bIndex].op, binary.activation == nil else { continue }
            let node = graph.nodes[bIndex]
            // A model quantized already (int8) runs its own ops as stored: folding would lose the weights' quantization.
            if graph[node.outputs[0]].quantization != nil { continue }
            let side = graph.isConstant(node.inputs[0]) ? 1 : 0
            if side == 1 && !(binary.op == .add || binary.op == .mul) { continue }
            let x = node.inputs[side], c = node.inputs[1 - side]
            let cShape = graph.shape(c)
            guard let cData = graph.constantFloats(c), graph.shape(x) == graph.shape(node.outputs[0]),
                  cShape.count <= 4, cShape.dropLast().allSatisfy({ $0 == 1 }) else { continue }
            switch binary.op {
            case .add, .sub: guard commutesWithShift else { continue }
            case .pow: continue
            case .mul, .div:
                // Max pooling commutes only with a positive scale; averages with any scale.
                if case .avgPool2d = pool.op {} else if case .globalAvgPool = pool.op {} else {
                    guard cData.allSatisfy({ $0 > 0 }) else { continue }
                }
            }
            let pooled = graph.addValue(name: graph[pool.outputs[0]].name + ".pre", shape: graph.shape(pool.outputs[0]))
            var inputs = node.inputs
            inputs[side] = pooled
            graph.nodes[bIndex] = Node(name: pool.name, op: pool.op, inputs: [x], outputs: [pooled])
            graph.nodes[pIndex] = Node(name: node.name, op: node.op, inputs: inputs, outputs: pool.outputs)
            return true
        }
        return false
    }
}
