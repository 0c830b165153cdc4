/// PReLU with a constant slope as relu(x) − slope · relu(−x): a clamp, a negation table, a product
/// by the slope (per channel: a 1×1 depthwise layer) and a subtraction, which every fixed-point
/// scheme runs; in float the two forms are equal to the bit (one of the terms is an exact zero).
/// An int8 model keeps its PRELU, whose arithmetic TFLite defines on its own.
public struct PReluAsParts: GraphPass {
    public var name: String { "prelu-as-parts" }
    public init() {}

    public func run(_ graph: inout Graph) throws -> Bool {
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            guard node.op == .prelu, graph.isConstant(node.inputs[1]), graph[node.outputs[0]].quantization == nil else { continue }
            let x = node.inputs[0], slope = node.inputs[1], y = node.outputs[0]
            let shape = graph.shape(x)
            func value(_ suffix: String) -> ValueID { graph.addValue(name: node.name + suffix, shape: shape) }
            let positive = value(".positive"), negated = value(".negated"), negative = value(".negative"), scaled = value(".scaled")
            graph.nodes.replaceSubrange(index...index, with: [
                Node(name: node.name + ".positive", op: .activation(.relu), inputs: [x], outputs: [positive]),
                Node(name: node.name + ".negated", op: .activation(.neg), inputs: [x], outputs: [negated]),
                Node(name: node.name + ".negative", op: .activation(.relu), inputs: [negated], outputs: [negative]),
                Node(name: node.name + ".scaled", op: .binary(Binary(.mul)), inputs: [negative, slope], outputs: [scaled]),
                Node(name: node.name, op: .binary(Binary(.sub)), inputs: [positive, scaled], outputs: [y]),
            ])
            return true
        }
        return false
    }
}
