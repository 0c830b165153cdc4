import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import Pipeline
import Quantization
import TestSupport
import Testing

/// Samples in their own type: int8 samples for an int8 model input (and uint8 for a uint8 one)
/// are its stored integers, from a .npy or a raw .bin; int8 samples for a float input are refused
/// unless --scale/--offset say how to make real values of them. Checked against the corpus
/// operator tests, whose int8 and uint8 inputs and outputs are ai-edge-litert's.
@Suite struct SampleTypeTests {
    static let root = Corpus.path("tflite-op-tests")

    /// The integers a sample set stands for, quantized with the model input's own scale and zero point.
    static func stored(_ set: SampleSet, _ q: QuantizationInfo) -> [Int64] {
        set.values.map { Int64(($0 / q.scales[0]).rounded()) + q.zeroPoints[0] }
    }

    @Test func int8SamplesOfAnInt8InputAreItsIntegers() throws {
        let dir = Self.root + "/abs"
        guard FileManager.default.fileExists(atPath: dir + "/int8.tflite") else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: dir + "/int8.tflite")
        let q = try #require(graph[graph.inputs[0]].quantization)
        let file = try DataReader.load(path: dir + "/int8.input_0.npy")
        #expect(file.storedType == "int8")
        let samples = try Pipeline.loadSamples(graph, path: dir + "/int8.input_0.npy", labels: nil, scale: 1, offset: 0, limit: nil)
        #expect(Self.stored(samples, q) == file.values.map { Int64($0) })

        // The same bytes as a raw .bin, with their type given.
        let npy = try Data(contentsOf: URL(fileURLWithPath: dir + "/int8.input_0.npy"))
        let headerLength = Int(npy[8]) | Int(npy[9]) << 8
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-int8-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: bin) }
        try npy.dropFirst(10 + headerLength).write(to: bin)
        let raw = try Pipeline.loadSamples(graph, path: bin.path, labels: nil, scale: 1, offset: 0, limit: 3, skip: 1, rawType: "int8")
        #expect(raw.count == 3 && Self.stored(raw, q) == Array(file.values[256..<1024]).map { Int64($0) })
        #expect(throws: Pipeline.RequestError.self) {
            try Pipeline.loadSamples(graph, path: bin.path, labels: nil, scale: 1, offset: 0, limit: nil)
        }
    }

    /// A uint8 input (the converter's uint8 I/O option) runs as int8 with its zero point moved by
    /// 128; its uint8 samples stand for the same real values, and the program's outputs are the
    /// reference's uint8 outputs less 128.
    @Test func uint8SamplesOfAUint8InputGiveTheReferenceOutputs() throws {
        let dir = Self.root + "/uint8_io"
        guard FileManager.default.fileExists(atPath: dir + "/uint8.tflite") else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: dir + "/uint8.tflite")
        #expect(graph.declaredInputTypes == ["uint8"])
        let q = try #require(graph[graph.inputs[0]].quantization)
        let samples = try Pipeline.loadSamples(graph, path: dir + "/uint8.input_0.npy", labels: nil, scale: 1, offset: 0, limit: nil)
        let uint8 = try DataReader.load(path: dir + "/uint8.input_0.npy").values.map { Int64($0) }
        #expect(Self.stored(samples, q) == uint8.map { $0 - 128 })
        let program = try AffineLowering.lower(graph, fullyConnected: .tflite).program
        let expected = try DataReader.load(path: dir + "/uint8.output_0.npy")
        let integers = Self.stored(samples, q)
        let size = integers.count / samples.count
        for s in 0..<samples.count {
            let got = Simulator(program: program).run([integers[(s * size)..<((s + 1) * size)].map { Int32($0) }])[0]
            #expect(got == expected.sample(s).map { Int32($0) - 128 }, "sample \(s)")
        }
    }

    @Test func int8SamplesOfAFloatInputNeedAScale() throws {
        let dir = Self.root + "/abs"
        guard FileManager.default.fileExists(atPath: dir + "/float32.tflite") else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: dir + "/float32.tflite")
        let error = try #require(throws: Pipeline.RequestError.self) {
            try Pipeline.loadSamples(graph, path: dir + "/int8.input_0.npy", labels: nil, scale: 1, offset: 0, limit: nil)
        }
        #expect(error.description.contains("int8 samples") && error.description.contains("--scale"), "\(error.description)")
        let scaled = try Pipeline.loadSamples(graph, path: dir + "/int8.input_0.npy", labels: nil, scale: 0.5, offset: 0, limit: 1)
        let raw = try DataReader.load(path: dir + "/int8.input_0.npy", limit: 1)
        #expect(scaled.values == raw.values.map { $0 * 0.5 })
    }
}
