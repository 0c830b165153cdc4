import GraphIR

/// One converter per ONNX op, in ONNX's NCHW semantics.
extension ONNXImporter {
    mutating func importNode(_ node: Onnx_NodeProto) throws {
        let attributes = ONNXAttributes(node)
        let name = node.name.isEmpty ? outputName(node) : node.name
        if node.output.count > 1, node.output.dropFirst().contains(where: { !$0.isEmpty }) {
            guard ["Dropout", "BatchNormalization", "Split", "LSTM", "GRU", "DynamicQuantizeLinear"].contains(node.opType) else {
                throw FormatError("node '\(name)' (\(node.opType)): only the first output is supported")
            }
        }
        if try foldShapeArithmetic(node, attributes: attributes, name: name) { return }
        if try importLinearResize(node, attributes, name: name) { return }
        if try importDataMovement(node, attributes, name: name) { return }
        if try importQuantizeDequantize(node, attributes, name: name) { return }
        if try importQOperator(node, attributes, name: name) { return }
        if try importDynamicQuantization(node, attributes, name: name) { return }
        if try importRecurrent(node, attributes, name: name) { return }

        switch node.opType {
        case "Identity", "Dropout":
            bind(node, try input(node, 0))
        case "Constant":
            guard let tensor = try constantAttribute(attributes) else {
                throw FormatError("node '\(name)' (Constant) has no value")
            }
            bind(node, graph.addConstant(name: outputName(node), tensor))
            if let proto = node.attribute.first(where: { $0.name == "value" && $0.hasT }) {
                elementTypes[outputName(node)] = ONNXDataType(rawValue: proto.t.dataType)
            }
        case "Conv":
            bind(node, try importConv(node, attributes, name: name))
        case "LpNormalization":
            let x = try input(node, 0)
            guard try attributes.int("p", default: 2) == 2 else { throw GraphError("only p = 2 is supported") }
            let axis = try normalizedAxis(try attributes.int("axis", default: -1), rank: graph.shape(x).count)
            bind(node, try graph.l2Normalized(x, axis: axis, name: outputName(node)))
        case "ConvTranspose":
            bind(node, try importConvTranspose(node, attributes, name: name))
        case "MaxPool", "AveragePool":
            bind(node, try importPool(node, attributes, name: name))
        case "GlobalAveragePool", "GlobalMaxPool":
            let x = try input(node, 0)
            guard graph.shape(x).count == 4 else { throw GraphError("only 4-D NCHW input is supported") }
            let nhwc = try transposed(x, [0, 2, 3, 1], name: name + ".nhwc")
            let op: Op = node.opType == "GlobalAveragePool" ? .globalAvgPool : .globalMaxPool
            let y = try emit(op, [nhwc], name: name, output: outputName(node) + ".nhwc")
            bind(node, try transposed(y, [0, 3, 1, 2], name: outputName(node)))
        case "Gemm":
            var inputs = [try input(node, 0), try input(node, 1)]
            if hasInput(node, 2) { inputs.append(try input(node, 2)) }
            let gemm = Gemm(alpha: try attributes.float("alpha", default: 1), beta: try attributes.float("beta", default: 1),
                            transA: try attributes.int("transA", default: 0) != 0,
                            transB: try attributes.int("transB", default: 0) != 0)
            bind(node, try emit(.gemm(gemm), inputs, name: name, output: outputName(node)))
        case "MatMul":
            bind(node, try emit(.matMul, [try input(node, 0), try input(node, 1)], name: name, output: outputName(node)))
        case "Relu":
            bind(node, try activation(node, .relu, name: name))
        case "Sigmoid":
            bind(node, try activation(node, .sigmoid, name: name))
        case "Tanh":
            bind(node, try activation(node, .tanh, name: name))
        case "HardSwish":
            bind(node, try activation(node, .hardSwish, name: name))
        case "LeakyRelu":
            bind(node, try activation(node, .leakyRelu(alpha: try attributes.float("alpha", default: 0.01)), name: name))
        case "HardSigmoid":
            let alpha = try attributes.float("alpha", default: 0.2), beta = try attributes.float("beta", default: 0.5)
            bind(node, try activation(node, .hardSigmoid(alpha: alpha, beta: beta), name: name))
        case "Clip":
            var low = -Float.infinity, high = Float.infinity
            if opset < 11 {
                low = try attributes.float("min", default: low)
                high = try attributes.float("max", default: high)
            } else {
                if hasInput(node, 1) { low = try constantInput(node, 1, "min").floats.first ?? low }
                if hasInput(node, 2) { high = try constantInput(node, 2, "max").floats.first ?? high }
            }
            let act: Activation = low == 0 && high == .infinity ? .relu : .clip(min: low, max: high)
            bind(node, try activation(node, act, name: name))
        case "PRelu":
            bind(node, try emit(.prelu, [try input(node, 0), try input(node, 1)], name: name, output: outputName(node)))
        case "Softmax", "LogSoftmax":
            let x = try input(node, 0)
            let rank = graph.shape(x).count
            let axis = try normalizedAxis(try attributes.int("axis", default: opset < 13 ? 1 : -1), rank: rank)
            let coerce = opset < 13 && axis != rank - 1
            let softmax = Softmax(axis: axis, coerceTo2D: coerce, log: node.opType == "LogSoftmax")
            bind(node, try emit(.softmax(softmax), [x], name: name, output: outputName(node)))
        case "Elu":
            bind(node, try activation(node, .elu(alpha: try attributes.float("alpha", default: 1)), name: name))
        case "Selu":
            let alpha = try attributes.float("alpha", default: Activation.seluAlpha)
            let gamma = try attributes.float("gamma", default: Activation.seluGamma)
            bind(node, try activation(node, .selu(alpha: alpha, gamma: gamma), name: name))
        case "Softplus", "Softsign", "Exp", "Log", "Sqrt", "Reciprocal", "Abs", "Neg", "Floor", "Ceil", "Round", "Sign":
            let functions: [String: Activation] = ["Softplus": .softplus, "Softsign": .softsign, "Exp": .exp, "Log": .log, "Sqrt": .sqrt,
                                                   "Reciprocal": .reciprocal, "Abs": .abs, "Neg": .neg, "Floor": .floor, "Ceil": .ceil,
                                                   "Round": .round, "Sign": .sign]
            bind(node, try activation(node, functions[node.opType]!, name: name))
        case "Add", "Sub", "Mul", "Div":
            let op: BinaryOp = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div][node.opType]!
            let a = try input(node, 0)
            var b = try input(node, 1)
            try requireFloat(a, node)
            try requireFloat(b, node)
            // Before opset 7 (PyTorch 0.3's exports): B broadcasts only with broadcast = 1, its axes
            // lined up from `axis` of A rather than from the end.
            if opset < 7, try attributes.int("broadcast", default: 0) != 0, attributes.has("axis") {
                let (ra, bShape) = (graph.shape(a).count, graph.shape(b))
                let axis = try normalizedAxis(try attributes.int("axis", default: 0), rank: ra)
                guard axis + bShape.count <= ra else { throw GraphError("B \(bShape) does not fit A from axis \(axis)") }
                b = try reshaped(b, bShape + [Int](repeating: 1, count: ra - axis - bShape.count), name: name + ".b")
            }
            bind(node, try emit(.binary(Binary(op)), [a, b], name: name, output: outputName(node)))
        case "Pow":
            let a = try input(node, 0)
            try requireFloat(a, node)
            // The exponent may be stored as integers (x ** 2 from PyTorch): the same values as floats.
            var b = try input(node, 1)
            if let exponent = graph.constant(b), !exponent.isFloat {
                b = graph.addConstant(name: name + ".exponent", Tensor(shape: exponent.shape, floats: exponent.floats))
            }
            try requireFloat(b, node)
            bind(node, try emit(.binary(Binary(.pow)), [a, b], name: name, output: outputName(node)))
        case "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal":
            let op: CompareOp = ["Greater": .greater, "GreaterOrEqual": .greaterEqual, "Less": .less, "LessOrEqual": .lessEqual,
                                 "Equal": .equal][node.opType]!
            bind(node, try emit(.compare(op), [try input(node, 0), try input(node, 1)], name: name, output: outputName(node)))
        case "Where":
            bind(node, try emit(.select, [try input(node, 0), try input(node, 1), try input(node, 2)], name: name, output: outputName(node)))
        case "Max", "Min":
            // Pairwise: max(a, b) = select(a > b, a, b), so that a bound by a constant fuses into one function.
            let inputs = try (0..<node.input.count).map { try input(node, $0) }
            guard var result = inputs.first else { throw GraphError("needs at least one input") }
            for (k, other) in inputs.dropFirst().enumerated() {
                let last = k == inputs.count - 2
                let out = last ? outputName(node) : outputName(node) + ".\(k)"
                let condition = try emit(.compare(node.opType == "Max" ? .greater : .less), [result, other], name: out + ".compare",
                                         output: out + ".compare")
                result = try emit(.select, [condition, result, other], name: last ? name : out, output: out)
            }
            bind(node, result)
        case "Concat":
            let inputs = try (0..<node.input.count).map { try input(node, $0) }
            guard let first = inputs.first else { throw GraphError("needs at least one input") }
            let axis = try normalizedAxis(try attributes.int("axis", default: 1), rank: graph.shape(first).count)
            bind(node, try emit(.concat(axis: axis), inputs, name: name, output: outputName(node)))
        case "Flatten":
            let x = try input(node, 0)
            let shape = graph.shape(x)
            var axis = try attributes.int("axis", default: 1)
            if axis < 0 { axis += shape.count }
            guard axis >= 0, axis <= shape.count else { throw GraphError("axis out of range") }
            let flat = [Array(shape[..<axis]).elementCount, Array(shape[axis...]).elementCount]
            bind(node, try reshaped(x, flat, name: outputName(node)))
        case "Reshape":
            let x = try input(node, 0)
            let target: [Int64]
            if opset < 5 {
                target = (try attributes.ints("shape") ?? []).map { Int64($0) }
            } else {
                target = try constantInput(node, 1, "the target shape").ints
            }
            let allowZero = try attributes.int("allowzero", default: 0) != 0
            bind(node, try reshaped(x, try resolveReshape(graph.shape(x), target, allowZero: allowZero), name: outputName(node)))
        case "Transpose":
            let x = try input(node, 0)
            let rank = graph.shape(x).count
            let perm = try attributes.ints("perm") ?? Array((0..<rank).reversed())
            guard perm.sorted() == Array(0..<rank) else { throw GraphError("perm \(perm) is not a permutation of 0..<\(rank)") }
            bind(node, try transposed(x, perm, name: outputName(node)))
        case "Squeeze", "Unsqueeze":
            let x = try input(node, 0)
            let shape = graph.shape(x)
            var axes: [Int]?
            if opset < 13 {
                axes = try attributes.ints("axes")
            } else if hasInput(node, 1) {
                axes = try constantInput(node, 1, "axes").ints.map { Int($0) }
            }
            let newShape = try node.opType == "Squeeze" ? squeezedShape(shape, axes) : unsqueezedShape(shape, axes ?? [])
            bind(node, try reshaped(x, newShape, name: outputName(node)))
        case "ReduceMean", "ReduceSum", "ReduceMax":
            bind(node, try importReduce(node, attributes, name: name))
        case "Pad":
            bind(node, try importPad(node, attributes, name: name))
        case "BatchNormalization":
            bind(node, try importBatchNorm(node, attributes, name: name))
        default:
            throw GraphError("op \(node.opType) is only supported on constant inputs")
        }
    }

    /// ReduceMean, ReduceSum and ReduceMax over the axes from the attribute (before opset 18, 13 for
    /// ReduceSum) or the second input; none means all (or, with noop_with_empty_axes, the identity).
    /// A mean over H and W of a 4-D NCHW tensor is a global average pool, which every scheme runs.
    private mutating func importReduce(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> ValueID {
        let x = try input(node, 0)
        try requireFloat(x, node)
        let shape = graph.shape(x), rank = shape.count
        let reduction: Mean.Reduction = ["ReduceMean": .mean, "ReduceSum": .sum, "ReduceMax": .max][node.opType]!
        var listed: [Int]?
        if opset < (reduction == .sum ? 13 : 18) {
            listed = try attributes.ints("axes")
        } else if hasInput(node, 1) {
            listed = try constantInput(node, 1, "axes").ints.map { Int($0) }
        }
        let noop = try attributes.int("noop_with_empty_axes", default: 0) != 0
        if (listed ?? []).isEmpty && opset >= (reduction == .sum ? 13 : 18) && noop {
            return try reshaped(x, shape, name: outputName(node))
        }
        let given = try (listed ?? []).map { try normalizedAxis($0, rank: rank) }
        let axes = Array(Set(given.isEmpty ? Array(0..<rank) : given)).sorted()
        let keepDims = try attributes.int("keepdims", default: 1) != 0
        if rank == 4, axes == [2, 3], reduction == .mean {
            let nhwc = try transposed(x, [0, 2, 3, 1], name: name + ".nhwc")
            let pooled = try emit(.globalAvgPool, [nhwc], name: name + ".pool", output: outputName(node) + ".nhwc")
            let nchw = try transposed(pooled, [0, 3, 1, 2], name: keepDims ? outputName(node) : name + ".nchw")
            return keepDims ? nchw : try reshaped(nchw, [shape[0], shape[1]], name: outputName(node))
        }
        return try emit(.mean(Mean(axes: axes, keepDims: keepDims, reduction: reduction)), [x], name: name, output: outputName(node))
    }

    private mutating func activation(_ node: Onnx_NodeProto, _ activation: Activation, name: String) throws -> ValueID {
        let x = try input(node, 0)
        try requireFloat(x, node)
        return try emit(.activation(activation), [x], name: name, output: outputName(node))
    }

    private func requireFloat(_ id: ValueID, _ node: Onnx_NodeProto) throws {
        if let tensor = graph.constant(id), !tensor.isFloat {
            throw GraphError("integer tensors are supported only in shape arithmetic")
        }
    }

    private func constantAttribute(_ attributes: ONNXAttributes) throws -> Tensor? {
        if let tensor = try attributes.tensor("value") { return tensor }
        if attributes.has("value_float") { return Tensor(shape: [], floats: [try attributes.float("value_float", default: 0)]) }
        if let values = attributes.floats("value_floats") { return Tensor(shape: [values.count], floats: values) }
        if attributes.has("value_int") { return Tensor(shape: [], ints: [Int64(try attributes.int("value_int", default: 0))]) }
        if let values = try attributes.ints("value_ints") { return Tensor(shape: [values.count], ints: values.map { Int64($0) }) }
        return nil
    }

    // MARK: Convolution and pooling

    /// Explicit (begin, end) pads per spatial axis from pads / auto_pad.
    private func spatialPads(_ attributes: ONNXAttributes, input: [Int], kernel: [Int], strides: [Int],
                             dilations: [Int], ceil: Bool = false) throws -> [(Int, Int)] {
        let spatial = kernel.count
        let autoPad = attributes.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "NOTSET", "":
            let pads = try attributes.ints("pads") ?? [Int](repeating: 0, count: 2 * spatial)
            guard pads.count == 2 * spatial, pads.allSatisfy({ $0 >= 0 }) else { throw GraphError("pads \(pads) do not fit \(spatial) spatial axes") }
            return (0..<spatial).map { (pads[$0], pads[$0 + spatial]) }
        case "VALID":
            return [(Int, Int)](repeating: (0, 0), count: spatial)
        case "SAME_UPPER", "SAME_LOWER":
            return (0..<spatial).map { axis in
                let size = input[axis], stride = strides[axis]
                let out = (size + stride - 1) / stride
                let total = Swift.max(0, (out - 1) * stride + (kernel[axis] - 1) * dilations[axis] + 1 - size)
                let small = total / 2
                return autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
            }
        default:
            throw GraphError("auto_pad \(autoPad) is not supported")
        }
    }

    /// Views a 1-D (N,C,L) tensor as 2-D (N,C,1,L); 2-D input passes through.
    mutating func as2D(_ x: ValueID, name: String) throws -> ValueID {
        let shape = graph.shape(x)
        switch shape.count {
        case 4: return x
        case 3: return try reshaped(x, [shape[0], shape[1], 1, shape[2]], name: name)
        default: throw GraphError("only 1-D and 2-D spatial data is supported (input rank \(shape.count))")
        }
    }

    private mutating func importConv(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> ValueID {
        let x0 = try input(node, 0), w0 = try input(node, 1)
        try requireFloat(w0, node)
        let rank = graph.shape(x0).count
        let x = try as2D(x0, name: name + ".x2d")
        let w = try as2D(w0, name: name + ".w2d")
        let wShape = graph.shape(w)
        let spatialIn = Array(graph.shape(x)[2...])
        let oneD = rank == 3
        func spatial(_ key: String, _ fallback: Int) throws -> [Int] {
            let values = try attributes.ints(key) ?? [Int](repeating: fallback, count: oneD ? 1 : 2)
            guard values.count == (oneD ? 1 : 2), values.allSatisfy({ $0 >= 1 }) else { throw GraphError("invalid \(key) \(values)") }
            return oneD ? [1] + values : values
        }
        let strides = try spatial("strides", 1), dilations = try spatial("dilations", 1)
        if let kernel = try attributes.ints("kernel_shape"), kernel != Array(wShape[(oneD ? 3 : 2)...]) {
            throw GraphError("kernel_shape \(kernel) does not match the weight shape \(graph.shape(w0))")
        }
        var pads = try spatialPads(attributes, input: oneD ? [spatialIn[1]] : spatialIn,
                                   kernel: oneD ? [wShape[3]] : Array(wShape[2...]),
                                   strides: oneD ? [strides[1]] : strides, dilations: oneD ? [dilations[1]] : dilations)
        if oneD { pads = [(0, 0)] + pads }
        let conv = Conv2D(strideH: strides[0], strideW: strides[1], dilationH: dilations[0], dilationW: dilations[1],
                          padding: Padding2D(top: pads[0].0, left: pads[1].0, bottom: pads[0].1, right: pads[1].1),
                          groups: try attributes.int("group", default: 1))
        var inputs = [try transposed(x, [0, 2, 3, 1], name: name + ".nhwc"),
                      try transposed(w, [0, 2, 3, 1], name: graph[w0].name + ".ohwi")]
        if hasInput(node, 2) { inputs.append(try input(node, 2)) }
        let y = try emit(.conv2d(conv), inputs, name: name, output: outputName(node) + ".nhwc")
        let nchw = try transposed(y, [0, 3, 1, 2], name: outputName(node) + (oneD ? ".2d" : ""))
        guard oneD else { return nchw }
        let s = graph.shape(nchw)
        return try reshaped(nchw, [s[0], s[1], s[3]], name: outputName(node))
    }

    private mutating func importPool(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> ValueID {
        let x0 = try input(node, 0)
        let rank = graph.shape(x0).count
        let oneD = rank == 3
        let x = try as2D(x0, name: name + ".x2d")
        guard var kernel = try attributes.ints("kernel_shape"), kernel.count == (oneD ? 1 : 2), kernel.allSatisfy({ $0 >= 1 }) else {
            throw GraphError("kernel_shape is missing or does not match the input rank")
        }
        func spatial(_ key: String) throws -> [Int] {
            let values = try attributes.ints(key) ?? [Int](repeating: 1, count: oneD ? 1 : 2)
            guard values.count == kernel.count, values.allSatisfy({ $0 >= 1 }) else { throw GraphError("invalid \(key) \(values)") }
            return values
        }
        var strides = try spatial("strides"), dilations = try spatial("dilations")
        let spatialIn = Array(graph.shape(x0)[2...])
        var pads = try spatialPads(attributes, input: spatialIn, kernel: kernel, strides: strides, dilations: dilations)
        if oneD {
            kernel = [1] + kernel
            strides = [1] + strides
            dilations = [1] + dilations
            pads = [(0, 0)] + pads
        }
        let pool = Pool2D(kernelH: kernel[0], kernelW: kernel[1], strideH: strides[0], strideW: strides[1],
                          dilationH: dilations[0], dilationW: dilations[1],
                          padding: Padding2D(top: pads[0].0, left: pads[1].0, bottom: pads[0].1, right: pads[1].1),
                          countIncludePad: try attributes.int("count_include_pad", default: 0) != 0,
                          ceilMode: try attributes.int("ceil_mode", default: 0) != 0)
        let op: Op = node.opType == "MaxPool" ? .maxPool2d(pool) : .avgPool2d(pool)
        let nhwc = try transposed(x, [0, 2, 3, 1], name: name + ".nhwc")
        let y = try emit(op, [nhwc], name: name, output: outputName(node) + ".nhwc")
        let nchw = try transposed(y, [0, 3, 1, 2], name: outputName(node) + (oneD ? ".2d" : ""))
        guard oneD else { return nchw }
        let s = graph.shape(nchw)
        return try reshaped(nchw, [s[0], s[1], s[3]], name: outputName(node))
    }

    // MARK: Pad, batch norm, shapes

    private mutating func importPad(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> ValueID {
        let x = try input(node, 0)
        let rank = graph.shape(x).count
        let mode = attributes.string("mode", default: "constant")
        guard ["constant", "reflect", "edge"].contains(mode) else { throw GraphError("pad mode '\(mode)' is not supported") }
        var pads: [Int]
        var value: Float = 0
        if opset < 11 {
            pads = try attributes.ints("pads") ?? []
            value = try attributes.float("value", default: 0)
        } else {
            pads = try constantInput(node, 1, "pads").ints.map { Int($0) }
            if hasInput(node, 2) { value = try constantInput(node, 2, "constant_value").floats.first ?? 0 }
        }
        var axes = Array(0..<rank)
        if hasInput(node, 3) {
            axes = try constantInput(node, 3, "axes").ints.map { try normalizedAxis(Int($0), rank: rank) }
        }
        guard pads.count == 2 * axes.count else { throw GraphError("pads \(pads) do not match \(axes.count) axes") }
        guard pads.allSatisfy({ $0 >= 0 }) else { throw GraphError("negative pads (cropping) are not supported") }
        var before = [Int](repeating: 0, count: rank), after = before
        for (i, axis) in axes.enumerated() {
            before[axis] = pads[i]
            after[axis] = pads[i + axes.count]
        }
        if mode != "constant" {
            let shape = graph.shape(x)
            let picks = try shape.indices.map {
                try IndexCopy.paddedIndices(size: shape[$0], before: before[$0], after: after[$0], mode: mode == "edge" ? .edge : .reflect)
            }
            return try emit(.indexCopy(try .picking(picks, from: shape, source: "pad_\(mode)")), [x], name: name, output: outputName(node))
        }
        return try emit(.pad(Pad(before: before, after: after, value: value)), [x], name: name, output: outputName(node))
    }

    /// y = (x − mean)/sqrt(var + ε)·γ + β, imported as a per-channel mul and add (computed in
    /// double precision) that the fold pass merges into a preceding conv or dense layer.
    private mutating func importBatchNorm(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes, name: String) throws -> ValueID {
        if try attributes.int("training_mode", default: 0) != 0 { throw GraphError("training_mode is not supported") }
        let x = try input(node, 0)
        let shape = graph.shape(x)
        guard shape.count >= 2 else { throw GraphError("input must have a channel axis") }
        let channels = shape[1]
        let gamma = try constantInput(node, 1, "scale").floats, beta = try constantInput(node, 2, "bias").floats
        let mean = try constantInput(node, 3, "mean").floats, variance = try constantInput(node, 4, "var").floats
        guard [gamma, beta, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw GraphError("parameters must have \(channels) values")
        }
        let epsilon = Double(try attributes.float("epsilon", default: 1e-5))
        var scale = [Float](), shift = [Float]()
        for c in 0..<channels {
            let s = Double(gamma[c]) / (Double(variance[c]) + epsilon).squareRoot()
            scale.append(Float(s))
            shift.append(Float(Double(beta[c]) - Double(mean[c]) * s))
        }
        let constShape = [channels] + [Int](repeating: 1, count: shape.count - 2)
        let s = graph.addConstant(name: name + ".scale", Tensor(shape: constShape, floats: scale))
        let t = graph.addConstant(name: name + ".shift", Tensor(shape: constShape, floats: shift))
        let scaled = try emit(.binary(Binary(.mul)), [x, s], name: name + ".mul", output: outputName(node) + ".scaled")
        return try emit(.binary(Binary(.add)), [scaled, t], name: name, output: outputName(node))
    }

    func squeezedShape(_ shape: [Int], _ axes: [Int]?) throws -> [Int] {
        guard let axes else { return shape.filter { $0 != 1 } }
        let normalized = try Set(axes.map { try normalizedAxis($0, rank: shape.count) })
        for axis in normalized where shape[axis] != 1 { throw GraphError("cannot squeeze axis \(axis) of size \(shape[axis])") }
        return shape.indices.filter { !normalized.contains($0) }.map { shape[$0] }
    }

    func unsqueezedShape(_ shape: [Int], _ axes: [Int]) throws -> [Int] {
        let rank = shape.count + axes.count
        let normalized = try Set(axes.map { try normalizedAxis($0, rank: rank) })
        guard normalized.count == axes.count else { throw GraphError("repeated axes \(axes)") }
        var result = [Int]()
        var source = shape.makeIterator()
        for axis in 0..<rank { result.append(normalized.contains(axis) ? 1 : source.next()!) }
        return result
    }

    func resolveReshape(_ input: [Int], _ target: [Int64], allowZero: Bool) throws -> [Int] {
        var shape = [Int]()
        var inferred: Int?
        for (i, dim) in target.enumerated() {
            switch dim {
            case -1:
                guard inferred == nil else { throw GraphError("reshape target \(target) has more than one -1") }
                inferred = i
                shape.append(1)
            case 0 where !allowZero:
                guard i < input.count else { throw GraphError("reshape target \(target) copies a missing dimension") }
                shape.append(input[i])
            default:
                guard dim >= 0, dim < 1 << 31 else { throw GraphError("invalid reshape target \(target)") }
                shape.append(Int(dim))
            }
        }
        if let i = inferred {
            let known = shape.elementCount
            guard known > 0, input.elementCount % known == 0 else {
                throw GraphError("cannot reshape \(input) to \(target)")
            }
            shape[i] = input.elementCount / known
        }
        guard shape.elementCount == input.elementCount else {
            throw GraphError("cannot reshape \(input) to \(target) (the model may assume another batch size)")
        }
        return shape
    }
}
