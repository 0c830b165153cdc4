import CEmitter
import FixedPoint
import QuantizedIR
import Testing

/// Offsets, totals and lower bounds worked out by hand (the comments show the work).
@Suite struct MemoryPlannerTests {
    typealias R = MemoryPlanner.Request

    @Test func reusesMemoryOfDeadBuffers() {
        // 100@[0,1] and 100@[2,3] never meet: both at 0; 50@[1,2] meets both: at 100. Total 150 -> 152.
        let requests = [R(size: 100, firstUse: 0, lastUse: 1), R(size: 50, firstUse: 1, lastUse: 2), R(size: 100, firstUse: 2, lastUse: 3)]
        #expect(MemoryPlanner.plan(requests, alignment: 4) == MemoryPlanner.Plan(offsets: [0, 100, 0], total: 152))
        // Live at op 1: 100 + 50.
        #expect(MemoryPlanner.lowerBound(requests, alignment: 4) == 152)
    }

    @Test func largestFirstThenLowestFreeGap() {
        // A 64@[0,5] -> 0. B 32@[0,1] meets A -> 64. C 32@[2,3] meets A, not B -> 64.
        // D 16@[1,4] meets A (0..64), B and C (64..96) -> 96. Total 112 = live at op 1 (A+B+D) = lower bound.
        let requests = [R(size: 64, firstUse: 0, lastUse: 5), R(size: 32, firstUse: 0, lastUse: 1),
                        R(size: 32, firstUse: 2, lastUse: 3), R(size: 16, firstUse: 1, lastUse: 4)]
        #expect(MemoryPlanner.plan(requests, alignment: 4) == MemoryPlanner.Plan(offsets: [0, 64, 64, 96], total: 112))
        #expect(MemoryPlanner.lowerBound(requests, alignment: 4) == 112)
    }

    @Test func othersUseTheBytesASharedBufferDoesNotUseAtAnOp() {
        // A 100@[0,2] uses 100, 20, 100 bytes at ops 0, 1, 2 (a layer run in place shrank it, the next
        // grew it). Scratch 50@[1,1] meets A only at op 1, where A uses 20: at 20, total 100. Without
        // A's profile it would go to 100 (total 152). B 40@[1,2] meets A at ops 1 and 2, using up to
        // 100 there: at 100, total 140.
        let profiled = R(size: 100, firstUse: 0, lastUse: 2, live: [100, 20, 100])
        #expect(MemoryPlanner.plan([profiled, R(size: 50, firstUse: 1, lastUse: 1)], alignment: 4) == MemoryPlanner.Plan(offsets: [0, 20], total: 100))
        #expect(MemoryPlanner.plan([R(size: 100, firstUse: 0, lastUse: 2), R(size: 50, firstUse: 1, lastUse: 1)], alignment: 4)
            == MemoryPlanner.Plan(offsets: [0, 100], total: 152))
        #expect(MemoryPlanner.plan([profiled, R(size: 40, firstUse: 1, lastUse: 2)], alignment: 4) == MemoryPlanner.Plan(offsets: [0, 100], total: 140))
        // Live bytes: op 1 holds 20 + 50.
        #expect(MemoryPlanner.lowerBound([profiled, R(size: 50, firstUse: 1, lastUse: 1)], alignment: 4) == 100)
    }

    @Test func alignsOffsets() {
        // 5 bytes live with 3 bytes: the second starts at 8, total 11 -> 12; with alignment 1 at 5, total 8.
        let requests = [R(size: 5, firstUse: 0, lastUse: 1), R(size: 3, firstUse: 1, lastUse: 2)]
        #expect(MemoryPlanner.plan(requests, alignment: 8) == MemoryPlanner.Plan(offsets: [0, 8], total: 16))
        #expect(MemoryPlanner.plan(requests, alignment: 1) == MemoryPlanner.Plan(offsets: [0, 5], total: 8))
    }

    /// A ResNet-style block: conv, conv, add (residual), conv, global pool, reshape, dense.
    static func residualProgram() -> QProgram {
        var p = QProgram()
        let f = QFormat(bits: 8, frac: 4)
        let t0 = p.addTensor(QTensor(name: "input", shape: [1, 4, 4, 8], format: f))
        let t1 = p.addTensor(QTensor(name: "c1", shape: [1, 4, 4, 8], format: f))
        let t2 = p.addTensor(QTensor(name: "c2", shape: [1, 4, 4, 8], format: f))
        let t3 = p.addTensor(QTensor(name: "sum", shape: [1, 4, 4, 8], format: f))
        let t4 = p.addTensor(QTensor(name: "c3", shape: [1, 4, 4, 16], format: f))
        let t5 = p.addTensor(QTensor(name: "gap", shape: [1, 1, 1, 16], format: f))
        let t6 = p.addTensor(QTensor(name: "flat", shape: [1, 16], format: f))
        let t7 = p.addTensor(QTensor(name: "logits", shape: [1, 10], format: f))
        func conv(_ x: Int, _ y: Int, _ cin: Int, _ cout: Int) -> QOp {
            .conv(QConv(input: x, output: y, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
                        padding: QPadding(top: 1, left: 1, bottom: 1, right: 1), groups: 1, inChannelsPerGroup: cin, outChannels: cout,
                        weights: .fixed(FixedWeights(values: [Int32](repeating: 1, count: cout * 9 * cin), bits: 8, fracs: [6])),
                        bias: [Int64](repeating: 0, count: cout), biasBits: 16, accumulator: .int32,
                        requantize: Requantization(shifts: [6], clampMin: 0, clampMax: 127)))
        }
        p.ops = [
            QNode(name: "conv1", op: conv(t0, t1, 8, 8)),
            QNode(name: "conv2", op: conv(t1, t2, 8, 8)),
            QNode(name: "add", op: .add(QAdd(a: t2, b: t1, output: t3, subtract: false, clampMin: 0, clampMax: 127))),
            QNode(name: "conv3", op: conv(t3, t4, 8, 16)),
            QNode(name: "gap", op: .globalAvgPool(QUnary(input: t4, output: t5))),
            QNode(name: "flatten", op: .reshape(QUnary(input: t5, output: t6))),
            QNode(name: "dense", op: .dense(QDense(input: t6, output: t7, inFeatures: 16, outFeatures: 10,
                                                   weights: .fixed(FixedWeights(values: [Int32](repeating: 1, count: 160), bits: 8, fracs: [6])),
                                                   bias: [Int64](repeating: 0, count: 10), biasBits: 16, accumulator: .int32,
                                                   requantize: Requantization(shifts: [6], clampMin: -128, clampMax: 127)))),
        ]
        p.inputs = [t0]
        p.outputs = [t7]
        return p
    }

    @Test func residualBlockLifetimes() throws {
        // Buffers: c1 {t1} 128 B alive ops 0–2 (read by conv2 and the add); c2+sum {t2, t3} 128 B ops 1–3
        // (the add writes over c2, which dies there); c3 {t4} 256 B ops 3–4; gap+flat {t5, t6} 16 B ops 4–6.
        // Greedy: c3 -> 0; c1 -> 0 (never meets c3); c2 meets c3 and c1 -> 256; gap meets c3 only -> 256.
        // Total 384. Live sets: op 3 holds c2/sum and c3 = 384, the lower bound. Naive: 128·3 + 256 + 16 = 656.
        let plan = try ArenaPlan(program: Self.residualProgram())
        let expected: [ArenaPlan.Location?] = [.input(0), .arena(offset: 0), .arena(offset: 256), .arena(offset: 256),
                                               .arena(offset: 0), .arena(offset: 256), .arena(offset: 256), .output(0)]
        #expect(plan.locations == expected)
        #expect(plan.arenaBytes == 384)
        #expect(plan.lowerBound == 384)
        #expect(plan.naiveBytes == 656)
        #expect(plan.inPlaceOps == ["add"])
    }

    @Test func inPlaceNeedsTheInputToDie() throws {
        // A second add reads c2 after the first add: the first add must not overwrite c2, so it
        // writes over its other operand c1 (which dies there); the second add writes over the sum.
        var p = Self.residualProgram()
        let f = p.tensors[3].format
        let t8 = p.addTensor(QTensor(name: "sum2", shape: [1, 4, 4, 8], format: f))
        p.ops.insert(QNode(name: "add2", op: .add(QAdd(a: 3, b: 2, output: t8, subtract: false, clampMin: 0, clampMax: 127))), at: 3)
        guard case .conv(var c) = p.ops[4].op else { Issue.record("conv3 moved"); return }
        c.input = t8
        p.ops[4] = QNode(name: "conv3", op: .conv(c))
        let plan = try ArenaPlan(program: p)
        #expect(plan.inPlaceOps == ["add", "add2"])
        #expect(plan.locations[3] == plan.locations[1])
        #expect(plan.locations[3] != plan.locations[2])
        #expect(plan.locations[t8] == plan.locations[3])
    }

    @Test func scratchLivesOnlyDuringItsOp() throws {
        // 100 bytes of scratch for conv2 (op 1), padded to 100. Alive at op 1: c1 (128 B, ops 0–2) and c2 (128 B,
        // ops 1–3). Greedy by size: c3 (256) -> 0, c1 -> 0, c2 -> 256, gap -> 256, then the scratch meets c1 [0, 128)
        // and c2 [256, 384) and fits in between at 128. The peak moves to op 1: 128 + 128 + 100 = 356 < 384, so the
        // total and the lower bound stay 384; c3 at op 3 is unaffected.
        let plan = try ArenaPlan(program: Self.residualProgram(), scratch: [1: 100])
        #expect(plan.scratchOffsets == [1: 128])
        #expect(plan.arenaBytes == 384)
        #expect(plan.lowerBound == 384)
        // 200 bytes are placed before c1 and c2 (larger first): c3 -> 0, scratch (never meets c3) -> 0, c1 -> 200,
        // c2 -> 328. Total 456 = the new peak at op 1, 128 + 128 + 200.
        let bigger = try ArenaPlan(program: Self.residualProgram(), scratch: [1: 200])
        #expect(bigger.scratchOffsets == [1: 0])
        #expect(bigger.locations[1] == .arena(offset: 200))
        #expect(bigger.arenaBytes == 456)
        #expect(bigger.lowerBound == 456)
    }

    /// input -> 3x3 conv -> 3x3 depthwise (stride 1, padding 1: its output the size of its input) ->
    /// global average pool -> dense, with `channels` channels.
    static func depthwiseProgram(channels: Int) -> QProgram {
        var p = QProgram()
        let f = QFormat(bits: 8, frac: 4)
        let shape = [1, 5, 4, channels]
        let t0 = p.addTensor(QTensor(name: "input", shape: shape, format: f))
        let t1 = p.addTensor(QTensor(name: "c1", shape: shape, format: f))
        let t2 = p.addTensor(QTensor(name: "dw", shape: shape, format: f))
        let t3 = p.addTensor(QTensor(name: "gap", shape: [1, 1, 1, channels], format: f))
        let t4 = p.addTensor(QTensor(name: "flat", shape: [1, channels], format: f))
        let t5 = p.addTensor(QTensor(name: "logits", shape: [1, 3], format: f))
        func conv(_ x: Int, _ y: Int, groups: Int) -> QOp {
            let perGroup = channels / groups
            return .conv(QConv(input: x, output: y, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
                               padding: QPadding(top: 1, left: 1, bottom: 1, right: 1), groups: groups, inChannelsPerGroup: perGroup,
                               outChannels: channels,
                               weights: .fixed(FixedWeights(values: [Int32](repeating: 1, count: channels * 9 * perGroup), bits: 8, fracs: [6])),
                               bias: [Int64](repeating: 0, count: channels), biasBits: 16, accumulator: .int32,
                               requantize: Requantization(shifts: [6], clampMin: 0, clampMax: 127)))
        }
        p.ops = [
            QNode(name: "conv", op: conv(t0, t1, groups: 1)),
            QNode(name: "depthwise", op: conv(t1, t2, groups: channels)),
            QNode(name: "gap", op: .globalAvgPool(QUnary(input: t2, output: t3))),
            QNode(name: "flatten", op: .reshape(QUnary(input: t3, output: t4))),
            QNode(name: "dense", op: .dense(QDense(input: t4, output: t5, inFeatures: channels, outFeatures: 3,
                                                   weights: .fixed(FixedWeights(values: [Int32](repeating: 1, count: 3 * channels), bits: 8, fracs: [6])),
                                                   bias: [Int64](repeating: 0, count: 3), biasBits: 16, accumulator: .int32,
                                                   requantize: Requantization(shifts: [6], clampMin: -128, clampMax: 127)))),
        ]
        p.inputs = [t0]
        p.outputs = [t5]
        return p
    }

    /// The DSP depthwise kernel copies the input rows a window spans into a ring before writing an
    /// output row, so it may write over its input: the planner shares their buffer (the portable
    /// kernel reads x while it writes y, and the DSP one reads x directly for channels beyond groups
    /// of four, so neither of those does).
    @Test func dspDepthwiseWritesOverItsInput() throws {
        func inPlace(channels: Int, features: CoreFeatures) throws -> [String] {
            try BundleEmitter.emit(Self.depthwiseProgram(channels: channels),
                                   options: BundleOptions(generator: "test", modelName: "dw", features: features)).report.in_place_ops
        }
        #expect(try inPlace(channels: 8, features: .dsp) == ["depthwise"])
        #expect(try inPlace(channels: 8, features: []) == [])
        #expect(try inPlace(channels: 6, features: .dsp) == [])
        // c1 and dw then share one buffer: 160 bytes, plus the 8 of gap beside it, where they took
        // 320 (at the depthwise both are alive; gap then reuses c1's bytes).
        let shared = try ArenaPlan(program: Self.depthwiseProgram(channels: 8), kernelsInPlace: [1: .notLarger])
        #expect(shared.locations[1] == shared.locations[2] && shared.arenaBytes == 168)
        #expect(try ArenaPlan(program: Self.depthwiseProgram(channels: 8)).arenaBytes == 320)
    }
}
