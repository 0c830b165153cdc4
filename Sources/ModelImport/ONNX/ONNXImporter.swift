import Foundation
import GraphIR
import SwiftProtobuf

/// Options that change how a model's declared interface is compiled.
public struct ImportOptions: Sendable {
    /// Compile a declared batch dimension (symbolic or fixed) as 1: microcontroller inference runs
    /// one sample at a time. The ONNX conformance tests turn this off, as their first axis is data.
    public var singleSample: Bool
    /// Graph inputs to bind as constants (by name), as conformance tests do for weights fed as inputs.
    public var frozenInputs: [String: Tensor]
    public init(singleSample: Bool = true, frozenInputs: [String: Tensor] = [:]) {
        self.singleSample = singleSample
        self.frozenInputs = frozenInputs
    }
}

/// Converts an ONNX ModelProto into a GraphIR graph in ONNX's own layout (NCHW wrapped in transposes
/// around NHWC convolutions and pools); `PassPipeline.standard` then makes it NHWC throughout.
struct ONNXImporter {
    var graph: Graph
    /// ONNX value name -> graph value.
    var values: [String: ValueID] = [:]
    /// The stored element type of each initializer and Constant output (a zero point's says
    /// whether its quantization is int8 or uint8).
    var elementTypes: [String: ONNXDataType] = [:]
    /// Outputs of DynamicQuantizeLinear: float values that the layer reading them rounds.
    var dynamicallyQuantized: Set<String> = []
    let opset: Int
    let options: ImportOptions

    static let supportedOps: Set<String> = Set([
        "Conv", "ConvTranspose", "LpNormalization", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softmax", "LogSoftmax",
        "Elu", "Selu", "Softplus", "Softsign", "Exp", "Log", "Sqrt", "Reciprocal", "Abs", "Neg", "Floor", "Ceil", "Round", "Sign", "Pow",
        "Add", "Sub", "Mul", "Div", "Concat", "Flatten", "Reshape", "Transpose", "Pad", "BatchNormalization",
        "Squeeze", "Unsqueeze", "Identity", "Dropout", "Constant", "ReduceMean", "ReduceSum", "ReduceMax",
        "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal", "Where", "Max", "Min",
        // Shape arithmetic, evaluated at import time on constants only.
        "Shape", "Cast", "ConstantOfShape",
    ]).union(dataMovement).union(quantizedOps).union(recurrentOps)
        .union(qOperators.keys).union(["QLinearConcat"]).union(dynamicQuantizationOps)

    static func load(data: Data, options: ImportOptions, path: String) throws -> Graph {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw FormatError("not a valid ONNX model (protobuf decoding failed: \(error))")
        }
        guard model.hasGraph else { throw FormatError("the ONNX model has no graph") }
        let defaultDomain = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        let opset = Int(defaultDomain?.version ?? 1)
        var importer = ONNXImporter(
            graph: Graph(info: ModelInfo(format: "onnx", producer: model.producerName, path: path)),
            opset: opset, options: options)
        try importer.importGraph(model.graph)
        return importer.graph
    }

    private init(graph: Graph, opset: Int, options: ImportOptions) {
        self.graph = graph
        self.opset = opset
        self.options = options
    }

    mutating func importGraph(_ proto: Onnx_GraphProto) throws {
        // Unsupported ops are listed all at once, with the nodes that use them.
        var unsupported: [String: [String]] = [:]
        for (index, node) in proto.node.enumerated() {
            let domainOK = node.domain.isEmpty || node.domain == "ai.onnx" || (node.domain == "com.microsoft" && Self.microsoftOps.contains(node.opType))
            if !domainOK || !Self.supportedOps.contains(node.opType) {
                let op = domainOK ? node.opType : "\(node.domain).\(node.opType)"
                unsupported[op, default: []].append(node.name.isEmpty ? "#\(index)" : node.name)
            }
        }
        if !unsupported.isEmpty {
            let list = unsupported.keys.sorted().map { "\($0) (\(unsupported[$0]!.joined(separator: ", ")))" }
            throw FormatError("unsupported ONNX ops: \(list.joined(separator: "; "))")
        }
        for initializer in proto.initializer {
            guard !initializer.name.isEmpty else { throw FormatError("an initializer has no name") }
            let tensor = try Tensor(onnx: initializer)
            elementTypes[initializer.name] = ONNXDataType(rawValue: initializer.dataType)
            values[initializer.name] = graph.addConstant(name: initializer.name, tensor)
        }
        for input in proto.input where values[input.name] == nil {
            if let frozen = options.frozenInputs[input.name] {
                values[input.name] = graph.addConstant(name: input.name, frozen)
            } else {
                try importInput(input, batchAxis: Self.batchAxis(of: input.name, in: proto))
            }
        }
        for node in proto.node {
            do {
                try importNode(node)
                keepQuantization(node)
            } catch let error as GraphError {
                throw FormatError("node '\(node.name.isEmpty ? node.opType : node.name)' (\(node.opType)): \(error.message)")
            }
        }
        guard !proto.output.isEmpty else { throw FormatError("the graph declares no outputs") }
        for output in proto.output {
            guard let id = values[output.name] else {
                throw FormatError("graph output '\(output.name)' is never computed")
            }
            graph.outputs.append(id)
        }
        // A graph output must be a computed value with the output's name.
        for (i, id) in graph.outputs.enumerated() where graph.isConstant(id) || graph.inputs.contains(id) {
            let copy = graph.addNode(name: proto.output[i].name, op: .reshape, inputs: [id],
                                     outputName: proto.output[i].name, shape: graph.shape(id))
            graph.outputs[i] = copy
        }
        for (i, id) in graph.outputs.enumerated() { graph[id].name = proto.output[i].name }
    }

    /// A sequence fed straight into a recurrent layer in ONNX's default layout is [time, batch,
    /// features]: its batch axis is 1, which is the one compiled as a single sample.
    static func batchAxis(of input: String, in proto: Onnx_GraphProto) -> Int {
        let sequenceFirst = proto.node.contains { node in
            ["LSTM", "GRU", "RNN"].contains(node.opType) && node.input.first == input
                && !node.attribute.contains { $0.name == "layout" && $0.i == 1 }
        }
        return sequenceFirst ? 1 : 0
    }

    private mutating func importInput(_ input: Onnx_ValueInfoProto, batchAxis: Int) throws {
        guard input.hasType, case .tensorType(let type)? = input.type.value else {
            throw FormatError("graph input '\(input.name)' is not a tensor")
        }
        guard type.elemType == ONNXDataType.float.rawValue else {
            let name = ONNXDataType(rawValue: type.elemType)?.name ?? "type \(type.elemType)"
            throw FormatError("graph input '\(input.name)' has element type \(name); the float reference needs float32 inputs")
        }
        guard type.hasShape else { throw FormatError("graph input '\(input.name)' has no shape") }
        var declared = [Int]()
        var shape = [Int]()
        for (axis, dim) in type.shape.dim.enumerated() {
            if case .dimValue(let value)? = dim.value, value > 0, value < 1 << 31 {
                declared.append(Int(value))
                shape.append(axis == batchAxis && options.singleSample ? 1 : Int(value))
            } else if axis == batchAxis {
                declared.append(-1)
                shape.append(1)
            } else {
                throw FormatError("graph input '\(input.name)' has a symbolic or invalid dimension at axis \(axis); quantc needs static shapes")
            }
        }
        graph.declaredInputShapes.append(declared)
        graph.declaredInputTypes.append("float32")
        let id = graph.addValue(name: input.name, shape: shape)
        graph.inputs.append(id)
        values[input.name] = id
    }

    // MARK: - Helpers used by the op converters

    func input(_ node: Onnx_NodeProto, _ index: Int) throws -> ValueID {
        guard let id = optionalInput(node, index) else {
            if index < node.input.count, !node.input[index].isEmpty {
                throw FormatError("node '\(node.name.isEmpty ? node.opType : node.name)' (\(node.opType)) reads '\(node.input[index])', which is neither a graph input, an initializer nor an earlier node's output")
            }
            throw FormatError("node '\(node.name.isEmpty ? node.opType : node.name)' (\(node.opType)) is missing input \(index)")
        }
        return id
    }

    func optionalInput(_ node: Onnx_NodeProto, _ index: Int) -> ValueID? {
        guard index < node.input.count, !node.input[index].isEmpty else { return nil }
        return values[node.input[index]]
    }

    func hasInput(_ node: Onnx_NodeProto, _ index: Int) -> Bool {
        index < node.input.count && !node.input[index].isEmpty
    }

    /// A constant input, or an error saying it must be one.
    func constantInput(_ node: Onnx_NodeProto, _ index: Int, _ what: String) throws -> Tensor {
        let id = try input(node, index)
        guard let tensor = graph.constant(id) else {
            throw FormatError("node '\(node.name.isEmpty ? node.opType : node.name)' (\(node.opType)): \(what) must be a constant")
        }
        return tensor
    }

    func outputName(_ node: Onnx_NodeProto, _ index: Int = 0) -> String {
        index < node.output.count ? node.output[index] : node.name + ".out\(index)"
    }

    /// Adds an op node whose output shape is inferred.
    mutating func emit(_ op: Op, _ inputs: [ValueID], name: String, output: String, shape: [Int]? = nil) throws -> ValueID {
        try graph.addNode(name: name, op: op, inputs: inputs, outputName: output, declared: shape)
    }

    /// A transpose, folded right away when its input is a constant.
    mutating func transposed(_ id: ValueID, _ perm: [Int], name: String) throws -> ValueID {
        if let tensor = graph.constant(id) {
            let shape = permute(tensor.shape, perm)
            let q = graph[id].quantization?.transposed(from: tensor.shape, perm: perm)
            switch tensor.storage {
            case .float(let data):
                return graph.addValue(name: name, shape: shape, constant: Tensor(shape: shape, floats: transposeData(data, shape: tensor.shape, perm: perm)),
                                      quantization: q)
            case .int64(let data):
                return graph.addConstant(name: name, Tensor(shape: shape, ints: transposeData(data, shape: tensor.shape, perm: perm)))
            }
        }
        let y = try emit(.transpose(perm: perm), [id], name: name, output: name)
        graph[y].quantization = perTensorQuantization(of: id)
        return y
    }

    /// A value's quantization when one scale covers it (a transpose or reshape keeps it).
    func perTensorQuantization(of id: ValueID) -> QuantizationInfo? {
        guard let q = graph[id].quantization, q.scales.count == 1 else { return nil }
        return q
    }

    /// A reshape, folded right away when its input is a constant.
    mutating func reshaped(_ id: ValueID, _ shape: [Int], name: String) throws -> ValueID {
        guard shape.elementCount == graph.shape(id).elementCount else {
            throw GraphError("cannot reshape \(graph.shape(id)) to \(shape)")
        }
        if let tensor = graph.constant(id) {
            // Scales along an axis survive when the axes up to it keep their sizes.
            var q = graph[id].quantization
            if let axis = q?.axis, q!.scales.count > 1, axis >= shape.count || Array(tensor.shape[...axis]) != Array(shape[...axis]) { q = nil }
            return graph.addValue(name: name, shape: shape, constant: tensor.reshaped(shape), quantization: q)
        }
        let y = try emit(.reshape, [id], name: name, output: name, shape: shape)
        graph[y].quantization = perTensorQuantization(of: id)
        return y
    }

    /// Binds the node's first output name to a value.
    mutating func bind(_ node: Onnx_NodeProto, _ id: ValueID) {
        values[outputName(node)] = id
    }
}

/// Normalises a possibly negative axis.
func normalizedAxis(_ axis: Int, rank: Int) throws -> Int {
    let result = axis < 0 ? axis + rank : axis
    guard result >= 0, result < Swift.max(rank, 1) else { throw GraphError("axis \(axis) is out of range for rank \(rank)") }
    return result
}
