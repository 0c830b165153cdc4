import Foundation

/// What a data file's header says of its main array: the shape, the element type and where the
/// values start. Readers parse it before anything is allocated, so a 2 MB file that declares two
/// billion elements costs nothing until the rows asked for are decoded, and then only those.
struct ArrayHeader {
    var shape: [Int]
    var type: ElementType
    /// Byte offset of the first value.
    var dataOffset: Int
    var bigEndian: Bool

    var rows: Int { shape.first ?? 0 }
    /// Elements per row (per sample).
    var rowElements: Int { shape.dropFirst().reduce(1, *) }
    /// Bytes the whole array declares, header included.
    var totalBytes: Int { dataOffset + rows * rowElements * type.size }
    /// Bytes from the file's start through row `count`.
    func bytes(throughRow count: Int) -> Int { dataOffset + Swift.min(count, rows) * rowElements * type.size }

    /// Throws unless the first `count` rows (all when nil) fit the decoding cap: called before any
    /// decompression, so an inflated stream never outgrows it either.
    func checkDecodable(rows count: Int?) throws {
        let n = Swift.min(count ?? rows, rows)
        guard n * rowElements <= DecodingLimit.maxFloats else {
            throw FormatError("\(n) samples of \(rowElements) values exceed the \(DecodingLimit.describe) limit on decoded data "
                              + "(ask for fewer with --limit, or raise \(DecodingLimit.environmentKey))")
        }
    }

    /// The first `count` rows (all when nil) of `data`, widened to Float, within the decoding cap.
    func decode(_ data: Data, rows count: Int?) throws -> NumericArray {
        try checkDecodable(rows: count)
        let n = Swift.min(count ?? rows, rows)
        let elements = n * rowElements
        guard data.count >= bytes(throughRow: n) else {
            throw FormatError("data is truncated: shape \(shape) needs \(totalBytes - dataOffset) bytes of values, the file has \(Swift.max(0, data.count - dataOffset))")
        }
        let values = data.withUnsafeBytes { type.decode($0, offset: dataOffset, count: elements, bigEndian: bigEndian) }
        return NumericArray(shape: [n] + shape.dropFirst(), values: values, storedType: type.rawValue)
    }
}

/// The most Float values one data file may decode to: 1 GiB by default, set in bytes by the
/// environment variable `QUANTC_MAX_DATA_BYTES`.
enum DecodingLimit {
    static let environmentKey = "QUANTC_MAX_DATA_BYTES"
    static let defaultBytes = 1 << 30

    static var bytes: Int {
        ProcessInfo.processInfo.environment[environmentKey].flatMap(Int.init).map { Swift.max($0, 1 << 10) } ?? defaultBytes
    }
    static var maxFloats: Int { bytes / MemoryLayout<Float>.size }
    static var describe: String {
        bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB" : "\(bytes) byte"
    }
}
