import GraphIR

/// ONNX operators that only move values, in ONNX's NCHW semantics: each becomes one `IndexCopy`
/// per output (folded right away on constants, so shape arithmetic still evaluates at import).
/// The transposes around them fold into the copies (`SinkTransposes`).
extension ONNXImporter {
    static let dataMovement: Set<String> = ["Slice", "Gather", "Split", "DepthToSpace", "SpaceToDepth", "Resize", "Upsample", "Tile", "Expand"]

    /// Imports `node` if it is a data-movement operator and binds all its outputs; false otherwise.
    mutating func importDataMovement(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        guard Self.dataMovement.contains(node.opType) else { return false }
        let x = try input(node, 0)
        let shape = graph.shape(x)
        let rank = shape.count
        var results = [IndexCopy]()
        switch node.opType {
        case "Slice":
            results = [try .picking(try sliceIndices(node, attributes, shape: shape), from: shape, source: "slice")]
        case "Gather":
            let indexTensor = try constantInput(node, 1, "the indices")
            let axis = try normalizedAxis(try attributes.int("axis", default: 0), rank: rank)
            results = [try .gathering(indexTensor, axis: axis, from: shape)]
        case "Split":
            let axis = try normalizedAxis(try attributes.int("axis", default: 0), rank: rank)
            let outputs = node.output.count
            var sizes: [Int]
            if opset >= 13, hasInput(node, 1) {
                sizes = try constantInput(node, 1, "the split sizes").ints.map { Int(clamping: $0) }
            } else if let attribute = try attributes.ints("split") {
                sizes = attribute
            } else {
                // Equal parts; with num_outputs (opset 18) the last may be smaller.
                let parts = try attributes.int("num_outputs", default: outputs)
                guard parts >= 1 else { throw GraphError("splits into \(parts) parts") }
                let size = (shape[axis] + parts - 1) / parts
                sizes = (0..<parts).map { Swift.max(0, Swift.min(size, shape[axis] - $0 * size)) }
            }
            guard sizes.count == outputs else { throw GraphError("\(sizes.count) sizes for \(outputs) outputs") }
            results = try IndexCopy.splitting(shape, axis: axis, sizes: sizes)
        case "DepthToSpace", "SpaceToDepth":
            let block = try attributes.int("blocksize", default: 0)
            let crd = attributes.string("mode", default: "DCR") == "CRD"
            results = [try node.opType == "DepthToSpace" ? Self.depthToSpaceNCHW(shape, block: block, crd: crd) : Self.spaceToDepthNCHW(shape, block: block)]
        case "Resize", "Upsample":
            results = [try resizeNearest(node, attributes, shape: shape)]
        case "Tile":
            let repeats = try constantInput(node, 1, "the repeats").ints.map { Int(clamping: $0) }
            guard repeats.count == rank, repeats.allSatisfy({ $0 >= 1 }),
                  zip(shape, repeats).reduce(1, { $0 * Double($1.0) * Double($1.1) }) <= Double(ShapeInference.maxElements) else {
                throw GraphError("repeats \(repeats) do not fit the input \(shape)")
            }
            results = [try .picking(zip(shape, repeats).map { n, r in (0..<(n * r)).map { $0 % n } }, from: shape, source: "tile")]
        case "Expand":
            let target = try constantInput(node, 1, "the shape").ints.map { Int(clamping: $0) }
            let aligned = [Int](repeating: 1, count: Swift.max(0, target.count - rank)) + shape
            guard target.allSatisfy({ $0 >= 0 }), let outShape = broadcastShapes(aligned, target),
                  outShape.elementCount <= ShapeInference.maxElements else { throw GraphError("cannot expand \(shape) to \(target)") }
            let picks = zip(aligned, outShape).map { n, m in (0..<m).map { n == 1 ? 0 : $0 } }
            results = [try .picking(picks, from: aligned, shape: outShape, source: "expand")]
        default:
            return false
        }
        guard results.count == node.output.count else { throw GraphError("has \(node.output.count) outputs, expected \(results.count)") }
        for (copy, output) in zip(results, node.output) {
            let id: ValueID
            if let tensor = graph.constant(x) {
                id = graph.addConstant(name: output, copy.applied(to: tensor))
            } else {
                id = try emit(.indexCopy(copy), [x], name: results.count > 1 ? output : name, output: output)
            }
            values[output] = id
        }
        return true
    }

    /// Per axis, the input indices a Slice keeps (starts, ends, axes and steps as ONNX clamps them).
    private func sliceIndices(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, shape: [Int]) throws -> [[Int]] {
        var starts: [Int64], ends: [Int64], axes: [Int64], steps: [Int64]
        if opset < 10 {
            starts = (try attributes.ints("starts") ?? []).map(Int64.init)
            ends = (try attributes.ints("ends") ?? []).map(Int64.init)
            axes = (try attributes.ints("axes") ?? Array(0..<starts.count)).map(Int64.init)
        } else {
            starts = try constantInput(node, 1, "starts").ints
            ends = try constantInput(node, 2, "ends").ints
            axes = hasInput(node, 3) ? try constantInput(node, 3, "axes").ints : (0..<Int64(starts.count)).map { $0 }
        }
        steps = opset >= 10 && hasInput(node, 4) ? try constantInput(node, 4, "steps").ints : [Int64](repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw GraphError("starts, ends, axes and steps differ in length")
        }
        var picks = shape.map { Array(0..<$0) }
        for i in starts.indices {
            let axis = try normalizedAxis(Int(clamping: axes[i]), rank: shape.count)
            let dim = Int64(shape[axis]), step = steps[i]
            guard step != 0 else { throw GraphError("step 0") }
            func clamp(_ v: Int64, _ lo: Int64, _ hi: Int64) -> Int64 { Swift.min(Swift.max(v, lo), hi) }
            var s = starts[i] < 0 ? starts[i] &+ dim : starts[i]
            var e = ends[i] < 0 ? ends[i] &+ dim : ends[i]
            if step > 0 {
                s = clamp(s, 0, dim); e = clamp(e, 0, dim)
            } else {
                s = clamp(s, -1, dim - 1); e = clamp(e, -1, dim - 1)
            }
            picks[axis] = IndexCopy.range(from: Int(s), to: Int(e), step: Int(clamp(step, -dim - 1, dim + 1)))
        }
        return picks
    }

    /// NCHW depth-to-space: DCR y[n, c, h·b + i, w·b + j] = x[n, (i·b + j)·C + c, h, w]; CRD reads x[n, c·b² + i·b + j, h, w].
    static func depthToSpaceNCHW(_ x: [Int], block b: Int, crd: Bool) throws -> IndexCopy {
        guard x.count == 4, b >= 1, x[1] % (b * b) == 0 else { throw GraphError("block \(b) does not divide the channels of \(x)") }
        let c = x[1] / (b * b), plane = x[2] * x[3]
        let view = [x[0], c, x[2], b, x[3], b]
        let strides = crd ? [x[1] * plane, b * b * plane, x[3], b * plane, 1, plane]
                          : [x[1] * plane, plane, x[3], b * c * plane, 1, c * plane]
        return IndexCopy(offsets: zip(view, strides).map { n, s in (0..<n).map { $0 * s } },
                         shape: [x[0], c, x[2] * b, x[3] * b], source: "depth_to_space")
    }

    /// NCHW space-to-depth: y[n, (i·b + j)·C + c, h, w] = x[n, c, h·b + i, w·b + j].
    static func spaceToDepthNCHW(_ x: [Int], block b: Int) throws -> IndexCopy {
        guard x.count == 4, b >= 1, x[2] % b == 0, x[3] % b == 0 else { throw GraphError("block \(b) does not divide \(x)") }
        let view = [x[0], b, b, x[1], x[2] / b, x[3] / b]
        let strides = [x[1] * x[2] * x[3], x[3], 1, x[2] * x[3], b * x[3], b]
        return IndexCopy(offsets: zip(view, strides).map { n, s in (0..<n).map { $0 * s } },
                         shape: [x[0], x[1] * b * b, x[2] / b, x[3] / b], source: "space_to_depth")
    }

    /// Resize and Upsample in nearest mode, every coordinate convention and rounding of opsets 7–21.
    /// ONNX Resize and Upsample geometry: per axis, the input position of each output (its
    /// coordinate transformation), and the axis's scale.
    func resizePositions(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, shape: [Int]) throws -> (positions: [[Float]], scales: [Float]) {
        var scales: [Float]?, sizes: [Int]?
        if node.opType == "Upsample" && opset < 9 {
            scales = attributes.floats("scales")
        } else if node.opType == "Upsample" || opset < 11 {
            scales = try constantInput(node, 1, "the scales").floats
        } else {
            if hasInput(node, 3) { sizes = try constantInput(node, 3, "the sizes").ints.map { Int(clamping: $0) } }
            if sizes == nil, hasInput(node, 2) { scales = try constantInput(node, 2, "the scales").floats }
        }
        if let axes = try attributes.ints("axes") {
            // Scales or sizes for the listed axes only: the others keep their size.
            let listed = try axes.map { try normalizedAxis($0, rank: shape.count) }
            let given = sizes?.count ?? scales?.count ?? 0
            guard Set(listed).count == listed.count, given == listed.count else {
                throw GraphError("axes \(axes) do not match the scales or sizes")
            }
            if let given = sizes {
                sizes = shape
                for (axis, size) in zip(listed, given) { sizes![axis] = size }
            } else if let given = scales {
                scales = [Float](repeating: 1, count: shape.count)
                for (axis, scale) in zip(listed, given) { scales![axis] = scale }
            }
        }
        let policy = attributes.string("keep_aspect_ratio_policy", default: "stretch")
        guard policy == "stretch" || sizes == nil else { throw GraphError("keep_aspect_ratio_policy '\(policy)' is not supported") }
        let transform = node.opType == "Upsample" || opset < 11 ? "asymmetric" : attributes.string("coordinate_transformation_mode", default: "half_pixel")
        if let s = scales, s.isEmpty { scales = nil }
        guard let count = sizes?.count ?? scales?.count, count == shape.count else { throw GraphError("needs one scale or size per axis") }
        var positions = [[Float]](), axisScales = [Float]()
        for k in shape.indices {
            let n = shape[k]
            let scale: Float = sizes.map { Float($0[k]) / Float(n) } ?? scales![k]
            let out = sizes?[k] ?? Int((Float(n) * scale).rounded(.down))
            guard scale > 0, scale.isFinite, (1...65536).contains(out) else { throw GraphError("scale \(scale) on an axis of \(n)") }
            axisScales.append(scale)
            positions.append(try (0..<out).map { i -> Float in
                let x = Float(i)
                switch transform {
                case "half_pixel": return (x + 0.5) / scale - 0.5
                case "pytorch_half_pixel": return out > 1 ? (x + 0.5) / scale - 0.5 : 0
                // The resized length before rounding: what ONNX divides by when scales are given.
                case "align_corners": return Float(n) * scale > 1 ? x * Float(n - 1) / (Float(n) * scale - 1) : 0
                case "asymmetric": return x / scale
                case "tf_half_pixel_for_nn": return (x + 0.5) / scale
                default: throw GraphError("coordinate transformation '\(transform)' is not supported")
                }
            })
        }
        return (positions, axisScales)
    }

    private func resizeNearest(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, shape: [Int]) throws -> IndexCopy {
        let mode = attributes.string("mode", default: "nearest")
        guard mode == "nearest" else { throw GraphError("\(node.opType) mode '\(mode)' is not supported (only nearest and linear)") }
        let rounding = node.opType == "Upsample" || opset < 11 ? "simple" : attributes.string("nearest_mode", default: "round_prefer_floor")
        let (positions, scales) = try resizePositions(node, attributes, shape: shape)
        let picks = try shape.indices.map { k in
            try positions[k].map { position -> Int in
                let rounded: Float
                let tie = position - position.rounded(.down) == 0.5
                switch rounding {
                case "round_prefer_floor": rounded = tie ? position.rounded(.down) : position.rounded()
                case "round_prefer_ceil": rounded = tie ? position.rounded(.up) : position.rounded()
                case "floor": rounded = position.rounded(.down)
                case "ceil": rounded = position.rounded(.up)
                // Upsample and Resize before opset 11: truncation, or ceiling when shrinking.
                case "simple": rounded = scales[k] < 1 ? position.rounded(.up) : position.rounded(.towardZero)
                default: throw GraphError("nearest mode '\(rounding)' is not supported")
                }
                return Swift.min(Swift.max(Int(rounded), 0), shape[k] - 1)
            }
        }
        return try .picking(picks, from: shape, source: "resize_nearest")
    }

    /// Resize and Upsample in linear (bilinear) mode: a linear map along each resized axis.
    mutating func importLinearResize(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> Bool {
        guard ["Resize", "Upsample"].contains(node.opType), ["linear", "bilinear"].contains(attributes.string("mode", default: "nearest")) else {
            return false
        }
        guard try attributes.int("antialias", default: 0) == 0 else { throw GraphError("antialiased resizing is not supported") }
        let x = try input(node, 0)
        let shape = graph.shape(x)
        let (positions, _) = try resizePositions(node, attributes, shape: shape)
        var y = x
        for (axis, wanted) in positions.enumerated() where wanted != (0..<shape[axis]).map(Float.init) {
            y = try graph.linearMap(y, axis: axis, matrix: Graph.onnxLinearMatrix(input: shape[axis], positions: wanted), name: outputName(node))
        }
        bind(node, y == x ? try reshaped(x, shape, name: outputName(node)) : y)
        return true
    }
}
