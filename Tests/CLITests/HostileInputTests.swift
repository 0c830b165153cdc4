import Foundation
import TestSupport
import Testing

/// Each hostile input a mutation fuzzer once found to trap, lose a file or ship undefined
/// behaviour, kept as a regression test: a clean exit 2 with one line naming the file, and nothing
/// touched that was not the tool's to touch. Uses the repository's own example model and data.
@Suite struct HostileInputTests {
    static let model = Corpus.repositoryRoot.appendingPathComponent("examples/digits_cnn.onnx").path
    static let data = Corpus.repositoryRoot.appendingPathComponent("examples/digits_test.npz").path
    static let sampleOptions = ["--data", data, "--scale", "0.0625", "--calib-count", "64", "--limit", "64", "--quiet"]

    static func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-hostile-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Exit 2, no signal, and exactly one line on stderr that names `file`.
    static func expectOneLine(_ result: CommandResult, naming file: String, _ what: String) {
        #expect(!result.crashed, "\(what) crashed: \(result.stderr)")
        #expect(result.status == 2, "\(what) exited \(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(what): \(lines.count) lines: \(result.stderr)")
        #expect(result.stderr.hasPrefix("quantc: ") && result.stderr.contains(file), "\(what): does not name \(file): \(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B }, "\(what): an escape character reached the terminal")
    }

    @Test func exportNeverDeletesWhatIsNotABundle() throws {
        let dir = try Self.scratch("data-loss")
        let home = dir.appendingPathComponent("home"), work = home.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for folder in [dir, home, work] { try Data("keep".utf8).write(to: folder.appendingPathComponent("keep.txt")) }
        let export = ["export", Self.model] + Self.sampleOptions
        for target in ["", ".", "..", home.path, "/"] {
            let result = try Quantc.run(export + ["-o", target, "--force"], directory: work, environment: ["HOME": home.path])
            Self.expectOneLine(result, naming: target.isEmpty ? "-o" : target, "-o '\(target)' --force")
        }
        // A directory of the user's with --force is refused too; an earlier bundle is replaced.
        let mine = work.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        Self.expectOneLine(try Quantc.run(export + ["-o", "mine", "--force"], directory: work), naming: "mine", "-o mine --force")
        for folder in [dir, home, work, mine] {
            let keep = folder.appendingPathComponent(folder == mine ? "notes.txt" : "keep.txt").path
            #expect(FileManager.default.fileExists(atPath: keep), "\(keep) was deleted")
        }
        let bundle = try Quantc.run(export + ["-o", "bundle"], directory: work)
        #expect(bundle.status == 0, "\(bundle.stderr)")
        // A writer killed mid-export leaves its staging directory; the next export removes it.
        let stale = work.appendingPathComponent(".bundle.quantc-\(Self.deadProcessID())-1")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        let again = try Quantc.run(export + ["-o", "bundle", "--force"], directory: work)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale.path), "the dead writer's staging directory was not removed")
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("bundle/report.json").path))
    }

    /// A process id that no process has.
    static func deadProcessID() -> Int32 {
        var pid: Int32 = 4_000_000
        while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
        return pid
    }

    @Test func hostilePlansFailNamingTheField() throws {
        let dir = try Self.scratch("plans")
        let planPath = dir.appendingPathComponent("plan.json").path
        let made = try Quantc.run(["quantize", Self.model] + Self.sampleOptions + ["-o", planPath])
        #expect(made.status == 0, "\(made.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planPath))) as! [String: Any]
        func edited(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
            var copy = plan
            edit(&copy)
            let path = dir.appendingPathComponent(name + ".json").path
            try JSONSerialization.data(withJSONObject: copy).write(to: URL(fileURLWithPath: path))
            return path
        }
        func layer(_ p: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
            var layers = p["layers"] as! [String: Any]
            var c1 = layers["c1"] as! [String: Any]
            edit(&c1)
            layers["c1"] = c1
            p["layers"] = layers
        }
        let firstActivation = (plan["activations"] as! [String: Any]).keys.sorted()[0]
        let cases: [(String, (inout [String: Any]) -> Void, String)] = [
            ("act-bits-64", { p in var a = p["activations"] as! [String: Any]; a[firstActivation] = ["bits": 64, "frac": 3]; p["activations"] = a }, "bits 64"),
            ("weight-bits-33", { p in layer(&p) { $0["weightBits"] = 33 } }, "weightBits 33"),
            ("frac-min", { p in layer(&p) { $0["weightFracs"] = [Int64.min] } }, "weightFracs"),
            ("codebook-frac-256", { p in p["scheme"] = "codebook"; layer(&p) { $0["clusters"] = 4; $0["weightFracs"] = [256] } }, "weightFracs holds 256"),
            ("digits-3", { p in p["scheme"] = "shift"; layer(&p) { $0["digits"] = 3; $0["exponents"] = 64 } }, "digits 3"),
            ("exponents-64", { p in p["scheme"] = "shift"; layer(&p) { $0["digits"] = 2; $0["exponents"] = 64 } }, "exponents 64"),
            ("missing-layer", { p in var l = p["layers"] as! [String: Any]; l.removeValue(forKey: "c1"); p["layers"] = l }, "c1"),
            ("escape", { p in p["scheme"] = "\u{1B}[2J\nfixed" }, "scheme"),
            ("trained-count", { p in p["trainedWeights"] = ["c1": ["weights": "AACAPw==", "bias": "AACAPw=="]] }, "trainedWeights.c1.weights has 1 values"),
            ("trained-layer", { p in p["trainedWeights"] = ["nope": ["weights": "AACAPw==", "bias": "AACAPw=="]] }, "trainedWeights.nope"),
            ("trained-base64", { p in p["trainedWeights"] = ["c1": ["weights": "!!", "bias": "AACAPw=="]] }, "trainedWeights.c1.weights"),
        ]
        for (name, edit, text) in cases {
            let path = try edited(name, edit)
            let result = try Quantc.run(["export", Self.model] + Self.sampleOptions + ["--plan", path, "-o", dir.appendingPathComponent("out-" + name).path])
            Self.expectOneLine(result, naming: path, name)
            #expect(result.stderr.contains(text), "\(name): \(result.stderr)")
        }
    }

    /// A plan written over the model or the samples would destroy them: refused before anything runs.
    @Test func planOutputNeverReplacesAnInput() throws {
        let dir = try Self.scratch("overwrite")
        let model = dir.appendingPathComponent("model.onnx").path
        try FileManager.default.copyItem(atPath: Self.model, toPath: model)
        let original = try Data(contentsOf: URL(fileURLWithPath: model))
        for command in [["quantize", model], ["finetune", model, "--train", Self.data]] {
            let result = try Quantc.run(command + Self.sampleOptions + ["-o", dir.path + "/./model.onnx"])
            Self.expectOneLine(result, naming: dir.path + "/./model.onnx", command[0])
            #expect(result.stderr.contains("is an input"), "\(command[0]): \(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == original)
        }
    }

    @Test func nonFiniteWeightsAreRefusedByEveryCommand() throws {
        let dir = try Self.scratch("weights")
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.model)))
        for (k, value) in [Float.nan, .infinity, -.infinity].enumerated() {
            let path = dir.appendingPathComponent("weight-\(k).onnx").path
            let mutant = Mutators.onnxWeight(original, initializer: k, element: 3, value: value)
            #expect(mutant != original)
            try Data(mutant).write(to: URL(fileURLWithPath: path))
            Self.expectOneLine(try Quantc.run(["inspect", path]), naming: path, "inspect \(value)")
            for scheme in ["fixed", "shift", "bitplane", "codebook"] {
                let result = try Quantc.run(["quantize", path, "--scheme", scheme] + Self.sampleOptions)
                Self.expectOneLine(result, naming: path, "quantize --scheme \(scheme) with a \(value) weight")
            }
        }
        // Finite but so large that the float model overflows: calibration says so, cleanly.
        let huge = dir.appendingPathComponent("huge.onnx").path
        var mutant = Mutators.onnxWeight(original, initializer: 0, element: 0, value: 3e38)
        mutant = Mutators.onnxWeight(mutant, initializer: 0, element: 1, value: 3e38)
        try Data(mutant).write(to: URL(fileURLWithPath: huge))
        let result = try Quantc.run(["quantize", huge] + Self.sampleOptions)
        #expect(!result.crashed && [0, 2].contains(result.status), "\(result.stderr)")
        if result.status == 2 { Self.expectOneLine(result, naming: huge, "quantize with 3e38 weights") }
    }

    @Test func compressedDataCannotMakeTheToolAllocate() throws {
        let dir = try Self.scratch("memory")
        // A 1 MB .npz whose member inflates to 1.2 GB of uint8 (4.8 GB as Float), every byte real.
        let rows = 18_750_000, header = Mutators.npy(descr: "|u1", shape: [rows, 64], data: [])
        let npz = dir.appendingPathComponent("inflates-1g.npz").path
        try Data(Mutators.zipOfDeflatedZeros(name: "x.npy", prefix: header, zeros: rows * 64)).write(to: URL(fileURLWithPath: npz))
        // 1.8 MB of values under a header that declares 1.92e9 of them.
        let declared = Mutators.npy(descr: "|u1", shape: [30_000_000, 64], data: [UInt8](repeating: 7, count: 1_800_000))
        let npy = dir.appendingPathComponent("declares-2g.npy").path
        try Data(declared).write(to: URL(fileURLWithPath: npy))
        // An IDX whose gzip stream holds 1.2 GB where its header declares 640 bytes.
        let idx: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 8, 0, 0, 0, 8]
        let gz = dir.appendingPathComponent("inflates.idx.gz").path
        try Data(Mutators.deflatedZeros(prefix: idx, zeros: 1_200_000_000, gzip: true).stream).write(to: URL(fileURLWithPath: gz))
        let limit = 1 << 30
        for file in [npz, npy] {
            let few = try Quantc.run(["run", Self.model, "--data", file, "--limit", "10"], memoryLimit: limit)
            #expect(!few.crashed && few.status == 0, "\(file) --limit 10: \(few.stderr)")
            let all = try Quantc.run(["run", Self.model, "--data", file], memoryLimit: limit)
            Self.expectOneLine(all, naming: file, "\(file) whole")
            #expect(all.stderr.contains("limit"), "\(all.stderr)")
        }
        let whole = try Quantc.run(["run", Self.model, "--data", gz], timeout: 20, memoryLimit: limit)
        Self.expectOneLine(whole, naming: gz, "oversized gzip")
    }

    @Test func controlCharactersFromAModelAreEscaped() throws {
        let dir = try Self.scratch("escape")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.model)))
        // Rename the first Relu's op type to an escape sequence of the same length.
        let relu = Array("Relu".utf8)
        guard let at = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == relu }) else {
            Issue.record("the example model has no Relu")
            return
        }
        bytes.replaceSubrange(at..<(at + 4), with: [0x1B, 0x5B, 0x32, 0x4A])
        let path = dir.appendingPathComponent("escape.onnx").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try Quantc.run(["inspect", path])
        Self.expectOneLine(result, naming: path, "op type with ESC")
        #expect(result.stderr.contains("\\u{1B}[2J"), "\(result.stderr)")
    }
}

/// int8 models whose scales would need shifts beyond 32 bits: refused at import (not a positive
/// normal number) or, where TFLite saturates them, exported with every shift in the kernels' range
/// and run under ASan and UBSan bit-exact with the simulator.
@Suite struct HostileScaleTests {
    @Test func scalesOutOfRangeNeverShipUndefinedBehaviour() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let dir = try HostileInputTests.scratch("scales")
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path("mlperf-tiny/kws_ref_model.tflite"))))
        // The KWS sample, dequantized with the model's input scale and zero point, as float data.
        let sample = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path("mlperf-tiny/kws_input_int8_1x49x10x1.bin"))))
        var floats = [UInt8]()
        for q in sample { withUnsafeBytes(of: ((Float(Int8(bitPattern: q)) - 83) * 0.5847029).bitPattern.littleEndian) { floats += $0 } }
        let data = dir.appendingPathComponent("kws.npy").path
        try Data(Mutators.npy(descr: "<f4", shape: [1, 49, 10, 1], data: floats)).write(to: URL(fileURLWithPath: data))
        let inputScale = withUnsafeBytes(of: Float(0.5847029089927673).bitPattern.littleEndian) { Array($0) }
        var refused = 0, exported = 0
        for (k, scale) in [Float(1e-45), 0, -1, .nan, .infinity, 1e-30, 1e30, 3.4e38, 2147483648].enumerated() {
            var bytes = original
            let replacement = withUnsafeBytes(of: scale.bitPattern.littleEndian) { Array($0) }
            var replaced = 0
            for i in 0...(bytes.count - 4) where Array(bytes[i..<(i + 4)]) == inputScale {
                bytes.replaceSubrange(i..<(i + 4), with: replacement)
                replaced += 1
            }
            #expect(replaced >= 1)
            let path = dir.appendingPathComponent("scale-\(k).tflite").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let bundle = dir.appendingPathComponent("bundle-\(k)").path
            let export = try Quantc.run(["export", path, "--scheme", "int8", "-o", bundle, "--quiet"])
            #expect(!export.crashed && [0, 2].contains(export.status), "scale \(scale): \(export.stderr)")
            if export.status == 2 {
                refused += 1
                HostileInputTests.expectOneLine(export, naming: path, "scale \(scale)")
                continue
            }
            exported += 1
            // Every shift the bundle stores lies in the range qc_mbqm takes.
            let weights = try String(contentsOfFile: bundle + "/model_weights.c", encoding: .utf8)
            var arrays = 0
            for block in weights.components(separatedBy: "const int8_t ").dropFirst() where block.contains("_shift[") && block.contains("= {") {
                let values = block.components(separatedBy: "= {")[1].components(separatedBy: "}")[0]
                let numbers = values.split(whereSeparator: { !"-0123456789".contains($0) }).compactMap { Int($0) }
                #expect(!numbers.isEmpty && numbers.allSatisfy { (-31...30).contains($0) }, "scale \(scale): \(values)")
                arrays += 1
            }
            #expect(arrays > 0, "scale \(scale): no shift arrays found in model_weights.c")
            let verify = try Quantc.run(["verify", path, "--scheme", "int8", "--target", "host", "--data", data, "--quiet"])
            #expect(verify.status == 0, "scale \(scale): the sanitized bundle: \(verify.stderr)")
        }
        #expect(refused >= 5 && exported >= 1, "refused \(refused), exported \(exported)")
    }
}
