import GraphIR

/// ONNX ConvTranspose (1-D and 2-D, any strides, dilations, pads, output padding or output shape,
/// groups) as the convolution it equals (see `Graph.transposedConvolution`).
extension ONNXImporter {
    mutating func importConvTranspose(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> ValueID {
        let x0 = try input(node, 0)
        let rank = graph.shape(x0).count
        guard rank == 3 || rank == 4 else { throw GraphError("only 1-D and 2-D spatial data is supported (input rank \(rank))") }
        let oneD = rank == 3
        var w = try constantInput(node, 1, "the weights")
        guard w.isFloat, w.shape.count == rank else { throw GraphError("weights \(w.shape) do not fit a rank-\(rank) input") }
        if oneD { w = w.reshaped([w.shape[0], w.shape[1], 1, w.shape[2]]) }
        let x = try as2D(x0, name: name + ".x2d")
        let xShape = graph.shape(x)
        let groups = try attributes.int("group", default: 1)
        guard groups >= 1, xShape[1] == w.shape[0], w.shape[0] % groups == 0 else {
            throw GraphError("weights \(w.shape) do not fit \(xShape[1]) input channels in \(groups) group(s)")
        }
        func spatial(_ key: String, _ fallback: Int, count: Int = 1) throws -> [Int] {
            let values = try attributes.ints(key) ?? [Int](repeating: fallback, count: (oneD ? 1 : 2) * count)
            guard values.count == (oneD ? 1 : 2) * count else { throw GraphError("invalid \(key) \(values)") }
            guard oneD else { return values }
            return count == 1 ? [fallback] + values : [0, values[0], 0, values[1]]
        }
        let strides = try spatial("strides", 1), dilations = try spatial("dilations", 1)
        let outputPadding = try spatial("output_padding", 0)
        let kernel: [Int] = [w.shape[2], w.shape[3]], inSize: [Int] = [xShape[2], xShape[3]]
        guard strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }), outputPadding.allSatisfy({ $0 >= 0 }) else {
            throw GraphError("invalid strides, dilations or output padding")
        }
        var full = [Int]()
        for a in 0..<2 {
            let spread: Int = strides[a] * (inSize[a] - 1) + outputPadding[a]
            full.append(spread + (kernel[a] - 1) * dilations[a] + 1)
        }
        let autoPad = attributes.string("auto_pad", default: "NOTSET")
        var padBefore: [Int], outSize: [Int]
        if let shape = try attributes.ints("output_shape") {
            let target = shape.count == (oneD ? 1 : 2) ? (oneD ? [1] + shape : shape) : Array(shape.suffix(oneD ? 1 : 2))
            outSize = oneD && target.count == 1 ? [1] + target : target
            padBefore = Self.splitPadding(full, outSize, upper: autoPad == "SAME_UPPER")
        } else if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            outSize = [inSize[0] * strides[0], inSize[1] * strides[1]]
            padBefore = Self.splitPadding(full, outSize, upper: autoPad == "SAME_UPPER")
        } else {
            guard autoPad == "NOTSET" || autoPad == "VALID" else { throw GraphError("auto_pad \(autoPad) is not supported") }
            let pads = autoPad == "VALID" ? [0, 0, 0, 0] : try spatial("pads", 0, count: 2)
            padBefore = [pads[0], pads[1]]
            outSize = [full[0] - pads[0] - pads[2], full[1] - pads[1] - pads[3]]
        }
        // [input channels, outputs per group, kh, kw] -> OHWI per group.
        let (inputs, perGroup, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let inPerGroup = inputs / groups
        var ohwi = [Float](repeating: 0, count: w.count)
        for i in 0..<inputs {
            let g = i / inPerGroup
            for o in 0..<perGroup { for y in 0..<kh { for z in 0..<kw {
                ohwi[(((g * perGroup + o) * kh + y) * kw + z) * inPerGroup + i % inPerGroup] = w.floats[((i * perGroup + o) * kh + y) * kw + z]
            } } }
        }
        let nhwc = try transposed(x, [0, 2, 3, 1], name: name + ".nhwc")
        let bias = hasInput(node, 2) ? try input(node, 2) : nil
        let y = try graph.transposedConvolution(nhwc, weights: Tensor(shape: [groups * perGroup, kh, kw, inPerGroup], floats: ohwi),
                                                quantization: nil, bias: bias, stride: strides, dilation: dilations,
                                                padBefore: padBefore, outSize: outSize, groups: groups, name: outputName(node) + ".nhwc")
        let nchw = try transposed(y, [0, 3, 1, 2], name: outputName(node) + (oneD ? ".2d" : ""))
        guard oneD else { return nchw }
        let s = graph.shape(nchw)
        return try reshaped(nchw, [s[0], s[1], s[3]], name: outputName(node))
    }

    /// The padding before each axis when `full` positions make `out`: half of it, rounded down
    /// (SAME_UPPER) or up. A negative total (an output larger than `full`) adds positions at the
    /// end, as ONNX's floor division gives.
    static func splitPadding(_ full: [Int], _ out: [Int], upper: Bool) -> [Int] {
        (0..<2).map { a in
            let total = full[a] - out[a]
            let half = total >= 0 ? total / 2 : -((1 - total) / 2)
            return upper ? half : total - half
        }
    }
}
