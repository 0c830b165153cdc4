import Foundation
import TestSupport
import Testing

/// Malformed models and data must give exit code 2 and one line naming the file and the problem;
/// never a crash, a trap or a hang.
@Suite struct BadInputTests {
    let dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-bad-input-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func write(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Replaces the `occurrence`-th (0-based) appearance of `old` by `new` (same length).
    func replacing(_ data: Data, _ old: String, _ new: String, occurrence: Int? = nil) -> Data {
        var bytes = [UInt8](data)
        let o = Array(old.utf8), n = Array(new.utf8)
        var seen = 0
        var i = 0
        while i + o.count <= bytes.count {
            if Array(bytes[i..<(i + o.count)]) == o {
                if occurrence == nil || occurrence == seen { bytes.replaceSubrange(i..<(i + o.count), with: n) }
                seen += 1
                i += o.count
            } else {
                i += 1
            }
        }
        return Data(bytes)
    }

    func expectCleanError(_ arguments: [String], naming file: String, containing text: String? = nil) throws {
        let result = try Quantc.run(arguments)
        #expect(!result.crashed, "\(arguments) crashed: \(result.stderr)")
        #expect(result.status == 2, "\(arguments) exited \(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): expected one line, got: \(result.stderr)")
        #expect(result.stderr.contains(file), "\(arguments): message does not name \(file): \(result.stderr)")
        if let text { #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)") }
    }

    @Test func malformedModelsAndData() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let model = try Data(contentsOf: URL(fileURLWithPath: Corpus.path("mnist-models/yan12125_lenet5.onnx")))
        var cases = 0

        let empty = try write("empty.onnx", Data())
        try expectCleanError(["inspect", empty], naming: empty, containing: "empty")
        cases += 1
        let missing = dir.appendingPathComponent("does-not-exist.onnx").path
        try expectCleanError(["inspect", missing], naming: missing)
        cases += 1

        // Truncations at seeded random offsets: each must fail cleanly.
        var rng = SeededRandom(seed: 7)
        for k in 0..<10 {
            let cut = Int(rng.next() % UInt64(model.count - 1)) + 1
            let path = try write("truncated-\(k).onnx", model.prefix(cut))
            try expectCleanError(["inspect", path], naming: path)
            cases += 1
        }

        // Flipped bytes may still decode (a flip inside weight data is a valid model); they must
        // never crash, and any failure must be clean.
        var flippedErrors = 0
        for k in 0..<30 {
            var bytes = [UInt8](model)
            for _ in 0..<4 { bytes[Int(rng.next() % UInt64(min(bytes.count, 4096)))] ^= UInt8(1 << (rng.next() % 8)) }
            let path = try write("flipped-\(k).onnx", Data(bytes))
            let result = try Quantc.run(["inspect", path])
            #expect(!result.crashed, "flipped-\(k) crashed: \(result.stderr)")
            #expect(result.status == 0 || result.status == 2)
            if result.status == 2 {
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(path))
                flippedErrors += 1
            }
        }
        print("flipped-byte models: \(flippedErrors) of 30 rejected cleanly, the rest decoded")
        cases += flippedErrors

        // Unknown ops: all listed at once with their node names.
        let unknown = try write("unknown-op.onnx", replacing(model, "Tanh", "Tanx"))
        try expectCleanError(["inspect", unknown], naming: unknown, containing: "Tanx (Tanx_1, Tanx_5, Tanx_11, Tanx_13)")
        cases += 1

        // An initializer renamed away: the node reads a value nobody defines.
        let noInit = try write("missing-initializer.onnx", replacing(model, "conv1.weight", "conv1.weighx", occurrence: 1))
        try expectCleanError(["inspect", noInit], naming: noInit, containing: "conv1.weight")
        cases += 1

        // Data files.
        let labels = Corpus.path("mnist/t10k-labels-idx1-ubyte.gz")
        let modelPath = Corpus.path("mnist-models/yan12125_lenet5.onnx")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 27, 27), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let wrongSize = try write("wrong-size.npy", Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + Array(header.utf8) + [UInt8](repeating: 0, count: 2 * 27 * 27 * 4)))
        try expectCleanError(["run", modelPath, "--data", wrongSize], naming: wrongSize, containing: "[2, 27, 27]".isEmpty ? nil : "27")
        cases += 1
        let truncatedNpy = try write("truncated.npy", Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + Array(header.utf8) + [1, 2, 3]))
        try expectCleanError(["run", modelPath, "--data", truncatedNpy], naming: truncatedNpy, containing: "truncated")
        cases += 1
        let gz = try Data(contentsOf: URL(fileURLWithPath: Corpus.path("mnist/t10k-images-idx3-ubyte.gz")))
        let truncatedGz = try write("truncated.idx.gz", gz.prefix(gz.count / 2))
        try expectCleanError(["run", modelPath, "--data", truncatedGz], naming: truncatedGz)
        cases += 1
        let garbage = try write("garbage.npz", Data("PK this is not really a zip archive at all".utf8))
        try expectCleanError(["run", modelPath, "--data", garbage], naming: garbage)
        cases += 1
        let text = try write("notes.txt", Data("hello".utf8))
        try expectCleanError(["run", modelPath, "--data", text], naming: text, containing: "unknown data format")
        cases += 1
        try expectCleanError(["run", modelPath, "--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--labels", wrongSize],
                             naming: wrongSize)
        cases += 1
        _ = labels

        print("bad-input cases rejected cleanly: \(cases)")
        #expect(cases >= 20)
    }

    @Test func usageErrorsExitWithTwo() throws {
        let result = try Quantc.run(["inspect"])
        #expect(result.status == 2 && !result.crashed)
        let unknown = try Quantc.run(["frobnicate"])
        #expect(unknown.status == 2)
        // Codebook options out of range, and --accumulate with a value it does not know.
        for bad in [["--clusters", "1"], ["--clusters", "300"], ["--clusters-for", "conv=1"], ["--centroid-bits", "17"],
                    ["--accumulate", "sometimes"]] {
            let result = try Quantc.run(["quantize", "model.onnx", "--scheme", "codebook"] + bad)
            #expect(result.status == 2 && !result.crashed && result.stderr.contains(bad[0]), "\(bad): \(result.stderr)")
        }
    }
}
