import GraphIR

/// onnxruntime's dynamic quantization (`quantize_dynamic`): DynamicQuantizeLinear rounds a float
/// tensor to uint8 at run time with a scale and zero point of its own, MatMulInteger or
/// ConvInteger multiplies those integers by stored int8 weights, a Cast and a Mul by the two
/// scales bring the product back to float. In the float reference the integer product is the
/// dense or convolution layer over the weights less their zero point, marked to round its input as
/// DynamicQuantizeLinear does; the run-time scale is then 1, since the rounded input is real already.
extension ONNXImporter {
    static let dynamicQuantizationOps: Set<String> = ["DynamicQuantizeLinear", "MatMulInteger", "ConvInteger"]

    mutating func importDynamicQuantization(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        switch node.opType {
        case "DynamicQuantizeLinear":
            let x = try input(node, 0)
            guard !graph.isConstant(x) else { throw GraphError("rounds a constant") }
            bind(node, x)
            dynamicallyQuantized.insert(outputName(node))
            for (k, value) in [(1, Float(1)), (2, Float(0))] where node.output.count > k && !node.output[k].isEmpty {
                values[node.output[k]] = graph.addConstant(name: node.output[k], Tensor(shape: [], floats: [value]))
            }
        case "MatMulInteger", "ConvInteger":
            guard dynamicallyQuantized.contains(node.input[0]) else {
                throw GraphError("multiplies integers that no DynamicQuantizeLinear produced")
            }
            let conv = node.opType == "ConvInteger"
            let w = try constantInput(node, 1, "the weights")
            var weights = w.floats
            if hasInput(node, 3) {
                // The weights' zero point: one, or one per output column (MatMul) or channel (Conv).
                let zp = try constantInput(node, 3, "the weight zero point").floats
                let outputs = conv ? w.shape[0] : (w.shape.last ?? 1)
                guard zp.count == 1 || zp.count == outputs else { throw GraphError("\(zp.count) weight zero points for \(outputs) outputs") }
                let per = conv ? weights.count / max(outputs, 1) : 1
                weights = weights.indices.map { i in weights[i] - zp[zp.count == 1 ? 0 : (conv ? i / per : i % outputs)] }
            }
            if !conv {
                // A dense layer over [rows, K] with weights [N, K].
                let x = try input(node, 0)
                guard graph.shape(x).count == 2, w.shape.count == 2, graph.shape(x)[1] == w.shape[0] else {
                    throw GraphError("needs a 2-D input and 2-D weights that fit it")
                }
                let dense = graph.addConstant(name: name + ".weights", Tensor(shape: [w.shape[1], w.shape[0]],
                                                                                 floats: transposeData(weights, shape: w.shape, perm: [1, 0])))
                bind(node, try emit(.dense(Dense(hybrid: .unsignedDynamic)), [x, dense], name: name, output: outputName(node)))
                return true
            }
            let weightName = name + ".weights"
            values[weightName] = graph.addConstant(name: weightName, Tensor(shape: w.shape, floats: weights))
            var base = Onnx_NodeProto()
            base.opType = "Conv"
            base.name = name
            base.input = [node.input[0], weightName]
            base.attribute = node.attribute
            base.output = [outputName(node)]
            try importNode(base)
            // Mark the convolution that reads the rounded input (behind the layout transposes).
            var producer = graph.producerIndex(of: values[outputName(node)]!)
            while let p = producer, case .transpose = graph.nodes[p].op { producer = graph.producerIndex(of: graph.nodes[p].inputs[0]) }
            guard let p = producer, case .conv2d(var c) = graph.nodes[p].op else { throw GraphError("its product is no convolution") }
            c.hybrid = .unsignedDynamic
            graph.nodes[p].op = .conv2d(c)
        default:
            return false
        }
        return true
    }
}
