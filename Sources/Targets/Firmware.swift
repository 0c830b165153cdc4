import Foundation

/// A verification firmware: the bundle, the board's startup code and linker script, and a harness
/// `main`, cross-compiled with the board's GNU toolchain (arm-none-eabi or riscv64-unknown-elf).
public enum Firmware {
    public struct Build: Sendable {
        public var elf: String
        /// .text + .ARM.exidx + .data: what the image puts in flash.
        public var flashBytes: Int
        /// .data + .bss + .stack: what it occupies in RAM.
        public var ramBytes: Int
        /// Address of qc_profile_mark, when the bundle was built with profiling markers.
        public var marker: UInt64?
    }

    /// The image does not fit the board: exit 1 with both sizes.
    public struct DoesNotFit: Error, CustomStringConvertible {
        public var description: String
    }

    public static let flags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow",
                               "-ffunction-sections", "-fdata-sections"]

    /// How the harness gets its samples: from host files over semihosting (QEMU boards), or
    /// embedded in flash with results printed on the console (boards flashed for real).
    public enum Samples: Sendable {
        case semihosting
        case embedded(inputs: [[Int32]], inputType: String)
    }

    /// Builds `work/firmware.elf` from the bundle in `bundle` (its C sources named in `sources`).
    /// With `printf`, a semihosting harness links the full newlib and ends by printing the sample
    /// count with printf, as TFLM's benchmark harness does (about 30 KB of flash), so the
    /// firmware's size compares like for like with that harness's.
    /// `structs`: the bundle's API takes structs (a model with several inputs or outputs); the
    /// semihosting harness then reads and writes one struct per sample.
    public static func build(bundle: String, sources: [String], prefix: String, board: Board, samples: Samples,
                             profile: Bool, printf: Bool = false, structs: Bool = false, work: String) throws -> Build {
        let isa = board.isa, compiler = isa.toolchainPrefix + "gcc"
        guard Command.which(compiler) != nil else {
            throw Command.MissingTool("\(compiler) not found: run `make setup` (apt packages \(isa.toolchainPackages))")
        }
        if printf && isa != .arm {
            throw Command.Failure("the printf harness needs newlib's printf, which only the Arm boards link")
        }
        let dir = URL(fileURLWithPath: work).appendingPathComponent("board")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        for (path, text) in BoardSources.files where path.hasPrefix("common/") {
            try write(String(path.dropFirst("common/".count)), text)
        }
        try write("board.ld", board.measuringLinkerScript)
        var boardSources = [isa.startupSource, "quantc_main.c"]
        if let console = board.console {
            try write(console, BoardSources.files["\(board.name)/\(console)"]!)
            boardSources += [console, "uart_console.c"]
        } else {
            boardSources.append("semihosting.c")
        }
        try write("quantc_harness.h", FirmwareHarness.config(prefix: prefix, samples: samples, printf: printf, structs: structs))
        if let embedded = FirmwareHarness.samples(samples, prefix: prefix) { try write("quantc_samples.h", embedded) }
        let bundleURL = URL(fileURLWithPath: bundle)
        let elf = URL(fileURLWithPath: work).appendingPathComponent("firmware.elf").path
        let arguments = flags + board.cflags + (profile ? ["-DQC_PROFILE"] : []) + ["-I", bundle, "-I", dir.path]
            + sources.map { bundleURL.appendingPathComponent($0).path } + boardSources.map { dir.appendingPathComponent($0).path }
            + ["-nostartfiles"] + (printf ? ["--specs=nosys.specs"] : isa.libraryOptions) + ["-L", dir.path, "-T", dir.appendingPathComponent("board.ld").path,
               "-Wl,--gc-sections", "-o", elf]
        let result = try Command.run(compiler, arguments, in: work)
        guard result.status == 0 else { throw Command.Failure("\(compiler) failed for \(board.name):\n\(result.stderr.prefix(6000))") }

        let sections = try sectionSizes(elf, tool: isa.toolchainPrefix + "size")
        let flash = ["text", "ARM.exidx", "data"].reduce(0) { $0 + (sections[$1] ?? 0) }
        let ram = ["data", "bss", "stack"].reduce(0) { $0 + (sections[$1] ?? 0) }
        if flash > board.flash.size || ram > board.ram.size {
            throw DoesNotFit(description: "the firmware does not fit \(board.name): it needs \(flash) bytes of flash (the board has " +
                             "\(board.flash.size)) and \(ram) bytes of RAM (the board has \(board.ram.size))")
        }
        return Build(elf: elf, flashBytes: flash, ramBytes: ram, marker: profile ? try symbol("qc_profile_mark", in: elf, tool: isa.toolchainPrefix + "nm") : nil)
    }

    /// Section name (without the leading dot) → size, from the toolchain's `size -A`.
    static func sectionSizes(_ elf: String, tool: String) throws -> [String: Int] {
        let result = try Command.run(tool, ["-A", elf])
        guard result.status == 0 else { throw Command.Failure("\(tool) failed: \(result.stderr)") }
        var sizes = [String: Int]()
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, fields[0].hasPrefix("."), let size = Int(fields[1]) else { continue }
            sizes[String(fields[0].dropFirst())] = size
        }
        return sizes
    }

    static func symbol(_ name: String, in elf: String, tool: String) throws -> UInt64 {
        let result = try Command.run(tool, [elf])
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, fields[2] == name, let address = UInt64(fields[0], radix: 16) { return address }
        }
        throw Command.Failure("\(elf): no symbol \(name)")
    }
}

/// The firmware's `main` is `boards/common/quantc_main.c`; this writes the header it includes
/// for one firmware: the model's names, and how its samples come.
enum FirmwareHarness {
    static func config(prefix: String, samples: Firmware.Samples, printf: Bool, structs: Bool) -> String {
        let m = prefix.uppercased()
        var embedded = 0, sampleCount = 0
        if case .embedded(let inputs, _) = samples { embedded = 1; sampleCount = inputs.count }
        return """
            /* Generated by quantc for this firmware: what boards/common/quantc_main.c runs. */
            #include "\(prefix).h"

            #define QC_RUN \(prefix)_run
            #define QC_INPUT_T \(prefix)_input_t
            #define QC_OUTPUT_T \(prefix)_output_t
            #define QC_INPUT_COUNT \(m)_INPUT_COUNT
            #define QC_OUTPUT_COUNT \(m)_OUTPUT_COUNT
            #define QC_STRUCTS \(structs ? 1 : 0)
            #define QC_PRINTF \(printf ? 1 : 0)
            #define QC_EMBEDDED_SAMPLES \(embedded)
            #define QC_SAMPLE_COUNT \(sampleCount)

            """
    }

    /// The samples in flash, for a board without an emulator.
    static func samples(_ samples: Firmware.Samples, prefix: String) -> String? {
        guard case .embedded(let inputs, let inputType) = samples else { return nil }
        let rows = inputs.map { "    {" + $0.map(String.init).joined(separator: ", ") + "}" }.joined(separator: ",\n")
        return """
            /* Generated by quantc: the samples the firmware runs. */
            static const \(inputType) samples[\(inputs.count)][\(prefix.uppercased())_INPUT_COUNT] = {
            \(rows)
            };

            """
    }
}
