import Foundation
import TestSupport
import Testing

/// Rounding, signs, powers with a constant exponent and casts to integers (the fixture made by
/// scripts/make-import-fixtures.py, whose float outputs ExporterFormTests checks against
/// onnxruntime's) run in the fixed-point scheme as tables, bit-exact on the host under the sanitizers.
@Suite struct RoundingOpsTests {
    @Test func roundingAndPowersRunInFixedPoint() throws {
        let fixtures = Corpus.repositoryRoot.appendingPathComponent("Tests/QuantizationTests/Fixtures").path
        let result = try Quantc.run(["verify", fixtures + "/rounding_powers.onnx", "--data", fixtures + "/rounding_powers.input.npy",
                                     "--weight-bits", "8", "--act-bits", "12", "--target", "host", "--quiet"], timeout: 300)
        #expect(result.status == 0 && result.stdout.contains("bit-exact: yes"), "\(result.stdout)\(result.stderr)")
    }
}
