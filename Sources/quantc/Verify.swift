import ArgumentParser
import Foundation
import Pipeline
import Verification

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Builds the bundle for a target, runs the samples, and checks every output bit against the integer simulator.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(help: "host (the host C compiler) or a board (see `quantc boards`).")
    var target: String
    @Option(help: "Write the verification report (JSON) to this file.")
    var json: String?
    @Flag(inversion: .prefixedNo, help: "Host target: build with AddressSanitizer and UndefinedBehaviorSanitizer.")
    var sanitize = true
    @Option(help: "Keep the generated bundle, firmware and harness in this directory.")
    var keep: String?
    @Option(name: .customLong("report"), help: "Also write an HTML report of this run to this file.")
    var reportPath: String?
    @Flag(help: "QEMU boards: link newlib's printf into the firmware's harness, as TFLM's benchmark harness does, so firmware flash compares like for like.")
    var printfHarness = false

    func run() throws {
        let destination = try Pipeline.Target(named: target)
        let board = destination.board
        let progress = Progress(quiet: self.quantization.quiet)
        let graph = try loadModel(model)
        let quantization = self.quantization.resolved(for: graph)
        let plan = try quantization.makePlan(graph, data: data, progress: progress)
        let lowered = try Pipeline.lower(graph, plan: plan)
        let samples = try data.load(for: graph)
        var options = VerificationOptions(modelName: URL(fileURLWithPath: model).lastPathComponent, scheme: quantization.chosenScheme.rawValue,
                                          generator: Quantc.generator, sanitize: sanitize, keepDirectory: keep.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                          features: try kernelOptions.features(for: board, lowered))
        options.printfHarness = printfHarness
        let report = try Pipeline.verify(graph: graph, lowered: lowered, data: samples, target: destination, options: options,
                                         progress: progress.pipeline)
        if let reportPath {
            progress.say("writing the report")
            try ReportAssembly.writeSingle(to: reportPath, label: quantization.reportLabel(plan), model: model, generator: Quantc.generator,
                                           graph: graph, plan: plan, lowered: lowered, evaluation: samples,
                                           calibration: try quantization.reportCalibration(graph, data: data), measured: report,
                                           features: options.features, target: target)
        }
        progress.done()
        if let json { try Data(report.json().utf8).write(to: URL(fileURLWithPath: json)) }
        printSummary(report, board: board, regressor: graph.shape(graph.outputs[0]).reduce(1, *) == 1)
        if report.bit_exact == false { throw UserError("verification failed: the C output differs from the simulator", exitCode: 1) }
    }

    /// `regressor`: the model has one output value, so top-1 figures mean nothing and the output's SQNR is shown.
    func printSummary(_ report: VerificationReport, board: Board?, regressor: Bool) {
        func percent(_ v: Double?) -> String { v.map { String(format: "%.2f %%", $0 * 100) } ?? "n/a" }
        if regressor {
            print("\(model) on \(report.target): \(report.samples) samples, output SQNR " +
                  (report.output_sqnr_db.map { String(format: "%.1f dB", $0) } ?? "n/a") + " (one output value: no top-1)")
        } else {
            print("\(model) on \(report.target): \(report.samples) samples, float \(percent(report.float_accuracy)), " +
                  "quantized \(percent(report.quant_accuracy)), agreement \(percent(report.agreement))")
        }
        switch report.bit_exact {
        case true?: print("bit-exact: yes")
        case false?: print("bit-exact: NO, \(report.mismatched_samples) samples differ (\(report.first_mismatch ?? ""))")
        case nil:
            print("built, not run (\(report.target) has no emulator): flash it and compare its console with expected.txt" +
                  (keep.map { " in \($0)" } ?? " (use --keep DIR)"))
        }
        if let instructions = report.instructions_per_inference, let multiplies = report.multiply_instructions_per_inference {
            print("per inference: \(instructions) instructions, \(multiplies) multiply instructions (\(report.multiplies_static) multiplies in the model, " +
                  String(format: "%.2f instructions per MAC)", Double(instructions) / Double(max(report.macs, 1))))
            let cycles = report.estimated_cycles_per_inference
            if let cycles {
                print("estimated cycles per inference: \(cycles) (\(board?.cpu ?? "") timing tables, zero-wait-state memory; " +
                      String(format: "%.2f per MAC); an estimate, not a measurement", Double(cycles) / Double(max(report.macs, 1))))
            }
            var rows = [["layer", "op", "MACs", "instructions", "multiply instr."] + (cycles != nil ? ["est. cycles"] : [])]
            for layer in report.layers where layer.instructions != nil {
                rows.append([shortName(layer.name), layer.op, String(layer.macs), String(layer.instructions!), String(layer.multiply_instructions ?? 0)]
                            + (cycles != nil ? [layer.estimated_cycles.map(String.init) ?? ""] : []))
            }
            printTable(rows)
        }
        var sizes = "arena \(report.arena_bytes) bytes (lower bound \(report.arena_lower_bound)), constants \(report.constant_bytes) bytes (weights \(report.weight_bytes))"
        if let flash = report.flash_bytes, let ram = report.ram_bytes, let board {
            sizes += "; firmware flash \(flash) of \(board.flash.size) bytes, RAM \(ram) of \(board.ram.size) bytes"
        }
        if let code = report.host_code_bytes { sizes += ", host code \(code) bytes" }
        print(sizes)
    }
}

struct Boards: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lists the boards quantc can build for (and run under QEMU).")

    func run() throws {
        var rows = [["board", "core", "flash", "RAM", "QEMU machine", "description"]]
        for board in Board.all {
            rows.append([board.name, board.cpu, "\(board.flash.size / 1024) KiB", "\(board.ram.size / 1024) KiB",
                         board.qemu?.machine ?? "none (flash it)", board.description])
        }
        printTable(rows)
    }
}
