import Foundation
import GraphIR
import ModelImport
import TestSupport
import Testing

/// 2,000 mutated or truncated copies of the corpus .tflite files through the importer: each one
/// imports or fails with an `ImportError` (one line, naming the file); none may trap. A sample also
/// goes through the CLI to check exit code 2. (`make fuzz` repeats this under the sanitizers.)
@Suite struct TFLiteMutationTests {
    static let models = ["mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_ref_model_float32.tflite",
                         "mlperf-tiny/pretrainedResnet_quant.tflite", "mlperf-tiny/ad01_int8.tflite",
                         "mnist-models/SeanL1123_mnist_cnn.tflite"]

    /// A mutation aimed at the flatbuffer structure (`Mutators.tflite`).
    static func mutate(_ original: [UInt8], _ rng: inout SeededRandom) -> [UInt8] { Mutators.tflite(original, &rng) }

    @Test func mutatedModelsNeverTrap() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let originals = try Self.models.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path($0)))) }
        // `make fuzz` raises the count and varies the seed (and runs under the address sanitizer).
        let environment = ProcessInfo.processInfo.environment
        let count = environment["QUANTC_FUZZ_COUNT"].flatMap(Int.init) ?? 2000
        var rng = SeededRandom(seed: environment["QUANTC_FUZZ_SEED"].flatMap(UInt64.init) ?? 2026)
        var imported = 0, rejected = 0
        var reasons = [String: Int]()
        for k in 0..<count {
            let which = k % originals.count
            let bytes = Self.mutate(originals[which], &rng)
            let name = "mutant-\(k).tflite"
            do {
                _ = try ModelLoader.load(data: Data(bytes), path: name)
                imported += 1
            } catch let error as ImportError {
                rejected += 1
                #expect(!error.description.contains("\n"), "\(name): multi-line error")
                #expect(error.file == name)
                let reason = error.message.split(separator: ":").first.map(String.init) ?? error.message
                reasons[String(reason.prefix(60)), default: 0] += 1
            }
        }
        print("TFLite mutation test: \(count) mutants, \(imported) imported, \(rejected) rejected with a one-line error, 0 traps")
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(8) { print("  \(count)× \(reason)") }
        #expect(imported + rejected == count)
        #expect(rejected >= count / 4, "too few mutants were rejected: the mutations may not reach the structure")
    }

    @Test func cliExitsWithTwoOnMutants() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path(Self.models[0]))))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-mutants-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: 99)
        var checked = 0
        while checked < 25 {
            let bytes = Self.mutate(original, &rng)
            let path = dir.appendingPathComponent("m\(checked).tflite").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try Quantc.run(["inspect", path])
            #expect(!result.crashed, "\(path) crashed: \(result.stderr)")
            #expect(result.status == 0 || result.status == 2)
            if result.status == 2 {
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(path))
            }
            checked += 1
        }
    }
}
