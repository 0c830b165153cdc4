import Foundation

/// A read-only FlatBuffers view that validates every offset, vtable and vector length before
/// use: a hostile file yields a `FormatError`, never a trap or an out-of-bounds read.
///
/// Layout facts used (FlatBuffers binary format): the root is a u32 offset at byte 0; a table
/// starts with an i32 pointing back to its vtable (`vtable = table − value`); a vtable holds its
/// own size and the table size (u16 each), then one u16 field offset per field id (0 = absent);
/// offsets to tables, vectors and strings are u32 relative to where they are stored; vectors and
/// strings start with a u32 element count. Everything is little-endian.
struct FlatBuffer {
    let bytes: [UInt8]

    init(_ data: Data) { bytes = [UInt8](data) }

    func check(_ position: Int, _ size: Int) throws {
        guard position >= 0, size >= 0, position <= bytes.count - size else {
            throw FormatError("corrupt flatbuffer: \(size) bytes at offset \(position) lie outside the \(bytes.count)-byte file")
        }
    }

    func u8(_ at: Int) throws -> UInt8 {
        try check(at, 1)
        return bytes[at]
    }

    func u16(_ at: Int) throws -> UInt16 {
        try check(at, 2)
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    func u32(_ at: Int) throws -> UInt32 {
        try check(at, 4)
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    func u64(_ at: Int) throws -> UInt64 {
        UInt64(try u32(at)) | UInt64(try u32(at + 4)) << 32
    }

    /// Follows a u32 offset stored at `at`.
    func follow(_ at: Int) throws -> Int {
        let target = at + Int(try u32(at))
        try check(target, 4)
        return target
    }

    func root() throws -> FBTable {
        try table(at: try follow(0))
    }

    func table(at position: Int) throws -> FBTable {
        let back = Int(Int32(bitPattern: try u32(position)))
        let vtable = position - back
        let vtableSize = Int(try u16(vtable))
        guard vtableSize >= 4, vtableSize % 2 == 0 else { throw FormatError("corrupt flatbuffer: vtable size \(vtableSize)") }
        try check(vtable, vtableSize)
        let tableSize = Int(try u16(vtable + 2))
        try check(position, tableSize)
        return FBTable(buffer: self, position: position, vtable: vtable, vtableSize: vtableSize, tableSize: tableSize)
    }
}

struct FBTable {
    let buffer: FlatBuffer
    let position: Int
    let vtable: Int
    let vtableSize: Int
    let tableSize: Int

    /// Byte position of field `id`, or nil when absent. Fields must lie inside the table.
    func field(_ id: Int, size: Int) throws -> Int? {
        let slot = 4 + 2 * id
        guard slot + 2 <= vtableSize else { return nil }
        let offset = Int(try buffer.u16(vtable + slot))
        guard offset != 0 else { return nil }
        guard offset + size <= tableSize else { throw FormatError("corrupt flatbuffer: field \(id) lies outside its table") }
        return position + offset
    }

    func int32(_ id: Int, default value: Int32 = 0) throws -> Int32 {
        guard let at = try field(id, size: 4) else { return value }
        return Int32(bitPattern: try buffer.u32(at))
    }

    func uint32(_ id: Int, default value: UInt32 = 0) throws -> UInt32 {
        guard let at = try field(id, size: 4) else { return value }
        return try buffer.u32(at)
    }

    func int8(_ id: Int, default value: Int8 = 0) throws -> Int8 {
        guard let at = try field(id, size: 1) else { return value }
        return Int8(bitPattern: try buffer.u8(at))
    }

    func uint8(_ id: Int, default value: UInt8 = 0) throws -> UInt8 {
        guard let at = try field(id, size: 1) else { return value }
        return try buffer.u8(at)
    }

    func bool(_ id: Int, default value: Bool = false) throws -> Bool {
        guard let at = try field(id, size: 1) else { return value }
        return try buffer.u8(at) != 0
    }

    func float(_ id: Int, default value: Float = 0) throws -> Float {
        guard let at = try field(id, size: 4) else { return value }
        return Float(bitPattern: try buffer.u32(at))
    }

    func table(_ id: Int) throws -> FBTable? {
        guard let at = try field(id, size: 4) else { return nil }
        return try buffer.table(at: try buffer.follow(at))
    }

    func vector(_ id: Int, elementSize: Int) throws -> FBVector? {
        guard let at = try field(id, size: 4) else { return nil }
        let start = try buffer.follow(at)
        let count = Int(try buffer.u32(start))
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw FormatError("corrupt flatbuffer: vector of \(count) elements") }
        try buffer.check(start + 4, bytes)
        return FBVector(buffer: buffer, start: start + 4, count: count, elementSize: elementSize)
    }

    func string(_ id: Int) throws -> String? {
        guard let vector = try vector(id, elementSize: 1) else { return nil }
        return String(decoding: buffer.bytes[vector.start..<(vector.start + vector.count)], as: UTF8.self)
    }
}

struct FBVector {
    let buffer: FlatBuffer
    let start: Int
    let count: Int
    let elementSize: Int

    func table(_ index: Int) throws -> FBTable {
        try buffer.table(at: try buffer.follow(start + 4 * index))
    }

    var int32s: [Int32] {
        (0..<count).map { i in
            let at = start + 4 * i
            return Int32(bitPattern: UInt32(buffer.bytes[at]) | UInt32(buffer.bytes[at + 1]) << 8
                         | UInt32(buffer.bytes[at + 2]) << 16 | UInt32(buffer.bytes[at + 3]) << 24)
        }
    }

    var floats: [Float] { int32s.map { Float(bitPattern: UInt32(bitPattern: $0)) } }

    var int64s: [Int64] {
        (0..<count).map { i in
            var value: UInt64 = 0
            for b in 0..<8 { value |= UInt64(buffer.bytes[start + 8 * i + b]) << (8 * b) }
            return Int64(bitPattern: value)
        }
    }

    var bytes: ArraySlice<UInt8> { buffer.bytes[start..<(start + count * elementSize)] }
}
