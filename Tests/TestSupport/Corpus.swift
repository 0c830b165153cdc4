import Foundation

/// Locates `../shared/corpus` beside the repository (or `$QUANTC_CORPUS`), for tests that read
/// real models and data. Tests skip with a message naming the path when it is absent.
public enum Corpus {
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["QUANTC_CORPUS"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("MANIFEST.md").path)
    }

    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    public static let skipMessage = "corpus not found at \(root.path): skipped (place ../shared/corpus beside the repository)"
}
