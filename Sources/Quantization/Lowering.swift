import FixedPoint
import Foundation
import GraphIR
import QuantizedIR

/// Builds the integer program from a graph and a plan. Everything bit-level is decided here:
/// weight integers, bias alignment, accumulator width (by proof), shifts and clamps.
public enum Lowering {
    public struct Result: Sendable {
        public var program: QProgram
        /// Program tensor -> the graph value it holds.
        public var tensorValues: [Int: ValueID]
        public var analysis: QuantAnalysis
        /// Why a layer is not in the plan's scheme, by layer name.
        public var notes: [String: String] = [:]
    }

    public static func lower(_ graph: Graph, plan: QuantizationPlan) throws -> Result {
        if plan.scheme == .int8 { return try AffineLowering.lower(graph, fullyConnected: plan.fullyConnectedRounding ?? .tflm) }
        let graph = plan.applyingTrainedWeights(to: graph)
        let analysis = try QuantAnalysis(graph)
        var program = QProgram()
        var tensorOf = [ValueID: Int]()
        var valueOf = [Int: ValueID]()

        func format(of id: ValueID) throws -> QFormat {
            guard let format = analysis.format(of: id, in: plan) else {
                throw QuantizationError("the plan has no format for tensor '\(graph[id].name)'")
            }
            return format
        }
        func tensor(for id: ValueID) throws -> Int {
            if let t = tensorOf[id] { return t }
            let t = program.addTensor(QTensor(name: graph[id].name, shape: graph.shape(id), format: try format(of: id)))
            tensorOf[id] = t
            valueOf[t] = id
            return t
        }

        /// The two operands of an element-wise op, the one with more elements first (when the op
        /// commutes); the other must have as many, or be a scalar or one value per channel.
        func broadcastOperands(_ node: Node, commutes: Bool = true) throws -> (Int, Int) {
            var a = try tensor(for: node.inputs[0]), b = try tensor(for: node.inputs[1])
            if program.tensors[a].count < program.tensors[b].count {
                guard commutes else { throw QuantizationError("\(node.name): subtraction broadcasting its first operand") }
                swap(&a, &b)
            }
            let (ca, cb) = (program.tensors[a].count, program.tensors[b].count)
            guard ca == cb || cb == 1 || program.tensors[a].shape.last == cb else {
                throw QuantizationError("\(node.name): only same-shape, per-channel or scalar broadcasting is supported")
            }
            return (a, b)
        }

        /// What conv and dense share: input tensor, weight tensor, formats and the encoded weights.
        func weighted(_ node: Node, activation: Activation?) throws -> (Int, Tensor, LayerFormats, Encoded) {
            let input = try tensor(for: node.inputs[0])
            let layer = try layerFormats(plan, node)
            let encoded = try weightsAndBias(graph, node, layer: layer, inputFormat: program.tensors[input].format,
                                             outputFormat: program.tensors[try tensor(for: node.outputs[0])].format,
                                             activation: activation)
            return (input, graph.constant(node.inputs[1])!, layer, encoded)
        }

        program.inputs = try graph.inputs.map { try tensor(for: $0) }
        for (index, node) in graph.nodes.enumerated() {
            if index == analysis.droppedSoftmax { continue }
            let out = try tensor(for: node.outputs[0])
            let outFormat = program.tensors[out].format
            let op: QOp
            switch node.op {
            case .conv2d(let conv):
                let (input, w, layer, encoded) = try weighted(node, activation: conv.activation)
                op = .conv(QConv(input: input, output: out, kernelH: w.shape[1], kernelW: w.shape[2],
                                 strideH: conv.strideH, strideW: conv.strideW, dilationH: conv.dilationH, dilationW: conv.dilationW,
                                 padding: QPadding(conv.padding), groups: conv.groups, inChannelsPerGroup: w.shape[3],
                                 outChannels: w.shape[0], weights: encoded.weights, bias: encoded.bias,
                                 biasBits: layer.biasBits, accumulator: encoded.accumulator, requantize: encoded.requantize))
            case .dense(let dense):
                let (input, w, layer, encoded) = try weighted(node, activation: dense.activation)
                op = .dense(QDense(input: input, output: out, inFeatures: w.shape[1], outFeatures: w.shape[0],
                                   weights: encoded.weights, bias: encoded.bias, biasBits: layer.biasBits,
                                   accumulator: encoded.accumulator, requantize: encoded.requantize))
            case .maxPool2d(let p), .avgPool2d(let p):
                let pool = QPool(input: try tensor(for: node.inputs[0]), output: out, kernelH: p.kernelH, kernelW: p.kernelW,
                                 strideH: p.strideH, strideW: p.strideW, dilationH: p.dilationH, dilationW: p.dilationW,
                                 padding: QPadding(p.padding), countIncludePad: p.countIncludePad)
                if case .maxPool2d = node.op { op = .maxPool(pool) } else { op = .avgPool(pool) }
            case .globalAvgPool:
                op = .globalAvgPool(QUnary(input: try tensor(for: node.inputs[0]), output: out))
            case .globalMaxPool:
                op = .globalMaxPool(QUnary(input: try tensor(for: node.inputs[0]), output: out))
            case .reshape:
                op = .reshape(QUnary(input: try tensor(for: node.inputs[0]), output: out))
            case .transpose(let perm):
                op = .transpose(QTranspose(input: try tensor(for: node.inputs[0]), output: out, perm: perm))
            case .indexCopy(let copy):
                op = .indexCopy(QIndexCopy(input: try tensor(for: node.inputs[0]), output: out, offsets: copy.simplified.offsets,
                                           source: copy.source))
            case .pad(let pad):
                let input = try tensor(for: node.inputs[0])
                op = .pad(QPad(input: input, output: out, before: pad.before, after: pad.after,
                               value: outFormat.quantize(Double(pad.value))))
            case .binary(let binary):
                let subtract = binary.op == .sub
                let (a, b) = try broadcastOperands(node, commutes: !subtract)
                let (lo, hi) = clampRange(binary.activation, outFormat)
                switch binary.op {
                case .add, .sub: op = .add(QAdd(a: a, b: b, output: out, subtract: subtract, clampMin: lo, clampMax: hi))
                case .mul: op = .mul(QMul(a: a, b: b, output: out, clampMin: lo, clampMax: hi))
                case .div: throw QuantizationError("\(node.name): division has no integer kernel")
                case .pow: throw QuantizationError("\(node.name): a power of two computed tensors has no integer kernel")
                }
            case .maxMin(let minimum):
                let (a, b) = try broadcastOperands(node)
                let (lo, hi) = clampRange(nil, outFormat)
                op = .maxMin(QMaxMin(a: a, b: b, output: out, minimum: minimum, clampMin: lo, clampMax: hi))
            case .concat(let axis):
                op = .concat(QConcat(inputs: try node.inputs.map { try tensor(for: $0) }, output: out, axis: axis))
            case .activation(let act):
                let input = try tensor(for: node.inputs[0])
                switch act {
                case .relu, .clip:
                    let (lo, hi) = clampRange(act, outFormat)
                    op = .clamp(QClamp(input: input, output: out, clampMin: lo, clampMax: hi))
                default:
                    op = .table(QTable(input: input, output: out, function: act.name,
                                       values: table(act, input: program.tensors[input].format, output: outFormat)))
                }
            default:
                throw QuantizationError("\(node.name): \(node.op.kind) has no integer kernel")
            }
            program.ops.append(QNode(name: node.name, op: op))
        }
        program.outputs = try graph.outputs.map { id in
            if let softmax = analysis.droppedSoftmax, graph.nodes[softmax].outputs[0] == id {
                return try tensor(for: graph.nodes[softmax].inputs[0])
            }
            return try tensor(for: id)
        }
        return Result(program: program, tensorValues: valueOf, analysis: analysis, notes: plan.layers.compactMapValues(\.note))
    }

    static func layerFormats(_ plan: QuantizationPlan, _ node: Node) throws -> LayerFormats {
        guard let layer = plan.layers[node.name] else { throw QuantizationError("the plan has no weight formats for layer '\(node.name)'") }
        return layer
    }

    /// Integer clamp bounds of an activation in `format` (the full range without one).
    static func clampRange(_ activation: Activation?, _ format: QFormat) -> (Int64, Int64) {
        let scale = pow(2, Double(format.frac))
        switch activation {
        case .relu?: return (0, format.maxInt)
        case .clip(let lo, let hi)?:
            let low = lo.isFinite ? max(format.minInt, Int64(max(ceil(Double(lo) * scale), -1e18))) : format.minInt
            let high = hi.isFinite ? min(format.maxInt, Int64(min(floor(Double(hi) * scale), 1e18))) : format.maxInt
            return (low, max(low, high))
        default: return (format.minInt, format.maxInt)
        }
    }

    struct Encoded {
        var weights: WeightEncoding
        var bias: [Int64]
        var accumulator: AccumulatorWidth
        var requantize: Requantization
    }

    /// Quantizes weights and bias, aligns the bias to the accumulator, proves the accumulator width.
    static func weightsAndBias(_ graph: Graph, _ node: Node, layer: LayerFormats, inputFormat: QFormat,
                               outputFormat: QFormat, activation: Activation?) throws -> Encoded {
        let w = graph.constant(node.inputs[1])!
        let channels = w.shape[0]
        let weights = try WeightEncoder.encode(w, layer: layer, name: node.name)
        let biasValues = layer.bias(graph, node)
        let biasFormat = QFormat(bits: layer.biasBits, frac: layer.biasFrac)
        var bias = [Int64](repeating: 0, count: channels)
        var shifts = [Int](repeating: 0, count: channels)
        var needs64 = false
        let inputMax = Int64(1) << Int64(inputFormat.bits - 1)
        let magnitudes = weights.magnitudeSums(channels: channels)
        for o in 0..<channels {
            let accFrac = inputFormat.frac + (layer.weightFracs.count == 1 ? layer.weightFracs[0] : layer.weightFracs[o])
            guard layer.biasFrac <= accFrac else {
                throw QuantizationError("layer '\(node.name)': bias frac \(layer.biasFrac) exceeds the accumulator's \(accFrac)")
            }
            let alignment = accFrac - layer.biasFrac
            guard alignment < 62 else { throw QuantizationError("layer '\(node.name)': bias alignment shift \(alignment) is too large") }
            let qb = biasFormat.quantize(Double(biasValues[o]))
            let aligned = qb.multipliedReportingOverflow(by: Int64(1) << Int64(alignment))
            guard !aligned.overflow else { throw QuantizationError("layer '\(node.name)': the aligned bias overflows 64 bits") }
            bias[o] = aligned.partialValue
            shifts[o] = accFrac - outputFormat.frac
            // Worst case: every input at its largest magnitude with the weights' signs.
            let bound = magnitudes[o] * inputMax + abs(bias[o])
            if bound > Int64(Int32.max) { needs64 = true }
            guard bound < Int64(1) << 62 else { throw QuantizationError("layer '\(node.name)': the accumulator can exceed 64 bits") }
        }
        let (lo, hi) = clampRange(activation, outputFormat)
        return Encoded(weights: weights, bias: bias,
                       accumulator: needs64 ? .int64 : .int32,
                       requantize: Requantization(shifts: shifts.allSatisfy({ $0 == shifts[0] }) ? [shifts[0]] : shifts,
                                                  clampMin: lo, clampMax: hi))
    }

    /// The table `QTable` documents: exact function values at each input level (narrow inputs), or
    /// at the 1025 segment boundaries for wider ones.
    static func table(_ act: Activation, input: QFormat, output: QFormat) -> [Int32] {
        func f(_ x: Double) -> Double { act == .sigmoid ? 1 / (1 + exp(-x)) : act.value(x) }
        if input.bits <= QTable.directBits {
            return (input.minInt...input.maxInt).map { Int32(output.quantize(f(input.dequantize($0)))) }
        }
        let s = Int64(input.bits - QTable.directBits)
        return (0...(1 << QTable.directBits)).map { i in Int32(output.quantize(f(input.dequantize(input.minInt + (Int64(i) << s))))) }
    }
}

extension QPadding {
    init(_ padding: Padding2D) {
        self.init(top: padding.top, left: padding.left, bottom: padding.bottom, right: padding.right)
    }
}
