import ArgumentParser
import Foundation
import GraphIR
import Pipeline

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Per-layer ops, shapes, parameters and MACs of a model.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Layer: Encodable {
        var name: String, op: String
        var input_shapes: [[Int]], output_shape: [Int]
        var parameters: Int, macs: Int
        /// The output's stored type, scale and zero point in a model that arrives quantized.
        var output_quantization: String?
    }
    struct Report: Encodable {
        var model: String, format: String, producer: String
        var inputs: [[String: [Int]]], outputs: [[String: [Int]]]
        var layers: [Layer]
        var total_parameters: Int, total_macs: Int
        /// What `--scheme` defaults to for this model.
        var default_scheme: String
    }

    /// "int8 scale 0.0235 zero point -128" (or "… 64 scales on axis 0"); nil for a float tensor.
    static func describe(_ q: QuantizationInfo?) -> String? {
        guard let q else { return nil }
        let scale = q.scales.count == 1 ? "scale \(q.scales[0])" : "\(q.scales.count) scales on axis \(q.axis)"
        let zero = Set(q.zeroPoints).count <= 1 ? "zero point \(q.zeroPoints.first ?? 0)" : "\(q.zeroPoints.count) zero points"
        return "\(q.storage) \(scale) \(zero)"
    }

    func run() throws {
        let graph = try loadModel(model)
        let layers = graph.nodes.map { node in
            Layer(name: node.name, op: node.op.kind + (node.op.fusedActivation.map { "+" + $0.name } ?? ""),
                  input_shapes: node.inputs.filter { !graph.isConstant($0) }.map { graph.shape($0) },
                  output_shape: graph.shape(node.outputs[0]),
                  parameters: graph.parameterCount(of: node), macs: graph.macs(of: node),
                  output_quantization: Self.describe(graph[node.outputs[0]].quantization))
        }
        let scheme = Pipeline.defaultScheme(for: graph)
        let report = Report(
            model: model, format: graph.info.format, producer: graph.info.producer,
            inputs: graph.inputs.map { [graph[$0].name: graph.shape($0)] },
            outputs: graph.outputs.map { [graph[$0].name: graph.shape($0)] },
            layers: layers,
            total_parameters: layers.reduce(0) { $0 + $1.parameters },
            total_macs: layers.reduce(0) { $0 + $1.macs },
            default_scheme: scheme.rawValue)
        if json {
            try printJSON(report)
            return
        }
        print("\(model) (\(graph.info.format)\(graph.info.producer.isEmpty ? "" : ", " + graph.info.producer))")
        func quantization(_ id: ValueID) -> String { Self.describe(graph[id].quantization).map { ", " + $0 } ?? "" }
        for (k, id) in graph.inputs.enumerated() {
            // A uint8 input runs as int8; its samples in the file's own type are still its integers.
            let declared = k < graph.declaredInputTypes.count ? graph.declaredInputTypes[k] : nil
            let note = declared.map { $0 != "float32" && $0 != graph[id].quantization?.storage ? " (\($0) in the file)" : "" } ?? ""
            print("  input  \(graph[id].name) \(graph.shape(id))\(quantization(id))\(note)")
        }
        for id in graph.outputs { print("  output \(graph[id].name) \(graph.shape(id))\(quantization(id))") }
        let runtime = graph.info.format == "onnx" ? "onnxruntime" : "TFLite"
        print(scheme == .int8 ? "  quantized to int8: --scheme int8 (the default here) computes it as \(runtime) does"
                              : "  float: --scheme fixed (the default), shift, bitplane or codebook quantize it")
        let quantized = layers.contains { $0.output_quantization != nil }
        var rows = [["layer", "op", "input", "output", "params", "MACs"] + (quantized ? ["output quantization"] : [])]
        for layer in layers {
            rows.append([shortName(layer.name), layer.op, layer.input_shapes.map { "\($0)" }.joined(separator: " "),
                         "\(layer.output_shape)", "\(layer.parameters)", "\(layer.macs)"] + (quantized ? [layer.output_quantization ?? "float"] : []))
        }
        rows.append(["total", "", "", "", "\(report.total_parameters)", "\(report.total_macs)"] + (quantized ? [""] : []))
        printTable(rows)
    }
}

/// Prints rows as left-aligned columns (numbers right-aligned).
func printTable(_ rows: [[String]]) {
    guard let width = rows.first?.count else { return }
    let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        let cells = row.enumerated().map { column, cell -> String in
            let pad = String(repeating: " ", count: widths[column] - cell.count)
            return Int(cell) != nil ? pad + cell : cell + pad
        }
        print(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}

/// A layer name short enough for a table: TFLite joins fused names with ';', keep the first.
func shortName(_ name: String, limit: Int = 48) -> String {
    let first = name.split(separator: ";").first.map(String.init) ?? name
    return first.count <= limit ? first : "…" + first.suffix(limit - 1)
}
