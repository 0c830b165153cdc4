import Foundation

/// Runs a firmware image on a board's QEMU machine with semihosting (files relative to
/// `directory`) and, optionally, the counting plugin.
public enum QEMURunner {
    public struct Run: Sendable {
        public var status: Int32
        public var console: String
        public var counts: QEMUPlugin.Counts?
    }

    public static func run(elf: String, board: Board, directory: String, marker: UInt64?, count: Bool,
                           timeout: TimeInterval = 600) throws -> Run {
        guard let emulator = board.qemu else { throw Command.Failure("\(board.name) has no QEMU model") }
        let qemu = board.isa.qemuExecutable
        guard Command.which(qemu) != nil else {
            throw Command.MissingTool("\(qemu) not found: run `make setup` (apt package \(board.isa.qemuPackage))")
        }
        var arguments = ["-M", emulator.machine] + (emulator.options ?? []) + ["-nographic", "-monitor", "none", "-serial", "none",
                         "-semihosting-config", "enable=on,target=native", "-kernel", elf]
        let countsFile = URL(fileURLWithPath: directory).appendingPathComponent("counts.txt").path
        if count {
            var plugin = "\(try QEMUPlugin.library()),out=\(countsFile),core=\(board.cpu)"
            if let cycles = board.multiplyCycles { plugin += ",mulcycles=\(cycles)" }
            if let marker { plugin += ",marker=0x" + String(marker, radix: 16) }
            arguments += ["-plugin", plugin]
        }
        let result = try Command.run(qemu, arguments, in: directory, timeout: timeout)
        let console = String(decoding: result.stdout, as: UTF8.self) + result.stderr
        var counts: QEMUPlugin.Counts?
        if count, let text = try? String(contentsOfFile: countsFile, encoding: .utf8) { counts = try QEMUPlugin.parse(text) }
        return Run(status: result.status, console: console, counts: counts)
    }
}
