import Foundation
import GraphIR

/// Samples (and optional labels) ready to feed a model: `values` holds `count` samples of
/// `sampleShape` each, contiguous, already preprocessed as `raw·scale + offset`.
public struct Dataset: Sendable {
    public var path: String
    public var count: Int
    public var sampleShape: [Int]
    public var values: [Float]
    public var labels: [Int]?
    /// The element type the file stores ("uint8", "int8", "int16", "float32", ...): integers of
    /// a quantized model input's own type are its stored integers, not real values.
    public var storedType = "float32"

    public var sampleSize: Int { sampleShape.elementCount }

    public func sample(_ index: Int) -> ArraySlice<Float> {
        values[(index * sampleSize)..<((index + 1) * sampleSize)]
    }

    /// The first `limit` samples (all when nil), or the samples in `range`.
    public func prefix(_ limit: Int?) -> Dataset {
        guard let limit, limit < count else { return self }
        return slice(0..<limit)
    }

    public func slice(_ range: Range<Int>) -> Dataset {
        var copy = self
        let r = range.clamped(to: 0..<count)
        copy.count = r.count
        copy.values = Array(values[(r.lowerBound * sampleSize)..<(r.upperBound * sampleSize)])
        copy.labels = labels.map { Array($0[r]) }
        return copy
    }

    /// Rearranges the samples to a model input of shape `[1] + sample dims` (or `[sample dims]`).
    ///
    /// Samples match when their element count does. Multi-channel images stored HWC for a CHW input
    /// (or CHW for HWC) are transposed; anything else of the right size is fed in stored order.
    public func arranged(for inputShape: [Int], inputName: String) throws -> Dataset {
        let target = inputShape.first == 1 && inputShape.count > 1 ? Array(inputShape.dropFirst()) : inputShape
        guard target.elementCount == sampleSize else {
            throw ImportError(file: path, "a sample has shape \(sampleShape) (\(sampleSize) values) but model input '\(inputName)' takes \(inputShape) (\(target.elementCount) values)")
        }
        var copy = self
        copy.sampleShape = inputShape
        let squeezed = sampleShape.filter { $0 != 1 }
        let targetSqueezed = target.filter { $0 != 1 }
        guard squeezed != targetSqueezed, squeezed.count == 3, targetSqueezed.count == 3 else { return copy }
        let perm: [Int]
        if squeezed == [targetSqueezed[1], targetSqueezed[2], targetSqueezed[0]] {
            perm = [2, 0, 1]  // HWC -> CHW
        } else if squeezed == [targetSqueezed[2], targetSqueezed[0], targetSqueezed[1]] {
            perm = [1, 2, 0]  // CHW -> HWC
        } else {
            return copy
        }
        var out = [Float]()
        out.reserveCapacity(values.count)
        for i in 0..<count {
            out.append(contentsOf: transposeData(Array(sample(i)), shape: squeezed, perm: perm))
        }
        copy.values = out
        return copy
    }
}

public enum DataReader {
    /// Reads samples from .npy, .npz (`x`, optional `y`) or IDX (optionally gzipped); labels from
    /// `labelsPath` when given. The first axis is the sample axis.
    public static func load(path: String, labelsPath: String? = nil, scale: Float = 1, offset: Float = 0,
                            limit: Int? = nil) throws -> Dataset {
        guard scale.isFinite, offset.isFinite else { throw ImportError(file: path, "--scale and --offset must be finite numbers") }
        let (x, yFromFile) = try readArrays(path, rows: limit)
        return try dataset(x, labels: yFromFile, path: path, labelsPath: labelsPath, scale: scale, offset: offset)
    }

    /// The samples of a model with several inputs: one .npz holding an array per input, the first
    /// of its `names` found (the model's input name, …), `y` optional. One dataset per input, in
    /// input order, with the same count.
    public static func loadInputs(path: String, names inputNames: [[String]], labelsPath: String? = nil, scale: Float = 1, offset: Float = 0,
                                  limit: Int? = nil) throws -> [Dataset] {
        guard scale.isFinite, offset.isFinite else { throw ImportError(file: path, "--scale and --offset must be finite numbers") }
        let data = try readFile(path)
        guard data.starts(with: [0x50, 0x4B]) else {
            throw ImportError(file: path, "a model with \(inputNames.count) inputs reads one .npz with an array per input")
        }
        do {
            let names = try NPZ.names(data)
            let chosen = try inputNames.map { candidates -> String in
                guard let found = candidates.first(where: names.contains) else {
                    throw FormatError("no array for input '\(candidates.first ?? "")' (named \(candidates.map { "'\($0)'" }.joined(separator: " or ")); found: \(names.joined(separator: ", ")))")
                }
                return found
            }
            let arrays = try NPZ.read(data, names: chosen + ["y"], rows: limit)
            let sets = try chosen.map { try dataset(arrays[$0]!, labels: arrays["y"], path: path, labelsPath: labelsPath, scale: scale, offset: offset) }
            guard sets.allSatisfy({ $0.count == sets[0].count }) else {
                throw FormatError("the input arrays hold different numbers of samples (\(sets.map(\.count)))")
            }
            return sets
        } catch let error as FormatError {
            throw ImportError(file: path, error.message)
        }
    }

    private static func dataset(_ x: NumericArray, labels yFromFile: NumericArray?, path: String, labelsPath: String?, scale: Float,
                                offset: Float) throws -> Dataset {
        guard x.shape.count >= 1, x.shape[0] > 0 else { throw ImportError(file: path, "holds no samples (shape \(x.shape))") }
        let count = x.shape[0]
        let sampleShape = Array(x.shape.dropFirst())
        var values = x.values
        if scale != 1 || offset != 0 {
            for i in values.indices { values[i] = values[i] * scale + offset }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ImportError(file: path, "sample \(bad / Swift.max(1, sampleShape.elementCount)) holds \(values[bad]): samples must be finite numbers")
        }
        var labels: [Int]?
        if let labelsPath {
            let (l, _) = try readArrays(labelsPath, rows: count)
            labels = try labelArray(l, path: labelsPath, expected: count)
        } else if let yFromFile {
            labels = try labelArray(yFromFile, path: path, expected: count)
        }
        var set = Dataset(path: path, count: count, sampleShape: sampleShape, values: values, labels: labels.map { Array($0.prefix(count)) })
        set.storedType = x.storedType
        return set
    }

    /// The element types `loadRaw` reads.
    public static let rawTypes = ["int8", "uint8", "int16", "float32"]

    /// Reads raw little-endian values (a `.bin` sample file) of the given element type: the first
    /// `limit` samples of `sampleShape` (all when nil), labels from `labelsPath` when given.
    public static func loadRaw(path: String, elementType: String, sampleShape: [Int], labelsPath: String? = nil, scale: Float = 1,
                               offset: Float = 0, limit: Int? = nil) throws -> Dataset {
        guard let type = ElementType(rawValue: elementType) else { throw ImportError(file: path, "unknown element type \(elementType)") }
        guard scale.isFinite, offset.isFinite else { throw ImportError(file: path, "--scale and --offset must be finite numbers") }
        let data = try readFile(path)
        let size = sampleShape.elementCount
        guard size > 0, data.count % (type.size * size) == 0 else {
            throw ImportError(file: path, "\(data.count) bytes is not a whole number of \(elementType) samples of shape \(sampleShape) "
                                          + "(\(type.size * size) bytes each)")
        }
        let count = min(data.count / (type.size * size), limit ?? Int.max)
        let decoded = data.withUnsafeBytes { type.decode($0, offset: 0, count: count * size, bigEndian: false) }
        let x = NumericArray(shape: [count] + sampleShape, values: decoded, storedType: elementType)
        return try dataset(x, labels: nil, path: path, labelsPath: labelsPath, scale: scale, offset: offset)
    }

    static func readFile(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, "cannot read the file (missing or not readable)")
        }
        guard !data.isEmpty else { throw ImportError(file: path, "the file is empty") }
        return data
    }

    /// The first `rows` rows (all when nil) of a data file's main array, and of the `y` array of
    /// an .npz. Headers are read first; only the rows asked for are decompressed and decoded.
    static func readArrays(_ path: String, rows: Int? = nil) throws -> (NumericArray, NumericArray?) {
        let file = try readFile(path)
        do {
            var data = file
            let gzipped = file.starts(with: [0x1F, 0x8B])
            // The header first, then as much of the stream as the rows need (all of it, checked
            // against the size the header declares, for a whole read).
            if gzipped { data = try Inflate.gunzip(file, prefix: NPY.maxHeaderBytes + 12) }
            let header: ArrayHeader
            var isIDX = false
            if data.starts(with: [0x93] + Array("NUMPY".utf8)) {
                header = try NPY.header(data)
            } else if !gzipped, data.starts(with: [0x50, 0x4B]) {
                let names = try NPZ.names(data)
                let main = names.contains("x") ? "x" : (names.count == 1 ? names[0] : nil)
                guard let main else {
                    throw FormatError(".npz has no array named 'x' (found: \(names.joined(separator: ", ")))")
                }
                let arrays = try NPZ.read(data, names: [main, "y"], rows: rows)
                return (arrays[main]!, main == "y" ? nil : arrays["y"])
            } else if data.count >= 4, data[data.startIndex] == 0, data[data.startIndex + 1] == 0 {
                header = try IDX.header(data)
                isIDX = true
            } else {
                throw FormatError("unknown data format (expected .npy, .npz or IDX, optionally gzipped)")
            }
            try header.checkDecodable(rows: rows)
            let whole = rows.map { $0 >= header.rows } ?? true
            if gzipped {
                data = whole ? try Inflate.gunzip(file, expectedSize: header.totalBytes)
                             : try Inflate.gunzip(file, prefix: header.bytes(throughRow: rows!))
            }
            if isIDX, whole, data.count != header.totalBytes {
                throw FormatError("IDX data has \(data.count - header.dataOffset) bytes but shape \(header.shape) needs \(header.totalBytes - header.dataOffset)")
            }
            return (try header.decode(data, rows: rows), nil)
        } catch let error as FormatError {
            throw ImportError(file: path, error.message)
        }
    }

    private static func labelArray(_ array: NumericArray, path: String, expected: Int) throws -> [Int] {
        let flat = array.shape.count == 1 || (array.shape.count == 2 && array.shape[1] == 1)
        guard flat else { throw ImportError(file: path, "labels must be one integer per sample (shape \(array.shape))") }
        guard array.shape[0] >= expected else {
            throw ImportError(file: path, "has \(array.shape[0]) labels for \(expected) samples")
        }
        return try array.values.map { value in
            guard value >= 0, value == value.rounded(), value < 1e6 else { throw ImportError(file: path, "label \(value) is not a class index") }
            return Int(value)
        }
    }
}
