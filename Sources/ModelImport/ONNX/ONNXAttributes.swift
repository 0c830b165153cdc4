import GraphIR

/// Typed access to one node's attributes, with errors that name the node.
struct ONNXAttributes {
    private var byName: [String: Onnx_AttributeProto] = [:]
    let node: String

    init(_ node: Onnx_NodeProto) {
        self.node = node.name.isEmpty ? node.opType : node.name
        for attribute in node.attribute { byName[attribute.name] = attribute }
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let attribute = byName[name] else { return value }
        guard attribute.hasI || attribute.type == .int else { throw wrongType(name, "an integer") }
        guard attribute.i > Int64(Int32.min), attribute.i < Int64(Int32.max) else {
            throw FormatError("node '\(node)': attribute \(name) = \(attribute.i) is out of range")
        }
        return Int(attribute.i)
    }

    func float(_ name: String, default value: Float) throws -> Float {
        guard let attribute = byName[name] else { return value }
        guard attribute.hasF || attribute.type == .float else { throw wrongType(name, "a float") }
        return attribute.f
    }

    func ints(_ name: String) throws -> [Int]? {
        guard let attribute = byName[name] else { return nil }
        guard attribute.type == .ints || !attribute.ints.isEmpty || attribute.type == .undefined else {
            throw wrongType(name, "a list of integers")
        }
        guard attribute.ints.allSatisfy({ $0 > Int64(Int32.min) && $0 < Int64(Int32.max) }) else {
            throw FormatError("node '\(node)': attribute \(name) has a value out of range")
        }
        return attribute.ints.map { Int($0) }
    }

    func floats(_ name: String) -> [Float]? { byName[name]?.floats }

    func string(_ name: String, default value: String) -> String {
        guard let attribute = byName[name] else { return value }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    func strings(_ name: String) -> [String]? {
        byName[name].map { $0.strings.map { String(decoding: $0, as: UTF8.self) } }
    }

    func tensor(_ name: String) throws -> Tensor? {
        guard let attribute = byName[name], attribute.hasT else { return nil }
        return try Tensor(onnx: attribute.t)
    }

    private func wrongType(_ name: String, _ expected: String) -> FormatError {
        FormatError("node '\(node)': attribute \(name) should be \(expected)")
    }
}
