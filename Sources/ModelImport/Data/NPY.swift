import Foundation

/// numpy's .npy format (versions 1–3): magic, a Python-dict header, then C-order data.
enum NPY {
    /// The most header bytes read (numpy writes a few hundred; version 2 allows up to 4 GiB).
    static let maxHeaderBytes = 1 << 16

    static func header(_ data: Data) throws -> ArrayHeader {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw FormatError("not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw FormatError("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw FormatError(".npy version \(major) is not supported")
        }
        guard headerLength <= maxHeaderBytes else { throw FormatError(".npy header of \(headerLength) bytes is too long") }
        guard headerStart + headerLength <= data.count else { throw FormatError("truncated .npy header") }
        let start = data.startIndex + headerStart
        let header = String(decoding: data[start..<(start + headerLength)], as: UTF8.self)
        guard let descr = field("descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) else {
            throw FormatError(".npy header has no descr")
        }
        if let fortran = field("fortran_order", in: header), fortran.contains("True") {
            throw FormatError(".npy data in Fortran order is not supported")
        }
        guard let shapeText = field("shape", in: header) else { throw FormatError(".npy header has no shape") }
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> Int in
                guard let value = Int(text), value >= 0 else { throw FormatError(".npy shape '\(shapeText)' is invalid") }
                return value
            }
        let byteOrder = descr.first
        let code = String(descr.dropFirst(byteOrder == "<" || byteOrder == ">" || byteOrder == "|" || byteOrder == "=" ? 1 : 0))
        let types: [String: ElementType] = ["u1": .uint8, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64, "f4": .float32, "f8": .float64, "b1": .uint8]
        guard let type = types[code] else { throw FormatError(".npy dtype '\(descr)' is not supported (use float32, float64, uint8, int8, int16, int32 or int64)") }
        let count = try checkedCount(shape)
        _ = try checkedCount([count, type.size])
        return ArrayHeader(shape: shape, type: type, dataOffset: headerStart + headerLength, bigEndian: byteOrder == ">")
    }

    /// The text after `'key':` up to the next top-level comma (tuples kept whole).
    private static func field(_ key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[range.upperBound...].drop { $0 == " " || $0 == ":" }
        var depth = 0
        var result = ""
        while let c = rest.first {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if (c == "," && depth == 0) || c == "}" { break }
            result.append(c)
            rest = rest.dropFirst()
            if depth < 0 { break }
        }
        return result
    }
}

/// numpy's .npz: a zip of .npy members, each inflated only as far as the rows asked for.
enum NPZ {
    /// The arrays named `names` (those present), each cut to its first `rows` rows.
    static func read(_ data: Data, names: [String], rows: Int?) throws -> [String: NumericArray] {
        let archive = try ZipArchive(data)
        var arrays = [String: NumericArray]()
        for name in names {
            guard archive.has(name + ".npy") else { continue }
            do {
                let head = try archive.member(name + ".npy", prefix: NPY.maxHeaderBytes + 12)
                let header = try NPY.header(head)
                try header.checkDecodable(rows: rows)
                let wanted = rows.map { header.bytes(throughRow: $0) }
                let content = try archive.member(name + ".npy", prefix: wanted)
                arrays[name] = try header.decode(content, rows: rows)
            } catch let error as FormatError {
                throw FormatError("member '\(name).npy': \(error.message)")
            }
        }
        return arrays
    }

    /// The names of the archive's arrays.
    static func names(_ data: Data) throws -> [String] {
        try ZipArchive(data).names.filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }.sorted()
    }
}
