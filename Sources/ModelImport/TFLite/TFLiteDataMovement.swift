import Foundation
import GraphIR

/// TFLite operators that only move values (slices, splits, gathers, mirror padding, nearest
/// resizing, depth/space rearrangements): each becomes one `IndexCopy` per output, so operators
/// with several outputs become several single-output nodes.
extension TFLiteImporter {
    static let dataMovement: Set<String> = [
        "SLICE", "STRIDED_SLICE", "SPLIT", "SPLIT_V", "UNPACK", "GATHER", "MIRROR_PAD", "DEPTH_TO_SPACE",
        "SPACE_TO_DEPTH", "RESIZE_NEAREST_NEIGHBOR", "EXPAND_DIMS", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND",
    ]

    /// Imports `code` if it is a data-movement operator and binds all its outputs; false otherwise.
    mutating func importDataMovement(_ code: String, inputs: [Int], outputs: [Int], options: FBTable?) throws -> Bool {
        guard Self.dataMovement.contains(code) else { return false }
        func input(_ i: Int) throws -> ValueID {
            guard i < inputs.count, inputs[i] >= 0 else { throw GraphError("is missing input \(i)") }
            return try value(inputs[i])
        }
        func ints(_ i: Int, _ what: String) throws -> [Int] {
            let id = try input(i)  // may create the constant: read the graph only afterwards
            guard let tensor = graph.constant(id) else { throw GraphError("\(what) must be a constant") }
            return tensor.ints.map { Int(clamping: $0) }
        }
        func option(_ id: Int) throws -> Int { Int(try options?.int32(id, default: 0) ?? 0) }
        let x = try input(code == "SPLIT" ? 1 : 0)
        let shape = graph.shape(x)
        let rank = shape.count
        let all = shape.map { Array(0..<$0) }
        var results = [IndexCopy]()
        switch code {
        case "SLICE":
            let begin = try ints(1, "the begin"), size = try ints(2, "the size")
            guard begin.count == rank, size.count == rank else { throw GraphError("begin and size do not match rank \(rank)") }
            let picks = try (0..<rank).map { k -> [Int] in
                let end = size[k] < 0 ? shape[k] : begin[k] + size[k]
                guard begin[k] >= 0, end <= shape[k], begin[k] <= end else { throw GraphError("slice \(begin) + \(size) is outside \(shape)") }
                return Array(begin[k]..<end)
            }
            results = [try .picking(picks, from: shape, source: "slice")]
        case "STRIDED_SLICE":
            results = [try stridedSliceCopy(shape: shape, begin: try ints(1, "the begin"), end: try ints(2, "the end"),
                                            strides: try ints(3, "the strides"), options: options)]
        case "SPLIT", "SPLIT_V":
            let axisInput = code == "SPLIT" ? 0 : 2
            guard let axisValue = try ints(axisInput, "the axis").first else { throw GraphError("has no axis") }
            let axis = try normalizedAxis(axisValue, rank: rank)
            var sizes: [Int]
            if code == "SPLIT" {
                guard !outputs.isEmpty, shape[axis] % outputs.count == 0 else { throw GraphError("\(shape[axis]) does not split into \(outputs.count)") }
                sizes = [Int](repeating: shape[axis] / outputs.count, count: outputs.count)
            } else {
                sizes = try ints(1, "the sizes")
                if let unknown = sizes.firstIndex(of: -1) { sizes[unknown] = shape[axis] - (sizes.reduce(0, +) + 1) }
            }
            guard sizes.count == outputs.count else { throw GraphError("\(sizes.count) sizes for \(outputs.count) outputs") }
            results = try IndexCopy.splitting(shape, axis: axis, sizes: sizes)
        case "UNPACK":
            let axis = try normalizedAxis(try option(1), rank: rank)
            guard outputs.count == shape[axis] else { throw GraphError("unpacks \(shape[axis]) values into \(outputs.count) outputs") }
            for i in 0..<shape[axis] {
                var picks = all
                picks[axis] = [i]
                var outShape = shape
                outShape.remove(at: axis)
                results.append(try .picking(picks, from: shape, shape: outShape, source: "unpack"))
            }
        case "GATHER":
            let indices = try input(1)
            guard let indexTensor = graph.constant(indices) else { throw GraphError("gathers on indices computed at run time") }
            guard try option(1) == 0 else { throw GraphError("batch_dims is not supported") }
            let axis = try normalizedAxis(try option(0), rank: rank)
            results = [try .gathering(indexTensor, axis: axis, from: shape)]
        case "MIRROR_PAD":
            let paddings = try ints(1, "the paddings")
            guard paddings.count == 2 * rank else { throw GraphError("paddings do not match rank \(rank)") }
            let mode: IndexCopy.BorderMode = try options?.int8(0) ?? 0 == 0 ? .reflect : .symmetric
            let picks = try (0..<rank).map {
                try IndexCopy.paddedIndices(size: shape[$0], before: paddings[2 * $0], after: paddings[2 * $0 + 1], mode: mode)
            }
            results = [try .picking(picks, from: shape, source: "mirror_pad")]
        case "DEPTH_TO_SPACE":
            results = [try .depthToSpace(inputShape: shape, block: try option(0))]
        case "SPACE_TO_DEPTH":
            results = [try .spaceToDepth(inputShape: shape, block: try option(0))]
        case "RESIZE_NEAREST_NEIGHBOR":
            let size = try ints(1, "the size")
            guard rank == 4, size.count == 2, size.allSatisfy({ (1...65536).contains($0) }) else {
                throw GraphError("needs a 4-D input and an output size of two numbers in 1…65536")
            }
            let alignCorners = try options?.bool(0) ?? false, halfPixel = try options?.bool(1) ?? false
            var picks = all
            for (k, axis) in [1, 2].enumerated() {
                picks[axis] = (0..<size[k]).map {
                    Self.nearest($0, inputSize: shape[axis], outputSize: size[k], alignCorners: alignCorners, halfPixel: halfPixel)
                }
            }
            results = [try .picking(picks, from: shape, source: "resize_nearest")]
        case "BATCH_TO_SPACE_ND":
            // y[n, r, c', ch] with r + crop_top = h·bh + i and c' + crop_left = w·bw + j reads
            // x[(i·bw + j)·N + n, h, w, ch]: one list of offsets per output axis.
            let block = try ints(1, "the block shape"), crops = try ints(2, "the crops")
            guard rank == 4, block.count == 2, crops.count == 4, block.allSatisfy({ $0 >= 1 }), crops.allSatisfy({ $0 >= 0 }),
                  shape[0] % (block[0] * block[1]) == 0 else {
                throw GraphError("needs a 4-D input, a block of two and crops of four (input \(shape), block \(block), crops \(crops))")
            }
            let n = shape[0] / (block[0] * block[1]), strides = rowMajorStrides(shape)
            let height = shape[1] * block[0] - crops[0] - crops[1], width = shape[2] * block[1] - crops[2] - crops[3]
            guard height >= 1, width >= 1 else { throw GraphError("the crops remove the whole image") }
            let rows = (0..<height).map { r -> Int in
                let y = r + crops[0]
                return (y / block[0]) * strides[1] + (y % block[0]) * block[1] * n * strides[0]
            }
            let columns = (0..<width).map { c -> Int in
                let x = c + crops[2]
                return (x / block[1]) * strides[2] + (x % block[1]) * n * strides[0]
            }
            results = [IndexCopy(offsets: [(0..<n).map { $0 * strides[0] }, rows, columns, Array(0..<shape[3])],
                                 shape: [n, height, width, shape[3]], source: "batch_to_space")]
        case "SPACE_TO_BATCH_ND":
            // Zero padding, then y[(i·bw + j)·N + n, h, w, ch] = padded[n, h·bh + i, w·bw + j, ch].
            let block = try ints(1, "the block shape"), pads = try ints(2, "the paddings")
            guard rank == 4, block.count == 2, pads.count == 4, block.allSatisfy({ $0 >= 1 }), pads.allSatisfy({ $0 >= 0 }) else {
                throw GraphError("needs a 4-D input, a block of two and paddings of four")
            }
            let padded = [shape[0], shape[1] + pads[0] + pads[1], shape[2] + pads[2] + pads[3], shape[3]]
            guard padded[1] % block[0] == 0, padded[2] % block[1] == 0 else { throw GraphError("the block does not divide the padded image") }
            var source = x
            if pads.contains(where: { $0 > 0 }) {
                source = try emit(.pad(Pad(before: [0, pads[0], pads[2], 0], after: [0, pads[1], pads[3], 0], value: 0)), [x],
                                  name: try tensorName(outputs[0]) + ".padded")
                graph[source].quantization = graph[x].quantization
            }
            let strides = rowMajorStrides(padded)
            let view = [block[0], block[1], padded[0], padded[1] / block[0], padded[2] / block[1], padded[3]]
            let steps = [strides[1], strides[2], strides[0], block[0] * strides[1], block[1] * strides[2], 1]
            let copy = IndexCopy(offsets: zip(view, steps).map { count, step in (0..<count).map { $0 * step } },
                                 shape: [padded[0] * block[0] * block[1], view[3], view[4], padded[3]], source: "space_to_batch")
            try bind(outputs[0], try emit(.indexCopy(copy), [source], name: try tensorName(outputs[0])))
            return true
        case "EXPAND_DIMS":
            guard let axisValue = try ints(1, "the axis").first else { throw GraphError("has no axis") }
            let axis = try normalizedAxis(axisValue, rank: rank + 1)
            var outShape = shape
            outShape.insert(1, at: axis)
            try bind(outputs[0], try reshaped(x, outShape, name: try tensorName(outputs[0])))
            return true
        default:
            return false
        }
        guard results.count == outputs.count else { throw GraphError("has \(outputs.count) outputs, expected \(results.count)") }
        for (copy, out) in zip(results, outputs) {
            let name = try tensorName(out)
            let id: ValueID
            if let tensor = graph.constant(x) {
                id = graph.addConstant(name: name, copy.applied(to: tensor))
            } else {
                id = try emit(.indexCopy(copy), [x], name: name)
            }
            try bind(out, id)
        }
        return true
    }

    /// TFLite's nearest-neighbour source index, computed in float as its kernels do.
    static func nearest(_ i: Int, inputSize: Int, outputSize: Int, alignCorners: Bool, halfPixel: Bool) -> Int {
        let scale: Float = alignCorners && outputSize > 1 ? Float(inputSize - 1) / Float(outputSize - 1) : Float(inputSize) / Float(outputSize)
        let offset: Float = halfPixel ? 0.5 : 0
        let position = (Float(i) + offset) * scale
        var source = min(Int(alignCorners ? position.rounded(.toNearestOrAwayFromZero) : position.rounded(.down)), inputSize - 1)
        if halfPixel { source = max(0, source) }
        return source
    }

    /// STRIDED_SLICE with begin, end and shrink masks (new-axis and ellipsis masks are refused).
    func stridedSliceCopy(shape: [Int], begin: [Int], end: [Int], strides: [Int], options: FBTable?) throws -> IndexCopy {
        let rank = shape.count
        guard begin.count == rank, end.count == rank, strides.count == rank, strides.allSatisfy({ $0 != 0 }) else {
            throw GraphError("begin, end and strides do not match rank \(rank)")
        }
        let beginMask = Int(try options?.int32(0) ?? 0), endMask = Int(try options?.int32(1) ?? 0)
        let ellipsisMask = Int(try options?.int32(2) ?? 0), newAxisMask = Int(try options?.int32(3) ?? 0)
        let shrinkMask = Int(try options?.int32(4) ?? 0)
        guard ellipsisMask == 0, newAxisMask == 0 else { throw GraphError("ellipsis and new-axis masks are not supported") }
        var picks = [[Int]](), outShape = [Int]()
        for k in 0..<rank {
            let n = shape[k], step = strides[k]
            func clamp(_ v: Int, masked: Bool, isBegin: Bool) -> Int {
                if masked { return isBegin ? (step > 0 ? 0 : n - 1) : (step > 0 ? n : -1) }
                let v = v < 0 ? v + n : v
                return step > 0 ? min(max(v, 0), n) : min(max(v, -1), n - 1)
            }
            let b = clamp(begin[k], masked: beginMask >> k & 1 != 0, isBegin: true)
            if shrinkMask >> k & 1 != 0 {
                guard b >= 0, b < n else { throw GraphError("shrinks axis \(k) at \(begin[k]), outside \(n)") }
                picks.append([b])
                continue
            }
            let e = clamp(end[k], masked: endMask >> k & 1 != 0, isBegin: false)
            let indices = IndexCopy.range(from: b, to: e, step: step)
            picks.append(indices)
            outShape.append(indices.count)
        }
        return try .picking(picks, from: shape, shape: outShape, source: "strided_slice")
    }
}
