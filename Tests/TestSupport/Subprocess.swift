import Foundation

/// Runs the built `quantc` executable (a sibling of the test bundle) and captures its result.
public struct CommandResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// True when the process ended by a signal (a crash or a trap) or timed out.
    public var crashed: Bool
}

public enum Quantc {
    public static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift test runs `<build>/<config>/quantcPackageTests.xctest`; the tool sits beside it.
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("quantc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return Corpus.repositoryRoot.appendingPathComponent(".build/debug/quantc")
    }

    /// Runs quantc; `memoryLimit` (bytes of address space, through the shell's `ulimit -v`) makes
    /// an allocation past it fail, so a run that needed more ends by a signal and counts as a crash.
    public static func run(_ arguments: [String], timeout: TimeInterval = 120, directory: URL? = nil,
                           environment: [String: String]? = nil, memoryLimit: Int? = nil) throws -> CommandResult {
        let process = Process()
        if let memoryLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(memoryLimit / 1024) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        // Files rather than pipes: no reader threads, and large outputs cannot block the child.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-run-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: base.path + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base.path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: base.path + ".out")
            try? FileManager.default.removeItem(atPath: base.path + ".err")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base.path + ".err"))
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        var timedOut = false
        if process.isRunning {
            process.terminate()
            timedOut = true
        }
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: base.path + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base.path + ".err", encoding: .utf8)) ?? ""
        return CommandResult(status: process.terminationStatus, stdout: out, stderr: err,
                             crashed: timedOut || process.terminationReason == .uncaughtSignal)
    }
}

/// Runs a tool found on PATH and captures its status and its output (stdout and stderr together).
public enum Shell {
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
