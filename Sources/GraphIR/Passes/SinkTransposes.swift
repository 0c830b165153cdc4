/// Moves transposes down the graph until they meet their inverse and vanish.
///
/// Importers wrap each NCHW convolution or pool in `transpose(NCHW→NHWC)` … `transpose(NHWC→NCHW)`;
/// this pass is what turns a whole ONNX network into NHWC. A transpose with a single reader moves
/// below that reader when the reader commutes with it: element-wise activations, binary ops with a
/// constant or with an identically transposed operand, PRelu with a constant slope, constant pad,
/// single-axis softmax, and another transpose (the two compose, and cancel when inverse). A copy
/// by index absorbs a transpose on either side of it.
public struct SinkTransposes: GraphPass {
    public var name: String { "sink-transposes" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for tIndex in graph.nodes.indices {
            guard case .transpose(let perm) = graph.nodes[tIndex].op else { continue }
            let t = graph.nodes[tIndex]
            // A copy by index whose only reader is this transpose writes the transposed layout itself.
            if let p = graph.producerIndex(of: t.inputs[0]), case .indexCopy(let copy) = graph.nodes[p].op,
               graph.soleConsumer(of: t.inputs[0]) == tIndex, !graph.outputs.contains(t.inputs[0]),
               let merged = copy.transposingOutput(perm) {
                graph.nodes[tIndex] = Node(name: graph.nodes[p].name, op: .indexCopy(merged), inputs: graph.nodes[p].inputs, outputs: t.outputs)
                graph.nodes.remove(at: p)
                return true
            }
            guard let cIndex = graph.soleConsumer(of: t.outputs[0]) else { continue }
            if try sink(&graph, transposeAt: tIndex, perm: perm, consumerAt: cIndex) { return true }
        }
        return false
    }

    private func sink(_ graph: inout Graph, transposeAt tIndex: Int, perm: [Int], consumerAt cIndex: Int) throws -> Bool {
        let t = graph.nodes[tIndex]
        let c = graph.nodes[cIndex]
        let x = t.inputs[0]
        let inverse = inversePermutation(perm)
        let out = c.outputs[0]

        // Replaces transpose+consumer by consumer'(x) followed by the same transpose.
        func rebuild(op: Op, inputs: [ValueID]) throws {
            let shape = try ShapeInference.outputShape(of: op, inputs: inputs.map { graph.shape($0) })
            // The same values in another layout: an int8 model's quantization carries over.
            let inner = graph.addValue(name: graph[out].name + ".nhwc", shape: shape, quantization: graph[out].quantization)
            graph.nodes[cIndex] = Node(name: c.name, op: op, inputs: inputs, outputs: [inner])
            graph.nodes.insert(Node(name: t.name, op: .transpose(perm: perm), inputs: [inner], outputs: [out]), at: cIndex + 1)
            graph.nodes.remove(at: tIndex)
        }

        // A constant operand seen from x's side of the transpose (rank-aligned first).
        func untransposed(_ id: ValueID) -> ValueID? {
            guard let tensor = graph.constant(id), tensor.isFloat, tensor.shape.count <= perm.count else { return nil }
            let aligned = [Int](repeating: 1, count: perm.count - tensor.shape.count) + tensor.shape
            let shape = permute(aligned, inverse)
            let data = transposeData(tensor.floats, shape: aligned, perm: inverse)
            return graph.addConstant(name: graph[id].name + ".nhwc", Tensor(shape: shape, floats: data))
        }

        switch c.op {
        case .transpose(let second):
            let combined = second.map { perm[$0] }
            if combined == Array(combined.indices) && !graph.outputs.contains(out) {
                graph.replaceUses(of: out, with: x)
                graph.nodes.remove(at: cIndex)
                graph.nodes.remove(at: tIndex)
            } else {
                graph.nodes[cIndex] = Node(name: c.name, op: .transpose(perm: combined), inputs: [x], outputs: [out])
                graph.nodes.remove(at: tIndex)
            }
            return true
        case .activation:
            try rebuild(op: c.op, inputs: [x])
            return true
        case .indexCopy(let copy):
            // The copy reads x directly: one pass over the data instead of two.
            guard let merged = copy.readingThroughTranspose(perm, of: graph.shape(x)) else { return false }
            graph.nodes[cIndex] = Node(name: c.name, op: .indexCopy(merged), inputs: [x], outputs: [out])
            graph.nodes.remove(at: tIndex)
            return true
        case .softmax(let softmax) where !softmax.coerceTo2D:
            try rebuild(op: .softmax(Softmax(axis: perm[softmax.axis], log: softmax.log)), inputs: [x])
            return true
        case .pad(let pad):
            try rebuild(op: .pad(Pad(before: permute(pad.before, inverse), after: permute(pad.after, inverse), value: pad.value)),
                        inputs: [x])
            return true
        case .prelu:
            guard c.inputs[0] == t.outputs[0], let slope = untransposed(c.inputs[1]) else { return false }
            try rebuild(op: .prelu, inputs: [x, slope])
            return true
        case .binary:
            guard graph.shape(out) == graph.shape(t.outputs[0]) else { return false }
            let side = c.inputs[0] == t.outputs[0] ? 0 : 1
            let other = c.inputs[1 - side]
            var inputs = c.inputs
            inputs[side] = x
            if let constant = untransposed(other) {
                inputs[1 - side] = constant
                try rebuild(op: c.op, inputs: inputs)
                return true
            }
            // Both operands transposed alike: transpose the result once.
            guard let otherProducer = graph.producerIndex(of: other),
                  graph.nodes[otherProducer].op == .transpose(perm: perm),
                  graph.soleConsumer(of: other) == cIndex,
                  graph.shape(other) == graph.shape(out) else { return false }
            inputs[1 - side] = graph.nodes[otherProducer].inputs[0]
            try rebuild(op: c.op, inputs: inputs)  // the other transpose is now dead code
            return true
        default:
            return false
        }
    }
}
