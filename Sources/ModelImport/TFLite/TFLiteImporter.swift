import Foundation
import GraphIR

/// Converts a TFLite flatbuffer (float32 or int8) into GraphIR. TFLite is NHWC with OHWI conv
/// weights already, so ops map directly; quantized tensors become their dequantized float values
/// and keep their original parameters in `Value.quantization`.
struct TFLiteImporter {
    typealias S = TFLiteSchema

    struct TensorInfo {
        var name: String
        var shape: [Int]
        var type: S.TensorType
        var buffer: Int
        var quantization: QuantizationInfo?
        /// A sparse constant's layout: the importer densifies it.
        var sparsity: TFLiteSparsity?
    }

    var graph: Graph
    let options: ImportOptions
    let fb: FlatBuffer
    var tensors: [TensorInfo] = []
    var buffers: FBVector?
    /// TFLite tensor index -> graph value.
    var values: [Int: ValueID] = [:]

    static let supported: Set<String> = Set([
        "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN", "SUM", "REDUCE_MAX", "RESHAPE",
        "SQUEEZE", "SOFTMAX", "ADD", "MUL", "SUB", "DIV", "CONCATENATION", "PAD", "PADV2", "RELU", "RELU6",
        "RELU_N1_TO_1", "LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "PRELU", "QUANTIZE", "DEQUANTIZE", "TRANSPOSE",
        "LOG_SOFTMAX", "DENSIFY", "UNIDIRECTIONAL_SEQUENCE_LSTM", "TRANSPOSE_CONV", "RESIZE_BILINEAR", "L2_NORMALIZATION",
        "ELU", "EXP", "LOG", "SQRT", "RSQRT", "ABS", "NEG", "GREATER", "GREATER_EQUAL", "LESS", "LESS_EQUAL", "EQUAL",
        "SELECT", "SELECT_V2", "MAXIMUM", "MINIMUM", "SQUARE", "SQUARED_DIFFERENCE", "FLOOR", "CEIL", "ROUND", "SIGN", "CAST", "POW",
        // shape arithmetic, evaluated at import time on constants
        "SHAPE", "PACK",
    ]).union(dataMovement)

    static func load(data: Data, options: ImportOptions, path: String) throws -> Graph {
        var importer = TFLiteImporter(graph: Graph(info: ModelInfo(format: "tflite", path: path)), options: options,
                                      fb: FlatBuffer(data))
        try importer.importModel()
        return importer.graph
    }

    private init(graph: Graph, options: ImportOptions, fb: FlatBuffer) {
        self.graph = graph
        self.options = options
        self.fb = fb
    }

    private mutating func importModel() throws {
        let model = try fb.root()
        let version = try model.uint32(S.Model.version)
        graph.info.producer = "TFLite schema v\(version)"
        guard let subgraphs = try model.vector(S.Model.subgraphs, elementSize: 4), subgraphs.count >= 1 else {
            throw FormatError("the TFLite model has no subgraph")
        }
        let main = try subgraphs.table(0)
        buffers = try model.vector(S.Model.buffers, elementSize: 4)
        var opcodes = [Int]()
        if let codes = try model.vector(S.Model.operatorCodes, elementSize: 4) {
            for i in 0..<codes.count {
                let code = try codes.table(i)
                // The extended field wins over the deprecated byte (schema 3a rule: take the larger).
                opcodes.append(max(Int(try code.int8(S.OperatorCode.deprecatedBuiltinCode)),
                                   Int(try code.int32(S.OperatorCode.builtinCode))))
            }
        }
        guard let tensorList = try main.vector(S.SubGraph.tensors, elementSize: 4) else {
            throw FormatError("the TFLite subgraph has no tensors")
        }
        for i in 0..<tensorList.count { tensors.append(try readTensor(try tensorList.table(i), index: i)) }
        let operators = try main.vector(S.SubGraph.operators, elementSize: 4)
        let operatorCount = operators?.count ?? 0

        // Unsupported ops: all at once, with the operator index and its first output's name.
        var unsupported = [String: [String]]()
        var parsed = [(code: String, op: FBTable)]()
        for i in 0..<operatorCount {
            let op = try operators!.table(i)
            let index = Int(try op.uint32(S.Operator.opcodeIndex))
            guard index < opcodes.count else { throw FormatError("operator #\(i) uses opcode \(index) of \(opcodes.count)") }
            let name = S.name(of: opcodes[index])
            parsed.append((name, op))
            if !Self.supported.contains(name) {
                let outputs = try op.vector(S.Operator.outputs, elementSize: 4)?.int32s ?? []
                let label = outputs.first.flatMap { $0 >= 0 && Int($0) < tensors.count ? tensors[Int($0)].name : nil } ?? ""
                unsupported[name, default: []].append("#\(i)" + (label.isEmpty ? "" : " '\(label)'"))
            }
        }
        if !unsupported.isEmpty {
            let list = unsupported.keys.sorted().map { "\($0) (\(unsupported[$0]!.joined(separator: ", ")))" }
            throw FormatError("unsupported TFLite ops: \(list.joined(separator: "; "))")
        }

        for index in try main.vector(S.SubGraph.inputs, elementSize: 4)?.int32s ?? [] {
            let t = try tensor(Int(index))
            // An int32 input without quantization holds integers (indices, counts): the graph takes them as real values.
            guard [.float32, .int8, .uint8, .int16].contains(t.type) || (t.type == .int32 && t.quantization == nil) else {
                throw FormatError("input '\(t.name)' has element type \(t.type); supported: float32, int32, or int8/uint8/int16 quantized")
            }
            if t.type != .float32, t.type != .int32, t.quantization == nil {
                throw FormatError("input '\(t.name)' is \(t.type) without quantization parameters")
            }
            var shape = t.shape
            graph.declaredInputShapes.append(shape)
            graph.declaredInputTypes.append("\(t.type)")
            if options.singleSample, !shape.isEmpty { shape[0] = 1 }
            let id = graph.addValue(name: t.name, shape: shape, quantization: t.quantization)
            graph.inputs.append(id)
            values[Int(index)] = id
        }
        for (i, entry) in parsed.enumerated() {
            do {
                try importOperator(entry.code, entry.op)
            } catch let error as GraphError {
                throw FormatError("operator #\(i) (\(entry.code)): \(error.message)")
            }
        }
        for index in try main.vector(S.SubGraph.outputs, elementSize: 4)?.int32s ?? [] {
            var id = try value(Int(index))
            if graph.isConstant(id) || graph.inputs.contains(id) {
                let source = id
                id = graph.addNode(name: tensors[Int(index)].name, op: .reshape, inputs: [source],
                                   outputName: tensors[Int(index)].name, shape: graph.shape(source))
                graph[id].quantization = graph[source].quantization
            }
            graph.outputs.append(id)
        }
        guard !graph.outputs.isEmpty else { throw FormatError("the TFLite subgraph declares no outputs") }
    }

    // MARK: Tensors

    func tensor(_ index: Int) throws -> TensorInfo {
        guard index >= 0, index < tensors.count else { throw FormatError("tensor index \(index) is out of range (\(tensors.count) tensors)") }
        return tensors[index]
    }

    private func readTensor(_ table: FBTable, index: Int) throws -> TensorInfo {
        let shape = try (table.vector(S.Tensor.shape, elementSize: 4)?.int32s ?? []).map { dim -> Int in
            guard dim >= 0 else { throw FormatError("tensor #\(index) has a dynamic dimension; quantc needs static shapes") }
            return Int(dim)
        }
        _ = try checkedCount(shape)
        let rawType = try table.int8(S.Tensor.type)
        guard let type = S.TensorType(rawValue: rawType) else { throw FormatError("tensor #\(index) has unknown type \(rawType)") }
        let sparsity = try table.table(S.Tensor.sparsity).map { try TFLiteSparsity($0, shape: shape) }
        var quantization: QuantizationInfo?
        if let q = try table.table(S.Tensor.quantization), let scales = try q.vector(S.Quantization.scale, elementSize: 4)?.floats,
           !scales.isEmpty {
            let zeroPoints = try q.vector(S.Quantization.zeroPoint, elementSize: 8)?.int64s ?? [Int64](repeating: 0, count: scales.count)
            var axis = Int(try q.int32(S.Quantization.quantizedDimension))
            // A 1-D per-channel tensor (a bias) can only be quantized along its one axis, whatever
            // the file states (the converter has written the filter's axis 3 there; TFLite Micro
            // reads it along axis 0).
            if shape.count == 1, scales.count > 1, shape[0] == scales.count { axis = 0 }
            guard zeroPoints.count == scales.count || zeroPoints.count == 1 else {
                throw FormatError("tensor #\(index) has \(scales.count) scales but \(zeroPoints.count) zero points")
            }
            guard scales.allSatisfy({ $0.isFinite }), zeroPoints.allSatisfy({ $0 >= -Int64(UInt32.max) && $0 <= Int64(UInt32.max) }) else {
                throw FormatError("tensor #\(index) has an invalid scale or zero point")
            }
            if scales.count > 1 {
                guard axis >= 0, axis < shape.count, shape[axis] == scales.count else {
                    throw FormatError("tensor #\(index) has \(scales.count) scales along axis \(axis) of shape \(shape)")
                }
            }
            quantization = QuantizationInfo(scales: scales, zeroPoints: zeroPoints, axis: axis, storage: "\(type)")
        }
        return TensorInfo(name: try table.string(S.Tensor.name) ?? "tensor\(index)", shape: shape, type: type,
                          buffer: Int(try table.uint32(S.Tensor.buffer)), quantization: quantization, sparsity: sparsity)
    }

    /// The graph value of a tensor: created on first use for constants.
    mutating func value(_ index: Int) throws -> ValueID {
        if let id = values[index] { return id }
        let t = try tensor(index)
        guard let tensorData = try constantData(t) else {
            throw FormatError("tensor '\(t.name)' is read before any operator computes it and holds no data")
        }
        var quantization = t.quantization
        if quantization != nil, case .int64(let raw) = tensorData.raw.storage { quantization!.rawValues = raw }
        let id = graph.addValue(name: t.name, shape: t.shape, constant: tensorData.value, quantization: quantization)
        values[index] = id
        return id
    }

    /// Decodes a constant tensor; quantized integers are dequantized (per axis where given).
    private func constantData(_ t: TensorInfo) throws -> (value: Tensor, raw: Tensor)? {
        guard t.buffer > 0, let buffers else { return nil }
        guard t.buffer < buffers.count else { throw FormatError("tensor '\(t.name)' refers to buffer \(t.buffer) of \(buffers.count)") }
        let buffer = try buffers.table(t.buffer)
        if try buffer.field(S.Buffer.offset, size: 8) != nil, try buffer.vector(S.Buffer.data, elementSize: 1) == nil {
            throw FormatError("tensor '\(t.name)' stores its data outside the flatbuffer (models over 2 GB are not supported)")
        }
        guard let data = try buffer.vector(S.Buffer.data, elementSize: 1), data.count > 0 else { return nil }
        let count = t.shape.elementCount
        let size: Int
        switch t.type {
        case .float32, .int32: size = 4
        case .float16, .int16: size = 2
        case .int64, .float64: size = 8
        case .int8, .uint8, .bool: size = 1
        default: throw FormatError("tensor '\(t.name)' has unsupported type \(t.type)")
        }
        var bytes = Array(data.bytes)
        if let sparsity = t.sparsity {
            // The stored values go to their places; every other value is zero.
            guard bytes.count % size == 0 else { throw FormatError("tensor '\(t.name)' holds \(bytes.count) bytes, not whole values") }
            let places = try sparsity.denseIndices(shape: t.shape, stored: bytes.count / size)
            var dense = [UInt8](repeating: 0, count: count * size)
            for (k, place) in places.enumerated() { dense[(place * size)..<((place + 1) * size)] = bytes[(k * size)..<((k + 1) * size)] }
            bytes = dense
        }
        guard bytes.count == count * size else {
            throw FormatError("tensor '\(t.name)' holds \(bytes.count) bytes but shape \(t.shape) of \(t.type) needs \(count * size)")
        }
        func load<T>(_: T.Type) -> [T] {
            bytes.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self) } }
        }
        switch t.type {
        case .float32:
            let v = Tensor(shape: t.shape, floats: load(UInt32.self).map { Float(bitPattern: UInt32(littleEndian: $0)) })
            return (v, v)
        case .float16:
            let v = Tensor(shape: t.shape, floats: load(UInt16.self).map { floatFromHalf(UInt16(littleEndian: $0)) })
            return (v, v)
        case .float64:
            let v = Tensor(shape: t.shape, floats: load(UInt64.self).map { Float(Double(bitPattern: UInt64(littleEndian: $0))) })
            return (v, v)
        default:
            let ints: [Int64]
            switch t.type {
            case .int32: ints = load(UInt32.self).map { Int64(Int32(bitPattern: UInt32(littleEndian: $0))) }
            case .int16: ints = load(UInt16.self).map { Int64(Int16(bitPattern: UInt16(littleEndian: $0))) }
            case .int64: ints = load(UInt64.self).map { Int64(bitPattern: UInt64(littleEndian: $0)) }
            case .int8: ints = bytes.map { Int64(Int8(bitPattern: $0)) }
            default: ints = bytes.map { Int64($0) }
            }
            let raw = Tensor(shape: t.shape, ints: ints)
            guard let q = t.quantization else { return (raw, raw) }
            return (Tensor(shape: t.shape, floats: dequantize(ints, shape: t.shape, q)), raw)
        }
    }

    private func dequantize(_ values: [Int64], shape: [Int], _ q: QuantizationInfo) -> [Float] {
        let perAxis = q.scales.count > 1
        let stride = perAxis ? Array(shape[(q.axis + 1)...]).elementCount : 1
        let size = perAxis ? shape[q.axis] : 1
        return values.indices.map { i in
            let c = perAxis ? (i / stride) % size : 0
            let zp = q.zeroPoints.count > c ? q.zeroPoints[c] : q.zeroPoints[0]
            return Float(Double(q.scales[c]) * (Double(values[i]) - Double(zp)))
        }
    }

    /// Binds an operator's output tensor to a value, carrying its quantization parameters.
    mutating func bind(_ index: Int, _ id: ValueID) throws {
        let t = try tensor(index)
        if !graph.isConstant(id), graph[id].quantization == nil { graph[id].quantization = t.quantization }
        values[index] = id
    }
}
