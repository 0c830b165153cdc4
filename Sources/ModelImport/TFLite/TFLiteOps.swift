import GraphIR

/// One converter per TFLite builtin op.
extension TFLiteImporter {
    mutating func importOperator(_ code: String, _ op: FBTable) throws {
        let inputs = try op.vector(S.Operator.inputs, elementSize: 4)?.int32s.map(Int.init) ?? []
        let outputs = try op.vector(S.Operator.outputs, elementSize: 4)?.int32s.map(Int.init) ?? []
        guard let out = outputs.first else { throw GraphError("has no output") }
        let outName = try tensorName(out)
        let options = try op.table(S.Operator.builtinOptions)
        func input(_ i: Int) throws -> ValueID {
            guard i < inputs.count, inputs[i] >= 0 else { throw GraphError("is missing input \(i)") }
            return try value(inputs[i])
        }
        func optionalInput(_ i: Int) throws -> ValueID? {
            i < inputs.count && inputs[i] >= 0 ? try value(inputs[i]) : nil
        }
        func constant(_ i: Int, _ what: String) throws -> Tensor {
            let id = try input(i)  // may create the constant: read the graph only afterwards
            guard let tensor = graph.constant(id) else { throw GraphError("\(what) must be a constant") }
            return tensor
        }
        func int32(_ id: Int, _ fallback: Int32 = 0) throws -> Int { Int(try options?.int32(id, default: fallback) ?? fallback) }
        func activation(_ id: Int) throws -> Int8 { try options?.int8(id) ?? S.activationNone }
        /// A float layer with int8 weights (a dynamic-range model), whose input TFLite quantizes at run time.
        func hybrid(_ x: ValueID, _ w: ValueID, asymmetric: Bool) throws -> HybridInput? {
            guard graph[x].quantization == nil, graph[w].quantization?.storage == "int8", try tensor(out).type == .float32 else { return nil }
            return asymmetric ? .asymmetric : .symmetric
        }
        /// Emits the op, then its fused activation as a separate node (FuseActivations merges it back).
        func finish(_ result: ValueID, activation code: Int8) throws -> ValueID {
            switch code {
            case S.activationNone: return result
            case S.activationRelu: return try emit(.activation(.relu), [result], name: outName + ".relu")
            case S.activationRelu6: return try emit(.activation(.clip(min: 0, max: 6)), [result], name: outName + ".relu6")
            case S.activationReluN1To1: return try emit(.activation(.clip(min: -1, max: 1)), [result], name: outName + ".relu1")
            case S.activationTanh: return try emit(.activation(.tanh), [result], name: outName + ".tanh")
            default: throw GraphError("fused activation \(code) is not supported")
            }
        }

        if try importDataMovement(code, inputs: inputs, outputs: outputs, options: options) { return }
        let result: ValueID
        switch code {
        case "CONV_2D", "DEPTHWISE_CONV_2D":
            let depthwise = code == "DEPTHWISE_CONV_2D"
            let x = try input(0)
            var w = try input(1)
            let xShape = graph.shape(x)
            guard xShape.count == 4, graph.shape(w).count == 4 else { throw GraphError("needs 4-D input and filter") }
            if depthwise {
                // [1, kh, kw, C·M] -> OHWI [C·M, kh, kw, 1], one group per input channel.
                w = try transposedConstant(w, [3, 1, 2, 0])
            }
            let wShape = graph.shape(w)
            let strideW = try int32(1, 1), strideH = try int32(2, 1)
            let dilationW = try int32(depthwise ? 5 : 4, 1), dilationH = try int32(depthwise ? 6 : 5, 1)
            let padding = try options?.int8(0) ?? S.paddingSame
            let pads = try samePadding(padding, input: [xShape[1], xShape[2]], kernel: [wShape[1], wShape[2]],
                                       strides: [strideH, strideW], dilations: [dilationH, dilationW])
            guard wShape[3] > 0, xShape[3] % wShape[3] == 0 else { throw GraphError("filter channels do not divide input channels") }
            let perChannel = (graph[w].quantization?.scales.count ?? 1) > 1
            let conv = Conv2D(strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW,
                              padding: pads, groups: xShape[3] / wShape[3], hybrid: try hybrid(x, w, asymmetric: perChannel))
            var args = [x, w]
            if let b = try optionalInput(2) { args.append(b) }
            let y = try emit(.conv2d(conv), args, name: outName)
            result = try finish(y, activation: try activation(depthwise ? 4 : 3))
        case "FULLY_CONNECTED":
            var x = try input(0)
            let w = try input(1)
            guard graph.shape(w).count == 2 else { throw GraphError("weights must be 2-D") }
            let k = graph.shape(w)[1]
            let xShape = graph.shape(x)
            let keepDims = try options?.bool(2) ?? false
            if xShape.last != k || (!keepDims && xShape.count != 2) {
                guard k > 0, xShape.elementCount % k == 0 else { throw GraphError("input \(xShape) does not fit weights \(graph.shape(w))") }
                x = try reshaped(x, [xShape.elementCount / k, k], name: outName + ".flat")
            }
            var args = [x, w]
            if let b = try optionalInput(2) { args.append(b) }
            let dense = Dense(hybrid: try hybrid(x, w, asymmetric: try options?.bool(3) ?? false))
            result = try finish(try emit(.dense(dense), args, name: outName), activation: try activation(0))
        case "AVERAGE_POOL_2D", "MAX_POOL_2D":
            let x = try input(0)
            let xShape = graph.shape(x)
            guard xShape.count == 4 else { throw GraphError("needs 4-D input") }
            let strideW = try int32(1, 1), strideH = try int32(2, 1)
            let kernelW = try int32(3, 1), kernelH = try int32(4, 1)
            let pads = try samePadding(try options?.int8(0) ?? S.paddingSame, input: [xShape[1], xShape[2]],
                                       kernel: [kernelH, kernelW], strides: [strideH, strideW], dilations: [1, 1])
            let pool = Pool2D(kernelH: kernelH, kernelW: kernelW, strideH: strideH, strideW: strideW, padding: pads,
                              countIncludePad: false)
            let y = try emit(code == "MAX_POOL_2D" ? .maxPool2d(pool) : .avgPool2d(pool), [x], name: outName)
            result = try finish(y, activation: try activation(5))
        case "MEAN", "SUM", "REDUCE_MAX":
            let x = try input(0)
            let rank = graph.shape(x).count
            let axes = Array(Set(try constant(1, "axes").ints.map { try normalizedAxis(Int($0), rank: rank) })).sorted()
            let keepDims = try options?.bool(0) ?? false
            let reduction: Mean.Reduction = ["MEAN": .mean, "SUM": .sum, "REDUCE_MAX": .max][code]!
            if rank == 4, axes == [1, 2], reduction != .sum {
                let pooled = try emit(reduction == .max ? .globalMaxPool : .globalAvgPool, [x], name: keepDims ? outName : outName + ".pool")
                // The pooled values are the output's before the reshape: same quantization.
                graph[pooled].quantization = try tensor(out).quantization
                let s = graph.shape(pooled)
                result = keepDims ? pooled : try reshaped(pooled, [s[0], s[3]], name: outName)
            } else {
                result = try emit(.mean(Mean(axes: axes, keepDims: keepDims, reduction: reduction)), [x], name: outName)
            }
        case "RESHAPE":
            let x = try input(0)
            var target: [Int64]
            if let shapeInput = try optionalInput(1), let t = graph.constant(shapeInput) {
                target = t.ints
            } else if let newShape = try options?.vector(0, elementSize: 4)?.int32s, !newShape.isEmpty {
                target = newShape.map(Int64.init)
            } else {
                target = try tensor(out).shape.map(Int64.init)
            }
            // A leading batch entry follows the input's batch (compiled as 1).
            if let first = target.first, first > 0, graph.shape(x).first == 1, first == Int64(tensors[out].shape.first ?? -1),
               target.count > 1 {
                target[0] = -1
            }
            result = try reshaped(x, try resolveShape(graph.shape(x), target), name: outName)
        case "SQUEEZE":
            let x = try input(0)
            let shape = graph.shape(x)
            let dims = try (options?.vector(0, elementSize: 4)?.int32s ?? []).map { try normalizedAxis(Int($0), rank: shape.count) }
            let kept = shape.indices.filter { dims.isEmpty ? shape[$0] != 1 : !dims.contains($0) }
            result = try reshaped(x, kept.map { shape[$0] }, name: outName)
        case "SOFTMAX":
            var x = try input(0)
            let beta = try options?.float(0, default: 1) ?? 1
            if beta != 1 {
                let b = graph.addConstant(name: outName + ".beta", Tensor(shape: [], floats: [beta]))
                x = try emit(.binary(Binary(.mul)), [x, b], name: outName + ".scaled")
            }
            let rank = graph.shape(x).count
            result = try emit(.softmax(Softmax(axis: max(rank - 1, 0))), [x], name: outName)
        case "LOG_SOFTMAX":
            let x = try input(0)
            result = try emit(.softmax(Softmax(axis: max(graph.shape(x).count - 1, 0), log: true)), [x], name: outName)
        case "ELU", "EXP", "LOG", "SQRT", "RSQRT", "ABS", "NEG":
            let functions: [String: Activation] = ["ELU": .elu(alpha: 1), "EXP": .exp, "LOG": .log, "SQRT": .sqrt, "RSQRT": .rsqrt,
                                                   "ABS": .abs, "NEG": .neg]
            result = try emit(.activation(functions[code]!), [try input(0)], name: outName)
        case "FLOOR", "CEIL", "ROUND", "SIGN":
            let functions: [String: Activation] = ["FLOOR": .floor, "CEIL": .ceil, "ROUND": .round, "SIGN": .sign]
            result = try emit(.activation(functions[code]!), [try input(0)], name: outName)
        case "CAST":
            // The graph holds real values: a cast to float changes nothing, one to an integer type
            // truncates toward zero (C's conversion, which TFLite's kernel is).
            let x = try input(0)
            let to = try tensor(out)
            switch to.type {
            case .float32 where to.quantization == nil:
                result = x
            case .int32, .int16, .int8, .uint8, .int64 where to.quantization == nil:
                result = try emit(.activation(.trunc), [x], name: outName)
            default:
                throw GraphError("CAST to \(to.type)\(to.quantization == nil ? "" : " (quantized)") is not supported")
            }
        case "ADD", "SUB", "MUL", "DIV":
            let op: BinaryOp = ["ADD": .add, "SUB": .sub, "MUL": .mul, "DIV": .div][code]!
            let y = try emit(.binary(Binary(op)), [try input(0), try input(1)], name: outName)
            result = try finish(y, activation: try activation(0))
        case "POW":
            result = try emit(.binary(Binary(.pow)), [try input(0), try input(1)], name: outName)
        case "GREATER", "GREATER_EQUAL", "LESS", "LESS_EQUAL", "EQUAL":
            let op: CompareOp = ["GREATER": .greater, "GREATER_EQUAL": .greaterEqual, "LESS": .less, "LESS_EQUAL": .lessEqual,
                                 "EQUAL": .equal][code]!
            result = try emit(.compare(op), [try input(0), try input(1)], name: outName)
        case "SELECT", "SELECT_V2":
            result = try emit(.select, [try input(0), try input(1), try input(2)], name: outName)
        case "MAXIMUM", "MINIMUM":
            // max(a, b) = select(a > b, a, b), so that a bound by a constant fuses into one function.
            let a = try input(0), b = try input(1)
            let condition = try emit(.compare(code == "MAXIMUM" ? .greater : .less), [a, b], name: outName + ".compare")
            result = try emit(.select, [condition, a, b], name: outName)
        case "SQUARE":
            let x = try input(0)
            result = try emit(.binary(Binary(.mul)), [x, x], name: outName)
        case "SQUARED_DIFFERENCE":
            if graph[try input(0)].quantization?.storage == "int8" {
                result = try emit(.squaredDifference, [try input(0), try input(1)], name: outName)
                break
            }
            let difference = try emit(.binary(Binary(.sub)), [try input(0), try input(1)], name: outName + ".difference")
            result = try emit(.binary(Binary(.mul)), [difference, difference], name: outName)
        case "CONCATENATION":
            let args = try inputs.indices.map { try input($0) }
            guard let first = args.first else { throw GraphError("needs inputs") }
            let axis = try normalizedAxis(try int32(0), rank: graph.shape(first).count)
            result = try finish(try emit(.concat(axis: axis), args, name: outName), activation: try activation(1))
        case "PAD", "PADV2":
            let x = try input(0)
            let rank = graph.shape(x).count
            let paddings = try constant(1, "paddings").ints.map(Int.init)
            guard paddings.count == 2 * rank, paddings.allSatisfy({ $0 >= 0 }) else { throw GraphError("paddings do not match rank \(rank)") }
            var fill: Float = 0
            if code == "PADV2", let v = try optionalInput(2) {
                guard let t = graph.constant(v) else { throw GraphError("the pad value must be a constant") }
                fill = t.floats.first ?? 0
            }
            let pad = Pad(before: (0..<rank).map { paddings[2 * $0] }, after: (0..<rank).map { paddings[2 * $0 + 1] }, value: fill)
            result = try emit(.pad(pad), [x], name: outName)
        case "RELU": result = try emit(.activation(.relu), [try input(0)], name: outName)
        case "RELU6": result = try emit(.activation(.clip(min: 0, max: 6)), [try input(0)], name: outName)
        case "RELU_N1_TO_1": result = try emit(.activation(.clip(min: -1, max: 1)), [try input(0)], name: outName)
        case "LOGISTIC": result = try emit(.activation(.sigmoid), [try input(0)], name: outName)
        case "TANH": result = try emit(.activation(.tanh), [try input(0)], name: outName)
        case "HARD_SWISH": result = try emit(.activation(.hardSwish), [try input(0)], name: outName)
        case "LEAKY_RELU":
            result = try emit(.activation(.leakyRelu(alpha: try options?.float(0) ?? 0)), [try input(0)], name: outName)
        case "PRELU":
            result = try emit(.prelu, [try input(0), try input(1)], name: outName)
        case "L2_NORMALIZATION":
            let x = try input(0)
            if graph[x].quantization?.storage == "int8" {
                result = try finish(try emit(.l2Normalization, [x], name: outName), activation: try activation(0))
                break
            }
            let y = try graph.l2Normalized(x, axis: graph.shape(x).count - 1, name: outName)
            result = try finish(y, activation: try activation(0))
        case "RESIZE_BILINEAR":
            let x = try input(0)
            let size = try constant(1, "the size").ints.map { Int(clamping: $0) }
            let xShape = graph.shape(x)
            guard xShape.count == 4, size.count == 2, size.allSatisfy({ (1...4096).contains($0) }) else {
                throw GraphError("needs a 4-D input and an output size of two numbers in 1…4096")
            }
            let alignCorners = try options?.bool(2) ?? false, halfPixel = try options?.bool(3) ?? false
            if graph[x].quantization?.storage == "int8" {
                // TFLite interpolates int8 values in 2-D with one rounding: kept whole.
                result = try emit(.resizeBilinear(ResizeBilinear(height: size[0], width: size[1], alignCorners: alignCorners,
                                                                 halfPixel: halfPixel)), [x], name: outName)
                break
            }
            var y = x
            for (k, axis) in [1, 2].enumerated() where size[k] != xShape[axis] || alignCorners || halfPixel {
                let matrix = Graph.tfliteBilinearMatrix(input: xShape[axis], output: size[k], alignCorners: alignCorners, halfPixel: halfPixel)
                y = try graph.linearMap(y, axis: axis, matrix: matrix, name: outName)
            }
            result = y == x ? try reshaped(x, xShape, name: outName) : y
        case "TRANSPOSE_CONV":
            // Inputs: the output shape, the weights (OHWI), the input, and the bias if any.
            let size = try constant(0, "the output shape").ints.map(Int.init)
            let w = try input(1), x = try input(2)
            guard let weights = graph.constant(w), size.count == 4, graph.shape(x).count == 4 else {
                throw GraphError("needs constant weights and a 4-D input and output shape")
            }
            let strides = [try int32(2, 1), try int32(1, 1)]
            let outSize = [size[1], size[2]]
            // The padding of the forward convolution from the output back to the input.
            let pads = try samePadding(try options?.int8(0) ?? S.paddingSame, input: outSize, kernel: [weights.shape[1], weights.shape[2]],
                                       strides: strides, dilations: [1, 1])
            let y = try graph.transposedConvolution(x, weights: weights, quantization: graph[w].quantization, bias: try optionalInput(3),
                                                    stride: strides, dilation: [1, 1], padBefore: [pads.top, pads.left],
                                                    outSize: outSize, groups: 1, name: outName)
            result = try finish(y, activation: try activation(3))
        case "UNIDIRECTIONAL_SEQUENCE_LSTM":
            // Inputs: 0 x; 1-4 input weights and 5-8 recurrent weights (input, forget, cell, output
            // gates); 9-11 peepholes; 12-15 biases; 16-17 projection; 18-19 the state variables
            // (zero at the start of every inference); 20-23 layer normalization.
            guard (20..<min(24, inputs.count)).allSatisfy({ inputs[$0] < 0 }) else { throw GraphError("layer-normalized LSTMs are not supported") }
            func tensorOrNil(_ i: Int) throws -> Tensor? {
                guard let id = try optionalInput(i) else { return nil }
                guard let t = graph.constant(id) else { throw GraphError("input \(i) must be a constant") }
                return t
            }
            let cellActivation: Activation
            switch try activation(0) {
            case S.activationTanh: cellActivation = .tanh
            case S.activationRelu: cellActivation = .relu
            case S.activationRelu6: cellActivation = .clip(min: 0, max: 6)
            default: throw GraphError("cell activation \(try activation(0)) is not supported")
            }
            var layer = LSTMLayer(inputWeights: try (1...4).map(tensorOrNil), recurrentWeights: try (5...8).map(tensorOrNil),
                                  biases: try (12...15).map(tensorOrNil), peepholes: try (9...11).map(tensorOrNil))
            if let w = try tensorOrNil(16) { layer.projection = (w, try tensorOrNil(17)) }
            layer.cellClip = try options?.float(1) ?? 0
            layer.projectionClip = try options?.float(2) ?? 0
            layer.cellActivation = cellActivation
            let timeMajor = try options?.bool(3) ?? false
            let steps = try graph.timeSteps(of: try input(0), timeMajor: timeMajor, name: outName)
            let run = try graph.unrollLSTM(layer, steps: steps, name: outName)
            result = try graph.stacking(run.outputs, timeMajor: timeMajor, name: outName)
        case "DENSIFY":
            // Its sparse constant input was densified at import.
            result = try input(0)
        case "QUANTIZE", "DEQUANTIZE":
            // The graph holds real values throughout: (re)quantization at the edges is the identity.
            // Inside an int8 model a QUANTIZE changes scale or zero point (before a concatenation
            // whose inputs must share the output's): a same-shape reshape carrying the new
            // quantization, which the int8 program turns into a requantizing table.
            let x = try input(0)
            let to = try tensor(out).quantization
            let from = graph[x].quantization
            if code == "QUANTIZE", let from, let to, from.storage == "int8", to.storage == "int8",
               from.scales != to.scales || from.zeroPoints != to.zeroPoints {
                result = graph.addNode(name: outName, op: .reshape, inputs: [x], outputName: outName, shape: graph.shape(x))
                graph[result].quantization = to
            } else if code == "QUANTIZE", let to, to.storage == "int8", graph.inputs.contains(x),
                      from == nil || (from!.storage == "uint8" && from!.scales == to.scales && from!.zeroPoints.map { $0 - 128 } == to.zeroPoints) {
                // A float or uint8 model input quantized on entry: the int8 program takes the int8
                // values (a uint8 input is the same real values with the zero point moved by 128).
                graph[x].quantization = to
                result = x
            } else {
                result = x
            }
        case "TRANSPOSE":
            let x = try input(0)
            let rank = graph.shape(x).count
            let perm = try constant(1, "perm").ints.map { try normalizedAxis(Int($0), rank: rank) }
            guard perm.sorted() == Array(0..<rank) else { throw GraphError("perm \(perm) is not a permutation") }
            result = try transposedConstantOrNode(x, perm, name: outName)
        case "SHAPE":
            let source = try input(0)
            let shape = graph.shape(source).map(Int64.init)
            result = graph.addConstant(name: outName, Tensor(shape: [shape.count], ints: shape))
        case "PACK":
            // A new axis on every input, then one concatenation along it.
            let parts = try inputs.indices.map { try input($0) }
            guard let first = parts.first, parts.allSatisfy({ graph.shape($0) == graph.shape(first) }) else {
                throw GraphError("PACK inputs differ in shape")
            }
            var shape = graph.shape(first)
            let axis = try normalizedAxis(try int32(1), rank: shape.count + 1)
            shape.insert(1, at: axis)
            let expanded = try parts.enumerated().map { try reshaped($1, shape, name: outName + ".part\($0)") }
            if expanded.allSatisfy({ graph.isConstant($0) }) {
                let tensors = expanded.map { graph.constant($0)! }
                var outShape = shape
                outShape[axis] = parts.count
                let outer = shape[..<axis].reduce(1, *), block = shape[axis...].reduce(1, *)
                var ints = [Int64](), floats = [Float]()
                for o in 0..<outer {
                    for t in tensors {
                        if t.isFloat { floats += t.floats[(o * block)..<((o + 1) * block)] } else { ints += t.ints[(o * block)..<((o + 1) * block)] }
                    }
                }
                result = graph.addConstant(name: outName, tensors[0].isFloat ? Tensor(shape: outShape, floats: floats) : Tensor(shape: outShape, ints: ints))
            } else {
                result = try emit(.concat(axis: axis), expanded, name: outName)
            }
        default:
            throw GraphError("\(code) is not supported")
        }
        try bind(out, result)
    }

    func tensorName(_ index: Int) throws -> String {
        guard index >= 0, index < tensors.count else { throw GraphError("tensor index \(index) is out of range") }
        return tensors[index].name
    }

    mutating func emit(_ op: Op, _ inputs: [ValueID], name: String) throws -> ValueID {
        try graph.addNode(name: name, op: op, inputs: inputs)
    }

    mutating func reshaped(_ id: ValueID, _ shape: [Int], name: String) throws -> ValueID {
        guard shape.elementCount == graph.shape(id).elementCount else { throw GraphError("cannot reshape \(graph.shape(id)) to \(shape)") }
        if let tensor = graph.constant(id) { return graph.addConstant(name: name, tensor.reshaped(shape)) }
        let out = graph.addNode(name: name, op: .reshape, inputs: [id], outputName: name, shape: shape)
        // Same values, so the same quantization (the flatten before a fully-connected layer of an int8 model).
        graph[out].quantization = graph[id].quantization
        return out
    }

    /// Transposes a constant (keeping its quantization parameters, with the axis moved).
    mutating func transposedConstant(_ id: ValueID, _ perm: [Int]) throws -> ValueID {
        guard let tensor = graph.constant(id) else { throw GraphError("the filter must be a constant") }
        let shape = permute(tensor.shape, perm)
        let data = Tensor(shape: shape, floats: transposeData(tensor.floats, shape: tensor.shape, perm: perm))
        return graph.addValue(name: graph[id].name, shape: shape, constant: data,
                              quantization: graph[id].quantization?.transposed(from: tensor.shape, perm: perm))
    }

    mutating func transposedConstantOrNode(_ id: ValueID, _ perm: [Int], name: String) throws -> ValueID {
        if graph.isConstant(id) { return try transposedConstant(id, perm) }
        return try emit(.transpose(perm: perm), [id], name: name)
    }

    /// TFLite SAME padding (extra on the bottom/right) or VALID.
    func samePadding(_ padding: Int8, input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> Padding2D {
        guard padding == S.paddingSame else {
            guard padding == S.paddingValid else { throw GraphError("unknown padding \(padding)") }
            return .zero
        }
        guard strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else { throw GraphError("invalid strides \(strides)") }
        let totals = (0..<2).map { axis -> Int in
            let out = (input[axis] + strides[axis] - 1) / strides[axis]
            return max(0, (out - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - input[axis])
        }
        return Padding2D(top: totals[0] / 2, left: totals[1] / 2, bottom: totals[0] - totals[0] / 2, right: totals[1] - totals[1] / 2)
    }

    func resolveShape(_ input: [Int], _ target: [Int64]) throws -> [Int] {
        var shape = target.map { Int($0) }
        if let i = shape.firstIndex(of: -1) {
            shape[i] = 1
            guard shape.allSatisfy({ $0 >= 1 }), input.elementCount % shape.elementCount == 0 else {
                throw GraphError("cannot reshape \(input) to \(target)")
            }
            shape[i] = input.elementCount / shape.elementCount
        }
        guard shape.allSatisfy({ $0 >= 0 }), shape.elementCount == input.elementCount else {
            throw GraphError("cannot reshape \(input) to \(target)")
        }
        return shape
    }

    /// STRIDED_SLICE on constant data (the dynamic-flatten idiom SHAPE → STRIDED_SLICE → PACK).
}
