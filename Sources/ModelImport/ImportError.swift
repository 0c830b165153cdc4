/// A problem with an input file, reported as one line: `FILE: problem`.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

/// An error raised deep inside a parser, before the file name is known; `ModelLoader` adds it.
struct FormatError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
