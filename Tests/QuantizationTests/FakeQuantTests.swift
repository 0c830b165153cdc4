import FixedPoint
import FloatReference
import GraphIR
import IntegerSimulator
import Quantization
import TestSupport
import Testing

/// The bit-allocation search scores its candidates with `FakeQuant` and reports the integer
/// program: the two must round alike, or the search spends its budget on the wrong layers.
@Suite struct FakeQuantTests {
    /// At 5-bit weights and activations every tensor of FakeQuant's float run agrees with the
    /// integer simulator's (dequantized) to within 60 dB SQNR on 100 MNIST images, and the top-1
    /// answers agree. MNIST's blank background makes a conv's output exactly its bias, a tie at
    /// every such pixel, so rounding ties away from zero instead of up (as the kernels do) fails this.
    @Test(arguments: MNISTQuantizationTests.models)
    func fakeQuantRoundsAsTheIntegerProgram(_ model: String) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let (graph, analysis, calibration, _) = try MNISTQuantizationTests().load(model)
        let plan = try FixedPointPlanner.uniformPlan(graph, analysis: analysis, calibration: calibration, weightBits: 5, actBits: 5,
                                                     biasBits: 16, perChannel: true, step: .mse)
        let lowered = try Lowering.lower(graph, plan: plan)
        let fake = FakeQuant(graph, analysis: analysis, plan: plan)
        let interpreter = try Interpreter(graph: fake.graph)
        let simulator = Simulator(program: lowered.program)
        let size = calibration.values.count / calibration.count
        var signal = [Int: [Float]](), approximation = [Int: [Float]]()
        var disagreements = 0
        let samples = 100
        for i in 0..<samples {
            let x = Array(calibration.values[(i * size)..<((i + 1) * size)])
            let floats = try interpreter.evaluate([x], transform: fake.transform)
            let integers = simulator.evaluate([simulator.quantizeInput(calibration.values, index: i)])
            for (tensor, value) in lowered.tensorValues where !integers[tensor].isEmpty {
                guard let f = floats[value.index] else { continue }
                signal[tensor, default: []] += f
                approximation[tensor, default: []] += simulator.dequantize(integers[tensor], tensor: tensor)
            }
            let output = lowered.program.outputs[0]
            if argmax(integers[output]) != argmax(floats[lowered.tensorValues[output]!.index]!) { disagreements += 1 }
        }
        var worst = (name: "", db: Double.infinity)
        for (tensor, values) in signal where values.contains(where: { $0 != 0 }) {
            let db = sqnr(signal: values, approximation: approximation[tensor]!)
            if db < worst.db { worst = (lowered.program.tensors[tensor].name, db) }
        }
        print("\(model): FakeQuant against the integer program at 5 bits: worst tensor \(worst.name) " +
              "\(String(format: "%.1f", worst.db)) dB, top-1 disagreements \(disagreements) of \(samples)")
        #expect(worst.db >= 60)
        #expect(disagreements <= 1)
    }
}
