import Foundation
import GraphIR

/// Reads a model file (format by content: TFLite's "TFL3" identifier, else ONNX protobuf),
/// verifies it, and lowers it with `PassPipeline.standard` unless `optimize` is false.
public enum ModelLoader {
    public static func load(path: String, options: ImportOptions = ImportOptions(), optimize: Bool = true) throws -> Graph {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, "cannot read the file (missing or not readable)")
        }
        return try load(data: data, path: path, options: options, optimize: optimize)
    }

    /// Imports a model held in memory; `path` names it in errors.
    public static func load(data: Data, path: String, options: ImportOptions = ImportOptions(), optimize: Bool = true) throws -> Graph {
        guard !data.isEmpty else { throw ImportError(file: path, "the file is empty") }
        do {
            var graph: Graph
            if isTFLite(data) {
                graph = try TFLiteImporter.load(data: data, options: options, path: path)
            } else {
                graph = try ONNXImporter.load(data: data, options: options, path: path)
            }
            try Verifier.verify(graph)
            if optimize { try PassPipeline.standard.run(&graph) }
            return graph
        } catch let error as FormatError {
            throw ImportError(file: path, error.message)
        } catch let error as GraphError {
            throw ImportError(file: path, error.message)
        }
    }

    /// FlatBuffers files carry their 4-byte identifier at offset 4.
    static func isTFLite(_ data: Data) -> Bool {
        data.count >= 8 && data[data.startIndex + 4..<data.startIndex + 8].elementsEqual("TFL3".utf8)
    }
}
