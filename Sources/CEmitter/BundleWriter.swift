import Foundation

/// Writes a bundle so that a failure never leaves a partial one: every file goes into a temporary
/// sibling directory, which then replaces the target in one rename.
public enum BundleWriter {
    public static func write(_ bundle: Bundle, to directory: String, force: Bool) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: target.path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue { throw EmitError("\(directory): exists and is not a directory") }
        if exists && !force, let entries = try? fm.contentsOfDirectory(atPath: target.path), !entries.isEmpty {
            throw EmitError("\(directory): directory is not empty (use --force to replace it)")
        }
        let parent = target.deletingLastPathComponent()
        guard fm.fileExists(atPath: parent.path) else { throw EmitError("\(directory): the parent directory does not exist") }
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).quantc-\(unique)")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for (name, contents) in bundle.files {
                try Data(contents.utf8).write(to: staging.appendingPathComponent(name))
            }
            if exists {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).quantc-old-\(unique)")
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
}
