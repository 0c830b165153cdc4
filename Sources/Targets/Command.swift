import Foundation

/// Runs an external program and captures its output.
public enum Command {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// A tool the verification needs is not installed: a problem of the machine (exit 2), not a
    /// verification that failed (exit 1).
    public struct MissingTool: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`; a run longer than
    /// `timeout` seconds is killed and reported as a failure.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           timeout: TimeInterval? = nil) throws -> Result {
        guard let path = which(executable) else { throw MissingTool("\(executable): not found on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { kill(pid, SIGKILL) } }
        }
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        let errData = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// The full path of a program: as given when it contains a slash, else the first match on PATH.
    public static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Written by one reader thread, read after it finished (ordered by the DispatchGroup).
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
