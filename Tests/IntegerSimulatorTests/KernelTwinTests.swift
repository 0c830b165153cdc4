import IntegerSimulator
import QuantizedIR
import TestSupport
import Testing

/// Every simulator kernel against `NaiveOracle` over the shared case table (seeded random and
/// saturating inputs, shapes, strides, paddings, formats); failures name the case and the first
/// mismatch as NHWC coordinates.
@Suite struct KernelTwinTests {
    /// The fixed-point table and the int8 cases whose arithmetic the oracle writes out (not gemmlowp's
    /// approximations of 1/x, 1/√x, exp and log, which TFLite's own outputs judge).
    static let cases = KernelCases.all(seed: 11) + KernelCases.int8().filter { c in
        switch c.program.ops[0].op {
        case .affineDiv, .affineL2Normalization, .softmax, .logSoftmax: return false
        default: return true
        }
    }

    @Test(arguments: cases)
    func simulatorMatchesOracle(_ c: KernelCase) {
        let got = Simulator(program: c.program).run(c.inputs)
        let want = NaiveOracle.run(c.program, c.inputs)
        for (k, output) in c.program.outputs.enumerated() {
            if let mismatch = KernelCases.firstMismatch(got[k], want[k], shape: c.program.tensors[output].shape) {
                Issue.record("\(c.name), output \(c.program.tensors[output].name): \(mismatch)")
            }
        }
    }
}
