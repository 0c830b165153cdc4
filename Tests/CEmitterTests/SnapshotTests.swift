import CEmitter
import FixedPoint
import Foundation
import QuantizedIR
import Targets
import TestSupport
import Testing

/// The emitted C of two small programs, compared with committed snapshots so every change to the
/// generated code is reviewed. Set QUANTC_RECORD_SNAPSHOTS=1 to re-record: the run then fails on
/// purpose, so a re-recording can never pass unnoticed. Each snapshot must also compile warning-free.
@Suite struct SnapshotTests {
    static let directory = Corpus.repositoryRoot.appendingPathComponent("Tests/CEmitterTests/Snapshots")
    static let recording = ProcessInfo.processInfo.environment["QUANTC_RECORD_SNAPSHOTS"] == "1"
    static let files = ["model.h", "model.c", "model_weights.c", "report.json"]

    static func weights(_ count: Int, bits: Int, _ rng: inout SeededRandom) -> [Int32] {
        let f = QFormat(bits: bits, frac: 0)
        return (0..<count).map { _ in Int32(rng.int(f.minInt, f.maxInt)) }
    }

    /// conv 3x3 + ReLU -> max pool -> flatten -> dense, all 8-bit.
    static func tinyCNN() -> QProgram {
        var rng = SeededRandom(seed: 1)
        var p = QProgram()
        let x = p.addTensor(QTensor(name: "image", shape: [1, 8, 8, 1], format: QFormat(bits: 8, frac: 7)))
        let c = p.addTensor(QTensor(name: "conv", shape: [1, 8, 8, 4], format: QFormat(bits: 8, frac: 4)))
        let m = p.addTensor(QTensor(name: "pool", shape: [1, 4, 4, 4], format: QFormat(bits: 8, frac: 4)))
        let f = p.addTensor(QTensor(name: "flat", shape: [1, 64], format: QFormat(bits: 8, frac: 4)))
        let y = p.addTensor(QTensor(name: "logits", shape: [1, 10], format: QFormat(bits: 8, frac: 3)))
        p.ops = [
            QNode(name: "conv", op: .conv(QConv(input: x, output: c, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1,
                                               dilationW: 1, padding: QPadding(top: 1, left: 1, bottom: 1, right: 1), groups: 1,
                                               inChannelsPerGroup: 1, outChannels: 4,
                                               weights: .fixed(FixedWeights(values: weights(36, bits: 8, &rng), bits: 8, fracs: [7])),
                                               bias: [100, -200, 300, 0], biasBits: 16, accumulator: .int32,
                                               requantize: Requantization(shifts: [10], clampMin: 0, clampMax: 127)))),
            QNode(name: "pool", op: .maxPool(QPool(input: c, output: m, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, dilationH: 1,
                                                   dilationW: 1, padding: QPadding(top: 0, left: 0, bottom: 0, right: 0), countIncludePad: false))),
            QNode(name: "flatten", op: .reshape(QUnary(input: m, output: f))),
            QNode(name: "dense", op: .dense(QDense(input: f, output: y, inFeatures: 64, outFeatures: 10,
                                                   weights: .fixed(FixedWeights(values: weights(640, bits: 8, &rng), bits: 8, fracs: [7])),
                                                   bias: (0..<10).map { Int64($0 * 50 - 250) }, biasBits: 16, accumulator: .int32,
                                                   requantize: Requantization(shifts: [8], clampMin: -128, clampMax: 127)))),
        ]
        p.inputs = [x]
        p.outputs = [y]
        return p
    }

    /// 16-bit input -> depthwise conv -> 1x1 conv -> residual add (in place) -> average pool ->
    /// global average pool (each a finer frac than its input) -> sigmoid table with a 16-bit output -> flatten.
    static func mixedResidual() -> QProgram {
        var rng = SeededRandom(seed: 2)
        var p = QProgram()
        let x = p.addTensor(QTensor(name: "input", shape: [1, 6, 6, 3], format: QFormat(bits: 12, frac: 8)))
        let d = p.addTensor(QTensor(name: "dw", shape: [1, 6, 6, 3], format: QFormat(bits: 8, frac: 5)))
        let q = p.addTensor(QTensor(name: "pw", shape: [1, 6, 6, 3], format: QFormat(bits: 8, frac: 5)))
        let s = p.addTensor(QTensor(name: "sum", shape: [1, 6, 6, 3], format: QFormat(bits: 8, frac: 4)))
        let a = p.addTensor(QTensor(name: "avg", shape: [1, 3, 3, 3], format: QFormat(bits: 8, frac: 5)))
        let g = p.addTensor(QTensor(name: "gap", shape: [1, 1, 1, 3], format: QFormat(bits: 8, frac: 7)))
        let t = p.addTensor(QTensor(name: "sigmoid", shape: [1, 1, 1, 3], format: QFormat(bits: 16, frac: 15)))
        let y = p.addTensor(QTensor(name: "scores", shape: [1, 3], format: QFormat(bits: 16, frac: 15)))
        let sigmoid = (0..<256).map { i -> Int32 in
            let v = Double(i - 128) / 16
            return Int32(QFormat(bits: 16, frac: 15).quantize(1 / (1 + exp(-v))))
        }
        p.ops = [
            QNode(name: "depthwise", op: .conv(QConv(input: x, output: d, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1,
                                                    dilationW: 1, padding: QPadding(top: 1, left: 1, bottom: 1, right: 1), groups: 3,
                                                    inChannelsPerGroup: 1, outChannels: 3,
                                                    weights: .fixed(FixedWeights(values: weights(27, bits: 6, &rng), bits: 6, fracs: [5, 4, 5])),
                                                    bias: [0, 64, -64], biasBits: 16, accumulator: .int32,
                                                    requantize: Requantization(shifts: [8, 7, 8], clampMin: -128, clampMax: 127)))),
            QNode(name: "pointwise", op: .conv(QConv(input: d, output: q, kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1,
                                                    dilationW: 1, padding: QPadding(top: 0, left: 0, bottom: 0, right: 0), groups: 1,
                                                    inChannelsPerGroup: 3, outChannels: 3,
                                                    weights: .fixed(FixedWeights(values: weights(9, bits: 8, &rng), bits: 8, fracs: [7])),
                                                    bias: [10, 20, 30], biasBits: 16, accumulator: .int32,
                                                    requantize: Requantization(shifts: [7], clampMin: -128, clampMax: 127)))),
            QNode(name: "residual", op: .add(QAdd(a: q, b: d, output: s, subtract: false, clampMin: 0, clampMax: 127))),
            QNode(name: "avgpool", op: .avgPool(QPool(input: s, output: a, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, dilationH: 1,
                                                      dilationW: 1, padding: QPadding(top: 0, left: 0, bottom: 0, right: 0), countIncludePad: false))),
            QNode(name: "gap", op: .globalAvgPool(QUnary(input: a, output: g))),
            QNode(name: "sigmoid", op: .table(QTable(input: g, output: t, function: "sigmoid", values: sigmoid))),
            QNode(name: "flatten", op: .reshape(QUnary(input: t, output: y))),
        ]
        p.inputs = [x]
        p.outputs = [y]
        return p
    }

    @Test(arguments: ["tiny_cnn", "mixed_residual"])
    func emittedCodeMatchesSnapshot(_ name: String) throws {
        let program = name == "tiny_cnn" ? Self.tinyCNN() : Self.mixedResidual()
        let bundle = try BundleEmitter.emit(program, options: BundleOptions(generator: "quantc (snapshot)", modelName: name))
        let folder = Self.directory.appendingPathComponent(name)
        if Self.recording {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in Self.files { try Data(bundle.contents(of: file)!.utf8).write(to: folder.appendingPathComponent(file)) }
            Issue.record("re-recorded the \(name) snapshot; review the diff and run again without QUANTC_RECORD_SNAPSHOTS")
            return
        }
        for file in Self.files {
            let path = folder.appendingPathComponent(file).path
            guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
                Issue.record("missing snapshot \(path): run with QUANTC_RECORD_SNAPSHOTS=1 to record it")
                continue
            }
            let got = bundle.contents(of: file)!
            if got != expected {
                let lines = zip(got.split(separator: "\n", omittingEmptySubsequences: false), expected.split(separator: "\n", omittingEmptySubsequences: false))
                let line = lines.enumerated().first { $0.element.0 != $0.element.1 }
                Issue.record("\(name)/\(file) differs from the snapshot at line \((line?.offset ?? 0) + 1): got \"\(line?.element.0 ?? "")\", expected \"\(line?.element.1 ?? "")\"")
            }
        }
        try BundleCompilation.expectCompiles(bundle, label: name, compilers: ["gcc", "clang"])
    }
}

/// Builds a bundle with the host harness under the strict flags, for each compiler.
enum BundleCompilation {
    static func expectCompiles(_ bundle: CEmitter.Bundle, label: String, compilers: [String], sanitize: Bool = false) throws {
        for compiler in compilers {
            guard Command.which(compiler) != nil else {
                print("\(compiler) not found: \(label) not compiled with it")
                continue
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-snapshot-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try BundleWriter.write(bundle, to: dir, force: false)
            do {
                _ = try HostTarget.build(bundle: dir, sources: bundle.files.map(\.name).filter { $0.hasSuffix(".c") }, prefix: "model",
                                         compiler: compiler, sanitize: sanitize)
            } catch {
                Issue.record("\(label) does not compile with \(compiler): \(error)")
            }
        }
    }
}
