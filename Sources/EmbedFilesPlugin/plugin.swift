import Foundation
import PackagePlugin

/// Embeds runtime_c/ into CEmitter (`RuntimeSources`) and boards/ into Targets (`BoardSources`) at
/// build time, so the quantc binary carries the files it copies into bundles and firmware, and the
/// repository holds each of them once.
@main
struct EmbedFilesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let tool = try context.tool(named: "EmbedFiles").url
        let output: URL, typeName: String, doc: String, keyRoot: String, files: [URL]
        switch target.name {
        case "CEmitter":
            typeName = "RuntimeSources"
            doc = "The runtime_c files by name (bundles are flat: headers and sources side by side)."
            keyRoot = "-"
            files = try ["include", "src"].flatMap { try Self.files(under: root.appendingPathComponent("runtime_c/\($0)")) }
        case "Targets":
            typeName = "BoardSources"
            doc = "The boards/ files by path relative to boards/ (tests and notes excluded)."
            let boards = root.appendingPathComponent("boards")
            keyRoot = boards.path
            files = try Self.files(under: boards).filter { file in
                !file.path.hasSuffix(".md") && !file.path.hasPrefix(boards.appendingPathComponent("qemu-plugin/test").path + "/")
            }
        default:
            return []
        }
        output = context.pluginWorkDirectoryURL.appendingPathComponent("\(typeName).swift")
        return [.buildCommand(displayName: "Embedding \(files.count) files as \(typeName)", executable: tool,
                              arguments: [output.path, typeName, doc, keyRoot] + files.map(\.path),
                              inputFiles: files, outputFiles: [output])]
    }

    /// Every regular file below `folder`, sorted by path.
    static func files(under folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found = [URL]()
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            found.append(url.standardizedFileURL)
        }
        return found.sorted { $0.path < $1.path }
    }
}
