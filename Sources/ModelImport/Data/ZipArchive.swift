import Foundation

/// Reads the members of a zip archive (what numpy writes as .npz): stored or deflated members,
/// located through the central directory, every offset and size checked against the file.
struct ZipArchive {
    /// A member as the central directory describes it; its bytes stay compressed until asked for.
    struct Entry {
        var method: Int
        var crc: UInt32
        var payload: Range<Int>
        var size: Int
    }
    private let bytes: Data
    private var entries: [String: Entry] = [:]

    var names: [String] { Array(entries.keys) }
    func has(_ name: String) -> Bool { entries[name] != nil }

    init(_ data: Data) throws {
        bytes = Data(data)
        let bytes = [UInt8](data)
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw FormatError("zip structure points outside the file") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            let low = try u16(at), high = try u16(at + 2)
            return low | high << 16
        }
        // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw FormatError("not a zip archive (too short)") }
        var end = -1
        var at = bytes.count - 22
        while at >= Swift.max(0, bytes.count - 22 - 65_535) {
            if try u32(at) == 0x0605_4B50 { end = at; break }
            at -= 1
        }
        guard end >= 0 else { throw FormatError("not a zip archive (no central directory)") }
        let count = try u16(end + 10)
        var cursor = try u32(end + 16)
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else { throw FormatError("corrupt zip central directory") }
            let method = try u16(cursor + 10)
            let crc = try u32(cursor + 16)
            let compressed = try u32(cursor + 20)
            let size = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28), extraLength = try u16(cursor + 30), commentLength = try u16(cursor + 32)
            let local = try u32(cursor + 42)
            guard cursor + 46 + nameLength <= bytes.count else { throw FormatError("corrupt zip central directory") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            cursor += 46 + nameLength + extraLength + commentLength
            guard compressed != 0xFFFF_FFFF, size != 0xFFFF_FFFF else { throw FormatError("zip64 members are not supported") }
            guard try u32(local) == 0x0403_4B50 else { throw FormatError("corrupt zip member '\(name)'") }
            let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard start + compressed <= bytes.count else { throw FormatError("zip member '\(name)' is truncated") }
            guard method == 0 || method == 8 else {
                throw FormatError("zip member '\(name)' uses compression method \(method); only stored and deflate are supported")
            }
            if method == 0, compressed != size { throw FormatError("zip member '\(name)' has inconsistent sizes") }
            entries[name] = Entry(method: method, crc: UInt32(crc), payload: start..<(start + compressed), size: size)
        }
    }

    /// The member's content, or only its first `prefix` bytes. A whole member is checked against
    /// its size and CRC; a prefix is inflated no further than it reaches.
    func member(_ name: String, prefix: Int? = nil) throws -> Data {
        guard let entry = entries[name] else { throw FormatError("zip member '\(name)' is missing") }
        let payload = bytes[(bytes.startIndex + entry.payload.lowerBound)..<(bytes.startIndex + entry.payload.upperBound)]
        let whole = prefix.map { $0 >= entry.size } ?? true
        let content: Data
        if entry.method == 0 {
            content = whole ? Data(payload) : Data(payload.prefix(prefix!))
        } else {
            content = try Inflate.inflateRaw(Data(payload), expectedSize: entry.size, prefix: whole ? nil : prefix)
        }
        if whole, crc32(content) != entry.crc { throw FormatError("zip member '\(name)' fails its CRC check") }
        return content
    }
}

/// CRC-32 (IEEE 802.3, as zip uses).
func crc32(_ data: Data) -> UInt32 {
    var table = [UInt32](repeating: 0, count: 256)
    for i in 0..<256 {
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        table[i] = c
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}
