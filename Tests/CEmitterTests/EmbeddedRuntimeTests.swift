import CEmitter
import Foundation
import TestSupport
import Testing

/// The quantc binary carries runtime_c/ (RuntimeSources, generated at build time by the EmbedFiles plugin);
/// bundles must get exactly the files in the repository.
@Suite struct EmbeddedRuntimeTests {
    @Test func embeddedCopyMatchesRuntimeC() throws {
        let root = Corpus.repositoryRoot.appendingPathComponent("runtime_c")
        var onDisk = [String: String]()
        for folder in ["include", "src"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path) {
                onDisk[name] = try String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8)
            }
        }
        #expect(Set(onDisk.keys) == Set(RuntimeSources.files.keys), "the build-tool plugin embeds other files than the folder holds")
        for (name, text) in onDisk where RuntimeSources.files[name] != text {
            Issue.record("\(name): the embedded copy differs from the file")
        }
    }
}
