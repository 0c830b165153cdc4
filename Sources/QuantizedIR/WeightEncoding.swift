import FixedPoint

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
