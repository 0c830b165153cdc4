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
        let (x, yFromFile) = try readArrays(path)
        guard x.shape.count >= 1, x.shape[0] > 0 else { throw ImportError(file: path, "holds no samples (shape \(x.shape))") }
        let count = limit.map { Swift.min($0, x.shape[0]) } ?? x.shape[0]
        let sampleShape = Array(x.shape.dropFirst())
        let size = sampleShape.elementCount
        var values = Array(x.values[0..<(count * size)])
        if scale != 1 || offset != 0 {
            for i in values.indices { values[i] = values[i] * scale + offset }
        }
        var labels: [Int]?
        if let labelsPath {
            let (l, _) = try readArrays(labelsPath)
            labels = try labelArray(l, path: labelsPath, expected: x.shape[0])
        } else if let yFromFile {
            labels = try labelArray(yFromFile, path: path, expected: x.shape[0])
        }
        return Dataset(path: path, count: count, sampleShape: sampleShape, values: values, labels: labels.map { Array($0.prefix(count)) })
    }

    /// Reads raw little-endian values (a `.bin` sample file) of the given element type.
    public static func loadRaw(path: String, elementType: String, sampleShape: [Int], scale: Float = 1, offset: Float = 0) throws -> Dataset {
        guard let type = ElementType(rawValue: elementType) else { throw ImportError(file: path, "unknown element type \(elementType)") }
        let data = try readFile(path)
        let size = sampleShape.elementCount
        guard size > 0, data.count % (type.size * size) == 0, !data.isEmpty else {
            throw ImportError(file: path, "\(data.count) bytes is not a whole number of \(elementType) samples of shape \(sampleShape)")
        }
        let count = data.count / (type.size * size)
        var values = data.withUnsafeBytes { type.decode($0, offset: 0, count: count * size, bigEndian: false) }
        for i in values.indices { values[i] = values[i] * scale + offset }
        return Dataset(path: path, count: count, sampleShape: sampleShape, values: values, labels: nil)
    }

    static func readFile(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, "cannot read the file (missing or not readable)")
        }
        guard !data.isEmpty else { throw ImportError(file: path, "the file is empty") }
        return data
    }

    /// The main array of a data file, and the `y` array of an .npz.
    static func readArrays(_ path: String) throws -> (NumericArray, NumericArray?) {
        var data = try readFile(path)
        do {
            if data.starts(with: [0x1F, 0x8B]) { data = try Inflate.gunzip(data) }
            if data.starts(with: [0x93] + Array("NUMPY".utf8)) { return (try NPY.read(data), nil) }
            if data.starts(with: [0x50, 0x4B]) {
                let arrays = try NPZ.read(data)
                guard let x = arrays["x"] ?? (arrays.count == 1 ? arrays.values.first : nil) else {
                    throw FormatError(".npz has no array named 'x' (found: \(arrays.keys.sorted().joined(separator: ", ")))")
                }
                return (x, arrays["y"])
            }
            if data.count >= 4, data[data.startIndex] == 0, data[data.startIndex + 1] == 0 { return (try IDX.read(data), nil) }
            throw FormatError("unknown data format (expected .npy, .npz or IDX, optionally gzipped)")
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
