import Foundation

/// Writes a bundle so that a failure never leaves a partial one: every file goes into a temporary
/// sibling directory, which then replaces the target in one rename. It never replaces a directory
/// that could hold anything but an earlier bundle: `--force` is one typo away from `-o ""`.
public enum BundleWriter {
    /// The file every bundle holds, and the key in it that says quantc wrote it.
    static let marker = (file: "report.json", key: "\"generator\" : \"quantc")

    /// Checks that `directory` may receive a bundle, before any work is done: not empty, not the
    /// working directory or one above it, not `/` or the home directory, and with `force` only a
    /// directory that is empty or holds a quantc bundle.
    public static func checkTarget(_ directory: String, force: Bool) throws {
        guard !directory.isEmpty else { throw EmitError("-o: the output directory is an empty string") }
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL.resolvingSymlinksInPath()
        let home = URL(fileURLWithPath: NSHomeDirectory()).standardizedFileURL.resolvingSymlinksInPath()
        if target.path == "/" || target.path == home.path || isSameOrAncestor(target, of: cwd) {
            throw EmitError("\(directory): refusing to write a bundle over the root, home or working directory (or one above it)")
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw EmitError("\(directory): exists and is not a directory") }
        let entries = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
        guard !entries.isEmpty else { return }
        guard force else { throw EmitError("\(directory): directory is not empty (use --force to replace it)") }
        guard holdsBundle(target) else {
            throw EmitError("\(directory): --force replaces only an earlier quantc bundle, and this directory holds no \(marker.file) written by quantc")
        }
    }

    public static func write(_ bundle: Bundle, to directory: String, force: Bool) throws {
        try write(files: bundle.files, to: directory, force: force)
    }

    /// Writes `files` (flat names) as the directory, in one rename; they must include a report.json.
    public static func write(files: [(name: String, contents: String)], to directory: String, force: Bool) throws {
        try checkTarget(directory, force: force)
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let exists = fm.fileExists(atPath: target.path)
        let parent = target.deletingLastPathComponent()
        // As `mkdir -p`: `-o build/model` makes `build/` when it is missing.
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw EmitError("\(directory): cannot create its parent directory (\(error.localizedDescription))")
        }
        removeStaleStaging(in: parent, for: target.lastPathComponent)
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(stagingPrefix(target.lastPathComponent) + unique)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for (name, contents) in files {
                try Data(contents.utf8).write(to: staging.appendingPathComponent(name))
            }
            if exists {
                let old = parent.appendingPathComponent(stagingPrefix(target.lastPathComponent) + "old-" + unique)
                try fm.moveItem(at: target, to: old)
                try fm.moveItem(at: staging, to: target)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: target)
            }
        } catch let error as EmitError {
            try? fm.removeItem(at: staging)
            throw error
        } catch {
            try? fm.removeItem(at: staging)
            throw EmitError("\(directory): cannot write the bundle (\(error.localizedDescription))")
        }
    }

    /// `.NAME.quantc-`, then the writer's process id (and `old-` before it for a replaced bundle).
    static func stagingPrefix(_ name: String) -> String { ".\(name).quantc-" }

    /// Removes staging directories left by writers that died (killed mid-export): those whose
    /// process id no longer runs. A live writer's directory is left alone.
    static func removeStaleStaging(in parent: URL, for name: String) {
        let prefix = stagingPrefix(name)
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] where entry.hasPrefix(prefix) {
            var rest = entry.dropFirst(prefix.count)
            if rest.hasPrefix("old-") { rest = rest.dropFirst(4) }
            guard let pidText = rest.split(separator: "-").first, let pid = Int32(pidText), pid > 0 else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            try? fm.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// True when the directory's report.json says quantc wrote it.
    static func holdsBundle(_ directory: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(marker.file).path),
              let text = String(data: data.prefix(1 << 20), encoding: .utf8) else { return false }
        return text.contains(marker.key)
    }

    /// True when `a` is `b` or a directory above it.
    static func isSameOrAncestor(_ a: URL, of b: URL) -> Bool {
        let ap = a.pathComponents, bp = b.pathComponents
        return ap.count <= bp.count && Array(bp.prefix(ap.count)) == ap
    }
}
