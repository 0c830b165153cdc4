import GraphIR

/// A sparse TFLite tensor (its SparsityParameters): the stored values are the nonzero ones, walked
/// level by level in `traversalOrder` over the tensor's dimensions and, for block sparsity, the
/// dimensions of a block. Each level is dense (every index) or compressed (CSR: per parent
/// position, a segment of stored indices). The importer densifies such tensors: the model then
/// runs like any other, its zeros stored.
struct TFLiteSparsity {
    enum Level {
        case dense(Int)
        case compressed(segments: [Int], indices: [Int])
    }

    let traversalOrder: [Int]
    /// For each block dimension, the tensor dimension it subdivides.
    let blockMap: [Int]
    let blockSizes: [Int]
    let levels: [Level]

    private enum Field { static let traversalOrder = 0, blockMap = 1, dimMetadata = 2 }
    private enum Metadata { static let format = 0, denseSize = 1, segmentsType = 2, segments = 3, indicesType = 4, indices = 5 }

    init(_ table: FBTable, shape: [Int]) throws {
        let n = shape.count
        traversalOrder = try table.vector(Field.traversalOrder, elementSize: 4)?.int32s.map(Int.init) ?? Array(0..<n)
        blockMap = try table.vector(Field.blockMap, elementSize: 4)?.int32s.map(Int.init) ?? []
        let k = blockMap.count
        guard traversalOrder.sorted() == Array(0..<(n + k)), traversalOrder.prefix(n).sorted() == Array(0..<n),
              blockMap.allSatisfy({ $0 >= 0 && $0 < n }), Set(blockMap).count == k else {
            throw FormatError("sparse tensor: traversal order \(traversalOrder) and block map \(blockMap) do not fit shape \(shape)")
        }
        guard let metadata = try table.vector(Field.dimMetadata, elementSize: 4), metadata.count == n + k else {
            throw FormatError("sparse tensor: needs one dimension metadata per traversed dimension")
        }
        var levels = [Level]()
        for level in 0..<(n + k) {
            let entry = try metadata.table(level)
            if try entry.int8(Metadata.format) == 0 {
                levels.append(.dense(Int(try entry.int32(Metadata.denseSize))))
            } else {
                levels.append(.compressed(segments: try Self.indexVector(entry, Metadata.segmentsType, Metadata.segments),
                                          indices: try Self.indexVector(entry, Metadata.indicesType, Metadata.indices)))
            }
        }
        // A block dimension's size is the dense size of the level that walks it.
        let order = traversalOrder, map = blockMap
        blockSizes = try (0..<k).map { j in
            guard case .dense(let size) = levels[order.firstIndex(of: n + j)!], size > 0, shape[map[j]] % size == 0 else {
                throw FormatError("sparse tensor: block \(j) needs a dense level whose size divides dimension \(map[j])")
            }
            return size
        }
        self.levels = levels
    }

    /// A SparseIndexVector union: Int32Vector (1), Uint16Vector (2) or Uint8Vector (3), each one
    /// table whose field 0 holds the values.
    private static func indexVector(_ entry: FBTable, _ typeField: Int, _ field: Int) throws -> [Int] {
        let type = try entry.uint8(typeField)
        guard let table = try entry.table(field), (1...3).contains(type) else {
            throw FormatError("sparse tensor: a compressed dimension lacks its segments or indices")
        }
        let size = [4, 2, 1][Int(type) - 1]
        guard let vector = try table.vector(0, elementSize: size) else { return [] }
        switch size {
        case 4: return vector.int32s.map(Int.init)
        case 2: return stride(from: 0, to: vector.count * 2, by: 2).map { Int(vector.bytes[vector.start + $0]) | Int(vector.bytes[vector.start + $0 + 1]) << 8 }
        default: return vector.bytes.map(Int.init)
        }
    }

    /// The flat (row-major) index in the dense tensor of each stored value, in storage order.
    func denseIndices(shape: [Int], stored: Int) throws -> [Int] {
        let n = shape.count
        var blocked = shape
        for (j, d) in blockMap.enumerated() { blocked[d] /= blockSizes[j] }
        // The size of each level's dimension.
        let sizes = traversalOrder.map { $0 < n ? blocked[$0] : blockSizes[$0 - n] }
        var result = [Int]()
        result.reserveCapacity(stored)
        var indices = [Int](repeating: 0, count: levels.count)

        func walk(_ level: Int, _ parent: Int) throws {
            if level == levels.count {
                guard result.count < stored else { throw FormatError("sparse tensor: its layout addresses more values than it stores") }
                var original = [Int](repeating: 0, count: n)
                for i in 0..<n { original[traversalOrder[i]] = indices[i] }
                for i in n..<levels.count {
                    let j = traversalOrder[i] - n
                    original[blockMap[j]] = original[blockMap[j]] * blockSizes[j] + indices[i]
                }
                result.append(zip(original, shape).reduce(0) { $0 * $1.1 + $1.0 })
                return
            }
            switch levels[level] {
            case .dense(let size):
                guard size == sizes[level] else { throw FormatError("sparse tensor: dense level \(level) has size \(size), expected \(sizes[level])") }
                for i in 0..<size {
                    indices[level] = i
                    try walk(level + 1, parent * size + i)
                }
            case .compressed(let segments, let stored):
                guard parent + 1 < segments.count, segments[parent] >= 0, segments[parent] <= segments[parent + 1],
                      segments[parent + 1] <= stored.count else {
                    throw FormatError("sparse tensor: compressed level \(level) has invalid segments")
                }
                for i in segments[parent]..<segments[parent + 1] {
                    guard stored[i] >= 0, stored[i] < sizes[level] else { throw FormatError("sparse tensor: index \(stored[i]) out of range") }
                    indices[level] = stored[i]
                    try walk(level + 1, i)
                }
            }
        }
        try walk(0, 0)
        guard result.count == stored else { throw FormatError("sparse tensor: stores \(stored) values, its layout addresses \(result.count)") }
        return result
    }
}
