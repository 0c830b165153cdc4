import Foundation
import TestSupport
import Testing

/// Command-line forms users type: a negative value after its option (mean/std normalisation
/// needs negative offsets) parses as `--offset=-0.5` does, not as a missing value.
@Suite struct ArgumentTests {
    @Test func negativeOptionValuesParse() throws {
        let common = ["run", HostileInputTests.model, "--data", HostileInputTests.data, "--scale", "0.0625", "--limit", "20"]
        let spaced = try Quantc.run(common + ["--offset", "-0.5"])
        let joined = try Quantc.run(common + ["--offset=-0.5"])
        let none = try Quantc.run(common)
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(spaced.stdout.split(separator: "\n").last == joined.stdout.split(separator: "\n").last)
        #expect(joined.stdout.split(separator: "\n").last != none.stdout.split(separator: "\n").last,
                "the offset should change the result")
    }
}
