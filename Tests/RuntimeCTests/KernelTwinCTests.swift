import CEmitter
import CKernels
import IntegerSimulator
import QuantizedIR
import TestSupport
import Testing

/// Every runtime_c kernel against its IntegerSimulator twin over the shared case table (random and
/// saturating inputs, shapes, strides, paddings, storage widths, accumulators): identical values
/// demanded, the first mismatch reported as NHWC coordinates.
@Suite struct KernelTwinCTests {
    static let cases = KernelCases.all(seed: 23) + KernelCases.int8()

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

    /// The cases whose lowering changes on a core with the DSP extension or with Helium.
    static let dspCases = cases.filter { c in
        c.program.ops.contains { node in
            (try? KernelLowering.calls(for: node.op, in: c.program, features: [.dsp, .mve]))?.contains { $0.variant != nil } ?? false
        }
    }

    /// The DSP and Helium variants (their instructions as the portable twins of qc_dsp.h and qc_mve.h)
    /// against the simulator; on the boards the same kernels run natively (BoardTests).
    @Test(arguments: dspCases, [CoreFeatures.dsp, .mve])
    func variantMatchesSimulator(_ c: KernelCase, _ features: CoreFeatures) throws {
        let want = Simulator(program: c.program).run(c.inputs)
        let got = try CProgramRunner.run(c.program, c.inputs, features: features)
        for (k, output) in c.program.outputs.enumerated() {
            if let mismatch = KernelCases.firstMismatch(got[k], want[k], shape: c.program.tensors[output].shape) {
                Issue.record("\(c.name) (\(features == .mve ? "mve" : "dsp")), output \(c.program.tensors[output].name): \(mismatch)")
            }
        }
    }

    /// The cases whose weights fit 2 to 7 bits, with them stored packed.
    static let packedCases = cases.filter { c in
        c.program.ops.contains { node in
            (try? KernelLowering.calls(for: node.op, in: c.program, features: [.packedWeights, .decodeInline]))?.contains {
                $0.family == .densePacked || $0.family == .convPacked
            } ?? false
        }
    }

    /// Packed weights decoded in the inner loop, and unpacked into scratch before the byte kernels:
    /// the portable ones and the DSP and Helium variants (whose reordered weights are packed too).
    static let packedFeatures: [(name: String, features: CoreFeatures)] = [
        ("decoded inline", [.packedWeights, .decodeInline]), ("unpacked", .packedWeights),
        ("unpacked, dsp", [.packedWeights, .dsp]), ("unpacked, mve", [.packedWeights, .mve]),
    ]

    @Test(arguments: packedCases)
    func packedWeightsMatchSimulator(_ c: KernelCase) throws {
        let want = Simulator(program: c.program).run(c.inputs)
        for (name, features) in Self.packedFeatures {
            let got = try CProgramRunner.run(c.program, c.inputs, features: features)
            for (k, output) in c.program.outputs.enumerated() {
                if let mismatch = KernelCases.firstMismatch(got[k], want[k], shape: c.program.tensors[output].shape) {
                    Issue.record("\(c.name) (packed, \(name)), output \(c.program.tensors[output].name): \(mismatch)")
                }
            }
        }
    }

    /// With packing, layers of each width unpack into the arena (before a DSP variant too), an odd
    /// 4-bit count among them.
    @Test func packedCasesUnpackEveryWidth() throws {
        var unpacked = Set<Int32>(), oddFourBit = false, beforeVariant = false
        for c in Self.packedCases {
            for node in c.program.ops {
                let calls = try KernelLowering.calls(for: node.op, in: c.program, features: [.packedWeights, .dsp])
                for (k, call) in calls.enumerated() {
                    if case .unpackWeights(let p) = call.kernel {
                        unpacked.insert(p.weight_bits)
                        oddFourBit = oddFourBit || (p.weight_bits == 4 && p.count % 2 == 1)
                        beforeVariant = beforeVariant || calls[k + 1].variant == .dsp
                    }
                }
            }
        }
        #expect(unpacked == Set(2...7) && oddFourBit && beforeVariant, "\(unpacked) \(oddFourBit) \(beforeVariant)")
    }

    /// Packed weights of each width, over one row and several, both accumulators; convolutions with
    /// groups, depthwise, dilation and padding.
    @Test func packedCasesCoverEveryWidth() throws {
        var widths = Set<Int32>(), wide = Set<Bool>(), rows = Set<Bool>(), convWidths = Set<Int32>(), convWide = Set<Bool>()
        var convShapes = [qc_conv_packed_params]()
        for c in Self.packedCases {
            for node in c.program.ops {
                for call in try KernelLowering.calls(for: node.op, in: c.program, features: [.packedWeights, .decodeInline]) {
                    if case .densePacked(let p) = call.kernel {
                        widths.insert(p.weight_bits)
                        wide.insert(call.wideAccumulator == true)
                        rows.insert(p.rows > 1)
                    }
                    if case .convPacked(let p) = call.kernel {
                        convWidths.insert(p.weight_bits)
                        convWide.insert(call.wideAccumulator == true)
                        convShapes.append(p)
                    }
                }
            }
        }
        #expect(widths == Set(2...7) && wide == [false, true] && rows == [false, true], "\(widths) \(wide) \(rows)")
        #expect(convWidths == Set(2...7) && convWide == [false, true], "\(convWidths) \(convWide)")
        #expect(convShapes.contains { $0.groups > 1 && $0.groups == $0.out_c } && convShapes.contains { $0.groups > 1 && $0.groups < $0.out_c })
        #expect(convShapes.contains { $0.dilation_h > 1 && $0.pad_top > 0 })
    }

    /// The DSP cases reach every path of the variants: all three kernels (dense over one row and over an
    /// odd number of rows; depthwise with and without a channel remainder, and past sixteen channels), odd channel and position counts, tap counts that are not a multiple of 4, padding, stride and dilation.
    @Test func dspCasesCoverTheVariantPaths() throws {
        var conv = [[String: Int32]](), denseRows = [Int32](), depthwise = [[String: Int32]]()
        for c in Self.dspCases {
            for node in c.program.ops {
                for call in try KernelLowering.calls(for: node.op, in: c.program, features: .dsp) where call.variant == .dsp {
                    let fields = Dictionary(uniqueKeysWithValues: call.params.map { ($0.name, $0.values[0]) })
                    switch call.kernel {
                    case .dense(let p): denseRows.append(p.rows)
                    case .depthwiseConv: depthwise.append(fields)
                    default: conv.append(fields)
                    }
                }
            }
        }
        #expect(denseRows.contains(1) && denseRows.contains { $0 > 1 && $0 % 2 == 1 })
        #expect(conv.contains { $0["out_c"]! % 2 == 1 })
        #expect(conv.contains { ($0["out_h"]! * $0["out_w"]!) % 2 == 1 })
        #expect(conv.contains { ($0["kernel_h"]! * $0["kernel_w"]! * $0["in_c"]!) % 4 != 0 })
        #expect(conv.contains { ($0["kernel_h"]! * $0["kernel_w"]! * $0["in_c"]!) % 4 == 0 })
        #expect(conv.contains { $0["pad_top"]! > 0 || $0["pad_left"]! > 0 })
        #expect(conv.contains { $0["stride_h"]! > 1 })
        #expect(conv.contains { $0["dilation_h"]! > 1 || $0["dilation_w"]! > 1 })
        #expect(depthwise.contains { $0["out_c"]! % 4 != 0 } && depthwise.contains { $0["out_c"]! % 4 == 0 })
        #expect(depthwise.contains { $0["out_c"]! > 16 && $0["out_c"]! % 16 != 0 })
        #expect(depthwise.contains { $0["stride_h"]! > 1 && $0["dilation_h"]! > 1 && $0["pad_top"]! > 0 })
        // The DSP depthwise's 3x3 window over its ring, at stride 2, and its general window at dilation 1.
        #expect(depthwise.contains { $0["kernel_h"]! == 3 && $0["stride_h"]! > 1 && $0["dilation_h"]! == 1 && $0["pad_top"]! == 0 })
        #expect(depthwise.contains { $0["kernel_h"]! == 5 && $0["dilation_h"]! == 1 })
    }

    /// Every family, fixed point and int8, has cases here.
    @Test func everyKernelFamilyIsCovered() throws {
        var families = Set<KernelFamily>()
        for c in Self.cases {
            for node in c.program.ops {
                for features in [CoreFeatures(), .packedWeights, [.packedWeights, .decodeInline]] {
                    for call in try KernelLowering.calls(for: node.op, in: c.program, features: features) { families.insert(call.family) }
                }
            }
        }
        #expect(families == Set(KernelFamily.allCases))
    }
}

extension KernelTwinCTests {
    /// The int8 cases' parameters put outputs inside the range, not only at its ends, so a wrong
    /// multiplier or offset changes them; comparisons give both answers.
    @Test func int8CasesSpreadTheirOutputs() {
        for c in KernelCases.int8() where !c.name.hasSuffix("saturating") {
            let outputs = Simulator(program: c.program).run(c.inputs)[0]
            switch c.program.ops[0].op {
            case .affineCompare:
                #expect(Set(outputs) == [0, 1], "\(c.name): \(Set(outputs))")
            case .select:
                continue
            default:
                let inside = Set(outputs.filter { $0 > -128 && $0 < 127 })
                #expect(inside.count >= min(5, outputs.count / 3), "\(c.name): \(inside.count) distinct values inside the range")
            }
        }
    }
}
