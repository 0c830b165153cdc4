import Foundation
import TestSupport
import Testing

/// Mutation fuzzing of every input kind through the command line, with structure-aware mutators
/// (`Mutators`): each mutant must end with exit 0, 1 or 2, never a signal or a hang, under a 1 GiB
/// address-space limit, and a failure must be one line naming the file. CI runs 300 mutants per
/// kind with a fixed seed; `make fuzz` runs 3,000 with a fresh one (QUANTC_FUZZ_COUNT,
/// QUANTC_FUZZ_SEED). Semantic mutants (weights that are NaN, infinite, huge or subnormal) go
/// through quantize, export and the host build under ASan and UBSan for every scheme.
@Suite struct FuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let count = environment["QUANTC_FUZZ_COUNT"].flatMap(Int.init).map { max($0 / 7, 1) } ?? 300
    static let seed = environment["QUANTC_FUZZ_SEED"].flatMap(UInt64.init) ?? 2027
    static let model = HostileInputTests.model
    static let data = HostileInputTests.data
    static let memoryLimit = 1 << 30

    /// Runs `count` mutants of one kind and checks the property; prints the tally.
    static func fuzz(_ kind: String, arguments: (String) -> [String], mutant: (inout SeededRandom) -> [UInt8]) throws {
        let dir = try HostileInputTests.scratch("fuzz-\(kind)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededRandom(seed: seed &+ UInt64(kind.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        var tally = [Int32: Int]()
        for k in 0..<count {
            let path = dir.appendingPathComponent("m\(k).\(kind)").path
            try Data(mutant(&rng)).write(to: URL(fileURLWithPath: path))
            let result = try Quantc.run(arguments(path), timeout: 60, memoryLimit: memoryLimit)
            tally[result.status, default: 0] += 1
            #expect(!result.crashed, "\(kind) mutant \(k) (seed \(seed)) crashed or hung: \(result.stderr)")
            #expect([0, 1, 2].contains(result.status), "\(kind) mutant \(k): exit \(result.status)")
            if result.status != 0 {
                let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
                #expect(lines.count == 1 && lines[0].contains(path), "\(kind) mutant \(k): \(result.stderr)")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        print("fuzz \(kind): \(count) mutants (seed \(seed)): " + tally.sorted { $0.key < $1.key }.map { "exit \($0.key) ×\($0.value)" }.joined(separator: ", ") + ", 0 signals")
    }

    @Test func onnxModels() throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.model)))
        try Self.fuzz("onnx", arguments: { ["inspect", $0] }) { Mutators.onnx(original, &$0) }
    }

    @Test func tfliteModels() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path("mlperf-tiny/kws_ref_model.tflite"))))
        try Self.fuzz("tflite", arguments: { ["inspect", $0] }) { Mutators.tflite(original, &$0) }
    }

    @Test func npyHeaders() throws {
        let values = [UInt8](repeating: 3, count: 4 * 64 * 4)
        try Self.fuzz("npy", arguments: { ["run", Self.model, "--data", $0, "--limit", "3"] }) { Mutators.npyHeader(&$0, data: values) }
    }

    @Test func npzArchives() throws {
        let x = Mutators.npy(descr: "<f4", shape: [4, 1, 8, 8], data: [UInt8](repeating: 0, count: 4 * 64 * 4))
        let y = Mutators.npy(descr: "|u1", shape: [4], data: [1, 2, 3, 4])
        let archive = Mutators.zip([("x.npy", x), ("y.npy", y)])
        try Self.fuzz("npz", arguments: { ["run", Self.model, "--data", $0] }) { Mutators.zipStructure(archive, &$0) }
    }

    @Test func idxAndGzip() throws {
        let idx: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 8] + [UInt8](repeating: 9, count: 4 * 64)
        try Self.fuzz("idx", arguments: { ["run", Self.model, "--data", $0] }) { Mutators.idx(idx, &$0) }
    }

    @Test func plans() throws {
        let dir = try HostileInputTests.scratch("fuzz-plan-bases")
        var bases = [Any]()
        for scheme in ["fixed", "shift", "bitplane", "codebook"] {
            let path = dir.appendingPathComponent("\(scheme).json").path
            let made = try Quantc.run(["quantize", Self.model, "--scheme", scheme, "--per-channel", "-o", path] + HostileInputTests.sampleOptions)
            #expect(made.status == 0, "\(made.stderr)")
            bases.append(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))))
        }
        let out = dir.appendingPathComponent("bundle").path
        try Self.fuzz("json", arguments: { ["export", Self.model, "--plan", $0, "-o", out, "--force", "--quiet"] }) { rng in
            let mutated = Mutators.json(bases[rng.below(bases.count)], &rng)
            return [UInt8]((try? JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed])) ?? Data("{".utf8))
        }
    }

    /// Weights no trained model has, through every scheme to C built and run under the sanitizers:
    /// refused with exit 2, or exported and bit-exact with the simulator (no sanitizer report).
    @Test func semanticMutantsThroughEverySchemeToSanitizedC() throws {
        let dir = try HostileInputTests.scratch("fuzz-semantic")
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.model)))
        let values: [Float] = [.nan, .infinity, 3e38, -1e30, 65504, Float(bitPattern: 0x0001_0000), .leastNonzeroMagnitude, -0.0]
        var rng = SeededRandom(seed: Self.seed)
        var exported = 0, refused = 0
        for scheme in ["fixed", "shift", "bitplane", "codebook"] {
            for (k, value) in values.enumerated() {
                let path = dir.appendingPathComponent("\(scheme)-\(k).onnx").path
                let mutant = Mutators.onnxWeight(original, initializer: rng.below(8), element: rng.below(1 << 16), value: value)
                try Data(mutant).write(to: URL(fileURLWithPath: path))
                let result = try Quantc.run(["verify", path, "--scheme", scheme, "--target", "host", "--per-channel"] + HostileInputTests.sampleOptions)
                #expect(!result.crashed, "\(scheme) with a \(value) weight crashed: \(result.stderr)")
                #expect([0, 2].contains(result.status), "\(scheme) with a \(value) weight: exit \(result.status): \(result.stderr)")
                if result.status == 2 {
                    refused += 1
                    let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
                    #expect(lines.count == 1 && lines[0].contains(path), "\(scheme), \(value): \(result.stderr)")
                } else {
                    exported += 1
                }
            }
        }
        print("semantic mutants: \(exported) built and ran clean under ASan+UBSan and bit-exact, \(refused) refused with one line")
    }
}
