import CEmitter
import Foundation
import GraphIR
import ModelImport
import Quantization
import Targets

extension Pipeline {
    /// The model file as one graph, whatever its format and exporter.
    public static func loadModel(_ path: String) throws -> Graph {
        try ModelLoader.load(path: path)
    }

    /// Samples arranged for the graph's inputs: `limit` of them after the first `skip`. A model with
    /// several inputs reads one .npz with an array per input, named as in the model, as the bundle's
    /// member, or x0, x1, …; each sample is then every input's values, one after another.
    public static func loadSamples(_ graph: Graph, path: String, labels: String?, scale: Float, offset: Float, limit: Int?,
                                   skip: Int = 0) throws -> SampleSet {
        let rows = limit.map { $0 + skip }
        let sets: [Dataset]
        if graph.inputs.count == 1 {
            sets = [try DataReader.load(path: path, labelsPath: labels, scale: scale, offset: offset, limit: rows)]
        } else {
            let names = graph.inputs.enumerated().map { k, id in [graph[id].name, ModelInterface.identifier(graph[id].name), "x\(k)"] }
            sets = try DataReader.loadInputs(path: path, names: names, labelsPath: labels, scale: scale, offset: offset, limit: rows)
        }
        guard skip < sets[0].count else { throw RequestError("\(path): --skip \(skip) leaves no samples (the file has \(sets[0].count))") }
        let arranged = try zip(sets, graph.inputs).map { set, id in
            try set.slice(skip..<set.count).arranged(for: graph.shape(id), inputName: graph[id].name)
        }
        var packed = arranged[0]
        if arranged.count > 1 {
            packed.sampleShape = [arranged.reduce(0) { $0 + $1.sampleSize }]
            packed.values = (0..<packed.count).flatMap { i in arranged.flatMap { $0.sample(i) } }
        }
        return SampleSet(values: packed.values, count: packed.count, labels: packed.labels)
    }

    /// A library error as the one line the user sees: its message (which already names its file),
    /// whether it means that verification failed (exit 1) rather than bad input (exit 2), and
    /// whether it is about the quantization formats (a `--plan` file's, if one was given).
    /// Nil for an error no stage raised.
    public static func describe(_ error: Error) -> (message: String, verificationFailed: Bool, aboutFormats: Bool)? {
        switch error {
        case let e as ImportError: return (e.description, false, false)
        case let e as GraphError: return (e.message, false, false)
        case let e as QuantizationError: return (e.message, false, true)
        case let e as EmitError: return (e.description, false, false)
        case let e as RequestError: return (e.description, false, false)
        // A generated bundle that does not build or run is a verification failure.
        case let e as Command.Failure: return (e.description, true, false)
        case let e as Firmware.DoesNotFit: return (e.description, true, false)
        default: return nil
        }
    }
}
