import Foundation

/// An n-dimensional array read from a data file, values widened to Float.
public struct NumericArray: Sendable {
    public var shape: [Int]
    public var values: [Float]
    /// The element type as stored in the file (e.g. "uint8", "float32").
    public var storedType: String
}

enum ElementType: String {
    case uint8, int8, int16, int32, int64, float32, float64

    var size: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// Decodes `count` elements at `offset` in `bytes`, after the caller checked the length.
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, bigEndian: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let at = offset + i * size
            switch self {
            case .uint8: out[i] = Float(bytes[at])
            case .int8: out[i] = Float(Int8(bitPattern: bytes[at]))
            case .int16:
                let raw = bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)
                out[i] = Float(Int16(bitPattern: bigEndian ? raw.bigEndian : raw.littleEndian))
            case .int32:
                let raw = bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)
                out[i] = Float(Int32(bitPattern: bigEndian ? raw.bigEndian : raw.littleEndian))
            case .int64:
                let raw = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                out[i] = Float(Int64(bitPattern: bigEndian ? raw.bigEndian : raw.littleEndian))
            case .float32:
                let raw = bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)
                out[i] = Float(bitPattern: bigEndian ? raw.bigEndian : raw.littleEndian)
            case .float64:
                let raw = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                out[i] = Float(Double(bitPattern: bigEndian ? raw.bigEndian : raw.littleEndian))
            }
        }
        return out
    }
}

/// Element count of a shape read from a file, refusing overflow and absurd sizes.
func checkedCount(_ shape: [Int], limit: Int = 1 << 31) throws -> Int {
    var count = 1
    for dim in shape {
        guard dim >= 0 else { throw FormatError("negative dimension in shape \(shape)") }
        let (product, overflow) = count.multipliedReportingOverflow(by: dim)
        guard !overflow, product <= limit else { throw FormatError("shape \(shape) is too large") }
        count = product
    }
    return count
}
