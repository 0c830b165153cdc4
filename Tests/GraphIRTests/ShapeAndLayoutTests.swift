import GraphIR
import Testing

@Suite struct ShapeAndLayoutTests {
    @Test func windowCountFloorAndCeil() throws {
        // 5 inputs, kernel 2, stride 2: floor gives 2 windows, ceil 3 (the last one overhangs).
        #expect(try ShapeInference.windowCount(5, kernel: 2, stride: 2, dilation: 1, padBefore: 0, padAfter: 0, ceil: false) == 2)
        #expect(try ShapeInference.windowCount(5, kernel: 2, stride: 2, dilation: 1, padBefore: 0, padAfter: 0, ceil: true) == 3)
        // 28 with 5x5 kernel, pad 2 both sides -> 28 ("same").
        #expect(try ShapeInference.windowCount(28, kernel: 5, stride: 1, dilation: 1, padBefore: 2, padAfter: 2, ceil: false) == 28)
        // Dilation 2 makes a 3-tap kernel span 5.
        #expect(try ShapeInference.windowCount(7, kernel: 3, stride: 1, dilation: 2, padBefore: 0, padAfter: 0, ceil: false) == 3)
        #expect(throws: GraphError.self) { try ShapeInference.windowCount(2, kernel: 3, stride: 1, dilation: 1, padBefore: 0, padAfter: 0, ceil: false) }
    }

    @Test func convShapeNHWC() throws {
        let shape = try ShapeInference.outputShape(of: .conv2d(Conv2D(strideH: 2, strideW: 2, padding: Padding2D(top: 1, left: 1, bottom: 1, right: 1))),
                                                   inputs: [[1, 32, 32, 3], [16, 3, 3, 3], [16]])
        #expect(shape == [1, 16, 16, 16])
        // Depthwise: groups = channels, weight [C, kh, kw, 1].
        let dw = try ShapeInference.outputShape(of: .conv2d(Conv2D(groups: 8)), inputs: [[1, 5, 5, 8], [8, 3, 3, 1]])
        #expect(dw == [1, 3, 3, 8])
    }

    @Test func broadcastingFollowsNumpy() {
        #expect(broadcastShapes([3, 4, 5], [5]) == [3, 4, 5])
        #expect(broadcastShapes([1, 4, 1], [3, 1, 5]) == [3, 4, 5])
        #expect(broadcastShapes([3], [4]) == nil)
    }

    @Test func transposeDataMatchesHandComputedOrder() {
        // [[0,1,2],[3,4,5]] transposed is [[0,3],[1,4],[2,5]].
        #expect(transposeData([0, 1, 2, 3, 4, 5], shape: [2, 3], perm: [1, 0]) == [0, 3, 1, 4, 2, 5])
        // NCHW [1,2,1,2] -> NHWC: channel becomes fastest.
        #expect(transposeData([1, 2, 3, 4], shape: [1, 2, 1, 2], perm: [0, 2, 3, 1]) == [1, 3, 2, 4])
        #expect(broadcastData([1, 2], shape: [2], to: [2, 2]) == [1, 2, 1, 2])
    }

    @Test func verifierRejectsUseBeforeDefinition() {
        var graph = Graph(info: ModelInfo(format: "test"))
        let x = graph.addValue(name: "x", shape: [1, 4])
        graph.inputs = [x]
        let y = graph.addValue(name: "y", shape: [1, 4])
        let z = graph.addValue(name: "z", shape: [1, 4])
        graph.nodes = [Node(name: "a", op: .activation(.relu), inputs: [y], outputs: [z]),
                       Node(name: "b", op: .activation(.relu), inputs: [x], outputs: [y])]
        graph.outputs = [z]
        #expect(throws: GraphError.self) { try Verifier.verify(graph) }
    }

    /// Float constants read as integers (shapes, axes, indices from a file) never trap: truncated,
    /// saturated at the Int64 range, NaN as zero.
    @Test func floatConstantsReadAsIntegersSaturate() {
        let t = Tensor(shape: [6], floats: [2.9, -2.9, .nan, .infinity, -.infinity, 1e30])
        #expect(t.ints == [2, -2, 0, .max, .min, .max])
    }
}
