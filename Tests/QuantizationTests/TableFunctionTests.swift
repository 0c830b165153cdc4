import FixedPoint
import FloatReference
import Foundation
import GraphIR
import IntegerSimulator
import ModelImport
import Quantization
import TestSupport
import Testing

/// Element-wise functions beyond clamps (exp, log, square roots, ELU, softplus, ...) run in every
/// fixed-point scheme as a lookup table from the input's format into a calibrated output format
/// (`QTable`; the C kernel and the simulator read the same table, which the kernel twin tests hold
/// bit-exact). Here each single-operator TFLite model from the corpus is quantized with 16-bit
/// activations and its integer output compared with the float reference on the stored samples.
@Suite struct TableFunctionTests {
    /// Folder and the SQNR floor in dB (measured: 72–94 dB). Below 10 bits a table has an entry per
    /// input level; 16-bit inputs index 1,025 entries with linear interpolation between them, so the
    /// steep functions (exp over N(0, 4²) inputs, the logarithm and square roots near 0.1) lose most.
    static let cases: [(String, Double)] = [
        ("abs", 70), ("neg", 70), ("exp", 60), ("log", 65), ("sqrt", 70), ("rsqrt", 65), ("elu", 70), ("logistic", 70),
        ("tanh", 70), ("hard_swish", 70), ("leaky_relu", 70),
    ]

    @Test(arguments: cases)
    func sixteenBitTablesFollowTheFloatModel(_ folder: String, _ floor: Double) throws {
        let dir = Corpus.path("tflite-op-tests/\(folder)")
        guard FileManager.default.fileExists(atPath: dir + "/float32.tflite") else { print(Corpus.skipMessage); return }
        let graph = try ModelLoader.load(path: dir + "/float32.tflite")
        let data = try DataReader.load(path: dir + "/float32.input_0.npy")
        let samples = SampleSet(values: data.values, count: data.count, labels: nil)
        let plan = try FixedPointPlanner.uniformPlan(graph, analysis: try QuantAnalysis(graph), calibration: samples, weightBits: 8,
                                                     actBits: 16, biasBits: 16, perChannel: false, step: .minmax)
        let lowered = try Lowering.lower(graph, plan: plan)
        #expect(lowered.program.ops.contains { if case .table = $0.op { return true } else { return false } })
        let simulator = Simulator(program: lowered.program)
        let interpreter = try Interpreter(graph: graph)
        var signal = [Float](), approximation = [Float]()
        for i in 0..<samples.count {
            signal += try interpreter.run([Array(data.sample(i))])[0]
            let out = simulator.run([simulator.quantizeInput(samples.values, index: i)])[0]
            approximation += simulator.dequantize(out, tensor: lowered.program.outputs[0])
        }
        let db = sqnr(signal: signal, approximation: approximation)
        print("\(folder): 16-bit table against the float model: \(String(format: "%.1f", db)) dB")
        #expect(db >= floor, "\(folder): \(db) dB")
    }
}
