import GraphIR

/// QuantizeLinear and DequantizeLinear, as onnxruntime's quantizer writes them around float ops
/// (QDQ models). The graph holds real values throughout, so neither op computes anything here:
/// a DequantizeLinear of stored integers is a constant that keeps them (weights, int32 biases), and
/// a QuantizeLinear records the int8 quantization of the value it reads, which the int8 program
/// then computes as onnxruntime does (each float op followed by a rounding to that quantization).
extension ONNXImporter {
    static let quantizedOps: Set<String> = ["QuantizeLinear", "DequantizeLinear"]

    mutating func importQuantizeDequantize(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        guard Self.quantizedOps.contains(node.opType) else { return false }
        let x = try input(node, 0)
        let scales = try constantInput(node, 1, "the scale").floats
        let zeroPoints = hasInput(node, 2) ? try constantInput(node, 2, "the zero point").ints : [Int64](repeating: 0, count: scales.count)
        guard !scales.isEmpty, zeroPoints.count == scales.count, scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw GraphError("needs one positive scale and one zero point per slice")
        }
        // The stored type: the zero point's, else the input's (dequantizing), else uint8 (the default).
        let type = hasInput(node, 2) ? elementTypes[node.input[2]] : nil
        let storedType = type ?? (node.opType == "DequantizeLinear" ? elementTypes[node.input[0]] : nil) ?? .uint8
        guard [.int8, .uint8, .int32].contains(storedType) else {
            throw GraphError("\(storedType.name) quantization is not supported (int8, uint8 and int32 biases are)")
        }
        let shape = graph.shape(x)
        var axis = 0
        if scales.count > 1 {
            axis = try normalizedAxis(try attributes.int("axis", default: 1), rank: shape.count)
            guard shape[axis] == scales.count else { throw GraphError("\(scales.count) scales along axis \(axis) of shape \(shape)") }
        }
        let range: ClosedRange<Int64> = storedType == .int8 ? -128...127 : (storedType == .uint8 ? 0...255 : Int64(Int32.min)...Int64(Int32.max))
        guard zeroPoints.allSatisfy({ range.contains($0) }) else { throw GraphError("a zero point lies outside \(storedType.name)") }
        let info = QuantizationInfo(scales: scales, zeroPoints: zeroPoints, axis: axis, storage: storedType.name)

        if node.opType == "DequantizeLinear" {
            if let stored = graph.constant(x) {
                guard !stored.isFloat else { throw GraphError("dequantizes float values") }
                let raw = stored.ints
                guard raw.allSatisfy({ range.contains($0) }) else { throw GraphError("stored values lie outside \(storedType.name)") }
                var kept = info
                kept.rawValues = raw
                let stride = scales.count > 1 ? Array(shape[(axis + 1)...]).elementCount : 1
                let real = raw.indices.map { i -> Float in
                    let c = scales.count > 1 ? (i / stride) % scales.count : 0
                    return Float(Double(scales[c]) * Double(raw[i] - zeroPoints[c]))
                }
                bind(node, graph.addValue(name: outputName(node), shape: shape, constant: Tensor(shape: shape, floats: real), quantization: kept))
                return true
            }
            // An activation: the value its QuantizeLinear produced, real already.
            guard let q = graph[x].quantization, q.scales == scales, q.zeroPoints == Self.asInt8(info).zeroPoints else {
                throw GraphError("dequantizes '\(graph[x].name)' with other parameters than its QuantizeLinear")
            }
            bind(node, x)
            return true
        }

        guard graph.constant(x) == nil else { throw GraphError("quantizes a constant (weights are stored quantized with a DequantizeLinear)") }
        guard scales.count == 1, storedType != .int32 else { throw GraphError("an activation quantized per axis or to int32 is not supported") }
        let q = Self.asInt8(info)
        if let existing = graph[x].quantization {
            guard existing.scales == q.scales, existing.zeroPoints == q.zeroPoints else {
                // Quantized again with other parameters: a requantization.
                let y = graph.addNode(name: name, op: .reshape, inputs: [x], outputName: outputName(node), shape: shape)
                graph[y].quantization = q
                bind(node, y)
                return true
            }
            bind(node, x)
            return true
        }
        // The quantizer drops every ReLU whose clamp the rounding implies (a range that starts at
        // zero): put it back, so the float reference computes what the model means.
        var y = x
        if Self.startsAtZero(q), let producer = layoutSource(of: x).producer, Self.dropsItsRelu(graph.nodes[producer].op) {
            y = try emit(.activation(.relu), [x], name: name + ".relu", output: outputName(node) + ".relu")
        }
        setQuantization(q, on: y)
        bind(node, y)
        return true
    }

    /// uint8 activations as int8: the same real values, every integer and zero point moved by 128.
    static func asInt8(_ q: QuantizationInfo) -> QuantizationInfo {
        guard q.storage == "uint8" else { return q }
        return QuantizationInfo(scales: q.scales, zeroPoints: q.zeroPoints.map { $0 - 128 }, axis: q.axis, storage: "int8")
    }

    static func startsAtZero(_ q: QuantizationInfo) -> Bool { q.zeroPoints == [-128] }

    /// The ops after which onnxruntime's quantizer removes a ReLU.
    static func dropsItsRelu(_ op: Op) -> Bool {
        switch op {
        case .conv2d, .gemm, .matMul, .dense, .binary: return true
        default: return false
        }
    }

    /// Follows transposes and reshapes back to the node that computes a value's data.
    func layoutSource(of id: ValueID) -> (value: ValueID, producer: Int?, path: [ValueID]) {
        var value = id, path = [id]
        while let p = graph.producerIndex(of: value) {
            switch graph.nodes[p].op {
            case .transpose, .reshape:
                value = graph.nodes[p].inputs[0]
                path.append(value)
            default:
                return (value, p, path)
            }
        }
        return (value, nil, path)
    }

    /// Gives a value its quantization, and the values it is a transpose or reshape of too (one
    /// scale: the layout does not change it), so it survives when the passes remove those.
    mutating func setQuantization(_ q: QuantizationInfo, on id: ValueID) {
        for value in layoutSource(of: id).path where graph[value].quantization == nil && !graph.isConstant(value) {
            graph[value].quantization = q
        }
    }
}
