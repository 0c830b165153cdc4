import GraphIR

/// onnxruntime's QOperator form (QLinearConv, QLinearMatMul, and its com.microsoft QGemm,
/// QLinearAdd, QLinearMul, QLinearGlobalAveragePool, QLinearAveragePool, QLinearSigmoid,
/// QLinearLeakyRelu, QLinearConcat): each is the float op between a DequantizeLinear of every
/// quantized input and a QuantizeLinear of its output, and is imported as exactly that, so the
/// int8 program computes it as a QDQ model. Ops that only move or compare int8 values (MaxPool,
/// Flatten, Reshape, …) keep their input's quantization.
extension ONNXImporter {
    /// For each op: the float op, where each quantized input's (value, scale, zero point) starts,
    /// where the output scale and zero point are (nil: a float output), and the int32 bias input.
    struct QOperator {
        let base: String
        let inputs: [Int]
        let output: Int?
        let bias: Int?
    }

    static let qOperators: [String: QOperator] = [
        "QLinearConv": QOperator(base: "Conv", inputs: [0, 3], output: 6, bias: 8),
        "QLinearMatMul": QOperator(base: "MatMul", inputs: [0, 3], output: 6, bias: nil),
        "QGemm": QOperator(base: "Gemm", inputs: [0, 3], output: 7, bias: 6),
        "QLinearAdd": QOperator(base: "Add", inputs: [0, 3], output: 6, bias: nil),
        "QLinearMul": QOperator(base: "Mul", inputs: [0, 3], output: 6, bias: nil),
        "QLinearGlobalAveragePool": QOperator(base: "GlobalAveragePool", inputs: [0], output: 3, bias: nil),
        "QLinearAveragePool": QOperator(base: "AveragePool", inputs: [0], output: 3, bias: nil),
        "QLinearSigmoid": QOperator(base: "Sigmoid", inputs: [0], output: 3, bias: nil),
        "QLinearLeakyRelu": QOperator(base: "LeakyRelu", inputs: [0], output: 3, bias: nil),
    ]
    /// The QOperator ops onnxruntime keeps in its own domain.
    static let microsoftOps: Set<String> = ["QGemm", "QLinearAdd", "QLinearMul", "QLinearGlobalAveragePool", "QLinearAveragePool",
                                            "QLinearSigmoid", "QLinearLeakyRelu", "QLinearConcat"]
    /// Ops that move or select int8 values without changing them.
    static let quantizationKeeping: Set<String> = ["MaxPool", "GlobalMaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze",
                                                   "Identity", "Dropout", "Slice", "Gather", "Split", "DepthToSpace", "SpaceToDepth",
                                                   "Tile", "Expand", "Pad"]

    mutating func importQOperator(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        if node.opType == "QLinearConcat" { return try importQLinearConcat(node, attributes, name: name) }
        guard let q = Self.qOperators[node.opType] else { return false }
        let channelsLast = try attributes.int("channels_last", default: 0)
        guard channelsLast == 0 else {
            throw GraphError("channels_last is not supported")
        }
        var inputs = [String]()
        for (k, start) in q.inputs.enumerated() {
            // Weights are per output channel: axis 0 of a convolution's or transposed Gemm's, 1 of a MatMul's.
            var axis = 1
            if k == 1 {
                let transB = try attributes.int("transB", default: 0) != 0
                axis = q.base == "Conv" || (q.base == "Gemm" && transB) ? 0 : 1
            }
            inputs.append(try dequantized(node, from: start, axis: axis, label: "\(name).in\(k)"))
        }
        if let b = q.bias, hasInput(node, b) {
            // An int32 bias at the scale input scale × weight scale (per channel).
            let xs = try constantInput(node, 1, "the input scale").floats, ws = try constantInput(node, 4, "the weight scale").floats
            guard xs.count == 1, !ws.isEmpty else { throw GraphError("needs one input scale and weight scales") }
            let scaleName = "\(name).bias.scale"
            values[scaleName] = graph.addConstant(name: scaleName, Tensor(shape: [ws.count], floats: ws.map { $0 * xs[0] }))
            inputs.append(try dequantized([node.input[b], scaleName], axis: 0, label: "\(name).bias"))
        }
        var base = Onnx_NodeProto()
        base.opType = q.base
        base.name = name
        base.input = inputs
        base.attribute = node.attribute.filter { $0.name != "channels_last" }
        let quantizedOutput = q.output.map { hasInput(node, $0) } ?? false
        base.output = [quantizedOutput ? "\(name).real" : outputName(node)]
        try importNode(base)
        if quantizedOutput, let out = q.output {
            try quantize(base.output[0], scale: node.input[out], zeroPoint: node.input.count > out + 1 ? node.input[out + 1] : "",
                         into: outputName(node), name: name)
        }
        return true
    }

    /// QLinearConcat: the output scale and zero point first, then (value, scale, zero point) per input.
    private mutating func importQLinearConcat(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        guard node.input.count >= 5, (node.input.count - 2) % 3 == 0 else { throw GraphError("needs the output scale and zero point, then triples") }
        var base = Onnx_NodeProto()
        base.opType = "Concat"
        base.name = name
        base.input = try stride(from: 2, to: node.input.count, by: 3).enumerated().map { k, start in
            try dequantized(node, from: start, axis: 1, label: "\(name).in\(k)")
        }
        base.attribute = node.attribute
        base.output = ["\(name).real"]
        try importNode(base)
        try quantize(base.output[0], scale: node.input[0], zeroPoint: node.input[1], into: outputName(node), name: name)
        return true
    }

    /// A DequantizeLinear of the (value, scale, zero point) starting at input `start`; its output name.
    private mutating func dequantized(_ node: Onnx_NodeProto, from start: Int, axis: Int, label: String) throws -> String {
        guard node.input.count > start + 1, !node.input[start].isEmpty, !node.input[start + 1].isEmpty else {
            throw GraphError("is missing a quantized input at \(start)")
        }
        return try dequantized(Array(node.input[start..<min(start + 3, node.input.count)]), axis: axis, label: label)
    }

    /// A DequantizeLinear of `inputs` (value, scale, and zero point if any) along `axis`; its output name.
    private mutating func dequantized(_ inputs: [String], axis: Int, label: String) throws -> String {
        var dq = Onnx_NodeProto()
        dq.opType = "DequantizeLinear"
        dq.name = label
        dq.input = inputs
        dq.output = [label]
        var attribute = Onnx_AttributeProto()
        attribute.name = "axis"
        attribute.type = .int
        attribute.i = Int64(axis)
        dq.attribute = [attribute]
        _ = try importQuantizeDequantize(dq, ONNXAttributes(dq), name: label)
        return label
    }

    /// A QuantizeLinear of `value` with the given scale and zero point, bound to `output`.
    private mutating func quantize(_ value: String, scale: String, zeroPoint: String, into output: String, name: String) throws {
        var q = Onnx_NodeProto()
        q.opType = "QuantizeLinear"
        q.name = name + ".quantize"
        q.input = zeroPoint.isEmpty ? [value, scale] : [value, scale, zeroPoint]
        q.output = [output]
        _ = try importQuantizeDequantize(q, ONNXAttributes(q), name: q.name)
    }

    /// After an op that moves int8 values: its outputs keep its input's quantization.
    mutating func keepQuantization(_ node: Onnx_NodeProto) {
        guard Self.quantizationKeeping.contains(node.opType), let first = node.input.first, let x = values[first],
              let q = perTensorQuantization(of: x) else { return }
        for name in node.output where !name.isEmpty {
            if let y = values[name], graph[y].quantization == nil, !graph.isConstant(y) { setQuantization(q, on: y) }
        }
    }
}
