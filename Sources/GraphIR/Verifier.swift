/// Checks the invariants every stage relies on; run after import and after each pass.
///
/// - every node reads values that are graph inputs, constants or outputs of earlier nodes;
/// - every value is produced at most once, and graph outputs are produced;
/// - every node's output shape equals what `ShapeInference` derives from its inputs.
public enum Verifier {
    public static func verify(_ graph: Graph) throws {
        var defined = Set(graph.inputs)
        for (index, value) in graph.values.enumerated() where value.constant != nil {
            defined.insert(ValueID(index))
            if value.constant!.shape != value.shape {
                throw GraphError("constant '\(value.name)' has shape \(value.constant!.shape) but is declared \(value.shape)")
            }
        }
        for id in graph.inputs where id.index >= graph.values.count {
            throw GraphError("graph input \(id) does not exist")
        }
        for node in graph.nodes {
            for input in node.inputs {
                guard input.index < graph.values.count else {
                    throw GraphError("node '\(node.name)' reads a value that does not exist")
                }
                guard defined.contains(input) else {
                    throw GraphError("node '\(node.name)' reads '\(graph[input].name)' before it is computed")
                }
            }
            let inputShapes = node.inputs.map { graph.shape($0) }
            guard node.outputs.count == 1 else {
                throw GraphError("node '\(node.name)' must have exactly one output")
            }
            let output = node.outputs[0]
            let declared = graph.shape(output)
            let expected: [Int]
            do {
                expected = try ShapeInference.outputShape(of: node.op, inputs: inputShapes, declared: declared)
            } catch let error as GraphError {
                throw GraphError("node '\(node.name)': \(error.message)")
            }
            guard expected == declared else {
                throw GraphError("node '\(node.name)' (\(node.op.kind)) declares shape \(declared), inputs give \(expected)")
            }
            guard !defined.contains(output) else {
                throw GraphError("value '\(graph[output].name)' is computed twice")
            }
            defined.insert(output)
        }
        for output in graph.outputs where !defined.contains(output) {
            throw GraphError("graph output '\(graph[output].name)' is never computed")
        }
    }
}
