import ArgumentParser
import Foundation
import GraphIR
import Pipeline

struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chooses fixed-point formats, builds the integer program and reports accuracy and cost.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @Flag(help: "Print JSON.")
    var json = false
    @Option(name: .shortAndLong, help: "Write the plan (formats) to this JSON file for export/verify --plan.")
    var output: String?
    @Option(name: .customLong("report"), help: "Also write an HTML report of this run to this file.")
    var reportPath: String?

    func run() throws {
        let progress = Progress(quiet: self.quantization.quiet)
        if let output {
            try refuseOverwriting(output, inputs: [model, data.data, data.labels, self.quantization.calib, self.quantization.calibLabels, self.quantization.plan])
        }
        let graph = try loadModel(model)
        let quantization = self.quantization.resolved(for: graph)
        let plan = try quantization.makePlan(graph, data: data, progress: progress)
        let lowered = try Pipeline.lower(graph, plan: plan)
        let evaluation = data.data != nil ? try data.load(for: graph) : try quantization.calibrationSet(graph, data: data)
        progress.say("evaluating on \(evaluation.count) samples")
        let report = try Pipeline.evaluate(graph, lowered, on: evaluation)
        if let reportPath {
            progress.say("writing the report")
            try ReportAssembly.writeSingle(to: reportPath, label: quantization.reportLabel(plan), model: model, generator: Quantc.generator,
                                           graph: graph, plan: plan, lowered: lowered, evaluation: evaluation,
                                           calibration: try quantization.reportCalibration(graph, data: data), quantization: report)
        }
        progress.done()
        if let output { try writePlan(plan, to: output) }
        if json {
            try printJSON(report)
            return
        }
        func percent(_ v: Double?) -> String { v.map { String(format: "%.2f %%", $0 * 100) } ?? "n/a" }
        print("\(model): scheme \(plan.scheme), step \(plan.step.rawValue)\(plan.perChannel ? ", per-channel" : "")")
        var rows = [["layer", "op", "weights", "bits/w", "w frac", "w err", "mults", "act", "acc", "SQNR dB"]]
        for layer in report.layers where layer.op != "reshape" {
            // Codebook layers: "codebook K16", "+acc" for the accumulating form.
            let scheme = (layer.weight_scheme ?? "") + (layer.clusters.map { " K\($0)" } ?? "") + (layer.kernel_form == "accumulate" ? "+acc" : "")
            rows.append([shortName(layer.name), layer.op, scheme, layer.bits_per_weight.map { String(format: "%.2f", $0) } ?? "",
                         layer.weight_frac.map { $0.count == 1 ? "\($0[0])" : "per-ch" } ?? "",
                         layer.weight_error.map { String(format: "%.4f", $0) } ?? "", layer.macs > 0 ? "\(layer.multiplies)" : "",
                         "Q(\(layer.act_bits),\(layer.act_frac))", layer.accumulator ?? "",
                         layer.sqnr_db.map { String(format: "%.1f", $0) } ?? ""])
        }
        printTable(rows)
        for layer in report.layers { if let note = layer.note { print("\(shortName(layer.name)): \(note)") } }
        if graph.shape(graph.outputs[0]).reduce(1, *) == 1 {
            print("samples \(report.samples): output SQNR \(report.output_sqnr_db.map { String(format: "%.1f dB", $0) } ?? "n/a") (one output value: no top-1)")
        } else {
            print("samples \(report.samples): float \(percent(report.float_accuracy)), quantized \(percent(report.quant_accuracy)), agreement \(percent(report.agreement))")
        }
        print(String(format: "weights %d bytes at their bit widths (%.3f× 8-bit), multiplies %d of %d MACs (%.2f %%), multiply cost %.3f× 8-bit",
                     report.weight_bytes, report.weight_bytes_ratio_8bit, report.multiplies_static, report.macs,
                     report.macs > 0 ? 100 * Double(report.multiplies_static) / Double(report.macs) : 0, report.multiply_cost_ratio_8bit))
        // What `export` writes, with weights a byte each and (where that differs) packed.
        let constants = try Pipeline.constantBytes(lowered, generator: Quantc.generator, modelName: model)
        print("the bundle's constants: \(constants.bytes) bytes (weights, biases, shifts, tables)"
              + (constants.packed < constants.bytes ? "; \(constants.packed) with --weight-storage packed" : ""))
    }
}
