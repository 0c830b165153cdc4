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

    /// MLPerf Tiny's own KWS sample (raw int8 features) on the int8 model, as TFLite's benchmark
    /// feeds it: the reference's top-1 is class 5 (the corpus's expected output).
    @Test func rawInt8SamplesRunAsStoredIntegers() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let dir = try HostileInputTests.scratch("raw-int8")
        let labels = dir.appendingPathComponent("labels.npy")
        try Data(Mutators.npy(descr: "<i8", shape: [1], data: [5, 0, 0, 0, 0, 0, 0, 0])).write(to: labels)
        let arguments = ["verify", Corpus.path("mlperf-tiny/kws_ref_model.tflite"), "--data", Corpus.path("mlperf-tiny/kws_input_int8_1x49x10x1.bin"),
                         "--labels", labels.path, "--target", "host", "--no-sanitize", "--quiet"]
        let result = try Quantc.run(arguments + ["--data-type", "int8"])
        #expect(result.status == 0 && result.stdout.contains("quantized 100.00 %") && result.stdout.contains("bit-exact: yes"),
                "\(result.stdout)\(result.stderr)")
        let untyped = try Quantc.run(arguments)
        HostileInputTests.expectOneLine(untyped, naming: Corpus.path("mlperf-tiny/kws_input_int8_1x49x10x1.bin"), "a .bin without --data-type")
        #expect(untyped.stderr.contains("--data-type"), "\(untyped.stderr)")
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
