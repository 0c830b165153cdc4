import Foundation

// Writes a Swift file holding text files as string literals, so the quantc binary carries the C
// runtime and the board files it copies into bundles and firmware. Run by the EmbedFilesPlugin
// build-tool plugin at build time; nothing it writes is committed.
//
//   EmbedFiles OUTPUT TYPE-NAME DOC ROOT FILE...
//
// Each FILE (a path under ROOT) becomes one entry of `TYPE-NAME.files`, keyed by its path relative
// to ROOT, or by its bare name when ROOT is "-" (the runtime's flat bundle layout).

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: EmbedFiles OUTPUT TYPE-NAME DOC ROOT FILE...\n".utf8))
    exit(2)
}
let (output, typeName, doc, root) = (arguments[1], arguments[2], arguments[3], arguments[4])
let rootPrefix = root == "-" ? nil : (root.hasSuffix("/") ? root : root + "/")

var entries = [(key: String, text: String)]()
for path in arguments.dropFirst(5) {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("EmbedFiles: cannot read \(path)\n".utf8))
        exit(1)
    }
    let key: String
    if let rootPrefix {
        guard path.hasPrefix(rootPrefix) else {
            FileHandle.standardError.write(Data("EmbedFiles: \(path) is not under \(rootPrefix)\n".utf8))
            exit(1)
        }
        key = String(path.dropFirst(rootPrefix.count))
    } else {
        key = (path as NSString).lastPathComponent
    }
    entries.append((key, String(decoding: data, as: UTF8.self)))
}
entries.sort { $0.key < $1.key }

/// A raw string literal delimiter no file contains: one more `#` than the longest run after a quote.
func delimiter(for texts: [String]) -> String {
    var hashes = 1
    for text in texts {
        while text.contains("\"" + String(repeating: "#", count: hashes)) { hashes += 1 }
    }
    return String(repeating: "#", count: hashes)
}

let hashes = delimiter(for: entries.map(\.text))
var swift = "// Generated at build time by the EmbedFiles tool; not committed.\n\n"
swift += "/// \(doc)\npublic enum \(typeName) {\n    public static let files: [String: String] = [\n"
for (key, text) in entries {
    // The newline before the closing delimiter is not part of a multi-line literal.
    swift += "        \"\(key)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
swift += "    ]\n}\n"
do {
    try swift.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("EmbedFiles: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
