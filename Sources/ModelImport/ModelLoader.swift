import Foundation
import GraphIR

/// Reads a model file (format by content: TFLite's "TFL3" identifier, else ONNX protobuf),
/// verifies it, and lowers it with `PassPipeline.standard` unless `optimize` is false.
public enum ModelLoader {
    /// The operators the importers read, as the README lists them (a test keeps the two equal).
    public static var operatorList: String {
        func wrapped(_ title: String, _ names: Set<String>) -> String {
            var lines = [String](), line = "\(title) (\(names.count)):"
            for name in names.sorted() {
                if line.count + name.count + 2 > 100 {
                    lines.append(line)
                    line = " "
                }
                line += " \(name),"
            }
            lines.append(String(line.dropLast()))
            return lines.joined(separator: "\n")
        }
        let microsoft = ONNXImporter.microsoftOps
        let onnx = Set(ONNXImporter.supportedOps.map { microsoft.contains($0) ? "com.microsoft." + $0 : $0 })
        return wrapped("TFLite", TFLiteImporter.supported) + "\n" + wrapped("ONNX", onnx)
    }

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
            try checkNumbers(graph)
            if optimize {
                try PassPipeline.standard.run(&graph)
                // Folding can make infinities of finite numbers (a batch norm's variance of −1).
                try checkNumbers(graph)
            }
            return graph
        } catch let error as FormatError {
            throw ImportError(file: path, error.message)
        } catch let error as GraphError {
            throw ImportError(file: path, error.message)
        }
    }

    /// Every number the quantizers and the C derive from must be a number: constants finite (a
    /// scalar may be infinite: a clip without an upper bound), quantization scales positive and
    /// normal, zero points within their storage type.
    static func checkNumbers(_ graph: Graph) throws {
        for value in graph.values {
            if let constant = value.constant, constant.isFloat {
                let floats = constant.floats
                if let i = floats.firstIndex(where: { $0.isNaN || ($0.isInfinite && floats.count > 1) }) {
                    throw FormatError("tensor '\(value.name)' holds \(floats[i]) at element \(i): weights must be finite numbers")
                }
            }
            guard let q = value.quantization else { continue }
            if let bad = q.scales.first(where: { !($0.isNormal && $0 > 0) }) {
                throw FormatError("tensor '\(value.name)' has quantization scale \(bad): scales must be positive normal numbers")
            }
            let range: ClosedRange<Int64>
            switch q.storage {
            case "int8": range = -128...127
            case "uint8": range = 0...255
            case "int16": range = -32768...32767
            default: range = Int64(Int32.min)...Int64(Int32.max)
            }
            if let bad = q.zeroPoints.first(where: { !range.contains($0) }) {
                throw FormatError("tensor '\(value.name)' has zero point \(bad), outside \(q.storage)'s range")
            }
        }
    }

    /// FlatBuffers files carry their 4-byte identifier at offset 4.
    static func isTFLite(_ data: Data) -> Bool {
        data.count >= 8 && data[data.startIndex + 4..<data.startIndex + 8].elementsEqual("TFL3".utf8)
    }
}
