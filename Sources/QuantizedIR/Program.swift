import FixedPoint

/// The lowered integer program: ordered kernels over tensors with fixed-point formats.
///
/// Both the `IntegerSimulator` and the C emitter read this, so they cannot drift apart. It
/// records *what* to compute, bit for bit, and nothing of how the formats were chosen.
public struct QProgram: Codable, Sendable {
    public var tensors: [QTensor]
    public var ops: [QNode]
    public var inputs: [Int]
    public var outputs: [Int]

    public init(tensors: [QTensor] = [], ops: [QNode] = [], inputs: [Int] = [], outputs: [Int] = []) {
        self.tensors = tensors
        self.ops = ops
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Multiply instructions one op needs by its weight encoding (the static count): one per MAC
    /// for fixed point and codebook lookups, none for signed digits, one per nonzero plane scale and
    /// output for bit planes, one per nonzero centroid and output for accumulated codebooks.
    public func multiplies(of op: QOp) -> Int {
        guard let weights = op.weights else { return 0 }
        let outputs = tensors[op.output].count
        switch (op, weights) {
        case (.conv(let c), .bitPlanes(let w)): return outputs / c.outChannels * w.multipliesPerPosition
        case (.dense(let d), .bitPlanes(let w)): return outputs / d.outFeatures * w.multipliesPerPosition
        case (_, .codebook(let w)) where w.form == .accumulate: return outputs * w.nonzeroCentroids
        default: return macs(of: op) * weights.multipliesPerMAC
        }
    }

    /// Multiply-accumulates of one op: each output of a conv or dense layer sums kernel-size products.
    public func macs(of op: QOp) -> Int {
        switch op {
        case .conv(let c): return tensors[c.output].count * c.kernelH * c.kernelW * c.inChannelsPerGroup
        case .dense(let d): return tensors[d.output].count * d.inFeatures
        default: return 0
        }
    }

    @discardableResult
    public mutating func addTensor(_ tensor: QTensor) -> Int {
        tensors.append(tensor)
        return tensors.count - 1
    }
}

/// An activation tensor: NHWC shape and fixed-point format; int8-affine tensors (`--scheme int8`)
/// add a scale and zero point, and their format only gives the storage bits.
public struct QTensor: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var format: QFormat
    public var affine: AffineQuantization?
    /// The stored integers of a constant operand (an int8 ADD or MUL by a constant tensor): kept in
    /// flash, never in the arena; nil for tensors that are fed or computed.
    public var constant: [Int32]?
    public init(name: String, shape: [Int], format: QFormat, affine: AffineQuantization? = nil, constant: [Int32]? = nil) {
        self.name = name
        self.shape = shape
        self.format = format
        self.affine = affine
        self.constant = constant
    }
    public var count: Int { shape.reduce(1, *) }

    /// The integer of a real value (saturated to the format's bits).
    public func quantize(_ x: Double) -> Int64 {
        guard let affine else { return format.quantize(x) }
        // As the bundle's model_quantize_input: the division in float, NaN to the zero point,
        // saturation decided before rounding (the same outcome, without converting a huge value).
        let v = Float(x) / affine.scale
        if v.isNaN { return Int64(affine.zeroPoint) }
        let shifted = Double(v) + Double(affine.zeroPoint)
        if shifted >= Double(format.maxInt) { return format.maxInt }
        if shifted <= Double(format.minInt) { return format.minInt }
        return Int64(Double(v).rounded()) + Int64(affine.zeroPoint)
    }

    /// The real value of an integer.
    public func dequantize(_ q: Int64) -> Double {
        guard let affine else { return format.dequantize(q) }
        return Double(affine.scale) * Double(q - Int64(affine.zeroPoint))
    }
}

/// TFLite's affine quantization: real = scale · (q − zeroPoint), the scale kept as TFLite's float.
public struct AffineQuantization: Codable, Sendable, Equatable {
    public var scale: Float
    public var zeroPoint: Int32
    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }
}

public struct QNode: Codable, Sendable {
    public var name: String
    public var op: QOp
    public init(name: String, op: QOp) {
        self.name = name
        self.op = op
    }
}

public enum QOp: Codable, Sendable {
    case conv(QConv)
    case dense(QDense)
    case maxPool(QPool)
    case avgPool(QPool)
    case globalAvgPool(QUnary)
    case globalMaxPool(QUnary)
    case add(QAdd)
    /// Element-wise product of two tensors (a gate, a swish, a squeeze-and-excitation scale).
    case mul(QMul)
    /// Element-wise maximum or minimum of two tensors (TFLite MAXIMUM/MINIMUM, ONNX Max/Min).
    case maxMin(QMaxMin)
    case concat(QConcat)
    case pad(QPad)
    /// Copies the data unchanged into a tensor of another shape (a view in C).
    case reshape(QUnary)
    case transpose(QTranspose)
    /// Copies values by constant indices (slice, split, gather, mirror pad, nearest resize,
    /// depth/space rearrangement); the output keeps the input's format.
    case indexCopy(QIndexCopy)
    /// Requantizes to the output format and clamps (a standalone ReLU, ReLU6 or clip).
    case clamp(QClamp)
    /// Element-wise lookup (sigmoid, tanh).
    case table(QTable)
    /// int8-affine addition of two tensors with their own scales (TFLite's quantized ADD).
    case affineAdd(QAffineAdd)
    /// int8-affine multiplication of two tensors with their own scales (TFLite's quantized MUL).
    case affineMul(QAffineMul)
    /// int8-affine mean over H and W with its own input and output scales (TFLite's integer MEAN).
    case affineMean(QAffineMean)
    /// TFLite's int8 SQUARED_DIFFERENCE: its ADD's input rescaling (left shift 7), then the squared
    /// difference rescaled to the output (the clamp fields unused).
    case affineSquaredDifference(QAffineAdd)
    /// TFLite's int8 L2_NORMALIZATION over the last axis: output scale 1/128, zero point 0.
    case affineL2Normalization(QAffineL2Normalization)
    /// TFLite's int8 DIV (`Affine.divide`), with the fields of its MUL: the multiplier and shift are
    /// a's scale / (b's scale · the output's).
    case affineDiv(QAffineMul)
    /// TFLite's int8 comparisons (GREATER, LESS, EQUAL, ...): 1 where it holds, else 0.
    case affineCompare(QAffineCompare)
    /// TFLite's SELECT/SELECT_V2 of int8 values: a where the condition is nonzero, else b, copied as
    /// they are stored.
    case select(QSelect)
    /// int8-affine PReLU with a constant slope (TFLite's PRELU).
    case affinePRelu(QAffinePRelu)
    /// Bilinear resizing of int8 values as TFLite computes it (positions in 1/1024, one rounding).
    case resizeBilinear(QResizeBilinear)
    /// int8-affine softmax over the last axis (TFLite's reference integer softmax).
    case softmax(QSoftmax)
    /// int8-affine log-softmax over the last axis (TFLite's reference integer LOG_SOFTMAX).
    case logSoftmax(QLogSoftmax)

    public var kind: String {
        switch self {
        case .conv(let c): return c.groups > 1 ? (c.groups == c.outChannels && c.inChannelsPerGroup == 1 ? "depthwise_conv" : "grouped_conv") : "conv"
        case .dense: return "dense"
        case .maxPool: return "maxpool"
        case .avgPool: return "avgpool"
        case .globalAvgPool: return "global_avgpool"
        case .globalMaxPool: return "global_maxpool"
        case .add: return "add"
        case .mul: return "mul"
        case .maxMin(let m): return m.minimum ? "minimum" : "maximum"
        case .concat: return "concat"
        case .pad: return "pad"
        case .reshape: return "reshape"
        case .transpose: return "transpose"
        case .indexCopy(let c): return c.source
        case .clamp: return "clamp"
        case .table: return "table"
        case .affineAdd: return "add"
        case .affineMul: return "mul"
        case .affineMean: return "mean"
        case .affinePRelu: return "prelu"
        case .affineCompare(let c): return c.comparison.rawValue
        case .select: return "select"
        case .affineDiv: return "div"
        case .affineL2Normalization: return "l2_normalization"
        case .affineSquaredDifference: return "squared_difference"
        case .resizeBilinear: return "resize_bilinear"
        case .softmax: return "softmax"
        case .logSoftmax: return "log_softmax"
        }
    }

    /// The weights of a conv or dense layer.
    public var weights: WeightEncoding? {
        switch self {
        case .conv(let c): return c.weights
        case .dense(let d): return d.weights
        default: return nil
        }
    }

    /// Tensors read and written.
    public var inputs: [Int] {
        switch self {
        case .conv(let c): return [c.input]
        case .dense(let d): return [d.input]
        case .maxPool(let p), .avgPool(let p): return [p.input]
        case .globalAvgPool(let u), .globalMaxPool(let u), .reshape(let u): return [u.input]
        case .add(let a): return [a.a, a.b]
        case .mul(let m): return [m.a, m.b]
        case .maxMin(let m): return [m.a, m.b]
        case .concat(let c): return c.inputs
        case .pad(let p): return [p.input]
        case .transpose(let t): return [t.input]
        case .indexCopy(let c): return [c.input]
        case .clamp(let c): return [c.input]
        case .table(let t): return [t.input]
        case .affineAdd(let a): return [a.a, a.b]
        case .affineMul(let m): return [m.a, m.b]
        case .affineMean(let m): return [m.input]
        case .affinePRelu(let r): return [r.input]
        case .affineCompare(let c): return [c.a, c.b]
        case .select(let s): return [s.condition, s.a, s.b]
        case .affineDiv(let m): return [m.a, m.b]
        case .affineL2Normalization(let l): return [l.input]
        case .affineSquaredDifference(let a): return [a.a, a.b]
        case .resizeBilinear(let r): return [r.input]
        case .softmax(let s): return [s.input]
        case .logSoftmax(let s): return [s.input]
        }
    }

    public var output: Int {
        switch self {
        case .conv(let c): return c.output
        case .dense(let d): return d.output
        case .maxPool(let p), .avgPool(let p): return p.output
        case .globalAvgPool(let u), .globalMaxPool(let u), .reshape(let u): return u.output
        case .add(let a): return a.output
        case .mul(let m): return m.output
        case .maxMin(let m): return m.output
        case .concat(let c): return c.output
        case .pad(let p): return p.output
        case .transpose(let t): return t.output
        case .indexCopy(let c): return c.output
        case .clamp(let c): return c.output
        case .table(let t): return t.output
        case .affineAdd(let a): return a.output
        case .affineMul(let m): return m.output
        case .affineMean(let m): return m.output
        case .affinePRelu(let r): return r.output
        case .affineCompare(let c): return c.output
        case .select(let s): return s.output
        case .affineDiv(let m): return m.output
        case .affineL2Normalization(let l): return l.output
        case .affineSquaredDifference(let a): return a.output
        case .resizeBilinear(let r): return r.output
        case .softmax(let s): return s.output
        case .logSoftmax(let s): return s.output
        }
    }
}

public enum AccumulatorWidth: String, Codable, Sendable {
    case int32, int64
}

/// Accumulator → output: `y = clamp(sat(rshift_round(acc, shift)))`, per output channel when
/// `shifts` has one entry per channel. A negative shift is a saturating left shift.
/// With `affine` (int8-affine layers) instead: y = clamp(zeroPoint + mbqm(acc, multiplier, shift)),
/// TFLite's `MultiplyByQuantizedMultiplier` with its shift convention (positive = left), and
/// `shifts` holds those shifts.
public struct Requantization: Codable, Sendable, Equatable {
    public var shifts: [Int]
    public var clampMin: Int64
    public var clampMax: Int64
    public var affine: AffineRequantization?
    public init(shifts: [Int], clampMin: Int64, clampMax: Int64, affine: AffineRequantization? = nil) {
        self.shifts = shifts
        self.clampMin = clampMin
        self.clampMax = clampMax
        self.affine = affine
    }
    public func shift(for channel: Int) -> Int { shifts.count == 1 ? shifts[0] : shifts[channel] }
}

/// The int8-affine part of a requantization: one int32 multiplier per output channel (or one for
/// all) and the output's zero point.
public struct AffineRequantization: Codable, Sendable, Equatable {
    public var multipliers: [Int32]
    public var outputZeroPoint: Int32
    /// One rounding of x·m·2^(shift−31) (half up) instead of TFLite's default two (the doubling high
    /// multiply, then the rounding shift): how ai-edge-litert's reference kernel computes fully
    /// connected layers, where TFLM with CMSIS-NN rounds twice as everywhere else.
    public var singleRounding: Bool
    public init(multipliers: [Int32], outputZeroPoint: Int32, singleRounding: Bool = false) {
        self.multipliers = multipliers
        self.outputZeroPoint = outputZeroPoint
        self.singleRounding = singleRounding
    }
    public func multiplier(for channel: Int) -> Int32 { multipliers.count == 1 ? multipliers[0] : multipliers[channel] }
}

/// How a layer's weights are stored.
public enum WeightEncoding: Codable, Sendable {
    /// Plain fixed point: one integer per weight, `bits` wide, with `fracs` per layer (one entry)
    /// or per output channel.
    case fixed(FixedWeights)
    /// Approximate signed digits: each weight q = s1·2^e1 + s2·2^e2, one byte code per weight
    /// (`SignedDigit`); a product is shifts and adds.
    case signedDigits(SignedDigitWeights)
    /// Bit planes: each group of weights is Σ_m α_m·B_m with sign planes B_m; a product sum is
    /// additions plus one multiply per plane scale.
    case bitPlanes(BitPlaneWeights)
    /// A codebook: each weight is a packed index into a layer's few integer centroids.
    case codebook(CodebookWeights)

    /// Bits of storage per weight (bit planes: the packed words and the scales, per weight).
    public var bitsPerWeight: Double {
        switch self {
        case .fixed(let w): return Double(w.bits)
        case .signedDigits: return 8
        case .bitPlanes(let w): return Double(w.storageBits) / Double(max(w.weightCount, 1))
        case .codebook(let w): return Double(w.storageBits) / Double(max(w.weightCount, 1))
        }
    }

    /// Number of weights (without decoding them).
    public var count: Int {
        switch self {
        case .fixed(let w): return w.values.count
        case .signedDigits(let w): return w.codes.count
        case .bitPlanes(let w): return w.weightCount
        case .codebook(let w): return w.weightCount
        }
    }

    /// The weight integers q (real weight = q · 2^−frac), whatever the encoding.
    public var integerValues: [Int32] {
        switch self {
        case .fixed(let w): return w.values
        case .signedDigits(let w): return w.values
        case .bitPlanes(let w): return w.values
        case .codebook(let w): return w.values
        }
    }

    public var fracs: [Int] {
        switch self {
        case .fixed(let w): return w.fracs
        case .signedDigits(let w): return w.fracs
        case .bitPlanes(let w): return w.fracs
        case .codebook(let w): return w.fracs
        }
    }

    /// Bits of the weight-side operand of each multiply: the weight, or a bit plane's scale.
    public var multiplierOperandBits: Int {
        switch self {
        case .fixed(let w): return w.bits
        case .signedDigits: return 8
        case .bitPlanes(let w): return w.alphaBits
        case .codebook(let w): return w.centroidBits
        }
    }

    /// Per output channel, what the worst-case accumulator bound multiplies by max |x|: Σ_j |q_j|,
    /// or for bit planes Σ_m |α_m|·n, each plane's term α·(2P − S) being bounded on its own.
    public func magnitudeSums(channels: Int) -> [Int64] {
        if case .bitPlanes(let w) = self {
            let perOutput = w.groupsPerOutput * w.planes
            return (0..<channels).map { o in
                w.alphas[(o * perOutput)..<((o + 1) * perOutput)].reduce(Int64(0)) { $0 + Int64(abs(Int32($1))) } * Int64(w.groupSize)
            }
        }
        let q = integerValues, per = q.count / max(channels, 1)
        return (0..<channels).map { o in q[(o * per)..<((o + 1) * per)].reduce(Int64(0)) { $0 + Int64(abs($1)) } }
    }

    /// Hardware multiplies per MAC: 1 for fixed point and codebook lookups, 0 for signed digits,
    /// bit planes and accumulated codebooks (whose multiplies go with outputs, not MACs:
    /// `QProgram.multiplies(of:)`).
    public var multipliesPerMAC: Int {
        switch self {
        case .fixed: return 1
        case .codebook(let w): return w.form == .lookup ? 1 : 0
        case .signedDigits, .bitPlanes: return 0
        }
    }

    /// The name of the encoding's scheme.
    public var scheme: String {
        switch self {
        case .fixed: return "fixed"
        case .signedDigits: return "shift"
        case .bitPlanes: return "bitplane"
        case .codebook: return "codebook"
        }
    }
}

/// How bit-plane groups cut a layer's weights.
public enum BitPlaneGrouping: String, Codable, Sendable, CaseIterable {
    /// One group per output channel (all its weights): M multiplies per output value.
    case filter
    /// One group per (output channel, input channel) pair, its kh×kw taps: M per input channel.
    case kernel2d
}

/// Bit planes. A group g of n weights has M planes B_{g,m} ∈ {−1, +1}^n and integer
/// scales α_{g,m}; weight j of the group is q_j = Σ_m α_{g,m}·B_{g,m,j}, real value q_j·2^−frac[o].
/// Groups: output channel o (filter, g = o, weights in OHWI order) or the pair (o, i) of output and
/// input channel (kernel2d, g = o·I + i, taps in (ky, kx) order). Storage (what the C kernel
/// reads): per group and plane `groupWords` words, bit j at 31 − j mod 32 of word ⌊j/32⌋, set for
/// +1; scales as int16 [group][plane].
public struct BitPlaneWeights: Codable, Sendable, Equatable {
    public var grouping: BitPlaneGrouping
    public var planes: Int
    /// Weights per group.
    public var groupSize: Int
    public var groupCount: Int
    /// Groups per output channel (1 for filter, I for kernel2d).
    public var groupsPerOutput: Int
    public var words: [UInt32]
    public var alphas: [Int16]
    /// Bits the scales were quantized to (stored as int16).
    public var alphaBits: Int
    /// The scales' fractional length per output channel (one entry: the same for all).
    public var fracs: [Int]
    /// The OHWI shape of the weights ([O, K] for a dense layer, [O, kh, kw, I] for a conv).
    public var shape: [Int]

    public init(grouping: BitPlaneGrouping, planes: Int, groupSize: Int, groupsPerOutput: Int, words: [UInt32], alphas: [Int16],
                alphaBits: Int, fracs: [Int], shape: [Int]) {
        self.grouping = grouping
        self.planes = planes
        self.groupSize = groupSize
        self.groupCount = alphas.count / max(planes, 1)
        self.groupsPerOutput = groupsPerOutput
        self.words = words
        self.alphas = alphas
        self.alphaBits = alphaBits
        self.fracs = fracs
        self.shape = shape
    }

    /// The largest group the C kernel takes: its 32-bit window sums hold n · 2^15 for 16-bit inputs.
    public static let maxGroupSize = 16384

    public static func wordsPerPlane(groupSize n: Int) -> Int { (n + 31) / 32 }
    public var groupWords: Int { Self.wordsPerPlane(groupSize: groupSize) }
    public var weightCount: Int { groupCount * groupSize }
    public var storageBits: Int { words.count * 32 + alphas.count * 16 }

    /// Whether bit j of plane m of group g is set (the weight's sign in that plane is +1).
    public func bit(group g: Int, plane m: Int, _ j: Int) -> Bool {
        (words[(g * planes + m) * groupWords + j / 32] >> UInt32(31 - j % 32)) & 1 == 1
    }

    /// The weight index (OHWI) of element j of group g.
    public func weightIndex(group g: Int, _ j: Int) -> Int {
        Self.weightIndex(group: g, j, groupSize: groupSize, groupsPerOutput: groupsPerOutput)
    }

    /// Filter groups are contiguous; kernel2d group g = o·I + i holds the taps of input channel i.
    public static func weightIndex(group g: Int, _ j: Int, groupSize: Int, groupsPerOutput: Int) -> Int {
        groupsPerOutput == 1 ? g * groupSize + j : ((g / groupsPerOutput) * groupSize + j) * groupsPerOutput + g % groupsPerOutput
    }

    /// Multiplies per output position: the nonzero scales of all output channels.
    public var multipliesPerPosition: Int { alphas.filter { $0 != 0 }.count }

    /// The integer weights q in OHWI order.
    public var values: [Int32] {
        var q = [Int32](repeating: 0, count: weightCount)
        for g in 0..<groupCount {
            for j in 0..<groupSize {
                var v: Int32 = 0
                for m in 0..<planes {
                    let a = Int32(alphas[g * planes + m])
                    v += bit(group: g, plane: m, j) ? a : -a
                }
                q[weightIndex(group: g, j)] = v
            }
        }
        return q
    }
}

/// How a codebook layer's kernel sums: a centroid lookup and multiply per weight, or per output the
/// window's inputs binned by index and one multiply per centroid.
public enum CodebookForm: String, Codable, Sendable, CaseIterable {
    case lookup, accumulate
}

/// k-means weights: weight j of output channel o is q_j = codebook[index_j], real value
/// q_j·2^−frac[o] (one entry: the same for all channels). Indices are `indexBits` wide, packed little-endian into a bit stream in weight
/// order (OHWI; [O, K] for dense layers): index j is bits j·b … j·b + b − 1, bit t at t mod 8 of
/// byte ⌊t/8⌋. One zero byte ends the stream, so a reader may always load two bytes.
public struct CodebookWeights: Codable, Sendable, Equatable {
    public var codebook: [Int16]
    /// Bits the centroids were quantized to (stored as int16).
    public var centroidBits: Int
    public var indexBits: Int
    public var indices: [UInt8]
    public var weightCount: Int
    public var fracs: [Int]
    public var form: CodebookForm

    public init(codebook: [Int16], centroidBits: Int, indexBits: Int, indices: [UInt8], weightCount: Int, fracs: [Int],
                form: CodebookForm) {
        self.codebook = codebook
        self.centroidBits = centroidBits
        self.indexBits = indexBits
        self.indices = indices
        self.weightCount = weightCount
        self.fracs = fracs
        self.form = form
    }

    /// The most centroids a layer has (the accumulating kernel keeps one sum per centroid).
    public static let maxClusters = 256

    /// The packed stream of `indices`, `bits` each, with its closing zero byte.
    public static func pack(_ indices: [Int], bits: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (indices.count * bits + 7) / 8 + 1)
        var t = 0
        for index in indices {
            for b in 0..<bits where (index >> b) & 1 == 1 { bytes[(t + b) / 8] |= UInt8(1) << UInt8((t + b) % 8) }
            t += bits
        }
        return bytes
    }

    public func index(_ j: Int) -> Int {
        var v = 0
        for b in 0..<indexBits {
            let t = j * indexBits + b
            v |= Int((indices[t / 8] >> UInt8(t % 8)) & 1) << b
        }
        return v
    }

    public var values: [Int32] { (0..<weightCount).map { Int32(codebook[index($0)]) } }
    /// The packed indices (without the closing byte) and the int16 codebook.
    public var storageBits: Int { weightCount * indexBits + codebook.count * 16 }
    /// Multiplies per output of the accumulating kernel: zero centroids are skipped.
    public var nonzeroCentroids: Int { codebook.filter { $0 != 0 }.count }
}

public struct SignedDigitWeights: Codable, Sendable, Equatable {
    /// One `SignedDigit` byte code per weight, in the layer's weight layout.
    public var codes: [UInt8]
    /// At most this many terms per weight (1 or 2).
    public var digits: Int
    /// Exponents 0 ..< exponents.
    public var exponents: Int
    public var fracs: [Int]
    public init(codes: [UInt8], digits: Int, exponents: Int, fracs: [Int]) {
        self.codes = codes
        self.digits = digits
        self.exponents = exponents
        self.fracs = fracs
    }
    public var values: [Int32] { codes.map { Int32(SignedDigit(code: $0).value) } }
}

public struct FixedWeights: Codable, Sendable, Equatable {
    public var values: [Int32]
    public var bits: Int
    public var fracs: [Int]
    public init(values: [Int32], bits: Int, fracs: [Int]) {
        self.values = values
        self.bits = bits
        self.fracs = fracs
    }
    public func frac(for channel: Int) -> Int { fracs.count == 1 ? fracs[0] : fracs[channel] }
}

public struct QPadding: Codable, Sendable, Equatable {
    public var top: Int, left: Int, bottom: Int, right: Int
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
}

/// NHWC convolution, OHWI weights (I = input channels / groups).
public struct QConv: Codable, Sendable {
    public var input: Int, output: Int
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padding: QPadding
    public var groups: Int
    public var inChannelsPerGroup: Int
    public var outChannels: Int
    public var weights: WeightEncoding
    /// Biases already aligned to the accumulator's fractional length (frac_x + frac_w[o]).
    public var bias: [Int64]
    /// The format the bias was quantized to before alignment (reporting).
    public var biasBits: Int
    public var accumulator: AccumulatorWidth
    public var requantize: Requantization
    /// The integer every tap outside the input reads: 0, except for int8-affine layers, whose
    /// input zero point is folded into the bias (bias − zp·Σw) and so must fill the padding.
    public var padValue: Int32 = 0

    public init(input: Int, output: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int,
                dilationW: Int, padding: QPadding, groups: Int, inChannelsPerGroup: Int, outChannels: Int,
                weights: WeightEncoding, bias: [Int64], biasBits: Int, accumulator: AccumulatorWidth,
                requantize: Requantization) {
        self.input = input
        self.output = output
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.padding = padding
        self.groups = groups
        self.inChannelsPerGroup = inChannelsPerGroup
        self.outChannels = outChannels
        self.weights = weights
        self.bias = bias
        self.biasBits = biasBits
        self.accumulator = accumulator
        self.requantize = requantize
    }
}

/// y[m, o] over rows m: weights [O, K].
public struct QDense: Codable, Sendable {
    public var input: Int, output: Int
    public var inFeatures: Int, outFeatures: Int
    public var weights: WeightEncoding
    public var bias: [Int64]
    public var biasBits: Int
    public var accumulator: AccumulatorWidth
    public var requantize: Requantization

    public init(input: Int, output: Int, inFeatures: Int, outFeatures: Int, weights: WeightEncoding, bias: [Int64],
                biasBits: Int, accumulator: AccumulatorWidth, requantize: Requantization) {
        self.input = input
        self.output = output
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weights = weights
        self.bias = bias
        self.biasBits = biasBits
        self.accumulator = accumulator
        self.requantize = requantize
    }
}

/// Max or average pooling. Max: output format = input format.
/// Average: the window sum times 2^s divided by the tap count (taps inside the input, or inside
/// the explicitly padded input when `countIncludePad`), saturated to the output format, which has
/// the input's bits and a frac s = 0…15 finer (`maxAverageShift`; an average resolves finer steps
/// than its inputs). A power-of-two count 2^k is a rounding right shift by k − s (a left shift when
/// s > k); any other count n multiplies by round(2^16 / n) and shifts right by 16 − s with rounding.
/// `globalAvgPool` divides the same way, with n = the positions.
public struct QPool: Codable, Sendable {
    /// The largest frac an average's output may add to its input's.
    public static let maxAverageShift = 15
    public var input: Int, output: Int
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padding: QPadding
    public var countIncludePad: Bool
    /// int8-affine pooling (TFLite): the window sum divided by its count, rounded half away from
    /// zero, instead of the reciprocal multiply.
    public var exactDivision = false
    public init(input: Int, output: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int,
                dilationW: Int, padding: QPadding, countIncludePad: Bool) {
        self.input = input
        self.output = output
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.dilationH = dilationH
        self.dilationW = dilationW
        self.padding = padding
        self.countIncludePad = countIncludePad
    }
}

public struct QUnary: Codable, Sendable {
    public var input: Int, output: Int
    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }
}

/// y = clamp(sat(rshift_round((a << (F − fa)) + (b << (F − fb)), F − fy))), F = max(fa, fb),
/// computed in 64 bits. `a` and `b` may broadcast: `b` is repeated when it has fewer elements.
public struct QAdd: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var subtract: Bool
    public var clampMin: Int64, clampMax: Int64
    public init(a: Int, b: Int, output: Int, subtract: Bool, clampMin: Int64, clampMax: Int64) {
        self.a = a
        self.b = b
        self.output = output
        self.subtract = subtract
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// y = clamp(sat(rshift_round(a · b, fa + fb − fy))): the product of two at most 16-bit operands
/// is exact in 32 bits. `b` may broadcast: it is repeated when it has fewer elements (along the
/// last axis, or a scalar).
public struct QMul: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var clampMin: Int64, clampMax: Int64
    public init(a: Int, b: Int, output: Int, clampMin: Int64, clampMax: Int64) {
        self.a = a
        self.b = b
        self.output = output
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// y = clamp(sat(requantize(max(a, b) in the finer of the two formats, to the output format))), or the
/// minimum; `b` may broadcast as for `QAdd`. Rounding is monotone, so this is the larger real value
/// rounded once.
public struct QMaxMin: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var minimum: Bool
    public var clampMin: Int64, clampMax: Int64
    public init(a: Int, b: Int, output: Int, minimum: Bool, clampMin: Int64, clampMax: Int64) {
        self.a = a
        self.b = b
        self.output = output
        self.minimum = minimum
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// Concatenation along `axis`; each input is requantized to the output format.
public struct QConcat: Codable, Sendable {
    public var inputs: [Int], output: Int
    public var axis: Int
    public init(inputs: [Int], output: Int, axis: Int) {
        self.inputs = inputs
        self.output = output
        self.axis = axis
    }
}

public struct QPad: Codable, Sendable {
    public var input: Int, output: Int
    public var before: [Int], after: [Int]
    public var value: Int64
    public init(input: Int, output: Int, before: [Int], after: [Int], value: Int64) {
        self.input = input
        self.output = output
        self.before = before
        self.after = after
        self.value = value
    }
}

public struct QTranspose: Codable, Sendable {
    public var input: Int, output: Int
    public var perm: [Int]
    public init(input: Int, output: Int, perm: [Int]) {
        self.input = input
        self.output = output
        self.perm = perm
    }
}

/// y, read in row-major order over the extents `offsets[k].count`, takes
/// y[i0, …, ir] = x[offsets[0][i0] + … + offsets[r][ir]] (x read flat).
public struct QIndexCopy: Codable, Sendable {
    public var input: Int, output: Int
    /// Per view axis, the flat input offset each index adds.
    public var offsets: [[Int]]
    /// The operator it implements, for listings.
    public var source: String
    public init(input: Int, output: Int, offsets: [[Int]], source: String) {
        self.input = input
        self.output = output
        self.offsets = offsets
        self.source = source
    }
}

/// y = clamp(sat(rshift_round(x, f_in − f_out))).
public struct QClamp: Codable, Sendable {
    public var input: Int, output: Int
    public var clampMin: Int64, clampMax: Int64
    public init(input: Int, output: Int, clampMin: Int64, clampMax: Int64) {
        self.input = input
        self.output = output
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// Element-wise function by table. For an input of b ≤ 10 bits the table has 2^b entries indexed
/// by q − q_min. For wider inputs it has 1025 entries at the 1024 segment starts (and the end);
/// with s = b − 10, i = (q − q_min) >> s and r = (q − q_min) & (2^s − 1):
/// y = t[i] + rshift_round((t[i+1] − t[i]) · r, s).
public struct QTable: Codable, Sendable {
    /// Input bits up to which the table is indexed directly.
    public static let directBits = 10

    public var input: Int, output: Int
    public var function: String
    public var values: [Int32]
    public init(input: Int, output: Int, function: String, values: [Int32]) {
        self.input = input
        self.output = output
        self.function = function
        self.values = values
    }
}

/// TFLite's int8 ADD: each input, offset by −zero point and shifted left by `leftShift`, is scaled by
/// mbqm(·, multiplier, shift) to a common scale; the sum is scaled to the output, offset by its zero
/// point and clamped. All in 32 bits, exactly as TFLite's reference kernel.
public struct QAffineAdd: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var aOffset: Int32, bOffset: Int32, outputOffset: Int32
    public var aMultiplier: Int32, aShift: Int
    public var bMultiplier: Int32, bShift: Int
    public var outputMultiplier: Int32, outputShift: Int
    public var leftShift: Int
    public var clampMin: Int32, clampMax: Int32
    public init(a: Int, b: Int, output: Int, aOffset: Int32, bOffset: Int32, outputOffset: Int32, aMultiplier: Int32, aShift: Int,
                bMultiplier: Int32, bShift: Int, outputMultiplier: Int32, outputShift: Int, leftShift: Int, clampMin: Int32,
                clampMax: Int32) {
        self.a = a
        self.b = b
        self.output = output
        self.aOffset = aOffset
        self.bOffset = bOffset
        self.outputOffset = outputOffset
        self.aMultiplier = aMultiplier
        self.aShift = aShift
        self.bMultiplier = bMultiplier
        self.bShift = bShift
        self.outputMultiplier = outputMultiplier
        self.outputShift = outputShift
        self.leftShift = leftShift
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// TFLite's int8 MUL: y = clamp(outputOffset + mbqm((a + aOffset)·(b + bOffset), multiplier, shift)),
/// `b` repeated when it has fewer elements (per channel or a scalar).
public struct QAffineMul: Codable, Sendable {
    public var a: Int, b: Int, output: Int
    public var aOffset: Int32, bOffset: Int32, outputOffset: Int32
    public var multiplier: Int32, shift: Int
    public var clampMin: Int32, clampMax: Int32
    public init(a: Int, b: Int, output: Int, aOffset: Int32, bOffset: Int32, outputOffset: Int32, multiplier: Int32, shift: Int,
                clampMin: Int32, clampMax: Int32) {
        self.a = a
        self.b = b
        self.output = output
        self.aOffset = aOffset
        self.bOffset = bOffset
        self.outputOffset = outputOffset
        self.multiplier = multiplier
        self.shift = shift
        self.clampMin = clampMin
        self.clampMax = clampMax
    }
}

/// TFLite's int8 MEAN over H and W of an NHWC tensor: per channel, the sum of (x − inputZeroPoint)
/// rescaled by mbqm(·, multiplier, shift), whose real value is input scale / (output scale ·
/// positions), plus outputZeroPoint, clamped to int8.
public struct QAffineMean: Codable, Sendable {
    public var input: Int, output: Int
    public var inputZeroPoint: Int32, outputZeroPoint: Int32
    public var multiplier: Int32, shift: Int
    public init(input: Int, output: Int, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int) {
        self.input = input
        self.output = output
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.multiplier = multiplier
        self.shift = shift
    }
}

/// TFLite's int8 L2_NORMALIZATION of rows along the last axis: with v = x − inputZeroPoint and s the
/// row's Σ v², (m, e) = `Affine.inverseSqrt(s)` and y = clamp(mbqm(v, m, e + 7), −128, 127).
public struct QAffineL2Normalization: Codable, Sendable {
    public var input: Int, output: Int
    public var inputZeroPoint: Int32
    public init(input: Int, output: Int, inputZeroPoint: Int32) {
        self.input = input
        self.output = output
        self.inputZeroPoint = inputZeroPoint
    }
}

/// TFLite's int8 comparison: each input offset by −zero point, shifted left by 8 and scaled by its
/// own scale as mbqm(·, multiplier, shift), then compared; the output is 0 or 1. `b` may repeat
/// (per channel or a scalar).
public struct QAffineCompare: Codable, Sendable {
    public enum Comparison: String, Codable, Sendable, CaseIterable { case greater, greaterEqual = "greater_equal", less, lessEqual = "less_equal", equal }
    public var a: Int, b: Int, output: Int
    public var comparison: Comparison
    public var aOffset: Int32, bOffset: Int32
    public var aMultiplier: Int32, aShift: Int
    public var bMultiplier: Int32, bShift: Int
    public init(a: Int, b: Int, output: Int, comparison: Comparison, aOffset: Int32, bOffset: Int32, aMultiplier: Int32, aShift: Int,
                bMultiplier: Int32, bShift: Int) {
        self.a = a
        self.b = b
        self.output = output
        self.comparison = comparison
        self.aOffset = aOffset
        self.bOffset = bOffset
        self.aMultiplier = aMultiplier
        self.aShift = aShift
        self.bMultiplier = bMultiplier
        self.bShift = bShift
    }

    /// Whether the comparison holds between the two scaled values.
    public func holds(_ x: Int32, _ y: Int32) -> Bool {
        switch comparison {
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .less: return x < y
        case .lessEqual: return x <= y
        case .equal: return x == y
        }
    }
}

/// y[i] = condition[i] != 0 ? a[i] : b[i], each input repeated when it has fewer elements (per
/// channel or a scalar), the stored values copied.
public struct QSelect: Codable, Sendable {
    public var condition: Int, a: Int, b: Int, output: Int
    public init(condition: Int, a: Int, b: Int, output: Int) {
        self.condition = condition
        self.a = a
        self.b = b
        self.output = output
    }
}

/// TFLite's int8 PRELU: v = x − input zero point; y = clamp(outputOffset + mbqm(v, positive…) for
/// v ≥ 0, else mbqm(v · (alpha − alpha zero point), negative…)), `alpha` (int8, constant) repeated
/// along the last axis.
public struct QAffinePRelu: Codable, Sendable {
    public var input: Int, output: Int
    public var alpha: [Int32]
    public var inputOffset: Int32, alphaOffset: Int32, outputOffset: Int32
    public var positiveMultiplier: Int32, positiveShift: Int
    public var negativeMultiplier: Int32, negativeShift: Int
    public init(input: Int, output: Int, alpha: [Int32], inputOffset: Int32, alphaOffset: Int32, outputOffset: Int32,
                positiveMultiplier: Int32, positiveShift: Int, negativeMultiplier: Int32, negativeShift: Int) {
        self.input = input
        self.output = output
        self.alpha = alpha
        self.inputOffset = inputOffset
        self.alphaOffset = alphaOffset
        self.outputOffset = outputOffset
        self.positiveMultiplier = positiveMultiplier
        self.positiveShift = positiveShift
        self.negativeMultiplier = negativeMultiplier
        self.negativeShift = negativeShift
    }
}

/// TFLite's int8 RESIZE_BILINEAR of [N, H, W, C]: output position y reads input position
/// p = y·heightScale (+ heightScale/2 − 512 with half-pixel centres) in 1/1024 steps, between rows
/// max(p/1024, 0) and min(⌈p/1024⌉, H − 1) (C division), weighted by 1024 − d and d (d = p − 1024·row),
/// likewise along W; the four products summed in 64 bits and divided by 2^20, rounding half away
/// from zero. The input and output share one scale and zero point.
public struct QResizeBilinear: Codable, Sendable {
    public var input: Int, output: Int
    public var heightScale: Int, widthScale: Int
    public var halfPixel: Bool
    public init(input: Int, output: Int, heightScale: Int, widthScale: Int, halfPixel: Bool) {
        self.input = input
        self.output = output
        self.heightScale = heightScale
        self.widthScale = widthScale
        self.halfPixel = halfPixel
    }
}

/// TFLite's reference int8 softmax over the last axis (`Affine.softmax`): output scale 1/256,
/// zero point −128.
public struct QSoftmax: Codable, Sendable {
    public var input: Int, output: Int
    public var multiplier: Int32
    public var leftShift: Int
    public var diffMin: Int32
    public init(input: Int, output: Int, multiplier: Int32, leftShift: Int, diffMin: Int32) {
        self.input = input
        self.output = output
        self.multiplier = multiplier
        self.leftShift = leftShift
        self.diffMin = diffMin
    }
}

/// TFLite's reference int8 log-softmax over the last axis (`Affine.logSoftmax`): output scale 1/16,
/// zero point 127.
public struct QLogSoftmax: Codable, Sendable {
    public var input: Int, output: Int
    public var multiplier: Int32, leftShift: Int
    public var reverseMultiplier: Int32, reverseShift: Int
    public var diffMin: Int32
    public init(input: Int, output: Int, multiplier: Int32, leftShift: Int, reverseMultiplier: Int32, reverseShift: Int, diffMin: Int32) {
        self.input = input
        self.output = output
        self.multiplier = multiplier
        self.leftShift = leftShift
        self.reverseMultiplier = reverseMultiplier
        self.reverseShift = reverseShift
        self.diffMin = diffMin
    }
}
