import Foundation
import GraphIR
import Testing

/// Structural before/after checks of the standard pipeline on hand-built graphs (TVM style).
@Suite struct PassTests {
    /// NCHW conv -> relu -> maxpool as an importer builds it (wrapped in transposes).
    func wrappedGraph() -> Graph {
        var g = Graph(info: ModelInfo(format: "test"))
        let x = g.addValue(name: "x", shape: [1, 2, 4, 4])
        g.inputs = [x]
        let w = g.addConstant(name: "w", Tensor(shape: [3, 1, 1, 2], floats: [1, 2, 3, 4, 5, 6]))
        let t1 = g.addNode(name: "t1", op: .transpose(perm: [0, 2, 3, 1]), inputs: [x], outputName: "t1", shape: [1, 4, 4, 2])
        let c = g.addNode(name: "conv", op: .conv2d(Conv2D()), inputs: [t1, w], outputName: "c", shape: [1, 4, 4, 3])
        let t2 = g.addNode(name: "t2", op: .transpose(perm: [0, 3, 1, 2]), inputs: [c], outputName: "t2", shape: [1, 3, 4, 4])
        let bias = g.addConstant(name: "b", Tensor(shape: [3, 1, 1], floats: [0.5, -1, 2]))
        let a = g.addNode(name: "add", op: .binary(Binary(.add)), inputs: [t2, bias], outputName: "a", shape: [1, 3, 4, 4])
        let r = g.addNode(name: "relu", op: .activation(.relu), inputs: [a], outputName: "r", shape: [1, 3, 4, 4])
        let t3 = g.addNode(name: "t3", op: .transpose(perm: [0, 2, 3, 1]), inputs: [r], outputName: "t3", shape: [1, 4, 4, 3])
        let p = g.addNode(name: "pool", op: .maxPool2d(Pool2D(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2)), inputs: [t3], outputName: "p", shape: [1, 2, 2, 3])
        let t4 = g.addNode(name: "t4", op: .transpose(perm: [0, 3, 1, 2]), inputs: [p], outputName: "t4", shape: [1, 3, 2, 2])
        let f = g.addNode(name: "flatten", op: .reshape, inputs: [t4], outputName: "f", shape: [1, 12])
        let dw = g.addConstant(name: "dw", Tensor(shape: [2, 12], floats: (0..<24).map(Float.init)))
        let d = g.addNode(name: "dense", op: .dense(Dense()), inputs: [f, dw], outputName: "d", shape: [1, 2])
        g.outputs = [d]
        return g
    }

    /// A slice in NCHW between the two transposes an ONNX importer writes becomes one copy that reads
    /// the NHWC input and writes the NHWC output: y[h, w, c] = x[1 − h, w, c + 1] (rows reversed,
    /// channels 1 and 2).
    @Test func transposesFoldIntoACopyByIndex() throws {
        var g = Graph(info: ModelInfo(format: "test"))
        let x = g.addValue(name: "x", shape: [1, 2, 2, 4])
        g.inputs = [x]
        let t1 = g.addNode(name: "t1", op: .transpose(perm: [0, 3, 1, 2]), inputs: [x], outputName: "t1", shape: [1, 4, 2, 2])
        let slice = try IndexCopy.picking([[0], [1, 2], [1, 0], [0, 1]], from: [1, 4, 2, 2], source: "slice")
        let s = g.addNode(name: "slice", op: .indexCopy(slice), inputs: [t1], outputName: "s", shape: [1, 2, 2, 2])
        let t2 = g.addNode(name: "t2", op: .transpose(perm: [0, 2, 3, 1]), inputs: [s], outputName: "t2", shape: [1, 2, 2, 2])
        g.outputs = [t2]
        try PassPipeline.standard.run(&g)
        #expect(g.nodes.map(\.op.kind) == ["slice"])
        guard g.nodes.count == 1, case .indexCopy(let copy) = g.nodes[0].op else { return }
        #expect(g.nodes[0].inputs == [x])
        let input = (0..<16).map(Float.init)  // x[h, w, c] = 8h + 4w + c
        var expected = [Float]()
        for h in 0..<2 { for w in 0..<2 { for c in 0..<2 { expected.append(Float(8 * (1 - h) + 4 * w + c + 1)) } } }
        #expect(copy.apply(input) == expected)
    }

    /// ELU as TensorFlow writes it, select(x > 0, x, 2·(exp(x) − 1)), becomes one function of x:
    /// 1 at 1, 2·(e⁻¹ − 1) at −1.
    @Test func comparisonChainBecomesOneFunction() throws {
        var g = Graph(info: ModelInfo(format: "test"))
        let x = g.addValue(name: "x", shape: [1, 4])
        g.inputs = [x]
        let zero = g.addConstant(name: "zero", Tensor(shape: [], floats: [0]))
        let one = g.addConstant(name: "one", Tensor(shape: [], floats: [1]))
        let two = g.addConstant(name: "two", Tensor(shape: [], floats: [2]))
        let positive = g.addNode(name: "greater", op: .compare(.greater), inputs: [x, zero], outputName: "p", shape: [1, 4])
        let e = g.addNode(name: "exp", op: .activation(.exp), inputs: [x], outputName: "e", shape: [1, 4])
        let d = g.addNode(name: "sub", op: .binary(Binary(.sub)), inputs: [e, one], outputName: "d", shape: [1, 4])
        let m = g.addNode(name: "mul", op: .binary(Binary(.mul)), inputs: [d, two], outputName: "m", shape: [1, 4])
        let y = g.addNode(name: "select", op: .select, inputs: [positive, x, m], outputName: "y", shape: [1, 4])
        g.outputs = [y]
        try PassPipeline.standard.run(&g)
        #expect(g.nodes.map(\.op.kind) == ["elementwise"])
        guard g.nodes.count == 1, case .activation(let activation) = g.nodes[0].op else { return }
        #expect(g.nodes[0].inputs == [x])
        #expect(activation.value(1) == 1)
        #expect(abs(activation.value(-1) - 2 * (exp(-1) - 1)) < 1e-6)
    }

    /// Depth to space with block 2 on a 1x2 image of 4 channels: y[i, 2w + j] = x[w, 2i + j].
    @Test func depthToSpaceByHand() throws {
        let copy = try IndexCopy.depthToSpace(inputShape: [1, 1, 2, 4], block: 2)
        #expect(copy.shape == [1, 2, 4, 1])
        #expect(copy.apply((0..<8).map(Float.init)) == [0, 1, 4, 5, 2, 3, 6, 7])
        #expect(copy.simplified.apply((0..<8).map(Float.init)) == [0, 1, 4, 5, 2, 3, 6, 7])
    }

    /// Softmax then Log (how some exporters write log-softmax) becomes one log-softmax; a softmax
    /// that something else also reads keeps its own node.
    @Test func logOfSoftmaxBecomesLogSoftmax() throws {
        func graph(softmaxIsAlsoOutput: Bool) -> Graph {
            var g = Graph(info: ModelInfo(format: "test"))
            let x = g.addValue(name: "x", shape: [1, 10])
            g.inputs = [x]
            let s = g.addNode(name: "softmax", op: .softmax(Softmax(axis: 1)), inputs: [x], outputName: "s", shape: [1, 10])
            let l = g.addNode(name: "log", op: .activation(.log), inputs: [s], outputName: "l", shape: [1, 10])
            g.outputs = softmaxIsAlsoOutput ? [l, s] : [l]
            return g
        }
        var fused = graph(softmaxIsAlsoOutput: false)
        try PassPipeline.standard.run(&fused)
        #expect(fused.nodes.map(\.op.kind) == ["log_softmax"])
        #expect(fused.nodes[0].inputs == fused.inputs && fused.nodes[0].outputs == fused.outputs)
        var kept = graph(softmaxIsAlsoOutput: true)
        try PassPipeline.standard.run(&kept)
        #expect(kept.nodes.map(\.op.kind) == ["softmax", "log"])
    }

    /// A batch norm left unfused after a pool (multiply, then add, per channel) becomes one 1x1
    /// depthwise layer with the scale as weights and the offset as bias.
    @Test func channelAffineBecomesOneDepthwiseLayer() throws {
        var g = Graph(info: ModelInfo(format: "test"))
        let x = g.addValue(name: "x", shape: [1, 4, 4, 2])
        g.inputs = [x]
        let p = g.addNode(name: "pool", op: .maxPool2d(Pool2D(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2)), inputs: [x],
                          outputName: "p", shape: [1, 2, 2, 2])
        let scale = g.addConstant(name: "s", Tensor(shape: [2], floats: [2, -3]))
        let m = g.addNode(name: "mul", op: .binary(Binary(.mul)), inputs: [p, scale], outputName: "m", shape: [1, 2, 2, 2])
        let offset = g.addConstant(name: "t", Tensor(shape: [1, 1, 1, 2], floats: [0.5, 1]))
        let a = g.addNode(name: "add", op: .binary(Binary(.add)), inputs: [m, offset], outputName: "a", shape: [1, 2, 2, 2])
        g.outputs = [a]
        try PassPipeline.standard.run(&g)
        #expect(g.nodes.map(\.op.kind) == ["maxpool", "conv(groups=2)"])
        let conv = g.nodes[1]
        #expect(g.constant(conv.inputs[1])?.shape == [2, 1, 1, 1] && g.constant(conv.inputs[1])?.floats == [2, -3])
        #expect(g.constant(conv.inputs[2])?.floats == [0.5, 1])
    }

    @Test func pipelineLeavesAnNHWCGraphWithoutTransposes() throws {
        var graph = wrappedGraph()
        try Verifier.verify(graph)
        try PassPipeline.standard.run(&graph)
        let kinds = graph.nodes.map { $0.op.kind }
        #expect(kinds == ["transpose", "conv", "maxpool", "reshape", "dense"], "\(kinds)")
        // The bias add folded into the conv, the relu fused.
        let conv = graph.nodes[1]
        #expect(conv.op.fusedActivation == .relu)
        #expect(graph.constant(conv.inputs[2])?.floats == [0.5, -1, 2])
        // The dense weight columns now follow NHWC order: column (h,w,c) = old column (c,h,w).
        let weight = graph.constant(graph.nodes[4].inputs[1])!.floats
        // x-order index (h=0,w=1,c=2) -> old index c*4 + h*2 + w = 9.
        #expect(weight[(0 * 2 + 1) * 3 + 2] == 9)
    }

    @Test func inverseTransposesCancel() throws {
        var g = Graph(info: ModelInfo(format: "test"))
        let x = g.addValue(name: "x", shape: [1, 2, 3, 4])
        g.inputs = [x]
        let t1 = g.addNode(name: "t1", op: .transpose(perm: [0, 2, 3, 1]), inputs: [x], outputName: "t1", shape: [1, 3, 4, 2])
        let s = g.addNode(name: "sig", op: .activation(.sigmoid), inputs: [t1], outputName: "s", shape: [1, 3, 4, 2])
        let t2 = g.addNode(name: "t2", op: .transpose(perm: [0, 3, 1, 2]), inputs: [s], outputName: "t2", shape: [1, 2, 3, 4])
        g.outputs = [t2]
        try PassPipeline.standard.run(&g)
        #expect(g.nodes.map { $0.op.kind } == ["sigmoid"])
        #expect(g.shape(g.outputs[0]) == [1, 2, 3, 4])
    }
}
