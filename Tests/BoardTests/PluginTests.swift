import Foundation
import Targets
import TestSupport
import Testing

/// The counting plugin against programs whose counts are known by construction (the numbers are
/// derived by hand in each test/*.s header), its decoders against assembled encodings (332
/// Thumb, 58 RISC-V), and its cycle estimates against the Cortex-M0/M3/M4 manuals' timing tables.
@Suite struct PluginTests {
    static let testDirectory = Corpus.repositoryRoot.appendingPathComponent("boards/qemu-plugin/test")

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String, board: String, march: [String], origin: String, linker: [String] = []
        var total: (UInt64, UInt64), marks: [UInt64], multipliesAtMarks: UInt64
        var testDescription: String { "\(file) on \(board)" }
    }

    static let cases = [
        Case(file: "count_armv6m.s", board: "microbit", march: ["-mcpu=cortex-m0"], origin: "0x0",
             total: (29, 8), marks: [23, 25], multipliesAtMarks: 8),
        Case(file: "count_armv7m.s", board: "mps2-an386", march: ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"], origin: "0x0",
             total: (55, 20), marks: [47, 49, 51], multipliesAtMarks: 20),
        Case(file: "count_armv81m.s", board: "mps3-an547", march: ["-march=armv8.1-m.main+mve.fp+fp.dp"], origin: "0x10000000",
             total: (34, 12), marks: [28, 30], multipliesAtMarks: 12),
        Case(file: "count_rv32.s", board: "qemu-riscv32", march: ["-march=rv32imac", "-mabi=ilp32"], origin: "0x80000000",
             linker: ["-m", "elf32lriscv"], total: (74, 20), marks: [64, 66, 68], multipliesAtMarks: 20),
    ]

    static func toolsAvailable(_ isa: Board.Architecture) -> Bool {
        [isa.toolchainPrefix + "as", isa.toolchainPrefix + "ld", isa.qemuExecutable].allSatisfy { Command.which($0) != nil }
    }

    /// Assembles one test/*.s program, links it at `origin` and runs it on the board's QEMU with the
    /// counting plugin (the marker at the program's `marker` label, if it has one).
    static func assembleAndRun(_ file: String, board: Board, assembler: [String], linker: [String] = [], origin: String) throws -> QEMUPlugin.Counts? {
        let tool = board.isa.toolchainPrefix
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let script = "SECTIONS { . = \(origin); .text : { KEEP(*(.vectors)) *(.text) *(.rodata) } }\n"
        try Data(script.utf8).write(to: work.appendingPathComponent("image.ld"))
        let assembled = try Command.run(tool + "as", assembler + [testDirectory.appendingPathComponent(file).path, "-o", "test.o"], in: work.path)
        #expect(assembled.status == 0, "\(assembled.stderr)")
        let linked = try Command.run(tool + "ld", linker + ["-T", "image.ld", "test.o", "-o", "test.elf"], in: work.path)
        #expect(linked.status == 0, "\(linked.stderr)")
        let nm = String(decoding: try Command.run(tool + "nm", ["test.elf"], in: work.path).stdout, as: UTF8.self)
        let marker = nm.split(separator: "\n").first { $0.hasSuffix(" marker") }.flatMap { UInt64($0.split(separator: " ")[0], radix: 16) }
        let run = try QEMURunner.run(elf: work.appendingPathComponent("test.elf").path, board: board,
                                     directory: work.path, marker: marker, count: true, timeout: 60)
        #expect(run.status == 0, "\(run.console)")
        return run.counts
    }

    @Test(arguments: cases)
    func countsAreExactOnHandWrittenAssembly(_ c: Case) throws {
        let board = try #require(Board.named(c.board)), tool = board.isa.toolchainPrefix
        guard Self.toolsAvailable(board.isa) else { print("\(tool)as, \(tool)ld or \(board.isa.qemuExecutable) missing: run make setup"); return }
        let counts = try #require(try Self.assembleAndRun(c.file, board: board, assembler: c.march, linker: c.linker, origin: c.origin))
        #expect(counts.instructions == c.total.0 && counts.multiplies == c.total.1, "total \(counts.instructions) \(counts.multiplies)")
        #expect(counts.marks.map(\.instructions) == c.marks)
        #expect(counts.marks.allSatisfy { $0.multiplies == c.multipliesAtMarks })
    }

    /// Straight-line programs whose cycles the cores' Technical Reference Manuals give (derived in
    /// each test/timing_*.s header), against the plugin's cycle estimate.
    struct TimingCase: Sendable, CustomTestStringConvertible {
        var file: String, board: String, cpu: String, instructions: UInt64, cycles: UInt64
        var testDescription: String { "\(file) on \(board)" }
    }

    static let timingCases = [
        TimingCase(file: "timing_armv6m.s", board: "microbit", cpu: "cortex-m0", instructions: 21, cycles: 47),
        TimingCase(file: "timing_armv7m.s", board: "mps2-an385", cpu: "cortex-m3", instructions: 19, cycles: 38),
        TimingCase(file: "timing_armv7m.s", board: "mps2-an386", cpu: "cortex-m4", instructions: 19, cycles: 37),
        TimingCase(file: "timing_armv7em.s", board: "mps2-an386", cpu: "cortex-m4", instructions: 13, cycles: 14),
    ]

    @Test(arguments: timingCases)
    func cycleEstimatesMatchTheManuals(_ c: TimingCase) throws {
        let board = try #require(Board.named(c.board))
        guard Self.toolsAvailable(board.isa) else { print("Arm toolchain or QEMU missing: run make setup"); return }
        let counts = try #require(try Self.assembleAndRun(c.file, board: board, assembler: ["-mcpu=" + c.cpu], origin: "0x0"))
        #expect(counts.instructions == c.instructions)
        #expect(counts.cycles == c.cycles, "estimated \(counts.cycles.map(String.init) ?? "nothing"), the manual gives \(c.cycles)")
    }

    /// The multiply decoders, and the Cortex-M4 cycle model instruction by instruction (69 encodings
    /// with their cycles from the manual's table: check-decoder.sh cycles).
    @Test(arguments: ["arm", "riscv", "cycles"])
    func decoderClassifiesEveryAssembledEncoding(_ mode: String) throws {
        let assembler = mode == "riscv" ? "riscv64-unknown-elf-as" : "arm-none-eabi-as"
        guard Command.which(assembler) != nil else { print("\(assembler) missing: run make setup"); return }
        let result = try Command.run(Self.testDirectory.appendingPathComponent("check-decoder.sh").path, [mode])
        let output = String(decoding: result.stdout, as: UTF8.self)
        print(output.split(separator: "\n").last.map(String.init) ?? "")
        #expect(result.status == 0, "\(output)\(result.stderr)")
    }

    /// The binary carries boards/ (BoardSources, generated at build time by the EmbedFiles plugin);
    /// firmware must get exactly the files in the repository.
    @Test func embeddedBoardFilesMatchTheRepository() throws {
        let root = Corpus.repositoryRoot.appendingPathComponent("boards")
        var onDisk = [String: String]()
        let walker = FileManager.default.enumerator(atPath: root.path)!
        while let path = walker.nextObject() as? String {
            guard !path.hasPrefix("qemu-plugin/test"), !path.hasSuffix(".md") else { continue }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { onDisk[path] = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
        }
        #expect(Set(onDisk.keys) == Set(BoardSources.files.keys), "the build-tool plugin embeds other files than the folder holds")
        for (path, text) in onDisk where BoardSources.files[path] != text {
            Issue.record("\(path): the embedded copy differs from the file")
        }
        #expect(Board.all.count == 10)
    }
}
