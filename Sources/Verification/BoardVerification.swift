import CEmitter
import FixedPoint
import Foundation
import GraphIR
import IntegerSimulator
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
    /// Samples embedded in a firmware for a board without an emulator.
    public static let embeddedSamples = 8

    public static func verify(graph: Graph, lowered: Lowering.Result, data: SampleSet, board: Board,
                              options: VerificationOptions) throws -> VerificationReport {
        let program = lowered.program
        let bundle = try BundleEmitter.emit(program, options: BundleOptions(generator: options.generator, modelName: options.modelName))
        let fm = FileManager.default
        let work = options.keepDirectory ?? fm.temporaryDirectory.appendingPathComponent("quantc-verify-\(UUID().uuidString)").path
        defer { if options.keepDirectory == nil { try? fm.removeItem(atPath: work) } }
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let bundleDir = work + "/bundle"
        try BundleWriter.write(bundle, to: bundleDir, force: true)
        let sources = bundle.files.map(\.name).filter { $0.hasSuffix(".c") }

        let input = program.tensors[program.inputs[0]], output = program.tensors[program.outputs[0]]
        let quantized = (0..<data.count).map { i in
            data.values[(i * input.count)..<((i + 1) * input.count)].map { Int32(input.format.quantize(Double($0))) }
        }
        let expected = Simulator(program: program).runMany(samples: data.values, count: data.count)
        let metrics = try Metrics.evaluate(graph: graph, lowered: lowered, data: data)
        var report = VerificationReport(
            model: options.modelName, scheme: options.scheme, target: board.name, samples: data.count,
            float_accuracy: metrics.float_accuracy, quant_accuracy: metrics.quant_accuracy, agreement: metrics.agreement,
            bit_exact: nil, mismatched_samples: 0, first_mismatch: nil, macs: metrics.macs, multiplies_static: metrics.multiplies_static,
            instructions_per_inference: nil, multiply_instructions_per_inference: nil, weight_bytes: bundle.weightBytes,
            arena_bytes: bundle.arena.arenaBytes, arena_lower_bound: bundle.arena.lowerBound, arena_naive_bytes: bundle.arena.naiveBytes,
            flash_bytes: nil, ram_bytes: nil, host_code_bytes: nil,
            layers: metrics.layers.map {
                VerificationReport.Layer(name: $0.name, op: $0.op, macs: $0.macs, multiplies: $0.multiplies, instructions: nil,
                                         multiply_instructions: nil, weight_bits: $0.weight_bits, act_bits: $0.act_bits, sqnr_db: $0.sqnr_db)
            })

        guard board.qemu != nil else {
            let shown = Array(quantized.prefix(embeddedSamples))
            let build = try Firmware.build(bundle: bundleDir, sources: sources, prefix: "model", board: board,
                                           samples: .embedded(inputs: shown, inputType: CType.storage(bits: input.format.bits).rawValue),
                                           profile: false, work: work)
            // What the board must print on its console, for comparison by the user.
            let lines = expected.prefix(shown.count).enumerated().map { "sample \($0.offset): " + $0.element.map(String.init).joined(separator: " ") }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: work).appendingPathComponent("expected.txt"))
            report.samples = shown.count
            report.flash_bytes = build.flashBytes
            report.ram_bytes = build.ramBytes
            return report
        }

        var bytes = Data()
        let wide = input.format.bits > 8
        for sample in quantized {
            for v in sample {
                if wide { withUnsafeBytes(of: Int16(v).littleEndian) { bytes.append(contentsOf: $0) } } else { bytes.append(UInt8(bitPattern: Int8(v))) }
            }
        }
        try bytes.write(to: URL(fileURLWithPath: work).appendingPathComponent("inputs.bin"))
        let build = try Firmware.build(bundle: bundleDir, sources: sources, prefix: "model", board: board, samples: .semihosting,
                                       profile: true, work: work)
        let run = try QEMURunner.run(elf: build.elf, board: board, directory: work, marker: build.marker, count: true)
        guard run.status == 0 else {
            throw Command.Failure("the firmware failed on \(board.name) (QEMU status \(run.status)): \(run.console.prefix(2000))")
        }
        let raw = try Data(contentsOf: URL(fileURLWithPath: work).appendingPathComponent("outputs.bin"))
        let outputs = raw.isEmpty ? [] : try HostTarget.decode(raw, width: CType.storage(bits: output.format.bits).bytes, per: output.count)
        var mismatched = max(0, data.count - outputs.count), first: String?
        if outputs.count < data.count { first = "the firmware returned \(outputs.count) of \(data.count) outputs" }
        for (s, got) in outputs.prefix(data.count).enumerated() where got != expected[s] {
            mismatched += 1
            let k = got.indices.first { got[$0] != expected[s][$0] }!
            first = first ?? "sample \(s): output \(k) is \(got[k]) on \(board.name), \(expected[s][k]) in the simulator"
        }
        report.bit_exact = mismatched == 0
        report.mismatched_samples = mismatched
        report.first_mismatch = first
        report.flash_bytes = build.flashBytes
        report.ram_bytes = build.ramBytes
        if let counts = run.counts { attribute(counts, to: &report, layers: bundle.profiledLayers, samples: data.count) }
        return report
    }

    /// Mean instructions and multiplies per inference and per layer from the marker counters:
    /// each inference marks once before its first layer and once after each layer.
    static func attribute(_ counts: QEMUPlugin.Counts, to report: inout VerificationReport, layers: [QNode], samples: Int) {
        let perSample = layers.count + 1
        guard samples > 0, counts.marks.count == samples * perSample else { return }
        var total = (instructions: 0.0, multiplies: 0.0)
        var perLayer = [(instructions: Double, multiplies: Double)](repeating: (0, 0), count: layers.count)
        for s in 0..<samples {
            let m = Array(counts.marks[(s * perSample)..<((s + 1) * perSample)])
            total.instructions += Double(m[layers.count].instructions - m[0].instructions - UInt64(markerOverhead * layers.count))
            total.multiplies += Double(m[layers.count].multiplies - m[0].multiplies)
            for k in layers.indices {
                perLayer[k].instructions += Double(m[k + 1].instructions - m[k].instructions) - Double(markerOverhead)
                perLayer[k].multiplies += Double(m[k + 1].multiplies - m[k].multiplies)
            }
        }
        let n = Double(samples)
        report.instructions_per_inference = Int((total.instructions / n).rounded())
        report.multiply_instructions_per_inference = Int((total.multiplies / n).rounded())
        for (k, node) in layers.enumerated() {
            guard let i = report.layers.firstIndex(where: { $0.name == node.name }) else { continue }
            report.layers[i].instructions = Int((perLayer[k].instructions / n).rounded())
            report.layers[i].multiply_instructions = Int((perLayer[k].multiplies / n).rounded())
        }
    }
}
