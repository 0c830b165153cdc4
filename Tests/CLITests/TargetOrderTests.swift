import Foundation
import TestSupport
import Testing

/// The one-way pipeline, shown: the README's target table is the order, and no Swift file under
/// `Sources/` may import a target listed below its own (or one missing from the table).
@Suite struct TargetOrderTests {
    /// Modules from outside the pipeline that any target may import.
    static let external: Set<String> = ["Foundation", "FoundationEssentials", "Dispatch", "SwiftProtobuf", "ArgumentParser", "CZlib",
                                        "PackagePlugin", "Glibc", "Darwin"]
    /// Build-time tools, not pipeline stages.
    static let tools: Set<String> = ["EmbedFiles", "EmbedFilesPlugin"]

    @Test func targetsImportOnlyTargetsAboveThem() throws {
        let root = Corpus.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        let table = lines.drop { !$0.hasPrefix("| target |") }.prefix { !$0.isEmpty }
        let order = table.compactMap { line -> String? in
            guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<end])
        }
        #expect(order.first == "CKernels" && order.last == "quantc", "the README's target table: \(order)")
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let targets = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources").path).filter { !$0.hasPrefix(".") }
        var violations = [String]()
        for target in targets.sorted() where !Self.tools.contains(target) {
            guard let own = rank[target] else {
                if target != "CZlib" { violations.append("\(target) is not in the README's table") }
                continue
            }
            for (file, module) in try Self.imports(of: target) where !Self.external.contains(module) {
                guard let other = rank[module], other < own else {
                    violations.append("\(target)/\(file) imports \(module)")
                    continue
                }
            }
        }
        #expect(violations.isEmpty, "\(violations)")
    }

    /// The command line parses and prints; the stages' work is the pipeline library's, so a
    /// new command cannot grow its own copy of it.
    @Test func commandLineCallsStagesOnlyThroughThePipeline() throws {
        let stages: Set<String> = ["ModelImport", "FixedPoint", "QuantizedIR", "IntegerSimulator", "Quantization", "CEmitter", "Targets"]
        let direct = try Self.imports(of: "quantc").filter { stages.contains($0.module) }
        #expect(direct.isEmpty, "\(direct.map { "\($0.file) imports \($0.module)" })")
    }

    /// Every module each Swift file of a target imports.
    static func imports(of target: String) throws -> [(file: String, module: String)] {
        let directory = Corpus.repositoryRoot.appendingPathComponent("Sources").appendingPathComponent(target)
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        var result = [(file: String, module: String)]()
        for file in files.sorted() {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                      words[..<at].allSatisfy({ ["@testable", "public", "internal", "private", "@preconcurrency"].contains($0) }) else { continue }
                result.append((file, String(words[at + 1])))
            }
        }
        return result
    }
}
