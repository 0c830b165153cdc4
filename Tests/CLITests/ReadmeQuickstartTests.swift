import Foundation
import TestSupport
import Testing

/// The README's quickstart works as written: each `quantc` line of its block runs (from a scratch
/// directory, the repository's examples at their place) and exits 0; the bundle and the plan appear,
/// and the verification is bit-exact.
@Suite struct ReadmeQuickstartTests {
    @Test func quickstartRunsAsWritten() throws {
        let root = Corpus.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = "<!-- quickstart -->\n```sh\n"
        guard let from = readme.range(of: start), let to = readme.range(of: "\n```", range: from.upperBound..<readme.endIndex) else {
            Issue.record("README.md has no quickstart block after \(start)")
            return
        }
        let lines = readme[from.upperBound..<to.lowerBound].split(separator: "\n").map(String.init)
        #expect(lines.count >= 5 && lines.allSatisfy { $0.hasPrefix("quantc ") }, "\(lines)")
        let work = try HostileInputTests.scratch("quickstart")
        var last = ""
        for line in lines {
            let arguments = line.split(separator: " ").dropFirst().map { word -> String in
                word.hasPrefix("examples/") ? root.appendingPathComponent(String(word)).path : String(word)
            }
            let result = try Quantc.run(arguments + ["--quiet"].filter { _ in !["inspect", "run"].contains(arguments[0]) },
                                        timeout: 300, directory: work)
            #expect(result.status == 0, "\(line): \(result.stderr)")
            last = result.stdout
        }
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("plan.json").path))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("bundle/model.h").path))
        #expect(last.contains("bit-exact: yes"), "\(last)")
    }
}
