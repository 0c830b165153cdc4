/// Index of a value (tensor) in a graph.
public struct ValueID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: ValueID, b: ValueID) -> Bool { a.index < b.index }
    public var description: String { "%\(index)" }
}

/// A tensor flowing through the graph: an input, an intermediate result or a constant.
public struct Value: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    /// Set for weights, biases and folded constants.
    public var constant: Tensor?
    /// The affine quantization an already-quantized model (TFLite int8) gave this tensor.
    public var quantization: QuantizationInfo?
    public init(name: String, shape: [Int], constant: Tensor? = nil, quantization: QuantizationInfo? = nil) {
        self.name = name
        self.shape = shape
        self.constant = constant
        self.quantization = quantization
    }
}

/// Affine quantization as an imported model stored it: real = scale · (q − zeroPoint), per tensor
/// or per slice along `axis`. Kept so an int8-affine mode can reproduce the original arithmetic;
/// the graph itself always holds the dequantized float values.
public struct QuantizationInfo: Sendable, Equatable {
    public var scales: [Float]
    public var zeroPoints: [Int64]
    /// The axis the scales run along when there is more than one.
    public var axis: Int
    /// The stored element type ("int8", "uint8", "int16", "int32").
    public var storage: String
    /// For constants: the stored integers, exactly (int32 biases do not survive a float round trip).
    public var rawValues: [Int64]?

    public init(scales: [Float], zeroPoints: [Int64], axis: Int, storage: String, rawValues: [Int64]? = nil) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.axis = axis
        self.storage = storage
        self.rawValues = rawValues
    }
}

extension QuantizationInfo {
    /// The quantization of a constant of `shape` transposed by `perm`: its stored integers
    /// move with its values, and the axis of its scales with it.
    public func transposed(from shape: [Int], perm: [Int]) -> QuantizationInfo {
        var q = self
        q.rawValues = rawValues.map { transposeData($0, shape: shape, perm: perm) }
        q.axis = perm.firstIndex(of: axis) ?? 0
        return q
    }
}

public struct Node: Sendable, Equatable {
    public var name: String
    public var op: Op
    public var inputs: [ValueID]
    public var outputs: [ValueID]
    public init(name: String, op: Op, inputs: [ValueID], outputs: [ValueID]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// Where a model came from, for reports.
public struct ModelInfo: Sendable, Equatable {
    public var format: String
    public var producer: String
    public var path: String
    public init(format: String, producer: String = "", path: String = "") {
        self.format = format
        self.producer = producer
        self.path = path
    }
}

/// A single-sample inference graph: nodes in topological order over float32 values with static shapes.
///
/// Batch dimensions declared by a model are compiled as 1 (microcontroller inference is one sample
/// at a time); the original declaration is kept in `declaredInputShapes`.
public struct Graph: Sendable, Equatable {
    public var values: [Value] = []
    public var nodes: [Node] = []
    public var inputs: [ValueID] = []
    public var outputs: [ValueID] = []
    public var info: ModelInfo
    /// Input shapes exactly as the model declared them (symbolic dimensions as -1).
    public var declaredInputShapes: [[Int]] = []
    /// Each input's element type as the model file declares it ("float32", "int8", "uint8",
    /// "int16"): a quantized input keeps its declared type here when the graph takes it as int8.
    public var declaredInputTypes: [String] = []

    public init(info: ModelInfo) { self.info = info }

    public subscript(id: ValueID) -> Value {
        get { values[id.index] }
        set { values[id.index] = newValue }
    }

    public func shape(_ id: ValueID) -> [Int] { values[id.index].shape }
    public func constant(_ id: ValueID) -> Tensor? { values[id.index].constant }
    public func isConstant(_ id: ValueID) -> Bool { values[id.index].constant != nil }

    @discardableResult
    public mutating func addValue(name: String, shape: [Int], constant: Tensor? = nil,
                                  quantization: QuantizationInfo? = nil) -> ValueID {
        values.append(Value(name: name, shape: shape, constant: constant, quantization: quantization))
        return ValueID(values.count - 1)
    }

    @discardableResult
    public mutating func addConstant(name: String, _ tensor: Tensor) -> ValueID {
        addValue(name: name, shape: tensor.shape, constant: tensor)
    }

    /// Appends a node whose output value (named `outputName`, or `name`) has the shape
    /// `ShapeInference` gives (`declared`: a reshape's target).
    @discardableResult
    public mutating func addNode(name: String, op: Op, inputs: [ValueID], outputName: String? = nil, declared: [Int]? = nil) throws -> ValueID {
        let shape = try ShapeInference.outputShape(of: op, inputs: inputs.map { self.shape($0) }, declared: declared)
        return addNode(name: name, op: op, inputs: inputs, outputName: outputName ?? name, shape: shape)
    }

    /// Appends a node producing one new value of `shape`.
    @discardableResult
    public mutating func addNode(name: String, op: Op, inputs: [ValueID], outputName: String,
                                 shape: [Int]) -> ValueID {
        let output = addValue(name: outputName, shape: shape)
        nodes.append(Node(name: name, op: op, inputs: inputs, outputs: [output]))
        return output
    }

    /// Index of the node producing `id`, or nil for inputs and constants.
    public func producerIndex(of id: ValueID) -> Int? {
        nodes.firstIndex { $0.outputs.contains(id) }
    }

    /// Indices of the nodes reading `id`.
    public func consumerIndices(of id: ValueID) -> [Int] {
        nodes.indices.filter { nodes[$0].inputs.contains(id) }
    }

    /// Number of places reading `id`, counting graph outputs.
    public func useCount(of id: ValueID) -> Int {
        nodes.reduce(0) { $0 + $1.inputs.filter { $0 == id }.count } + outputs.filter { $0 == id }.count
    }

    /// Makes every reader of `old` (nodes and graph outputs) read `new` instead.
    public mutating func replaceUses(of old: ValueID, with new: ValueID) {
        for n in nodes.indices {
            for i in nodes[n].inputs.indices where nodes[n].inputs[i] == old {
                nodes[n].inputs[i] = new
            }
        }
        for i in outputs.indices where outputs[i] == old {
            outputs[i] = new
        }
    }

    /// Drops nodes whose outputs nobody reads, then values nothing refers to (ids are renumbered).
    public mutating func removeDeadCode() {
        var changed = true
        while changed {
            changed = false
            var used = Set(outputs)
            for node in nodes { used.formUnion(node.inputs) }
            let before = nodes.count
            nodes.removeAll { node in node.outputs.allSatisfy { !used.contains($0) } }
            changed = nodes.count != before
        }
        compactValues()
    }

    /// Renumbers values so that only referenced ones remain.
    public mutating func compactValues() {
        var referenced = Set(inputs).union(outputs)
        for node in nodes {
            referenced.formUnion(node.inputs)
            referenced.formUnion(node.outputs)
        }
        var remap = [Int: ValueID]()
        var kept = [Value]()
        for (index, value) in values.enumerated() where referenced.contains(ValueID(index)) {
            remap[index] = ValueID(kept.count)
            kept.append(value)
        }
        values = kept
        inputs = inputs.map { remap[$0.index]! }
        outputs = outputs.map { remap[$0.index]! }
        for n in nodes.indices {
            nodes[n].inputs = nodes[n].inputs.map { remap[$0.index]! }
            nodes[n].outputs = nodes[n].outputs.map { remap[$0.index]! }
        }
    }

    /// Multiply-accumulates of one inference, per node (0 for ops without multiplies).
    public func macs(of node: Node) -> Int {
        switch node.op {
        case .conv2d(let conv):
            let out = shape(node.outputs[0])
            let w = shape(node.inputs[1])
            _ = conv
            return out.elementCount * w[1] * w[2] * w[3]
        case .dense:
            let out = shape(node.outputs[0])
            return out.elementCount * shape(node.inputs[1])[1]
        case .gemm(let gemm):
            let a = shape(node.inputs[0])
            return shape(node.outputs[0]).elementCount * (gemm.transA ? a[0] : a[1])
        case .matMul:
            let a = shape(node.inputs[0])
            return shape(node.outputs[0]).elementCount * (a.last ?? 1)
        default:
            return 0
        }
    }

    /// Number of weight parameters (constant inputs) of a node.
    public func parameterCount(of node: Node) -> Int {
        node.inputs.reduce(0) { $0 + (isConstant($1) ? shape($1).elementCount : 0) }
    }
}

extension Graph {
    /// Names of the runtime inputs, in order.
    public var inputNames: [String] { inputs.map { values[$0.index].name } }
}
