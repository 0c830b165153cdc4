/// A named graph-to-graph rewrite.
///
/// `run` returns whether it changed anything; the pipeline repeats its passes until none does,
/// and verifies the graph after every change, so a pass bug surfaces at the pass that made it.
public protocol GraphPass: Sendable {
    var name: String { get }
    func run(_ graph: inout Graph) throws -> Bool
}

public struct PassPipeline: Sendable {
    public var passes: [any GraphPass]
    public var maxRounds = 20

    public init(_ passes: [any GraphPass]) { self.passes = passes }

    /// The canonical lowering every importer's output goes through: NHWC, dense layers with
    /// constant weights, batch-norm and bias adds folded, clamp activations fused.
    public static let standard = PassPipeline([
        LowerToDense(),
        Simplify(),
        FuseElementwiseFunction(),
        SelectAsMaxMin(),
        SelectAsArithmetic(),
        DivisionAsReciprocalProduct(),
        ReductionAsGlobalPool(),
        SinkTransposes(),
        PReluAsParts(),
        FoldTransposeIntoDense(),
        FuseActivations(),
        FoldAffineIntoProducer(),
        SinkAffineBelowPool(),
        FoldAffineIntoConsumer(),
        ChannelAffineToDepthwise(),
    ])

    public func run(_ graph: inout Graph) throws {
        for _ in 0..<maxRounds {
            var changed = false
            // Each pass runs to its own fixpoint before the next starts, so for example every
            // bias add is folded before activations are fused into what remains.
            for pass in passes {
                while try pass.run(&graph) {
                    graph.removeDeadCode()
                    do {
                        try Verifier.verify(graph)
                    } catch let error as GraphError {
                        throw GraphError("internal error after pass \(pass.name): \(error.message)")
                    }
                    changed = true
                }
            }
            if !changed { return }
        }
    }
}

extension Graph {
    /// The single node reading `id`, when exactly one node does and it is not a graph output.
    func soleConsumer(of id: ValueID) -> Int? {
        guard !outputs.contains(id) else { return nil }
        let readers = consumerIndices(of: id)
        guard readers.count == 1, nodes[readers[0]].inputs.filter({ $0 == id }).count == 1 else { return nil }
        return readers[0]
    }

    /// Float data of a constant input, or nil.
    func constantFloats(_ id: ValueID) -> [Float]? {
        guard let tensor = constant(id), tensor.isFloat else { return nil }
        return tensor.floats
    }
}
