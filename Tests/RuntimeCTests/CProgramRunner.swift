import CEmitter
import CKernelDispatch
import CKernels
import QuantizedIR

/// Runs a QProgram with the real runtime_c kernels, in-process: each op is lowered exactly as the
/// emitter lowers it (`KernelLowering`), its params struct is filled from the call's fields, and
/// the instance is reached through the generated dispatcher. Every tensor gets its own buffer in
/// its C storage type, so this checks the kernels and their calls, not the memory planner.
enum CProgramRunner {
    /// A tensor or constant in its C storage: 8-, 16-, 32- or 64-bit little integers.
    final class Buffer {
        let type: CType
        let raw: UnsafeMutableRawPointer
        let count: Int
        init(type: CType, values: [Int64]) {
            self.type = type
            count = values.count
            raw = .allocate(byteCount: max(values.count * type.bytes, 1), alignment: 8)
            for (i, v) in values.enumerated() {
                switch type {
                case .s8: raw.storeBytes(of: Int8(v), toByteOffset: i, as: Int8.self)
                case .u8: raw.storeBytes(of: UInt8(v), toByteOffset: i, as: UInt8.self)
                case .s16: raw.storeBytes(of: Int16(v), toByteOffset: 2 * i, as: Int16.self)
                case .s32: raw.storeBytes(of: Int32(v), toByteOffset: 4 * i, as: Int32.self)
                case .u32: raw.storeBytes(of: UInt32(v), toByteOffset: 4 * i, as: UInt32.self)
                case .s64: raw.storeBytes(of: v, toByteOffset: 8 * i, as: Int64.self)
                }
            }
        }
        deinit { raw.deallocate() }
        var values: [Int32] {
            (0..<count).map { i in
                switch type {
                case .s8: return Int32(raw.load(fromByteOffset: i, as: Int8.self))
                case .u8: return Int32(raw.load(fromByteOffset: i, as: UInt8.self))
                case .s16: return Int32(raw.load(fromByteOffset: 2 * i, as: Int16.self))
                case .s32: return raw.load(fromByteOffset: 4 * i, as: Int32.self)
                case .u32: return Int32(bitPattern: raw.load(fromByteOffset: 4 * i, as: UInt32.self))
                case .s64: return Int32(truncatingIfNeeded: raw.load(fromByteOffset: 8 * i, as: Int64.self))
                }
            }
        }
        func pointer(offset: Int) -> UnsafeMutableRawPointer { raw + offset * type.bytes }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs every op with the kernels for `features`; returns the output tensors' values.
    static func run(_ program: QProgram, _ inputs: [[Int32]], features: CoreFeatures = []) throws -> [[Int32]] {
        var tensors = [Buffer?](repeating: nil, count: program.tensors.count)
        for (id, values) in zip(program.inputs, inputs) {
            tensors[id] = Buffer(type: CType.storage(bits: program.tensors[id].format.bits), values: values.map { Int64($0) })
        }
        for node in program.ops {
            let out = node.op.output
            if case .reshape(let u) = node.op {
                tensors[out] = Buffer(type: tensors[u.input]!.type, values: tensors[u.input]!.values.map { Int64($0) })
                continue
            }
            // Poison the output so an element a kernel forgets to write cannot match by luck.
            tensors[out] = Buffer(type: CType.storage(bits: program.tensors[out].format.bits),
                                  values: [Int64](repeating: 0x55, count: program.tensors[out].count))
            // One scratch region per op, as the arena has: a call may leave data there for the next.
            let calls = try KernelLowering.calls(for: node.op, in: program, features: features)
            let scratch = scratchRegion(bytes: calls.map(\.scratchBytes).max() ?? 0)
            for call in calls { try execute(call, tensors, scratch: scratch) }
        }
        return program.outputs.map { tensors[$0]!.values }
    }

    /// Scratch memory, poisoned so a kernel that reads scratch nothing wrote cannot pass by luck.
    static func scratchRegion(bytes: Int) -> Buffer {
        Buffer(type: .u8, values: [Int64](repeating: 0xA5, count: bytes))
    }

    /// Runs one call; its scratch arguments point into `scratch` (the op's region), or into a
    /// region of its own when none is given.
    static func execute(_ call: KernelCall, _ tensors: [Buffer?], scratch: Buffer? = nil) throws {
        let region = scratch ?? scratchRegion(bytes: call.scratchBytes)
        var constants = [Buffer]()
        let a: [UnsafeMutableRawPointer] = call.arguments.map { argument in
            switch argument {
            case .tensor(let id, let offset): return tensors[id]!.pointer(offset: offset)
            case .constant(let array):
                constants.append(Buffer(type: array.type, values: array.values))
                return constants.last!.raw
            case .scratch(_, _, let offset): return region.raw + offset
            }
        }
        let bits = call.storage.map { Int32($0 == .s8 ? 8 : 16) }
        let wide: Int32 = call.wideAccumulator == true ? 1 : 0
        func s8(_ k: Int) -> UnsafeMutablePointer<Int8> { a[k].assumingMemoryBound(to: Int8.self) }
        func s16(_ k: Int) -> UnsafeMutablePointer<Int16> { a[k].assumingMemoryBound(to: Int16.self) }
        func s32(_ k: Int) -> UnsafeMutablePointer<Int32> { a[k].assumingMemoryBound(to: Int32.self) }
        /// The only instance of an int8 family, or one of its variants.
        func instance(_ expected: String, _ run: () -> Void) -> Int32 {
            guard call.function == expected else { return -1 }
            run()
            return 0
        }
        let status: Int32
        switch (call.kernel, call.variant) {
        case (.conv(var p), nil):
            status = qc_dispatch_conv(bits[0], bits[1], bits[2], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.conv(var p), .dsp?):
            status = instance("qc_conv_s8s8s8_dsp") { qc_conv_s8s8s8_dsp(&p, s8(0), s8(1), s32(2), s8(3), s16(4), s8(5)) }
        case (.conv(var p), .mve?):
            status = instance("qc_conv_s8s8s8_mve") { qc_conv_s8s8s8_mve(&p, s8(0), s8(1), s32(2), s8(3), s8(4), s8(5)) }
        case (.depthwiseConv(var p), nil):
            status = qc_dispatch_depthwise_conv(bits[0], bits[1], bits[2], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.depthwiseConv(var p), .dsp?):
            status = instance("qc_depthwise_conv_s8s8s8_dsp") { qc_depthwise_conv_s8s8s8_dsp(&p, s8(0), s8(1), s32(2), s8(3), s32(4), s8(5)) }
        case (.depthwiseConv(var p), .mve?):
            status = instance("qc_depthwise_conv_s8s8s8_mve") { qc_depthwise_conv_s8s8s8_mve(&p, s8(0), s8(1), s32(2), s8(3), s32(4), s8(5)) }
        case (.dense(var p), nil):
            status = qc_dispatch_dense(bits[0], bits[1], bits[2], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.dense(var p), .dsp?):
            status = instance("qc_dense_s8s8s8_dsp") { qc_dense_s8s8s8_dsp(&p, s8(0), s8(1), s32(2), s8(3), s16(4), s8(5)) }
        case (.dense(var p), .mve?):
            status = instance("qc_dense_s8s8s8_mve") { qc_dense_s8s8s8_mve(&p, s8(0), s8(1), s32(2), s8(3), s32(4), s8(5)) }
        case (.convShift(var p), nil):
            status = qc_dispatch_conv_shift(bits[0], bits[1], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.unpackWeights(var p), nil):
            status = instance("qc_unpack_weights_s8") { qc_unpack_weights_s8(&p, a[0].assumingMemoryBound(to: UInt8.self), s8(1)) }
        case (.convPacked(var p), nil):
            status = qc_dispatch_conv_packed(bits[0], bits[1], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.densePacked(var p), nil):
            status = qc_dispatch_dense_packed(bits[0], bits[1], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.denseShift(var p), nil):
            status = qc_dispatch_dense_shift(bits[0], bits[1], wide, &p, a[0], a[1], a[2], s8(3), a[4])
        case (.convBitplane(var p), nil):
            status = qc_dispatch_conv_bitplane(bits[0], bits[1], wide, &p, a[0], a[1].assumingMemoryBound(to: UInt32.self), s16(2), a[3], s8(4), a[5])
        case (.convCodebook(var p), nil):
            status = qc_dispatch_conv_codebook(bits[0], bits[1], wide, &p, a[0], a[1].assumingMemoryBound(to: UInt8.self), s16(2), a[3], s8(4), a[5])
        case (.convAffine(var p), nil):
            status = qc_dispatch_conv_affine(bits[0], bits[1], bits[2], wide, &p, a[0], a[1], a[2], s32(3), s8(4), a[5])
        case (.convAffine(var p), .dsp?):
            status = instance("qc_conv_affine_s8s8s8_dsp") { qc_conv_affine_s8s8s8_dsp(&p, s8(0), s8(1), s32(2), s32(3), s8(4), s16(5), s8(6)) }
        case (.convAffine(var p), .mve?):
            status = instance("qc_conv_affine_s8s8s8_mve") { qc_conv_affine_s8s8s8_mve(&p, s8(0), s8(1), s32(2), s32(3), s8(4), s8(5), s8(6)) }
        case (.depthwiseConvAffine(var p), nil):
            status = qc_dispatch_depthwise_conv_affine(bits[0], bits[1], bits[2], wide, &p, a[0], a[1], a[2], s32(3), s8(4), a[5])
        case (.depthwiseConvAffine(var p), .dsp?):
            status = instance("qc_depthwise_conv_affine_s8s8s8_dsp") {
                qc_depthwise_conv_affine_s8s8s8_dsp(&p, s8(0), s8(1), s32(2), s32(3), s8(4), s32(5), s8(6))
            }
        case (.depthwiseConvAffine(var p), .mve?):
            status = instance("qc_depthwise_conv_affine_s8s8s8_mve") {
                qc_depthwise_conv_affine_s8s8s8_mve(&p, s8(0), s8(1), s32(2), s32(3), s8(4), s32(5), s8(6))
            }
        case (.denseAffine(var p), nil):
            status = qc_dispatch_dense_affine(bits[0], bits[1], bits[2], wide, &p, a[0], a[1], a[2], s32(3), s8(4), a[5])
        case (.denseAffine(var p), .dsp?):
            status = instance("qc_dense_affine_s8s8s8_dsp") { qc_dense_affine_s8s8s8_dsp(&p, s8(0), s8(1), s32(2), s32(3), s8(4), s16(5), s8(6)) }
        case (.denseAffine(var p), .mve?):
            status = instance("qc_dense_affine_s8s8s8_mve") { qc_dense_affine_s8s8s8_mve(&p, s8(0), s8(1), s32(2), s32(3), s8(4), s32(5), s8(6)) }
        case (.maxPool(var p), nil): status = qc_dispatch_max_pool(bits[0], &p, a[0], a[1])
        case (.avgPool(var p), nil): status = qc_dispatch_avg_pool(bits[0], &p, a[0], a[1])
        case (.avgPool(var p), .dsp?): status = instance("qc_avg_pool_s8_dsp") { qc_avg_pool_s8_dsp(&p, s8(0), s8(1)) }
        case (.avgPool(var p), .mve?): status = instance("qc_avg_pool_s8_mve") { qc_avg_pool_s8_mve(&p, s8(0), s8(1)) }
        case (.avgPoolAffine(var p), nil): status = qc_dispatch_avg_pool_affine(bits[0], &p, a[0], a[1])
        case (.avgPoolAffine(var p), .dsp?): status = instance("qc_avg_pool_affine_s8_dsp") { qc_avg_pool_affine_s8_dsp(&p, s8(0), s8(1)) }
        case (.avgPoolAffine(var p), .mve?): status = instance("qc_avg_pool_affine_s8_mve") { qc_avg_pool_affine_s8_mve(&p, s8(0), s8(1)) }
        case (.globalMaxPool(var p), nil): status = qc_dispatch_global_max_pool(bits[0], &p, a[0], a[1])
        case (.globalAvgPool(var p), nil): status = qc_dispatch_global_avg_pool(bits[0], &p, a[0], a[1])
        case (.add(var p), nil): status = qc_dispatch_add(bits[0], bits[1], bits[2], &p, a[0], a[1], a[2])
        case (.add(var p), .mve?): status = instance("qc_add_s8s8s8_mve") { qc_add_s8s8s8_mve(&p, s8(0), s8(1), s8(2)) }
        case (.addAffine(var p), nil): status = instance("qc_add_affine_s8") { qc_add_affine_s8(&p, s8(0), s8(1), s8(2)) }
        case (.addAffine(var p), .dsp?): status = instance("qc_add_affine_s8_dsp") { qc_add_affine_s8_dsp(&p, s8(0), s8(1), s8(2)) }
        case (.addAffine(var p), .mve?): status = instance("qc_add_affine_s8_mve") { qc_add_affine_s8_mve(&p, s8(0), s8(1), s8(2)) }
        case (.mul(var p), nil): status = qc_dispatch_mul(bits[0], bits[1], bits[2], &p, a[0], a[1], a[2])
        case (.maxMin(var p), nil): status = qc_dispatch_max_min(bits[0], bits[1], bits[2], &p, a[0], a[1], a[2])
        case (.mulAffine(var p), nil): status = instance("qc_mul_affine_s8") { qc_mul_affine_s8(&p, s8(0), s8(1), s8(2)) }
        case (.preluAffine(var p), nil): status = instance("qc_prelu_affine_s8") { qc_prelu_affine_s8(&p, s8(0), s8(1), s8(2)) }
        case (.resizeBilinear(var p), nil): status = instance("qc_resize_bilinear_s8") { qc_resize_bilinear_s8(&p, s8(0), s8(1)) }
        case (.squaredDifferenceAffine(var p), nil):
            status = instance("qc_squared_difference_affine_s8") { qc_squared_difference_affine_s8(&p, s8(0), s8(1), s8(2)) }
        case (.l2NormalizationAffine(var p), nil):
            status = instance("qc_l2_normalization_affine_s8") { qc_l2_normalization_affine_s8(&p, s8(0), s8(1)) }
        case (.divAffine(var p), nil): status = instance("qc_div_affine_s8") { qc_div_affine_s8(&p, s8(0), s8(1), s8(2)) }
        case (.compareAffine(var p), nil): status = instance("qc_compare_affine_s8") { qc_compare_affine_s8(&p, s8(0), s8(1), s8(2)) }
        case (.select(var p), nil): status = instance("qc_select_s8") { qc_select_s8(&p, s8(0), s8(1), s8(2), s8(3)) }
        case (.meanAffine(var p), nil): status = instance("qc_mean_affine_s8") { qc_mean_affine_s8(&p, s8(0), s8(1)) }
        case (.rescale(var p), nil): status = qc_dispatch_rescale(bits[0], bits[1], &p, a[0], a[1])
        case (.pad(var p), nil): status = qc_dispatch_pad(bits[0], &p, a[0], a[1])
        case (.transpose(var p), nil): status = qc_dispatch_transpose(bits[0], &p, a[0], a[1])
        case (.indexCopy(var p), nil): status = qc_dispatch_index_copy(bits[0], &p, s32(0), a[1], a[2])
        case (.table(var p), nil): status = qc_dispatch_table(bits[0], bits[1], &p, s16(0), a[1], a[2])
        case (.logSoftmax(var p), nil): status = instance("qc_log_softmax_s8") { qc_log_softmax_s8(&p, s8(0), s8(1)) }
        case (.softmax(var p), nil): status = instance("qc_softmax_s8") { qc_softmax_s8(&p, s8(0), s8(1)) }
        // A variant the lowering made that this runner cannot call.
        case (_, _?): status = -2
        }
        guard status == 0 else { throw Failure(description: "no C instance for \(call.function) (status \(status))") }
        _ = constants
    }
}
