import CEmitter
import FineTuning
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
    /// member, or x0, x1, …; each sample is then every input's values, one after another. A raw
    /// `.bin` file holds values of `rawType` in the input's shape, one sample after another.
    /// Integers of a quantized input's own type (int8 samples for an int8 input) are taken as
    /// its stored integers unless `scale` or `offset` says how to make real values of them.
    public static func loadSamples(_ graph: Graph, path: String, labels: String?, scale: Float, offset: Float, limit: Int?,
                                   skip: Int = 0, rawType: String? = nil) throws -> SampleSet {
        let rows = limit.map { $0 + skip }
        var sets: [Dataset]
        if rawType != nil || path.lowercased().hasSuffix(".bin") {
            guard let rawType else {
                throw RequestError("\(path): raw samples need --data-type (\(DataReader.rawTypes.joined(separator: ", ")))")
            }
            guard graph.inputs.count == 1 else {
                throw RequestError("\(path): a model with \(graph.inputs.count) inputs reads one .npz with an array per input, not raw samples")
            }
            let shape = graph.shape(graph.inputs[0])
            let sampleShape = shape.first == 1 && shape.count > 1 ? Array(shape.dropFirst()) : shape
            sets = [try DataReader.loadRaw(path: path, elementType: rawType, sampleShape: sampleShape, labelsPath: labels, scale: scale,
                                           offset: offset, limit: rows)]
        } else if graph.inputs.count == 1 {
            sets = [try DataReader.load(path: path, labelsPath: labels, scale: scale, offset: offset, limit: rows)]
        } else {
            let names = graph.inputs.enumerated().map { k, id in [graph[id].name, ModelInterface.identifier(graph[id].name), "x\(k)"] }
            sets = try DataReader.loadInputs(path: path, names: names, labelsPath: labels, scale: scale, offset: offset, limit: rows)
        }
        guard skip < sets[0].count else { throw RequestError("\(path): --skip \(skip) leaves no samples (the file has \(sets[0].count))") }
        if scale == 1 && offset == 0 {
            sets = try sets.enumerated().map { k, set in try realValues(of: set, forInput: k, of: graph) }
        }
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

    /// Samples stored as integers of a quantized input's own type are its stored integers: the real
    /// values they stand for, (q − zero point) · scale, which the program quantizes back exactly.
    /// int8 samples for any other input are refused: a float model would take -128…127 as its
    /// real values, and an int8 model with a uint8 input would misread every sign.
    static func realValues(of set: Dataset, forInput k: Int, of graph: Graph) throws -> Dataset {
        guard ["int8", "uint8", "int16"].contains(set.storedType) else { return set }
        let id = graph.inputs[k]
        let declared = k < graph.declaredInputTypes.count ? graph.declaredInputTypes[k] : "float32"
        if declared == set.storedType, let q = graph[id].quantization, q.scales.count == 1, let zeroPoint = q.zeroPoints.first {
            // A uint8 input the int8 program takes as int8 has its zero point moved by 128.
            let zero = Float(zeroPoint) + (declared == "uint8" && q.storage == "int8" ? 128 : 0)
            var real = set
            real.values = set.values.map { ($0 - zero) * q.scales[0] }
            return real
        }
        guard set.storedType != "int8" else {
            let takes = declared == "float32" ? "real (float32) values" : "\(declared) values"
            throw RequestError("\(set.path): int8 samples, but input '\(graph[id].name)' takes \(takes): give --scale and --offset "
                               + "to turn them into its real values")
        }
        return set
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
        case let e as FineTuningError: return (e.description, false, false)
        case let e as Command.MissingTool: return (e.description, false, false)
        // A generated bundle that does not build or run is a verification failure.
        case let e as Command.Failure: return (e.description, true, false)
        case let e as Firmware.DoesNotFit: return (e.description, true, false)
        default: return nil
        }
    }
}
