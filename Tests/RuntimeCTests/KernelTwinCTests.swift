import CEmitter
import IntegerSimulator
import QuantizedIR
import TestSupport
import Testing

/// Every runtime_c kernel against its IntegerSimulator twin over the shared case table (random and
/// saturating inputs, shapes, strides, paddings, storage widths, accumulators): identical values
/// demanded, the first mismatch reported as NHWC coordinates.
@Suite struct KernelTwinCTests {
    static let cases = KernelCases.all(seed: 23)

    @Test(arguments: cases)
    func cKernelMatchesSimulator(_ c: KernelCase) throws {
        let want = Simulator(program: c.program).run(c.inputs)
        let got = try CProgramRunner.run(c.program, c.inputs)
        for (k, output) in c.program.outputs.enumerated() {
            if let mismatch = KernelCases.firstMismatch(got[k], want[k], shape: c.program.tensors[output].shape) {
                Issue.record("\(c.name), output \(c.program.tensors[output].name): \(mismatch)")
            }
        }
    }

    @Test func everyKernelFamilyIsCovered() throws {
        var families = Set<String>()
        for c in Self.cases {
            for node in c.program.ops { for call in try KernelLowering.calls(for: node.op, in: c.program) { families.insert(call.family) } }
        }
        #expect(families == ["conv", "depthwise_conv", "dense", "conv_shift", "dense_shift", "conv_bitplane", "conv_codebook", "max_pool", "avg_pool", "global_max_pool", "global_avg_pool",
                             "add", "rescale", "pad", "transpose", "table"])
    }

    /// The emitter prints params in `KernelCall.params` order; the C structs must declare the same
    /// fields in the same order and size, or the tested and the emitted calls would differ.
    @Test func paramsMatchTheCStructs() throws {
        var seen = Set<String>()
        for c in Self.cases {
            for node in c.program.ops {
                for call in try KernelLowering.calls(for: node.op, in: c.program) where seen.insert(call.family).inserted {
                    #expect(call.params.map(\.name) == CProgramRunner.fieldNames(of: call.family), "\(call.family)")
                    #expect(call.flatParams.count * 4 == CProgramRunner.structSize(of: call.family), "\(call.family)")
                }
            }
        }
    }
}
