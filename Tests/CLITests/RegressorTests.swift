import Foundation
import TestSupport
import Testing

/// A model with one output value (a regressor, made by scripts/make-import-fixtures.py): top-1
/// agreement is always 100 % there, so verify reports the output's SQNR against the float model
/// instead, which 8-bit formats keep above 20 dB; a classifier keeps its top-1 figures.
@Suite struct RegressorTests {
    @Test func oneOutputValueReportsItsSQNR() throws {
        let fixtures = Corpus.repositoryRoot.appendingPathComponent("Tests/QuantizationTests/Fixtures").path
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-regressor-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let result = try Quantc.run(["verify", fixtures + "/regressor.onnx", "--data", fixtures + "/regressor.input.npy", "--target", "host",
                                     "--quiet", "--json", json.path])
        #expect(result.status == 0 && result.stdout.contains("output SQNR") && !result.stdout.contains("agreement"), "\(result.stdout)\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let sqnr = try #require(report["output_sqnr_db"] as? Double)
        #expect(sqnr > 20 && sqnr < 80, "\(sqnr)")
        let classifier = try Quantc.run(["verify", HostileInputTests.model] + HostileInputTests.sampleOptions + ["--target", "host"])
        #expect(classifier.stdout.contains("agreement"), "\(classifier.stdout)")
    }
}
