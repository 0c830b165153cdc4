import CEmitter
import Foundation
import GraphIR
import Quantization
import QuantizedIR
import Targets

/// `quantc verify --target BOARD`: the bundle cross-compiled for the board's core, run under QEMU
/// with the counting plugin; every output compared with the simulator, instructions and
/// multiplies counted per inference and per layer. Boards without an emulator are built (and
/// checked to fit) with a few samples embedded, for flashing by hand.
public enum BoardVerification {
    /// Instructions of one marker call (the BL and the marker's BX LR), taken off each layer.
    public static let markerOverhead = 2
    /// Their estimated cycles (the plugin's arm_timing.h): BL 4 and BX 3 on a Cortex-M0, 3 and 3
    /// on an M3 or M4.
    static func markerCycles(cpu: String) -> Int { cpu == "cortex-m0" ? 7 : 6 }
    /// Samples embedded in a firmware for a board without an emulator.
    public static let embeddedSamples = 8

    public static func verify(graph: Graph, lowered: Lowering.Result, data: SampleSet, board: Board,
                              options: VerificationOptions) throws -> VerificationReport {
        guard board.qemu != nil else {
            guard lowered.program.inputs.count == 1, lowered.program.outputs.count == 1 else {
                throw Command.Failure("a model with several inputs or outputs is verified on the host or a QEMU board for now; its bundle builds for any board")
            }
            return try buildForFlashing(graph: graph, lowered: lowered, data: data, board: board, options: options)
        }
        var session = try VerificationSession(graph: graph, lowered: lowered, data: data, target: board.name, options: options)
        defer { session.finish(options) }
        try session.inputLayout.encode(session.inputs).write(to: URL(fileURLWithPath: session.work).appendingPathComponent("inputs.bin"))
        let build = try Firmware.build(bundle: session.bundleDirectory, sources: session.sources, prefix: "model", board: board,
                                       samples: .semihosting, profile: true, printf: options.printfHarness,
                                       structs: session.bundle.interface.usesStructs, work: session.work)
        let run = try QEMURunner.run(elf: build.elf, board: board, directory: session.work, marker: build.marker, count: true)
        guard run.status == 0 else {
            throw Command.Failure("the firmware failed on \(board.name) (QEMU status \(run.status)): \(run.console.prefix(2000))")
        }
        let raw = try Data(contentsOf: URL(fileURLWithPath: session.work).appendingPathComponent("outputs.bin"))
        let outputs = raw.isEmpty ? [] : try session.outputLayout.decode(raw)
        session.compare(outputs: outputs, on: board.name)
        session.report.flash_bytes = build.flashBytes
        session.report.ram_bytes = build.ramBytes
        if let counts = run.counts {
            attribute(counts, to: &session.report, layers: session.bundle.profiledLayers, samples: data.count, markerCycles: markerCycles(cpu: board.cpu))
        }
        return session.report
    }

    /// A board without an emulator: the firmware is built (and checked to fit) with the first
    /// samples embedded, and `expected.txt` holds what its console must print. Nothing runs, so
    /// bit_exact stays null; the report covers just the embedded samples.
    static func buildForFlashing(graph: Graph, lowered: Lowering.Result, data: SampleSet, board: Board,
                                 options: VerificationOptions) throws -> VerificationReport {
        let count = min(data.count, embeddedSamples), size = data.values.count / max(data.count, 1)
        let shown = SampleSet(values: Array(data.values[..<(count * size)]), count: count, labels: data.labels.map { Array($0[..<count]) })
        let session = try VerificationSession(graph: graph, lowered: lowered, data: shown, target: board.name, options: options)
        defer { session.finish(options) }
        let build = try Firmware.build(bundle: session.bundleDirectory, sources: session.sources, prefix: "model", board: board,
                                       samples: .embedded(inputs: session.inputs, inputType: session.bundle.interface.inputs[0].type.rawValue),
                                       profile: false, work: session.work)
        let lines = session.expected.enumerated().map { "sample \($0.offset): " + $0.element.map(String.init).joined(separator: " ") }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: session.work).appendingPathComponent("expected.txt"))
        var report = session.report
        report.flash_bytes = build.flashBytes
        report.ram_bytes = build.ramBytes
        return report
    }

    /// Mean instructions, multiplies and (where the plugin estimates them) cycles per inference
    /// and per layer from the marker counters: each inference marks once before its first layer
    /// and once after each layer.
    static func attribute(_ counts: QEMUPlugin.Counts, to report: inout VerificationReport, layers: [QNode], samples: Int,
                          markerCycles: Int) {
        let perSample = layers.count + 1
        guard samples > 0, counts.marks.count == samples * perSample else { return }
        var total = (instructions: 0.0, multiplies: 0.0, cycles: 0.0)
        var perLayer = [(instructions: Double, multiplies: Double, cycles: Double)](repeating: (0, 0, 0), count: layers.count)
        for s in 0..<samples {
            let m = Array(counts.marks[(s * perSample)..<((s + 1) * perSample)])
            for k in layers.indices {
                let layer = (instructions: Double(m[k + 1].instructions - m[k].instructions) - Double(markerOverhead),
                             multiplies: Double(m[k + 1].multiplies - m[k].multiplies),
                             cycles: Double(m[k + 1].cycles - m[k].cycles) - Double(markerCycles))
                perLayer[k].instructions += layer.instructions
                perLayer[k].multiplies += layer.multiplies
                perLayer[k].cycles += layer.cycles
                total.instructions += layer.instructions
                total.multiplies += layer.multiplies
                total.cycles += layer.cycles
            }
        }
        let n = Double(samples), estimated = counts.cycles != nil
        report.instructions_per_inference = Int((total.instructions / n).rounded())
        report.multiply_instructions_per_inference = Int((total.multiplies / n).rounded())
        report.estimated_cycles_per_inference = estimated ? Int((total.cycles / n).rounded()) : nil
        for (k, node) in layers.enumerated() {
            guard let i = report.layers.firstIndex(where: { $0.name == node.name }) else { continue }
            report.layers[i].instructions = Int((perLayer[k].instructions / n).rounded())
            report.layers[i].multiply_instructions = Int((perLayer[k].multiplies / n).rounded())
            report.layers[i].estimated_cycles = estimated ? Int((perLayer[k].cycles / n).rounded()) : nil
        }
    }
}
