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
        let sources = root.appendingPathComponent("Sources")
        let targets = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { !$0.hasPrefix(".") }
        var violations = [String]()
        for target in targets.sorted() where !Self.tools.contains(target) {
            guard let own = rank[target] else {
                if target != "CZlib" { violations.append("\(target) is not in the README's table") }
                continue
            }
            let files = FileManager.default.enumerator(atPath: sources.appendingPathComponent(target).path)?
                .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            for file in files {
                let text = try String(contentsOf: sources.appendingPathComponent(target).appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                          words[..<at].allSatisfy({ ["@testable", "public", "internal", "private", "@preconcurrency"].contains($0) }) else { continue }
                    let module = String(words[at + 1])
                    if Self.external.contains(module) { continue }
                    guard let other = rank[module], other < own else {
                        violations.append("\(target)/\(file) imports \(module)")
                        continue
                    }
                }
            }
        }
        #expect(violations.isEmpty, "\(violations)")
    }
}
