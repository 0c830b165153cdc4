import CZlib
import Foundation

/// Structure-aware mutators for every input kind quantc reads: each knows its format's structure
/// (protobuf fields, flatbuffer offsets, .npy headers, zip records, IDX headers, gzip streams, JSON
/// leaves) and breaks it the way a corrupt or hostile file would. Deterministic for a seed.
public enum Mutators {
    // MARK: ONNX: the protobuf wire format

    /// One field of a protobuf message: its number, wire type and payload (the varint's or fixed
    /// value's bytes, or a length-delimited field's content).
    struct Field {
        var number: UInt64
        var wireType: UInt8
        var payload: [UInt8]
    }

    static func readVarint(_ b: [UInt8], _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while i < b.count, shift < 64 {
            let byte = b[i]
            i += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out = [UInt8]()
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }

    /// The fields of `b`, or nil when it does not parse as a message.
    static func fields(_ b: [UInt8]) -> [Field]? {
        var i = 0, out = [Field]()
        while i < b.count {
            guard let key = readVarint(b, &i) else { return nil }
            let wire = UInt8(key & 7)
            let start = i
            switch wire {
            case 0: guard readVarint(b, &i) != nil else { return nil }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let length = readVarint(b, &i), length <= UInt64(b.count - i) else { return nil }
                out.append(Field(number: key >> 3, wireType: 2, payload: Array(b[i..<(i + Int(length))])))
                i += Int(length)
                continue
            default: return nil
            }
            guard i <= b.count, key >> 3 > 0 else { return nil }
            out.append(Field(number: key >> 3, wireType: wire, payload: Array(b[start..<i])))
        }
        return out
    }

    static func serialize(_ fields: [Field]) -> [UInt8] {
        var out = [UInt8]()
        for f in fields {
            out += varint(f.number << 3 | UInt64(f.wireType))
            if f.wireType == 2 { out += varint(UInt64(f.payload.count)) }
            out += f.payload
        }
        return out
    }

    /// Descends into a random nested message (length-delimited fields that parse as messages) and
    /// deletes, duplicates or reorders a field, sets a varint to a boundary value, changes a wire
    /// type, or corrupts a length; the enclosing lengths are recomputed, so the damage is local.
    public static func onnx(_ model: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        func mutate(_ message: [UInt8], depth: Int) -> [UInt8] {
            guard var fs = fields(message), !fs.isEmpty else { return message }
            let k = rng.below(fs.count)
            // Go deeper most of the time: the interesting structure (nodes, tensors, attributes) is nested.
            if depth < 6, fs[k].wireType == 2, let inner = fields(fs[k].payload), !inner.isEmpty, rng.below(4) != 0 {
                fs[k].payload = mutate(fs[k].payload, depth: depth + 1)
                return serialize(fs)
            }
            switch rng.below(7) {
            case 0: fs.remove(at: k)
            case 1: fs.insert(fs[k], at: k)
            case 2:
                let boundaries: [UInt64] = [0, 1, 0x7F, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt64.max, UInt64(Int64.max)]
                if fs[k].wireType == 0 { fs[k].payload = varint(boundaries[rng.below(boundaries.count)]) }
                else if !fs[k].payload.isEmpty { fs[k].payload[rng.below(fs[k].payload.count)] = UInt8(rng.below(256)) }
            case 3: fs[k].wireType = [0, 1, 2, 5][rng.below(4)]
            case 4:
                // A length that lies: the rest of the message is misread from here on.
                var out = serialize(Array(fs[..<k]))
                out += varint(fs[k].number << 3 | 2) + varint(UInt64(fs[k].payload.count) + UInt64(1 + rng.below(1 << 20)))
                return out + fs[k].payload + serialize(Array(fs[(k + 1)...]))
            case 5: fs[k].number = [1, 2, 5, 7, 8, 9, 11, 12, 536_870_911][rng.below(9)]
            default:
                if fs[k].wireType == 2 { fs[k].payload = Array(fs[k].payload.prefix(rng.below(fs[k].payload.count + 1))) }
            }
            return serialize(fs)
        }
        if rng.below(10) == 0 { return Array(model.prefix(rng.below(model.count))) }
        return mutate(model, depth: 0)
    }

    // MARK: TFLite: flatbuffer offsets, vector lengths and vtables

    /// Truncation, bit flips, or a 32-bit word (an offset, a vector length, a vtable entry)
    /// overwritten with an extreme or random value, biased towards the first 4 KiB where the root,
    /// the vtables and the tables between buffers sit.
    public static func tflite(_ original: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var bytes = original
        func position() -> Int { rng.below(2) == 0 ? rng.below(min(bytes.count, 4096)) : rng.below(bytes.count) }
        switch rng.below(4) {
        case 0:
            bytes = Array(bytes.prefix(rng.below(bytes.count)))
        case 1:
            for _ in 0..<(1 + rng.below(8)) { bytes[position()] ^= UInt8(1 << rng.below(8)) }
        case 2:
            let at = position() & ~3
            let choices: [UInt32] = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, UInt32(truncatingIfNeeded: rng.next())]
            let value = choices[rng.below(choices.count)]
            for b in 0..<4 where at + b < bytes.count { bytes[at + b] = UInt8((value >> (8 * UInt32(b))) & 0xFF) }
        default:
            for _ in 0..<(1 + rng.below(4)) { bytes[position()] = UInt8(rng.below(256)) }
        }
        return bytes
    }

    // MARK: .npy headers

    /// A .npy of `shape` and `descr` with the given data bytes (version 1, padded header).
    public static func npy(descr: String, shape: [Int], data: [UInt8], headerText: String? = nil) -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = headerText ?? "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
    }

    /// A .npy with its header damaged: shapes of huge, zero or many dimensions, other or unknown
    /// dtypes, Fortran order, a header length that lies, a bad version, or the data cut short.
    public static func npyHeader(_ rng: inout SeededRandom, data: [UInt8]) -> [UInt8] {
        let shapes: [[Int]] = [[1_920_000_000, 1], [Int(Int32.max), Int(Int32.max)], [0, 1, 8, 8], [10], [4, 1, 8, 8],
                               Array(repeating: 2, count: 40), [1 << 62, 4], [3, 64]]
        let descrs = ["|u1", "<f4", ">f4", "<f8", "<i8", "<c8", "|O", "<U3", "|b1", "<i2", ""]
        let shape = shapes[rng.below(shapes.count)], descr = descrs[rng.below(descrs.count)]
        var bytes: [UInt8]
        switch rng.below(6) {
        case 0: bytes = npy(descr: descr, shape: shape, data: data, headerText: "{'descr': '\(descr)', 'fortran_order': True, 'shape': (3, 64), }")
        case 1: bytes = npy(descr: descr, shape: shape, data: data, headerText: ["{}", "{'descr': '<f4'}", "{'shape': (-1, 4), 'descr': '<f4'}", "garbage"][rng.below(4)])
        default: bytes = npy(descr: descr, shape: shape, data: data)
        }
        switch rng.below(4) {
        case 0: bytes[8] = UInt8(rng.below(256)); bytes[9] = UInt8(rng.below(256))
        case 1: bytes[6] = UInt8([0, 2, 3, 4, 255][rng.below(5)])
        case 2: bytes = Array(bytes.prefix(rng.below(bytes.count)))
        default: break
        }
        return bytes
    }

    // MARK: .npz zip structures

    /// A stored zip (what `numpy.savez` writes) of the named members.
    public static func zip(_ members: [(String, [UInt8])]) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16((v >> 16) & 0xFFFF) }
        var out = [UInt8](), central = [UInt8]()
        for (name, data) in members {
            let crc = Int(data.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) })
            let offset = out.count
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc) + u32(data.count) + u32(data.count)
                + u16(name.utf8.count) + u16(0) + Array(name.utf8) + data
            central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc) + u32(data.count)
                + u32(data.count) + u16(name.utf8.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + Array(name.utf8)
        }
        let start = out.count
        out += central
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(members.count) + u16(members.count) + u32(central.count) + u32(start) + u16(0)
        return out
    }

    /// A zip with one of its records damaged: a field of the end record, a central directory entry
    /// or a local header (counts, offsets, sizes, CRCs, methods, name lengths) set to a boundary or
    /// random value, or the archive cut short.
    public static func zipStructure(_ archive: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var bytes = archive
        var records = [(at: Int, fields: [Int])]()  // each record's 16/32-bit field offsets
        for i in 0..<max(0, bytes.count - 3) where bytes[i] == 0x50 && bytes[i + 1] == 0x4B {
            switch (bytes[i + 2], bytes[i + 3]) {
            case (5, 6): records.append((i, [8, 10, 12, 16, 20]))
            case (1, 2): records.append((i, [10, 16, 20, 24, 28, 30, 42]))
            case (3, 4): records.append((i, [8, 14, 18, 22, 26, 28]))
            default: break
            }
        }
        if records.isEmpty || rng.below(8) == 0 { return Array(bytes.prefix(rng.below(bytes.count))) }
        let record = records[rng.below(records.count)]
        let at = record.at + record.fields[rng.below(record.fields.count)]
        let values: [UInt32] = [0, 1, 8, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(bytes.count), UInt32(truncatingIfNeeded: rng.next())]
        let value = values[rng.below(values.count)]
        for b in 0..<4 where at + b < bytes.count { bytes[at + b] = UInt8((value >> (8 * UInt32(b))) & 0xFF) }
        return bytes
    }

    // MARK: IDX and gzip

    /// An IDX file with a damaged header (type code, rank, dimensions), optionally gzipped, or a
    /// gzip stream damaged itself (flipped bytes, a cut, a wrong trailer).
    public static func idx(_ original: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var bytes = original
        switch rng.below(4) {
        case 0: bytes[2] = UInt8([0x00, 0x08, 0x0D, 0x0E, 0x0F, 0xFF][rng.below(6)])
        case 1: bytes[3] = UInt8([0, 1, 3, 4, 200, 255][rng.below(6)])
        case 2:
            let at = 4 + 4 * rng.below(3)
            let v: UInt32 = [0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 1_920_000_000][rng.below(5)]
            for b in 0..<4 where at + b < bytes.count { bytes[at + b] = UInt8((v >> (8 * UInt32(3 - b))) & 0xFF) }
        default: bytes = Array(bytes.prefix(rng.below(bytes.count)))
        }
        guard rng.below(2) == 0 else { return bytes }
        var gz = gzip(bytes)
        switch rng.below(4) {
        case 0: for _ in 0..<(1 + rng.below(4)) { gz[10 + rng.below(gz.count - 10)] ^= UInt8(1 << rng.below(8)) }
        case 1: gz = Array(gz.prefix(rng.below(gz.count)))
        case 2: for b in 0..<4 { gz[gz.count - 1 - b] = UInt8(rng.below(256)) }  // the declared size
        default: break
        }
        return gz
    }

    /// `data` as a gzip stream (zlib's deflate with the gzip wrapper).
    public static func gzip(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    // MARK: plan.json leaves

    /// A JSON document with one random leaf set to a boundary value, a key removed, or a list
    /// emptied, doubled or cut.
    public static func json(_ document: Any, _ rng: inout SeededRandom) -> Any {
        let boundaries: [Any] = [0, 1, -1, 2, 3, 7, 8, 16, 17, 32, 33, 64, 256, Int(Int32.max), Int64.max, Int64.min, -9_223_372_036_854_775_807,
                                 1e308, -1e308, 0.5, "", "x", NSNull(), [Any](), [String: Any]()]
        func mutate(_ value: Any, depth: Int) -> Any {
            if var object = value as? [String: Any], !object.isEmpty {
                let keys = object.keys.sorted()
                let key = keys[rng.below(keys.count)]
                if rng.below(6) == 0 { object.removeValue(forKey: key); return object }
                object[key] = mutate(object[key]!, depth: depth + 1)
                return object
            }
            if var array = value as? [Any], !array.isEmpty {
                switch rng.below(6) {
                case 0: return [Any]()
                case 1: return array + array
                case 2: return Array(array.prefix(rng.below(array.count)))
                default:
                    let i = rng.below(array.count)
                    array[i] = mutate(array[i], depth: depth + 1)
                    return array
                }
            }
            return boundaries[rng.below(boundaries.count)]
        }
        return mutate(document, depth: 0)
    }
}

extension Mutators {
    /// The model with one weight value replaced: element `element` (mod its count) of the
    /// `initializer`-th (mod their count) float initializer stored as raw data. For semantic
    /// mutants: NaN, infinities, huge and subnormal weights in a model that otherwise parses.
    public static func onnxWeight(_ model: [UInt8], initializer: Int, element: Int, value: Float) -> [UInt8] {
        guard var top = fields(model), let g = top.firstIndex(where: { $0.number == 7 && $0.wireType == 2 }),
              var graph = fields(top[g].payload) else { return model }
        // GraphProto.initializer = 5; TensorProto.data_type = 2 (1: float), raw_data = 9.
        let tensors = graph.indices.filter { i in
            guard graph[i].number == 5, let t = fields(graph[i].payload) else { return false }
            let isFloat = t.contains { $0.number == 2 && $0.wireType == 0 && $0.payload == [1] }
            return isFloat && t.contains { $0.number == 9 && $0.payload.count >= 4 }
        }
        guard !tensors.isEmpty else { return model }
        let ti = tensors[initializer % tensors.count]
        var tensor = fields(graph[ti].payload)!
        let r = tensor.firstIndex { $0.number == 9 }!
        let at = 4 * (element % (tensor[r].payload.count / 4))
        withUnsafeBytes(of: value.bitPattern.littleEndian) { for b in 0..<4 { tensor[r].payload[at + b] = $0[b] } }
        graph[ti].payload = serialize(tensor)
        top[g].payload = serialize(graph)
        return serialize(top)
    }
}

extension Mutators {
    /// `prefix` followed by `zeros` zero bytes, deflated as it is produced (a gzip stream, or a raw
    /// deflate stream for a zip member), with the content's CRC-32: a few megabytes that inflate to
    /// gigabytes, without the gigabytes ever being in memory here.
    public static func deflatedZeros(prefix: [UInt8], zeros: Int, gzip: Bool) -> (stream: [UInt8], crc: UInt32) {
        var stream = z_stream()
        deflateInit2_(&stream, 1, Z_DEFLATED, gzip ? 15 + 16 : -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var crc = prefix.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
        func feed(_ input: [UInt8], finish: Bool) {
            var input = input
            input.withUnsafeMutableBufferPointer { inBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                repeat {
                    buffer.withUnsafeMutableBufferPointer { outBuffer in
                        stream.next_out = outBuffer.baseAddress
                        stream.avail_out = UInt32(outBuffer.count)
                        deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                        out += outBuffer[0..<(outBuffer.count - Int(stream.avail_out))]
                    }
                } while stream.avail_out == 0 || (finish && stream.avail_in > 0)
            }
        }
        feed(prefix, finish: false)
        let chunk = [UInt8](repeating: 0, count: 1 << 24)
        var left = zeros
        while left > 0 {
            let n = min(left, chunk.count)
            let part = Array(chunk[0..<n])
            crc = part.withUnsafeBufferPointer { UInt32(CZlib.crc32(UInt(crc), $0.baseAddress, UInt32($0.count))) }
            feed(part, finish: false)
            left -= n
        }
        feed([], finish: true)
        return (out, crc)
    }

    /// A zip of one deflated member whose content is `prefix` and `zeros` zero bytes.
    public static func zipOfDeflatedZeros(name: String, prefix: [UInt8], zeros: Int) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16((v >> 16) & 0xFFFF) }
        let (data, crc) = deflatedZeros(prefix: prefix, zeros: zeros, gzip: false)
        let size = prefix.count + zeros
        var out = u32(0x0403_4B50) + u16(20) + u16(0) + u16(8) + u16(0) + u16(0) + u32(Int(crc)) + u32(data.count) + u32(size)
            + u16(name.utf8.count) + u16(0) + Array(name.utf8) + data
        let start = out.count
        let central = u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(8) + u16(0) + u16(0) + u32(Int(crc)) + u32(data.count)
            + u32(size) + u16(name.utf8.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + Array(name.utf8)
        out += central
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(central.count) + u32(start) + u16(0)
        return out
    }
}
