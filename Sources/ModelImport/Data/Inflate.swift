import CZlib
import Foundation

/// zlib inflate with every size bounded, for gzip files (.gz) and deflated zip members (.npz).
enum Inflate {
    /// Decompresses a gzip file (all members), checking the trailer CRC through zlib: the whole of
    /// it, which must come to `expectedSize` bytes when given, or only its first `prefix` bytes.
    static func gunzip(_ data: Data, expectedSize: Int? = nil, prefix: Int? = nil) throws -> Data {
        guard data.count >= 18, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else {
            throw FormatError("not a gzip file")
        }
        return try run(data, windowBits: 15 + 32, expectedSize: prefix == nil ? expectedSize : nil,
                       limit: prefix ?? expectedSize ?? DecodingLimit.bytes, stopAtLimit: prefix != nil)
    }

    /// Decompresses a raw deflate stream (zip method 8) of known uncompressed size, or its prefix.
    static func inflateRaw(_ data: Data, expectedSize: Int, prefix: Int? = nil) throws -> Data {
        try run(data, windowBits: -15, expectedSize: prefix == nil ? expectedSize : nil, limit: prefix ?? expectedSize,
                stopAtLimit: prefix != nil)
    }

    /// Inflates until the end or, with `stopAtLimit`, until `limit` bytes are out (the rest is
    /// never decompressed); otherwise more than `limit` bytes is an error.
    private static func run(_ input: Data, windowBits: Int32, expectedSize: Int?, limit: Int, stopAtLimit: Bool) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FormatError("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var source = [UInt8](input)
        let total = source.count
        var status: Int32 = Z_OK
        try source.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(total)
            while true {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if stopAtLimit && output.count >= limit { output = output.prefix(limit); break }
                guard output.count <= limit else { throw FormatError("decompressed data is larger than its header declares") }
                if status == Z_STREAM_END {
                    // gzip files may hold several members; continue while input remains.
                    if windowBits > 15, stream.avail_in > 0 {
                        guard inflateReset(&stream) == Z_OK else { throw FormatError("corrupt compressed data") }
                        continue
                    }
                    break
                }
                guard status == Z_OK else {
                    throw FormatError(status == Z_BUF_ERROR ? "compressed data is truncated" : "corrupt compressed data")
                }
                if produced == 0 && stream.avail_in == 0 { throw FormatError("compressed data is truncated") }
            }
        }
        if let expectedSize, output.count != expectedSize {
            throw FormatError("decompressed \(output.count) bytes, expected \(expectedSize)")
        }
        return output
    }
}
