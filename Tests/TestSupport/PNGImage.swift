import CZlib
import Foundation

/// Just enough of PNG to read a browser's screenshot back: 8-bit greyscale, RGB or RGBA,
/// not interlaced; the five row filters undone. Pixels come out as RGB.
public struct PNGImage {
    public var width: Int
    public var height: Int
    /// width·height·3 bytes, row by row.
    public var rgb: [UInt8]

    public struct Unsupported: Error, CustomStringConvertible {
        public var description: String
    }

    public init(contentsOf path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count > 8, data[0..<8] == [137, 80, 78, 71, 13, 10, 26, 10] else { throw Unsupported(description: "\(path): not a PNG") }
        func be32(_ i: Int) -> Int { Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3]) }
        var offset = 8, compressed = [UInt8](), header = [UInt8]()
        while offset + 8 <= data.count {
            let length = be32(offset), type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= data.count else { throw Unsupported(description: "\(path): truncated chunk \(type)") }
            let body = data[(offset + 8)..<(offset + 8 + length)]
            if type == "IHDR" { header = Array(body) }
            if type == "IDAT" { compressed += body }
            if type == "IEND" { break }
            offset += 12 + length
        }
        guard header.count == 13 else { throw Unsupported(description: "\(path): no IHDR") }
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        let channelsOf: [UInt8: Int] = [0: 1, 2: 3, 6: 4]
        guard header[8] == 8, let channels = channelsOf[header[9]], header[12] == 0 else {
            throw Unsupported(description: "\(path): bit depth \(header[8]), colour type \(header[9]), interlace \(header[12]) not supported")
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var size = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, Int(size) == raw.count else { throw Unsupported(description: "\(path): image data does not inflate (zlib \(status))") }

        var previous = [UInt8](repeating: 0, count: stride), pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            var row = Array(raw[(y * (stride + 1) + 1)...(y * (stride + 1) + stride)])
            for i in 0..<stride {
                let a = i >= channels ? Int(row[i - channels]) : 0, b = Int(previous[i]), c = i >= channels ? Int(previous[i - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Unsupported(description: "\(path): row \(y) has filter \(filter)")
                }
                row[i] = UInt8(truncatingIfNeeded: Int(row[i]) + predictor)
            }
            for x in 0..<width {
                let p = x * channels
                if channels == 1 { pixels += [row[p], row[p], row[p]] } else { pixels += [row[p], row[p + 1], row[p + 2]] }
            }
            previous = row
        }
        rgb = pixels
    }

    /// The share of pixels that differ from the top-left one (the page background) by more than `tolerance` per channel.
    public func nonBackgroundRatio(tolerance: Int = 8) -> Double {
        guard width * height > 0 else { return 0 }
        let background = (Int(rgb[0]), Int(rgb[1]), Int(rgb[2]))
        var differing = 0
        for i in stride(from: 0, to: rgb.count, by: 3)
        where abs(Int(rgb[i]) - background.0) > tolerance || abs(Int(rgb[i + 1]) - background.1) > tolerance || abs(Int(rgb[i + 2]) - background.2) > tolerance {
            differing += 1
        }
        return Double(differing) / Double(width * height)
    }
}
