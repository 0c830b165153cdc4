import Foundation
import GraphIR

/// ONNX TensorProto element types we can read.
enum ONNXDataType: Int32 {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, bool = 9, float16 = 10, double = 11

    var name: String { "\(self)" }
}

extension Tensor {
    /// Decodes an ONNX TensorProto, checking every size against its dims.
    init(onnx proto: Onnx_TensorProto) throws {
        let label = proto.name.isEmpty ? "a tensor" : "tensor '\(proto.name)'"
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            throw FormatError("\(label) keeps its data in an external file; quantc reads only self-contained .onnx files")
        }
        guard proto.dims.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else {
            throw FormatError("\(label) has an invalid dimension in \(proto.dims)")
        }
        let shape = proto.dims.map { Int($0) }
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= 1 << 31 else { throw FormatError("\(label) is too large (\(proto.dims))") }
            count = product
        }
        guard let type = ONNXDataType(rawValue: proto.dataType) else {
            throw FormatError("\(label) has unsupported element type \(proto.dataType)")
        }
        let raw = proto.rawData
        func checkCount(_ n: Int, _ source: String) throws {
            guard n == count else {
                throw FormatError("\(label) has \(n) values in \(source) but its shape \(shape) needs \(count)")
            }
        }
        func rawValues<T>(_: T.Type) throws -> [T] {
            try checkCount(raw.count / MemoryLayout<T>.size, "raw_data")
            guard raw.count % MemoryLayout<T>.size == 0 else { throw FormatError("\(label) raw_data size is not a multiple of its element size") }
            return raw.withUnsafeBytes { buffer in
                (0..<count).map { buffer.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
            }
        }
        switch type {
        case .float:
            if !raw.isEmpty {
                self.init(shape: shape, floats: try rawValues(Float.self))
            } else {
                try checkCount(proto.floatData.count, "float_data")
                self.init(shape: shape, floats: proto.floatData)
            }
        case .double:
            if !raw.isEmpty {
                self.init(shape: shape, floats: try rawValues(Double.self).map { Float($0) })
            } else {
                try checkCount(proto.doubleData.count, "double_data")
                self.init(shape: shape, floats: proto.doubleData.map { Float($0) })
            }
        case .float16:
            let halves: [UInt16]
            if !raw.isEmpty {
                halves = try rawValues(UInt16.self)
            } else {
                try checkCount(proto.int32Data.count, "int32_data")
                halves = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            }
            self.init(shape: shape, floats: halves.map(floatFromHalf))
        case .int64:
            if !raw.isEmpty {
                self.init(shape: shape, ints: try rawValues(Int64.self))
            } else {
                try checkCount(proto.int64Data.count, "int64_data")
                self.init(shape: shape, ints: proto.int64Data)
            }
        case .int32, .int16, .int8, .uint16, .uint8, .bool:
            if !raw.isEmpty {
                let ints: [Int64]
                switch type {
                case .int32: ints = try rawValues(Int32.self).map { Int64($0) }
                case .int16: ints = try rawValues(Int16.self).map { Int64($0) }
                case .uint16: ints = try rawValues(UInt16.self).map { Int64($0) }
                case .int8: ints = try rawValues(Int8.self).map { Int64($0) }
                default: ints = try rawValues(UInt8.self).map { Int64($0) }
                }
                self.init(shape: shape, ints: ints)
            } else {
                try checkCount(proto.int32Data.count, "int32_data")
                self.init(shape: shape, ints: proto.int32Data.map { Int64($0) })
            }
        }
    }
}

/// IEEE 754 binary16 to Float.
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Float(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}
