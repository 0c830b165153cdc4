import Foundation
import TestSupport
import Testing

/// A model that arrives quantized to int8 is run as int8 without being told (no calibration data
/// needed), `inspect` shows its tensors' types, scales and zero points, and asking for int8 on a
/// float model says what the file is and which schemes it takes.
@Suite struct ModelKindTests {
    @Test func int8ModelsDefaultToTheInt8Scheme() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let kws = Corpus.path("mlperf-tiny/kws_ref_model.tflite")
        let inspect = try Quantc.run(["inspect", kws])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("input_1 [1, 49, 10, 1], int8 scale 0.5847029 zero point 83"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("--scheme int8 (the default here)"), "\(inspect.stdout)")
        let dir = try HostileInputTests.scratch("model-kind")
        let bundle = dir.appendingPathComponent("kws").path
        let export = try Quantc.run(["export", kws, "-o", bundle, "--quiet"])
        #expect(export.status == 0, "\(export.stderr)")
        let readme = (try? String(contentsOfFile: bundle + "/README.md", encoding: .utf8)) ?? ""
        #expect(readme.contains("scheme int8"), "\(readme)")
    }

    @Test func int8OnAFloatModelSaysWhatTheFileIs() throws {
        let dir = try HostileInputTests.scratch("float-as-int8")
        let result = try Quantc.run(["export", HostileInputTests.model, "--scheme", "int8", "-o", dir.appendingPathComponent("b").path])
        HostileInputTests.expectOneLine(result, naming: HostileInputTests.model, "--scheme int8 on a float model")
        #expect(result.stderr.contains("float tensor") && result.stderr.contains("--scheme fixed"), "\(result.stderr)")
        let inspect = try Quantc.run(["inspect", HostileInputTests.model])
        #expect(inspect.stdout.contains("float: --scheme fixed (the default)"), "\(inspect.stdout)")
    }
}
