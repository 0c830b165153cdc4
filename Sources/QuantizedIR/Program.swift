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
