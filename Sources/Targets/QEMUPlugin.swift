import Foundation

/// The instruction-counting QEMU plugin (boards/qemu-plugin), compiled on first use against the
/// QEMU plugin API header that `make setup` (scripts/setup-qemu-plugin.sh) takes from Debian's
/// qemu source package, and cached by the hash of its source.
public enum QEMUPlugin {
    /// ~/.cache/quantc (or $XDG_CACHE_HOME/quantc, or $QUANTC_CACHE).
    public static var cacheDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["QUANTC_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("quantc")
    }

    /// Where the setup script puts qemu-plugin.h.
    public static var headerDirectory: URL { cacheDirectory.appendingPathComponent("qemu-plugin-api") }

    /// The path of the built plugin, building it when the cached one is missing or stale.
    public static func library(compiler: String = HostTarget.defaultCompiler) throws -> String {
        let files = ["quantc_count.c", "arm_multiply.h", "arm_timing.h", "riscv_multiply.h"].map { ($0, BoardSources.files["qemu-plugin/" + $0]!) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in files.map(\.1).joined().utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let dir = cacheDirectory.appendingPathComponent("plugin-\(String(hash, radix: 16))")
        let library = dir.appendingPathComponent("libquantc_count.so")
        if FileManager.default.fileExists(atPath: library.path) { return library.path }
        guard FileManager.default.fileExists(atPath: headerDirectory.appendingPathComponent("qemu-plugin.h").path) else {
            throw Command.MissingTool("the QEMU plugin header is missing from \(headerDirectory.path): run `make setup` (scripts/setup-qemu-plugin.sh)")
        }
        // Builders running at once (parallel tests, two quantc processes) each build in a folder of
        // their own; rename(2) then puts a finished library in place atomically, whoever is last.
        let scratch = dir.appendingPathComponent("build-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (name, text) in files { try Data(text.utf8).write(to: scratch.appendingPathComponent(name)) }
        let build = try Command.run(compiler, ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                                               "-I", headerDirectory.path, "-I", scratch.path, "quantc_count.c", "-o", "libquantc_count.so"],
                                    in: scratch.path)
        guard build.status == 0 else { throw Command.Failure("cannot build the QEMU plugin:\n\(build.stderr)") }
        guard rename(scratch.appendingPathComponent("libquantc_count.so").path, library.path) == 0 else {
            throw Command.Failure("cannot move the QEMU plugin into \(dir.path): \(String(cString: strerror(errno)))")
        }
        return library.path
    }

    /// Counters parsed from the plugin's output file.
    public struct Counts: Sendable {
        public var instructions: UInt64
        public var multiplies: UInt64
        /// Estimated cycles (zero-wait-state memory) where the plugin has a timing model of the
        /// core (arm_timing.h), else nil.
        public var cycles: UInt64?
        /// (instructions, multiplies, cycles or 0) before each execution of the marker.
        public var marks: [(instructions: UInt64, multiplies: UInt64, cycles: UInt64)]
    }

    public static func parse(_ text: String) throws -> Counts {
        var counts = Counts(instructions: 0, multiplies: 0, cycles: nil, marks: [])
        var sawTotal = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3 || fields.count == 4, let a = UInt64(fields[1]), let b = UInt64(fields[2]) else { continue }
            let cycles = fields.count == 4 ? UInt64(fields[3]) : nil
            if fields[0] == "total" {
                counts.instructions = a
                counts.multiplies = b
                counts.cycles = cycles
                sawTotal = true
            } else if fields[0] == "mark" {
                counts.marks.append((a, b, cycles ?? 0))
            }
        }
        guard sawTotal else { throw Command.Failure("the QEMU plugin wrote no counts") }
        return counts
    }
}
