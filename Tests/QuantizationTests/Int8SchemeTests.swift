import FixedPoint
import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import Quantization
import QuantizedIR
import TestSupport
import Testing

/// `--scheme int8` against TFLite itself: the MLPerf Tiny int8 models' outputs on the corpus
/// samples, as ai-edge-litert's reference kernels computed them (mlperf-tiny/*.expected.txt,
/// MANIFEST.md section 2.3), and ResNet-8's int8 top-1 on the 846 CIFAR-10 images (section 6).
@Suite struct Int8SchemeTests {
    /// The corpus references come from ai-edge-litert, whose fully-connected kernel rounds once.
    static func program(_ file: String, fullyConnected: FullyConnectedRounding = .tflite) throws -> QProgram {
        let graph = try ModelLoader.load(path: Corpus.path("mlperf-tiny/" + file))
        return try AffineLowering.lower(graph, fullyConnected: fullyConnected).program
    }

    /// The integers of the expected-output line that starts with `prefix`, between the first
    /// and second '|' (or after the prefix when the line has none).
    static func expected(_ file: String, line prefix: String) throws -> [Int32] {
        let text = try String(contentsOfFile: Corpus.path("mlperf-tiny/" + file), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(prefix) }, "\(file): no line '\(prefix)'")
        let fields = line.split(separator: "|")
        let numbers = fields.count > 1 ? fields[1] : line.dropFirst(prefix.count)
        return numbers.split(separator: " ").compactMap { Int32($0) }
    }

    @Test func keywordSpottingMatchesTFLite() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let program = try Self.program("kws_ref_model.tflite")
        // The sample is already int8 in the model's input quantization: fed as it is.
        let sample = try MLPerfSamples.kws().map { Int32(($0 / MLPerfSamples.kwsScale + MLPerfSamples.kwsZeroPoint).rounded()) }
        let output = Simulator(program: program).run([sample])[0]
        #expect(output == (try Self.expected("kws_ref_model.expected.txt", line: "5 |")))
    }

    @Test func imageClassificationMatchesTFLite() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let program = try Self.program("pretrainedResnet_quant.tflite")
        // The upstream sample is all zero pixels: int8 = 0 - 128.
        let output = Simulator(program: program).run([[Int32](repeating: -128, count: 32 * 32 * 3)])[0]
        #expect(output == [-48, -128, -127, -108, -48, -127, -71, -125, -116, -127] as [Int32])
        #expect(output == (try Self.expected("pretrainedResnet_quant.expected.txt", line: "0 |")))
    }

    @Test func visualWakeWordsMatchesTFLite() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let program = try Self.program("vww_96_int8.tflite")
        let simulator = Simulator(program: program)
        let images = try MLPerfSamples.vww()
        for image in 0..<2 {
            let output = simulator.run([simulator.quantizeInput(images, index: image)])[0]
            #expect(output == (try Self.expected("vww_96_int8.expected.txt", line: "\(image) 0 |")), "image \(image)")
        }
    }

    @Test func anomalyDetectionMatchesTFLite() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let program = try Self.program("ad01_int8.tflite")
        let simulator = Simulator(program: program)
        let output = simulator.run([simulator.quantizeInput(try MLPerfSamples.adWindows(), index: 0)])[0]
        let want = try Self.expected("ad01_int8.expected.txt", line: "w0_output_int8")
        #expect(want.count == 640)
        let differing = zip(output, want).filter { $0 != $1 }
        #expect(differing.isEmpty, "\(differing.count) of 640 outputs differ, by at most \(differing.map { abs($0 - $1) }.max() ?? 0)")
        // TFLM's double rounding (the default) moves some outputs of this ten-layer stack by a few LSB.
        let tflm = Simulator(program: try Self.program("ad01_int8.tflite", fullyConnected: .tflm))
        let tflmOutput = tflm.run([tflm.quantizeInput(try MLPerfSamples.adWindows(), index: 0)])[0]
        let moved = zip(tflmOutput, want).map { abs($0 - $1) }
        print("AD window 0, TFLM rounding: \(moved.filter { $0 > 0 }.count) of 640 outputs differ from ai-edge-litert's, by at most \(moved.max()!)")
        #expect(moved.max()! <= 3)
    }

    /// ResNet-8 int8 on all 846 corpus images: the same top-1 as TFLite's int8 model for every image
    /// (ties resolve to the first class in both), hence TFLite's 87.94 %.
    @Test func resnetTop1MatchesTFLiteOnCIFAR() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let program = try Self.program("pretrainedResnet_quant.tflite")
        let text = try String(contentsOfFile: Corpus.path("cifar10/pretrainedResnet.cifar10.expected.txt"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").prefix(4).map { Int($0)! } }
        #expect(rows.count == 846)
        let outputs = Simulator(program: program).runMany(samples: try MLPerfSamples.cifar(846), count: 846)
        let top1 = outputs.map { o in o.indices.max { o[$0] < o[$1] || (o[$0] == o[$1] && $0 > $1) }! }
        let mismatches = zip(top1, rows).enumerated().filter { $0.element.0 != $0.element.1[3] }.map(\.offset)
        #expect(mismatches.isEmpty, "images whose int8 top-1 differs from TFLite's: \(mismatches.prefix(10))")
        let correct = zip(top1, rows).filter { $0 == $1[1] }.count
        #expect(correct == 744, "TFLite's int8 model gets 744/846")
    }
}
