import Foundation

/// The IDX format of the MNIST files: two zero bytes, a type code, the rank, big-endian dimensions,
/// then big-endian data. Gzipped files are recognised by content.
enum IDX {
    /// Bytes a header of any rank could need: magic, then up to 255 dimensions.
    static let maxHeaderBytes = 4 + 4 * 255

    static func header(_ data: Data) throws -> ArrayHeader {
        let bytes = [UInt8](data.prefix(maxHeaderBytes))
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw FormatError("not an IDX file (bad magic)") }
        let types: [UInt8: ElementType] = [0x08: .uint8, 0x09: .int8, 0x0B: .int16, 0x0C: .int32, 0x0D: .float32, 0x0E: .float64]
        guard let type = types[bytes[2]] else { throw FormatError("IDX type code 0x\(String(bytes[2], radix: 16)) is not valid") }
        let rank = Int(bytes[3])
        guard rank >= 1, bytes.count >= 4 + 4 * rank else { throw FormatError("truncated IDX header") }
        let shape = (0..<rank).map { axis -> Int in
            let at = 4 + 4 * axis
            return Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        let count = try checkedCount(shape)
        _ = try checkedCount([count, type.size])
        return ArrayHeader(shape: shape, type: type, dataOffset: 4 + 4 * rank, bigEndian: true)
    }
}
