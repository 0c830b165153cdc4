import FixedPoint
import Foundation
import GraphIR
import QuantizedIR

/// `--scheme int8`: the integer program of a model that arrives quantized (an int8 TFLite file),
/// computed exactly as TFLite's reference kernels do: per-channel multipliers and shifts from the
/// tensors' float scales, zero points, and TFLite's own add, average pool and softmax arithmetic.
/// Nothing is chosen here; every number comes from the file.
public enum AffineLowering {
    public static func lower(_ graph: Graph, fullyConnected rounding: FullyConnectedRounding = .tflm) throws -> Lowering.Result {
        var builder = Builder(graph: graph)
        // An ONNX model quantized by onnxruntime is computed as onnxruntime does: each op in float,
        // then one rounding to the next QuantizeLinear's integers.
        builder.roundOnce = graph.info.format == "onnx"
        builder.singleRoundingDense = rounding == .tflite || builder.roundOnce
        var problems = [String](), floatTensors = [String]()
        for input in graph.inputs {
            do {
                builder.program.inputs.append(try builder.tensor(for: input))
            } catch let error as FloatTensor {
                floatTensors.append(error.name)
            }
        }
        for node in graph.nodes {
            do {
                let op = try builder.lower(node)
                builder.program.ops.append(QNode(name: node.name, op: op))
            } catch let error as FloatTensor {
                floatTensors.append(error.name)
            } catch let error as QuantizationError {
                problems.append(error.message)
            }
        }
        var seen = Set<String>()
        problems = problems.filter { seen.insert($0).inserted }
        if !floatTensors.isEmpty {
            // One line for all of them: a float model, or float parts of an int8 one.
            let names = floatTensors.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            let more = floatTensors.count > 3 ? " and \(floatTensors.count - 3) more" : ""
            problems.insert("\(names)\(more) \(floatTensors.count == 1 ? "is a float tensor" : "are float tensors"): --scheme int8 runs "
                            + "models quantized to int8 (a float model takes --scheme fixed, shift, bitplane or codebook)", at: 0)
        }
        guard problems.isEmpty else { throw QuantizationError(problems.joined(separator: "; ")) }
        builder.program.outputs = try graph.outputs.map { try builder.tensor(for: $0) }
        return Lowering.Result(program: builder.program, tensorValues: builder.valueOf, analysis: try QuantAnalysis(graph, strict: false))
    }

    /// A tensor without int8 quantization (reported together, as one line).
    private struct FloatTensor: Error { let name: String }

    /// The program as it grows: one int8 tensor per graph value.
    private struct Builder {
        let graph: Graph
        var program = QProgram()
        var tensorOf = [ValueID: Int]()
        var valueOf = [Int: ValueID]()
        var singleRoundingDense = false
        /// Requantize convolutions with one rounding (onnxruntime's float arithmetic) rather than
        /// TFLite's two (a rounded product, then a rounded shift).
        var roundOnce = false

        init(graph: Graph) { self.graph = graph }

        func affine(of id: ValueID) throws -> AffineQuantization {
            // A comparison's output is a boolean: its 0 and 1 stored as they are.
            if graph[id].quantization == nil, let producer = graph.producerIndex(of: id), case .compare = graph.nodes[producer].op {
                return AffineQuantization(scale: 1, zeroPoint: 0)
            }
            guard let q = graph[id].quantization else { throw FloatTensor(name: graph[id].name) }
            guard q.storage == "int8", q.scales.count == 1, let zp = q.zeroPoints.first, (-128...127).contains(zp), q.scales[0] > 0 else {
                throw QuantizationError("--scheme int8 needs int8 tensors with one scale and zero point; '\(graph[id].name)' has "
                                        + "\(q.storage) with \(q.scales.count) scales")
            }
            return AffineQuantization(scale: q.scales[0], zeroPoint: Int32(zp))
        }

        mutating func tensor(for id: ValueID) throws -> Int {
            if let t = tensorOf[id] { return t }
            // A constant operand (an ADD or MUL by a constant tensor) keeps its stored int8 values.
            var stored: [Int32]?
            if graph.isConstant(id) {
                guard let raw = graph[id].quantization?.rawValues, raw.allSatisfy({ (-128...127).contains($0) }) else {
                    throw QuantizationError("'\(graph[id].name)': a constant operand of an int8 operation must be stored as int8")
                }
                stored = raw.map { Int32($0) }
            }
            let t = program.addTensor(QTensor(name: graph[id].name, shape: graph.shape(id), format: QFormat(bits: 8, frac: 0),
                                              affine: try affine(of: id), constant: stored))
            tensorOf[id] = t
            valueOf[t] = id
            return t
        }

        /// The two operands of an int8 element-wise op: the first as large as the output and computed
        /// (swapped into place when the op commutes), the second as large, one value per channel or
        /// one value.
        mutating func operands(_ node: Node, _ name: String, commutes: Bool) throws -> (Int, Int) {
            var a = try tensor(for: node.inputs[0]), b = try tensor(for: node.inputs[1])
            if commutes, program.tensors[a].count < program.tensors[b].count || program.tensors[a].constant != nil { swap(&a, &b) }
            let (ta, tb) = (program.tensors[a], program.tensors[b])
            guard ta.count == tb.count || tb.count == 1 || ta.shape.last == tb.count,
                  ta.count == graph.shape(node.outputs[0]).reduce(1, *), ta.constant == nil else {
                throw QuantizationError("\(node.name): int8 \(name) of a constant by a tensor, or broadcasting other than per channel "
                                        + "or a scalar, is not supported")
            }
            return (a, b)
        }

        mutating func lower(_ node: Node) throws -> QOp {
            let out = try tensor(for: node.outputs[0])
            let y = program.tensors[out]
            switch node.op {
            case .conv2d(let conv):
                let input = try tensor(for: node.inputs[0])
                let w = graph.constant(node.inputs[1])!
                let layer = try weighted(node, graph, input: program.tensors[input], output: y, activation: conv.activation, roundOnce: roundOnce)
                var q = QConv(input: input, output: out, kernelH: w.shape[1], kernelW: w.shape[2], strideH: conv.strideH,
                              strideW: conv.strideW, dilationH: conv.dilationH, dilationW: conv.dilationW,
                              padding: QPadding(conv.padding), groups: conv.groups, inChannelsPerGroup: w.shape[3],
                              outChannels: w.shape[0], weights: layer.weights, bias: layer.bias, biasBits: 32,
                              accumulator: .int32, requantize: layer.requantize)
                q.padValue = program.tensors[input].affine!.zeroPoint
                return .conv(q)
            case .dense(let dense):
                let input = try tensor(for: node.inputs[0])
                let w = graph.constant(node.inputs[1])!
                var layer = try weighted(node, graph, input: program.tensors[input], output: y, activation: dense.activation)
                layer.requantize.affine!.singleRounding = singleRoundingDense
                return .dense(QDense(input: input, output: out, inFeatures: w.shape[1], outFeatures: w.shape[0], weights: layer.weights,
                                     bias: layer.bias, biasBits: 32, accumulator: .int32, requantize: layer.requantize))
            case .avgPool2d(let p), .maxPool2d(let p):
                let input = try tensor(for: node.inputs[0])
                try sameQuantization(node, program.tensors[input], y)
                var pool = QPool(input: input, output: out, kernelH: p.kernelH, kernelW: p.kernelW, strideH: p.strideH, strideW: p.strideW,
                                 dilationH: p.dilationH, dilationW: p.dilationW, padding: QPadding(p.padding), countIncludePad: false)
                if case .maxPool2d = node.op { return .maxPool(pool) }
                pool.exactDivision = true
                return .avgPool(pool)
            case .globalMaxPool:
                // The largest stored value is the largest real value: TFLite's int8 REDUCE_MAX keeps the scale.
                let input = try tensor(for: node.inputs[0])
                try sameQuantization(node, program.tensors[input], y)
                return .globalMaxPool(QUnary(input: input, output: out))
            case .mean(let mean) where ReductionAsGlobalPool.isColumnSum(mean, graph.shape(node.inputs[0])):
                // TFLite's int8 SUM: the sum less the zero points, rescaled by input scale / output
                // scale with one rounding (measured: its two-rounding multiplier is one step off on
                // 4 of the 256 outputs of the corpus's sum over H and W, the single rounding on none).
                let input = try tensor(for: node.inputs[0])
                let x = program.tensors[input].affine!
                let (multiplier, shift) = Affine.quantizeMultiplierRoundedOnce(Double(x.scale) / Double(y.affine!.scale))
                return .affineMean(QAffineMean(input: input, output: out, inputZeroPoint: x.zeroPoint,
                                               outputZeroPoint: y.affine!.zeroPoint, multiplier: multiplier, shift: shift))
            case .globalAvgPool:
                let input = try tensor(for: node.inputs[0])
                let shape = program.tensors[input].shape
                let x = program.tensors[input].affine!
                if x != y.affine! {
                    // TFLite's MEAN with its own output scale: the sum rescaled by one multiplier that
                    // holds the division by the position count (measured: byte-exact with ai-edge-litert;
                    // rescaling first and dividing after, as older TFLite did, is one step off).
                    let positions = Double(shape[1] * shape[2])
                    let (multiplier, shift) = Affine.quantizeMultiplier(Double(x.scale) / Double(y.affine!.scale) / positions)
                    return .affineMean(QAffineMean(input: input, output: out, inputZeroPoint: x.zeroPoint,
                                                   outputZeroPoint: y.affine!.zeroPoint, multiplier: multiplier, shift: shift))
                }
                var pool = QPool(input: input, output: out, kernelH: shape[1], kernelW: shape[2], strideH: 1, strideW: 1, dilationH: 1,
                                 dilationW: 1, padding: QPadding(top: 0, left: 0, bottom: 0, right: 0), countIncludePad: false)
                pool.exactDivision = true
                return .avgPool(pool)
            case .reshape:
                let input = try tensor(for: node.inputs[0])
                if program.tensors[input].count == y.count, let x = program.tensors[input].affine, x != y.affine {
                    // TFLite's int8 QUANTIZE between two scales, one table entry per input value.
                    return .table(QTable(input: input, output: out, function: "requantize", values: AffineTables.requantize(x, y.affine!)))
                }
                try sameQuantization(node, program.tensors[input], y)
                return .reshape(QUnary(input: input, output: out))
            case .concat(let axis):
                // TFLite's int8 concatenation copies: every input has the output's scale and zero
                // point (the converter puts a QUANTIZE before any that differs).
                let inputs = try node.inputs.map { try tensor(for: $0) }
                for input in inputs { try sameQuantization(node, program.tensors[input], y) }
                return .concat(QConcat(inputs: inputs, output: out, axis: axis))
            case .pad(let pad):
                // Padding with the zero point is padding with the real value 0 (TFLite pads with the
                // zero point unless PADV2 gives another value, which must then be representable).
                let input = try tensor(for: node.inputs[0])
                try sameQuantization(node, program.tensors[input], y)
                let value = Affine.quantize(pad.value, scale: y.affine!.scale, zeroPoint: y.affine!.zeroPoint)
                guard (-128...127).contains(value) else { throw QuantizationError("\(node.name): the padding value is no int8 of the output") }
                return .pad(QPad(input: input, output: out, before: pad.before, after: pad.after, value: value))
            case .transpose(let perm):
                let input = try tensor(for: node.inputs[0])
                try sameQuantization(node, program.tensors[input], y)
                return .transpose(QTranspose(input: input, output: out, perm: perm))
            case .indexCopy(let copy):
                let input = try tensor(for: node.inputs[0])
                try sameQuantization(node, program.tensors[input], y)
                return .indexCopy(QIndexCopy(input: input, output: out, offsets: copy.simplified.offsets, source: copy.source))
            case .activation(let act):
                let input = try tensor(for: node.inputs[0])
                guard let values = AffineTables.table(act, input: program.tensors[input].affine!, output: y.affine!) else {
                    throw QuantizationError("\(node.name): \(act.name) has no int8 kernel")
                }
                return .table(QTable(input: input, output: out, function: act.name, values: values))
            case .binary(let binary) where binary.op == .mul:
                let (a, b) = try operands(node, "MUL", commutes: true)
                let (ta, tb) = (program.tensors[a], program.tensors[b])
                let (sa, sb) = (ta.affine!, tb.affine!)
                let (multiplier, shift) = Affine.quantizeMultiplier(Double(sa.scale) * Double(sb.scale) / Double(y.affine!.scale))
                let (lo, hi) = try activationRange(binary.activation, y, layer: node.name)
                return .affineMul(QAffineMul(a: a, b: b, output: out, aOffset: -sa.zeroPoint, bOffset: -sb.zeroPoint,
                                             outputOffset: y.affine!.zeroPoint, multiplier: multiplier, shift: shift,
                                             clampMin: Int32(lo), clampMax: Int32(hi)))
            case .compare(let comparison):
                // TFLite's comparison with scaling: each side rescaled by its own scale after a left shift of 8.
                let (a, b) = try operands(node, "comparison", commutes: false)
                let (ta, tb) = (program.tensors[a], program.tensors[b])
                let (ma, mb) = (Affine.quantizeMultiplier(Double(ta.affine!.scale)), Affine.quantizeMultiplier(Double(tb.affine!.scale)))
                guard ma.shift <= 0, mb.shift <= 0 else {
                    throw QuantizationError("\(node.name): int8 comparison of scales of 1 or more (TFLite rescales by scales below one)")
                }
                let kind: QAffineCompare.Comparison
                switch comparison {
                case .greater: kind = .greater
                case .greaterEqual: kind = .greaterEqual
                case .less: kind = .less
                case .lessEqual: kind = .lessEqual
                case .equal: kind = .equal
                }
                return .affineCompare(QAffineCompare(a: a, b: b, output: out, comparison: kind, aOffset: -ta.affine!.zeroPoint,
                                                     bOffset: -tb.affine!.zeroPoint, aMultiplier: ma.multiplier, aShift: ma.shift,
                                                     bMultiplier: mb.multiplier, bShift: mb.shift))
            case .select:
                // TFLite copies the chosen int8 values as they are stored.
                let condition = try tensor(for: node.inputs[0]), a = try tensor(for: node.inputs[1]), b = try tensor(for: node.inputs[2])
                for x in [condition, a, b] {
                    let n = program.tensors[x].count
                    guard n == y.count || n == 1 || (program.tensors[x].shape.last == n && y.shape.last == n) else {
                        throw QuantizationError("\(node.name): int8 selection broadcasting other than per channel or a scalar is not supported")
                    }
                }
                return .select(QSelect(condition: condition, a: a, b: b, output: out))
            case .binary(let binary) where binary.op == .div:
                let (a, b) = try operands(node, "DIV", commutes: false)
                let (ta, tb) = (program.tensors[a], program.tensors[b])
                let (sa, sb) = (ta.affine!, tb.affine!)
                let (multiplier, shift) = Affine.quantizeMultiplier(Double(sa.scale) / (Double(sb.scale) * Double(y.affine!.scale)))
                let (lo, hi) = try activationRange(binary.activation, y, layer: node.name)
                return .affineDiv(QAffineMul(a: a, b: b, output: out, aOffset: -sa.zeroPoint, bOffset: -sb.zeroPoint,
                                             outputOffset: y.affine!.zeroPoint, multiplier: multiplier, shift: shift,
                                             clampMin: Int32(lo), clampMax: Int32(hi)))
            case .binary(let binary) where binary.op == .add || binary.op == .sub:
                let subtract = binary.op == .sub
                let (a, b) = try operands(node, subtract ? "SUB" : "ADD", commutes: !subtract)
                var sum = try add(a, b, out, program.tensors, activation: binary.activation)
                // TFLite's SUB is its ADD with the second input's multiplier negated.
                if subtract { sum.bMultiplier = -sum.bMultiplier }
                return .affineAdd(sum)
            case .prelu:
                // TFLite's PRELU: one rescaling for the inputs at or above the zero point, one for the
                // product with the slope below it; the slope is a constant int8 tensor.
                let input = try tensor(for: node.inputs[0]), alpha = try tensor(for: node.inputs[1])
                let (tx, ta) = (program.tensors[input], program.tensors[alpha])
                var alphaShape = ta.shape[...]
                while alphaShape.first == 1 && alphaShape.count > 1 { alphaShape = alphaShape.dropFirst() }
                guard let slopes = ta.constant, tx.shape.count >= alphaShape.count,
                      Array(tx.shape.suffix(alphaShape.count)) == Array(alphaShape) || slopes.count == 1 else {
                    throw QuantizationError("\(node.name): int8 PRELU needs a constant slope repeated along the last axes")
                }
                let (sx, sa, sy) = (Double(tx.affine!.scale), Double(ta.affine!.scale), Double(y.affine!.scale))
                let positive = Affine.quantizeMultiplier(sx / sy), negative = Affine.quantizeMultiplier(sx * sa / sy)
                return .affinePRelu(QAffinePRelu(input: input, output: out, alpha: slopes, inputOffset: -tx.affine!.zeroPoint,
                                                 alphaOffset: -ta.affine!.zeroPoint, outputOffset: y.affine!.zeroPoint,
                                                 positiveMultiplier: positive.multiplier, positiveShift: positive.shift,
                                                 negativeMultiplier: negative.multiplier, negativeShift: negative.shift))
            case .squaredDifference:
                let (a, b) = try operands(node, "SQUARED_DIFFERENCE", commutes: true)
                return .affineSquaredDifference(try squaredDifference(a, b, out, program.tensors))
            case .l2Normalization:
                let input = try tensor(for: node.inputs[0])
                guard y.affine == AffineQuantization(scale: 1.0 / 128, zeroPoint: 0) else {
                    throw QuantizationError("\(node.name): int8 L2_NORMALIZATION must output scale 1/128, zero point 0 (as TFLite requires)")
                }
                return .affineL2Normalization(QAffineL2Normalization(input: input, output: out,
                                                                     inputZeroPoint: program.tensors[input].affine!.zeroPoint))
            case .resizeBilinear(let resize):
                let input = try tensor(for: node.inputs[0])
                try sameQuantization(node, program.tensors[input], y)
                let shape = program.tensors[input].shape
                return .resizeBilinear(QResizeBilinear(
                    input: input, output: out,
                    heightScale: ResizeBilinear.scale1024(input: shape[1], output: resize.height, alignCorners: resize.alignCorners),
                    widthScale: ResizeBilinear.scale1024(input: shape[2], output: resize.width, alignCorners: resize.alignCorners),
                    halfPixel: resize.halfPixel))
            case .maxMin(let minimum):
                // TFLite's MAXIMUM and MINIMUM compare the stored integers: its converter gives both
                // inputs the output's scale and zero point.
                let (a, b) = try operands(node, node.op.kind, commutes: true)
                let (ta, tb) = (program.tensors[a], program.tensors[b])
                guard ta.affine == y.affine, tb.affine == y.affine else {
                    throw QuantizationError("\(node.name): int8 \(node.op.kind) of inputs whose scale or zero point differs from the output's")
                }
                return .maxMin(QMaxMin(a: a, b: b, output: out, minimum: minimum, clampMin: -128, clampMax: 127))
            case .softmax(let softmax):
                let input = try tensor(for: node.inputs[0])
                if softmax.log {
                    guard softmax.axis == y.shape.count - 1, y.affine == AffineQuantization(scale: 1.0 / 16, zeroPoint: 127) else {
                        throw QuantizationError("\(node.name): int8 log_softmax must run over the last axis into scale 1/16, zero point 127")
                    }
                    guard let p = Affine.logSoftmaxParameters(inputScale: program.tensors[input].affine!.scale) else {
                        throw QuantizationError("\(node.name): int8 log_softmax input scale \(program.tensors[input].affine!.scale) is outside TFLite's arithmetic")
                    }
                    return .logSoftmax(QLogSoftmax(input: input, output: out, multiplier: p.multiplier, leftShift: p.leftShift,
                                                   reverseMultiplier: p.reverseMultiplier, reverseShift: p.reverseShift, diffMin: p.diffMin))
                }
                guard softmax.axis == y.shape.count - 1, y.affine == AffineQuantization(scale: 1.0 / 256, zeroPoint: -128) else {
                    throw QuantizationError("\(node.name): int8 softmax must run over the last axis into scale 1/256, zero point −128")
                }
                guard let p = Affine.softmaxParameters(beta: 1, inputScale: program.tensors[input].affine!.scale) else {
                    throw QuantizationError("\(node.name): int8 softmax input scale \(program.tensors[input].affine!.scale) is too small for TFLite's arithmetic")
                }
                return .softmax(QSoftmax(input: input, output: out, multiplier: p.multiplier, leftShift: p.leftShift, diffMin: p.diffMin))
            default:
                throw QuantizationError("\(node.name): \(node.op.kind) has no int8 kernel")
            }
        }
    }

    private static func sameQuantization(_ node: Node, _ x: QTensor, _ y: QTensor) throws {
        guard x.affine == y.affine else { throw QuantizationError("\(node.name): its input and output scales differ") }
    }

    /// TFLite's bounds of a fused activation on the output integers.
    static func activationRange(_ activation: Activation?, _ y: QTensor, layer: String) throws -> (Int64, Int64) {
        let a = y.affine!
        // Bounds beyond the int8 range (infinite ones included) clamp nothing.
        func q(_ f: Float) -> Int64 {
            let steps = f / a.scale
            return steps.magnitude < 1024 ? Affine.quantize(f, scale: a.scale, zeroPoint: a.zeroPoint) : (steps < 0 ? -128 : 127)
        }
        switch activation {
        case nil: return (-128, 127)
        case .relu?: return (max(-128, q(0)), 127)
        case .clip(let lo, let hi)?: return (max(-128, q(lo)), min(127, q(hi)))
        default: throw QuantizationError("\(layer): fused \(activation!.name) has no int8 form")
        }
    }

    private struct Layer {
        var weights: WeightEncoding
        var bias: [Int64]
        var requantize: Requantization
    }

    /// Integer weights and bias as stored, the input zero point folded into the bias, and the
    /// per-channel multipliers TFLite derives (input scale · weight scale / output scale, in double).
    private static func weighted(_ node: Node, _ graph: Graph, input x: QTensor, output y: QTensor,
                                 activation: Activation?, roundOnce: Bool = false) throws -> Layer {
        let wid = node.inputs[1]
        guard let wq = graph[wid].quantization, wq.storage == "int8", let raw = wq.rawValues else {
            throw QuantizationError("\(node.name): --scheme int8 needs int8 weights")
        }
        let w = graph.constant(wid)!
        let channels = w.shape[0], per = raw.count / max(channels, 1)
        guard wq.zeroPoints.allSatisfy({ $0 == 0 }) else { throw QuantizationError("\(node.name): weights with a nonzero zero point") }
        guard wq.scales.count == 1 || (wq.scales.count == channels && wq.axis == 0) else {
            throw QuantizationError("\(node.name): weight scales must be per tensor or per output channel")
        }
        var bias = [Int64](repeating: 0, count: channels)
        if node.inputs.count > 2 {
            guard let bq = graph[node.inputs[2]].quantization, bq.storage == "int32", let rawBias = bq.rawValues, rawBias.count == channels else {
                throw QuantizationError("\(node.name): --scheme int8 needs an int32 bias")
            }
            bias = rawBias
        }
        let zp = Int64(x.affine!.zeroPoint)
        var multipliers = [Int32](), shifts = [Int]()
        for o in 0..<channels {
            let weightSum = raw[(o * per)..<((o + 1) * per)].reduce(0, +)
            bias[o] -= zp * weightSum
            guard abs(bias[o]) + 128 * raw[(o * per)..<((o + 1) * per)].reduce(0, { $0 + abs($1) }) < Int64(Int32.max) else {
                throw QuantizationError("\(node.name): the accumulator can overflow 32 bits")
            }
            let scale = Double(wq.scales.count == 1 ? wq.scales[0] : wq.scales[o])
            let real = Double(x.affine!.scale) * scale / Double(y.affine!.scale)
            let (m, s) = roundOnce ? Affine.quantizeMultiplierRoundedOnce(real) : Affine.quantizeMultiplier(real)
            multipliers.append(m)
            shifts.append(s)
        }
        if zip(multipliers, shifts).allSatisfy({ $0 == multipliers[0] && $1 == shifts[0] }) {
            multipliers = [multipliers[0]]
            shifts = [shifts[0]]
        }
        let (lo, hi) = try activationRange(activation, y, layer: node.name)
        return Layer(weights: .fixed(FixedWeights(values: raw.map { Int32($0) }, bits: 8, fracs: [0])), bias: bias,
                     requantize: Requantization(shifts: shifts, clampMin: lo, clampMax: hi,
                                                affine: AffineRequantization(multipliers: multipliers, outputZeroPoint: y.affine!.zeroPoint)))
    }

    /// TFLite's int8 ADD parameters: both inputs to twice the larger input scale, 20 bits of headroom.
    /// TFLite's SQUARED_DIFFERENCE: the inputs rescaled as its ADD does but shifted left by 7, the
    /// output multiplier (2·max scale)² / (2^14 · output scale).
    private static func squaredDifference(_ a: Int, _ b: Int, _ out: Int, _ tensors: [QTensor]) throws -> QAffineAdd {
        let sa = tensors[a].affine!, sb = tensors[b].affine!, sy = tensors[out].affine!
        let leftShift = 7
        let twiceMax = Double(2 * max(sa.scale, sb.scale))
        let ma = Affine.quantizeMultiplier(Double(sa.scale) / twiceMax)
        let mb = Affine.quantizeMultiplier(Double(sb.scale) / twiceMax)
        let outputReal = twiceMax * twiceMax / Double(Float(1 << (2 * leftShift)) * sy.scale)
        guard outputReal < 1 else {
            throw QuantizationError("tensor '\(tensors[out].name)': int8 SQUARED_DIFFERENCE output scale \(sy.scale) is too small for inputs "
                                    + "of scale \(max(sa.scale, sb.scale)) (TFLite rejects it too)")
        }
        let my = Affine.quantizeMultiplier(outputReal)
        return QAffineAdd(a: a, b: b, output: out, aOffset: -sa.zeroPoint, bOffset: -sb.zeroPoint, outputOffset: sy.zeroPoint,
                          aMultiplier: ma.multiplier, aShift: ma.shift, bMultiplier: mb.multiplier, bShift: mb.shift,
                          outputMultiplier: my.multiplier, outputShift: my.shift, leftShift: leftShift, clampMin: -128, clampMax: 127)
    }

    private static func add(_ a: Int, _ b: Int, _ out: Int, _ tensors: [QTensor], activation: Activation?) throws -> QAffineAdd {
        let sa = tensors[a].affine!, sb = tensors[b].affine!, sy = tensors[out].affine!
        let leftShift = 20
        let twiceMax = Double(2 * max(sa.scale, sb.scale))
        let ma = Affine.quantizeMultiplier(Double(sa.scale) / twiceMax)
        let mb = Affine.quantizeMultiplier(Double(sb.scale) / twiceMax)
        let outputReal = twiceMax / Double(Float(1 << leftShift) * sy.scale)
        // TFLite refuses the model here (its QuantizeMultiplierSmallerThanOneExp checks the range).
        guard outputReal < 1 else {
            throw QuantizationError("tensor '\(tensors[out].name)': int8 ADD output scale \(sy.scale) is too small for inputs of scale "
                                    + "\(max(sa.scale, sb.scale)) (TFLite rejects it too)")
        }
        let my = Affine.quantizeMultiplier(outputReal)
        let (lo, hi) = try activationRange(activation, tensors[out], layer: tensors[out].name)
        return QAffineAdd(a: a, b: b, output: out, aOffset: -sa.zeroPoint, bOffset: -sb.zeroPoint, outputOffset: sy.zeroPoint,
                          aMultiplier: ma.multiplier, aShift: ma.shift, bMultiplier: mb.multiplier, bShift: mb.shift,
                          outputMultiplier: my.multiplier, outputShift: my.shift, leftShift: leftShift,
                          clampMin: Int32(lo), clampMax: Int32(hi))
    }
}
