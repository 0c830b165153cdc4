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
            for call in try KernelLowering.calls(for: node.op, in: program, features: features) {
                try execute(call, tensors)
            }
        }
        return program.outputs.map { tensors[$0]!.values }
    }

    static func execute(_ call: KernelCall, _ tensors: [Buffer?]) throws {
        var constants = [Buffer]()
        let pointers: [UnsafeMutableRawPointer] = call.arguments.map { argument in
            switch argument {
            case .tensor(let id, let offset): return tensors[id]!.pointer(offset: offset)
            case .constant(let array):
                constants.append(Buffer(type: array.type, values: array.values))
                return constants.last!.raw
            case .scratch(let bytes, _):
                // Poisoned, so a kernel that reads scratch it did not write cannot pass by luck.
                constants.append(Buffer(type: .u8, values: [Int64](repeating: 0xA5, count: bytes)))
                return constants.last!.raw
            }
        }
        let bits = call.storage.map { Int32($0 == .s8 ? 8 : 16) }
        let wide: Int32 = call.wideAccumulator == true ? 1 : 0
        let flat = call.flatParams
        let status: Int32 = flat.withUnsafeBytes { params in
            let p = params.baseAddress!
            let a = pointers
            switch (call.family, call.variant) {
            case ("conv", "dsp"?):
                guard call.function == "qc_conv_s8s8s8_dsp" else { return -1 }
                qc_conv_s8s8s8_dsp(p.assumingMemoryBound(to: qc_conv_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                   a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int32.self),
                                   a[3].assumingMemoryBound(to: Int8.self), a[4].assumingMemoryBound(to: Int16.self),
                                   a[5].assumingMemoryBound(to: Int8.self))
                return 0
            case ("dense", "dsp"?):
                guard call.function == "qc_dense_s8s8s8_dsp" else { return -1 }
                qc_dense_s8s8s8_dsp(p.assumingMemoryBound(to: qc_dense_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                    a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int32.self),
                                    a[3].assumingMemoryBound(to: Int8.self), a[4].assumingMemoryBound(to: Int16.self),
                                    a[5].assumingMemoryBound(to: Int8.self))
                return 0
            case ("depthwise_conv", "dsp"?):
                guard call.function == "qc_depthwise_conv_s8s8s8_dsp" else { return -1 }
                qc_depthwise_conv_s8s8s8_dsp(p.assumingMemoryBound(to: qc_conv_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                             a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int32.self),
                                             a[3].assumingMemoryBound(to: Int8.self), a[4].assumingMemoryBound(to: Int32.self),
                                             a[5].assumingMemoryBound(to: Int8.self))
                return 0
            case ("conv", "mve"?):
                guard call.function == "qc_conv_s8s8s8_mve" else { return -1 }
                qc_conv_s8s8s8_mve(p.assumingMemoryBound(to: qc_conv_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                   a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int32.self),
                                   a[3].assumingMemoryBound(to: Int8.self), a[4].assumingMemoryBound(to: Int8.self),
                                   a[5].assumingMemoryBound(to: Int8.self))
                return 0
            case ("dense", "mve"?):
                guard call.function == "qc_dense_s8s8s8_mve" else { return -1 }
                qc_dense_s8s8s8_mve(p.assumingMemoryBound(to: qc_dense_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                    a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int32.self),
                                    a[3].assumingMemoryBound(to: Int8.self), a[4].assumingMemoryBound(to: Int32.self),
                                    a[5].assumingMemoryBound(to: Int8.self))
                return 0
            case ("depthwise_conv", "mve"?):
                guard call.function == "qc_depthwise_conv_s8s8s8_mve" else { return -1 }
                qc_depthwise_conv_s8s8s8_mve(p.assumingMemoryBound(to: qc_conv_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                             a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int32.self),
                                             a[3].assumingMemoryBound(to: Int8.self), a[4].assumingMemoryBound(to: Int32.self),
                                             a[5].assumingMemoryBound(to: Int8.self))
                return 0
            case ("add", "mve"?):
                guard call.function == "qc_add_s8s8s8_mve" else { return -1 }
                qc_add_s8s8s8_mve(p.assumingMemoryBound(to: qc_add_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                  a[1].assumingMemoryBound(to: Int8.self), a[2].assumingMemoryBound(to: Int8.self))
                return 0
            case ("avg_pool", "dsp"?):
                guard call.function == "qc_avg_pool_s8_dsp" else { return -1 }
                qc_avg_pool_s8_dsp(p.assumingMemoryBound(to: qc_pool_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                   a[1].assumingMemoryBound(to: Int8.self))
                return 0
            case ("avg_pool", "mve"?):
                guard call.function == "qc_avg_pool_s8_mve" else { return -1 }
                qc_avg_pool_s8_mve(p.assumingMemoryBound(to: qc_pool_params.self), a[0].assumingMemoryBound(to: Int8.self),
                                   a[1].assumingMemoryBound(to: Int8.self))
                return 0
            case (_, _?): return -1
            case ("conv", nil):
                return qc_dispatch_conv(bits[0], bits[1], bits[2], wide, p.assumingMemoryBound(to: qc_conv_params.self),
                                        a[0], a[1], a[2], a[3].assumingMemoryBound(to: Int8.self), a[4])
            case ("depthwise_conv", nil):
                return qc_dispatch_depthwise_conv(bits[0], bits[1], bits[2], wide, p.assumingMemoryBound(to: qc_conv_params.self),
                                                  a[0], a[1], a[2], a[3].assumingMemoryBound(to: Int8.self), a[4])
            case ("dense", nil):
                return qc_dispatch_dense(bits[0], bits[1], bits[2], wide, p.assumingMemoryBound(to: qc_dense_params.self),
                                         a[0], a[1], a[2], a[3].assumingMemoryBound(to: Int8.self), a[4])
            case ("conv_shift", nil):
                return qc_dispatch_conv_shift(bits[0], bits[1], wide, p.assumingMemoryBound(to: qc_shift_conv_params.self),
                                              a[0], a[1], a[2], a[3].assumingMemoryBound(to: Int8.self), a[4])
            case ("dense_shift", nil):
                return qc_dispatch_dense_shift(bits[0], bits[1], wide, p.assumingMemoryBound(to: qc_dense_params.self),
                                               a[0], a[1], a[2], a[3].assumingMemoryBound(to: Int8.self), a[4])
            case ("conv_bitplane", nil):
                return qc_dispatch_conv_bitplane(bits[0], bits[1], wide, p.assumingMemoryBound(to: qc_bitplane_conv_params.self), a[0],
                                                 a[1].assumingMemoryBound(to: UInt32.self), a[2].assumingMemoryBound(to: Int16.self), a[3],
                                                 a[4].assumingMemoryBound(to: Int8.self), a[5])
            case ("conv_codebook", nil):
                return qc_dispatch_conv_codebook(bits[0], bits[1], wide, p.assumingMemoryBound(to: qc_codebook_conv_params.self), a[0],
                                                 a[1].assumingMemoryBound(to: UInt8.self), a[2].assumingMemoryBound(to: Int16.self), a[3],
                                                 a[4].assumingMemoryBound(to: Int8.self), a[5])
            case ("max_pool", nil): return qc_dispatch_max_pool(bits[0], p.assumingMemoryBound(to: qc_pool_params.self), a[0], a[1])
            case ("avg_pool", nil): return qc_dispatch_avg_pool(bits[0], p.assumingMemoryBound(to: qc_pool_params.self), a[0], a[1])
            case ("global_max_pool", nil): return qc_dispatch_global_max_pool(bits[0], p.assumingMemoryBound(to: qc_global_pool_params.self), a[0], a[1])
            case ("global_avg_pool", nil): return qc_dispatch_global_avg_pool(bits[0], p.assumingMemoryBound(to: qc_global_pool_params.self), a[0], a[1])
            case ("add", nil): return qc_dispatch_add(bits[0], bits[1], bits[2], p.assumingMemoryBound(to: qc_add_params.self), a[0], a[1], a[2])
            case ("mul", nil): return qc_dispatch_mul(bits[0], bits[1], bits[2], p.assumingMemoryBound(to: qc_mul_params.self), a[0], a[1], a[2])
            case ("rescale", nil): return qc_dispatch_rescale(bits[0], bits[1], p.assumingMemoryBound(to: qc_rescale_params.self), a[0], a[1])
            case ("pad", nil): return qc_dispatch_pad(bits[0], p.assumingMemoryBound(to: qc_pad_params.self), a[0], a[1])
            case ("transpose", nil): return qc_dispatch_transpose(bits[0], p.assumingMemoryBound(to: qc_transpose_params.self), a[0], a[1])
            case ("index_copy", nil):
                return qc_dispatch_index_copy(bits[0], p.assumingMemoryBound(to: qc_index_copy_params.self),
                                              a[0].assumingMemoryBound(to: Int32.self), a[1], a[2])
            case ("table", nil):
                return qc_dispatch_table(bits[0], bits[1], p.assumingMemoryBound(to: qc_table_params.self),
                                         a[0].assumingMemoryBound(to: Int16.self), a[1], a[2])
            default: return -2
            }
        }
        guard status == 0 else { throw Failure(description: "no C instance for \(call.function) (status \(status))") }
        _ = constants
    }

    /// The C struct's field names in declaration order (from Swift's import of it).
    static func fieldNames(of family: String) -> [String] {
        let value: Any
        switch family {
        case "conv", "depthwise_conv": value = qc_conv_params()
        case "dense", "dense_shift": value = qc_dense_params()
        case "conv_shift": value = qc_shift_conv_params()
        case "conv_bitplane": value = qc_bitplane_conv_params()
        case "conv_codebook": value = qc_codebook_conv_params()
        case "max_pool", "avg_pool": value = qc_pool_params()
        case "global_max_pool", "global_avg_pool": value = qc_global_pool_params()
        case "add": value = qc_add_params()
        case "mul": value = qc_mul_params()
        case "rescale": value = qc_rescale_params()
        case "pad": value = qc_pad_params()
        case "transpose": value = qc_transpose_params()
        case "index_copy": value = qc_index_copy_params()
        case "table": value = qc_table_params()
        default: return []
        }
        return Mirror(reflecting: value).children.compactMap(\.label)
    }

    static func structSize(of family: String) -> Int {
        switch family {
        case "conv", "depthwise_conv": return MemoryLayout<qc_conv_params>.size
        case "dense", "dense_shift": return MemoryLayout<qc_dense_params>.size
        case "conv_shift": return MemoryLayout<qc_shift_conv_params>.size
        case "conv_bitplane": return MemoryLayout<qc_bitplane_conv_params>.size
        case "conv_codebook": return MemoryLayout<qc_codebook_conv_params>.size
        case "max_pool", "avg_pool": return MemoryLayout<qc_pool_params>.size
        case "global_max_pool", "global_avg_pool": return MemoryLayout<qc_global_pool_params>.size
        case "add": return MemoryLayout<qc_add_params>.size
        case "mul": return MemoryLayout<qc_mul_params>.size
        case "rescale": return MemoryLayout<qc_rescale_params>.size
        case "pad": return MemoryLayout<qc_pad_params>.size
        case "transpose": return MemoryLayout<qc_transpose_params>.size
        case "index_copy": return MemoryLayout<qc_index_copy_params>.size
        case "table": return MemoryLayout<qc_table_params>.size
        default: return 0
        }
    }
}
