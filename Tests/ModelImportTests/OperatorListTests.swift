import Foundation
import ModelImport
import Testing

/// The README's list of operators is the importers' own: it cannot drift from the code.
@Suite struct OperatorListTests {
    @Test func readmeListsTheOperatorsTheImportersRead() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = "<!-- operators: ModelLoader.operatorList -->\n```\n", end = "\n```"
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
            Issue.record("README.md has no operator list after \(start)")
            return
        }
        let listed = String(text[from.upperBound..<to.lowerBound])
        #expect(listed == ModelLoader.operatorList, "README.md's operator list should read:\n\(ModelLoader.operatorList)")
    }
}
