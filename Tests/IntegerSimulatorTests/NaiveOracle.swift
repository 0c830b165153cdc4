import FixedPoint
import QuantizedIR

/// A deliberately naive reference for every QOp, written from the QuantizedIR documentation with
/// plain nested loops, Int64 throughout and its own rounding (Euclidean division), so the
/// simulator is never its own judge.
enum NaiveOracle {
    /// round-half-up(v / 2^s) for s ≥ 0, saturating left shift for s < 0.
    static func shift(_ v: Int64, _ s: Int) -> Int64 {
        if s <= 0 {
            let limit = Int64(1) << 40
            return min(max(v, -limit), limit) << Int64(min(-s, 22))
        }
        let d = Int64(1) << Int64(s)
        var q = v / d, r = v % d
        if r < 0 { q -= 1; r += d }
        return 2 * r >= d ? q + 1 : q
    }

    static func finish(_ acc: Int64, _ s: Int, bits: Int, _ lo: Int64, _ hi: Int64) -> Int32 {
        let top = (Int64(1) << Int64(bits - 1)) - 1
        let v = min(max(shift(acc, s), -top - 1), top)
        return Int32(min(max(v, lo), hi))
    }

    /// sum · 2^s / n saturated to `out` (s = out.frac − in.frac): a power of two n = 2^k as a
    /// shift by k − s, any other n through round(2^16 / n) and a shift by 16 − s.
    static func average(_ sum: Int64, _ n: Int, from input: QFormat, to out: QFormat) -> Int64 {
        if n == 0 { return 0 }
        let s = out.frac - input.frac
        let v: Int64
        if n & (n - 1) == 0 {
            let k = n.trailingZeroBitCount
            v = k >= s ? shift(sum, k - s) : sum * (Int64(1) << Int64(s - k))
        } else {
            v = shift(sum * ((65_536 + Int64(n / 2)) / Int64(n)), 16 - s)
        }
        return min(max(v, out.minInt), out.maxInt)
    }

    /// TFLite's MultiplyByQuantizedMultiplier from its definition: x · 2^max(s, 0) · m / 2^31 rounded
    /// half up, then divided by 2^max(−s, 0) rounded half away from zero.
    static func mbqm(_ x: Int64, _ m: Int32, _ s: Int) -> Int64 {
        let product = (x << Int64(max(s, 0))) * Int64(m)
        let high = floorDivide(product + (1 << 30), 1 << 31)
        let right = Int64(max(-s, 0)), half = right == 0 ? 0 : Int64(1) << (right - 1)
        return high >= 0 ? (high + half) >> right : -((-high + half) >> right)
    }

    /// x · m · 2^(s − 31) rounded once, half up (ai-edge-litert's fully-connected rounding).
    static func mbqmOnce(_ x: Int64, _ m: Int32, _ s: Int) -> Int64 {
        let total = Int64(31 - s)
        return floorDivide(x * Int64(m) + (Int64(1) << (total - 1)), Int64(1) << total)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func affineOutput(_ scaled: Int64, _ offset: Int32, _ lo: Int64, _ hi: Int64) -> Int32 {
        Int32(min(max(scaled + Int64(offset), lo), hi))
    }

    /// A conv or dense accumulator to its output: a rounding shift (fixed point) or TFLite's rescaling.
    static func requantized(_ acc: Int64, channel: Int, _ r: Requantization, bits: Int) -> Int32 {
        guard let affine = r.affine else { return finish(acc, r.shift(for: channel), bits: bits, r.clampMin, r.clampMax) }
        let m = affine.multiplier(for: channel), s = r.shift(for: channel)
        let scaled = affine.singleRounding ? mbqmOnce(acc, m, s) : mbqm(acc, m, s)
        let (lo, hi) = (max(r.clampMin, -128), min(r.clampMax, 127))
        return affineOutput(scaled, affine.outputZeroPoint, lo, hi)
    }

    static func run(_ program: QProgram, _ inputs: [[Int32]]) -> [[Int32]] {
        var t = [[Int32]](repeating: [], count: program.tensors.count)
        for (id, values) in zip(program.inputs, inputs) { t[id] = values }
        for node in program.ops { t[node.op.output] = execute(node.op, t, program.tensors) }
        return program.outputs.map { t[$0] }
    }

    static func execute(_ op: QOp, _ t: [[Int32]], _ tensors: [QTensor]) -> [Int32] {
        switch op {
        case .conv(let c):
            let s = tensors[c.input].shape, o = tensors[c.output].shape
            if case .bitPlanes(let w) = c.weights {
                var out = [Int32]()
                let cog = c.outChannels / c.groups
                for n in 0..<o[0] { for y in 0..<o[1] { for x in 0..<o[2] { for oc in 0..<o[3] {
                    let g = oc / cog
                    let acc = c.bias[oc] + planeSum(w, output: oc, kh: c.kernelH, kw: c.kernelW, cin: c.inChannelsPerGroup) { ky, kx, i in
                        let iy = y * c.strideH + ky - c.padding.top, ix = x * c.strideW + kx - c.padding.left
                        guard iy >= 0, iy < s[1], ix >= 0, ix < s[2] else { return 0 }
                        return Int64(t[c.input][((n * s[1] + iy) * s[2] + ix) * s[3] + g * c.inChannelsPerGroup + i])
                    }
                    out.append(finish(acc, c.requantize.shift(for: oc), bits: tensors[c.output].format.bits, c.requantize.clampMin, c.requantize.clampMax))
                } } } }
                return out
            }
            if case .codebook(let w) = c.weights {
                var out = [Int32]()
                let cog = c.outChannels / c.groups, n = c.kernelH * c.kernelW * c.inChannelsPerGroup
                for b in 0..<o[0] { for y in 0..<o[1] { for x in 0..<o[2] { for oc in 0..<o[3] {
                    let g = oc / cog
                    let acc = c.bias[oc] + codebookSum(w, output: oc, n: n) { j in
                        let ky = j / (c.kernelW * c.inChannelsPerGroup), kx = j / c.inChannelsPerGroup % c.kernelW, i = j % c.inChannelsPerGroup
                        let iy = y * c.strideH + ky - c.padding.top, ix = x * c.strideW + kx - c.padding.left
                        guard iy >= 0, iy < s[1], ix >= 0, ix < s[2] else { return 0 }
                        return Int64(t[c.input][((b * s[1] + iy) * s[2] + ix) * s[3] + g * c.inChannelsPerGroup + i])
                    }
                    out.append(finish(acc, c.requantize.shift(for: oc), bits: tensors[c.output].format.bits, c.requantize.clampMin, c.requantize.clampMax))
                } } } }
                return out
            }
            let weights = values(c.weights)
            var out = [Int32]()
            let cog = c.outChannels / c.groups
            for n in 0..<o[0] { for y in 0..<o[1] { for x in 0..<o[2] { for oc in 0..<o[3] {
                var acc = c.bias[oc]
                let g = oc / cog
                for ky in 0..<c.kernelH { for kx in 0..<c.kernelW { for i in 0..<c.inChannelsPerGroup {
                    let iy = y * c.strideH + ky * c.dilationH - c.padding.top
                    let ix = x * c.strideW + kx * c.dilationW - c.padding.left
                    let wv = weights[((oc * c.kernelH + ky) * c.kernelW + kx) * c.inChannelsPerGroup + i]
                    // Taps outside the input read the pad value (an int8 input's zero point, else 0).
                    guard iy >= 0, iy < s[1], ix >= 0, ix < s[2] else { acc += Int64(c.padValue) * wv; continue }
                    let xv = Int64(t[c.input][((n * s[1] + iy) * s[2] + ix) * s[3] + g * c.inChannelsPerGroup + i])
                    acc += xv * wv
                } } }
                out.append(requantized(acc, channel: oc, c.requantize, bits: tensors[c.output].format.bits))
            } } } }
            return out
        case .dense(let d):
            let rows = t[d.input].count / d.inFeatures
            if case .bitPlanes(let w) = d.weights {
                return (0..<rows).flatMap { m in
                    (0..<d.outFeatures).map { o in
                        let acc = d.bias[o] + planeSum(w, output: o, kh: 1, kw: 1, cin: d.inFeatures) { _, _, k in Int64(t[d.input][m * d.inFeatures + k]) }
                        return finish(acc, d.requantize.shift(for: o), bits: tensors[d.output].format.bits, d.requantize.clampMin, d.requantize.clampMax)
                    }
                }
            }
            if case .codebook(let w) = d.weights {
                return (0..<rows).flatMap { m in
                    (0..<d.outFeatures).map { o in
                        let acc = d.bias[o] + codebookSum(w, output: o, n: d.inFeatures) { k in Int64(t[d.input][m * d.inFeatures + k]) }
                        return finish(acc, d.requantize.shift(for: o), bits: tensors[d.output].format.bits, d.requantize.clampMin, d.requantize.clampMax)
                    }
                }
            }
            let weights = values(d.weights)
            var out = [Int32]()
            for m in 0..<rows { for o in 0..<d.outFeatures {
                var acc = d.bias[o]
                for k in 0..<d.inFeatures { acc += Int64(t[d.input][m * d.inFeatures + k]) * weights[o * d.inFeatures + k] }
                out.append(requantized(acc, channel: o, d.requantize, bits: tensors[d.output].format.bits))
            } }
            return out
        case .maxPool(let p), .avgPool(let p):
            let isMax: Bool
            if case .maxPool = op { isMax = true } else { isMax = false }
            let s = tensors[p.input].shape, o = tensors[p.output].shape
            var out = [Int32]()
            for n in 0..<o[0] { for y in 0..<o[1] { for x in 0..<o[2] { for ch in 0..<o[3] {
                var best = Int64.min, sum: Int64 = 0, inside = 0, padded = 0
                for ky in 0..<p.kernelH { for kx in 0..<p.kernelW {
                    let iy = y * p.strideH + ky * p.dilationH - p.padding.top
                    let ix = x * p.strideW + kx * p.dilationW - p.padding.left
                    if iy >= -p.padding.top && iy < s[1] + p.padding.bottom && ix >= -p.padding.left && ix < s[2] + p.padding.right { padded += 1 }
                    guard iy >= 0, iy < s[1], ix >= 0, ix < s[2] else { continue }
                    inside += 1
                    let v = Int64(t[p.input][((n * s[1] + iy) * s[2] + ix) * s[3] + ch])
                    best = max(best, v)
                    sum += v
                } }
                let n = p.countIncludePad ? padded : inside
                // TFLite's int8 average: the sum divided by the count, halves away from zero.
                let exact = Int32(n == 0 ? 0 : (sum >= 0 ? (sum + Int64(n / 2)) / Int64(n) : -((-sum + Int64(n / 2)) / Int64(n))))
                out.append(Int32(isMax ? (inside > 0 ? best : 0)
                                      : p.exactDivision ? Int64(exact) : average(sum, n, from: tensors[p.input].format, to: tensors[p.output].format)))
            } } } }
            return out
        case .globalAvgPool(let u), .globalMaxPool(let u):
            let s = tensors[u.input].shape
            var out = [Int32]()
            for n in 0..<s[0] { for ch in 0..<s[3] {
                var best = Int64.min, sum: Int64 = 0
                for p in 0..<(s[1] * s[2]) {
                    let v = Int64(t[u.input][(n * s[1] * s[2] + p) * s[3] + ch])
                    best = max(best, v)
                    sum += v
                }
                if case .globalMaxPool = op { out.append(Int32(best)) } else { out.append(Int32(average(sum, s[1] * s[2], from: tensors[u.input].format, to: tensors[u.output].format))) }
            } }
            return out
        case .add(let a):
            let fa = tensors[a.a].format, fb = tensors[a.b].format, fy = tensors[a.output].format
            let f = max(fa.frac, fb.frac)
            return (0..<t[a.a].count).map { i in
                let x = Int64(t[a.a][i]) * (Int64(1) << Int64(f - fa.frac))
                let y = Int64(t[a.b][i % t[a.b].count]) * (Int64(1) << Int64(f - fb.frac))
                return finish(a.subtract ? x - y : x + y, f - fy.frac, bits: fy.bits, a.clampMin, a.clampMax)
            }
        case .mul(let m):
            let fa = tensors[m.a].format, fb = tensors[m.b].format, fy = tensors[m.output].format
            return (0..<t[m.a].count).map { i in
                finish(Int64(t[m.a][i]) * Int64(t[m.b][i % t[m.b].count]), fa.frac + fb.frac - fy.frac, bits: fy.bits, m.clampMin, m.clampMax)
            }
        case .maxMin(let m):
            // Each operand requantized to the output on its own, then the larger (or smaller): the
            // documented result, since requantization is monotone.
            let fa = tensors[m.a].format, fb = tensors[m.b].format, fy = tensors[m.output].format
            return (0..<t[m.a].count).map { i in
                let x = finish(Int64(t[m.a][i]), fa.frac - fy.frac, bits: fy.bits, m.clampMin, m.clampMax)
                let y = finish(Int64(t[m.b][i % t[m.b].count]), fb.frac - fy.frac, bits: fy.bits, m.clampMin, m.clampMax)
                return m.minimum ? min(x, y) : max(x, y)
            }
        case .concat(let c):
            let out = tensors[c.output]
            let outer = out.shape[..<c.axis].reduce(1, *)
            var result = [Int32]()
            for o in 0..<outer {
                for id in c.inputs {
                    let block = tensors[id].shape[c.axis...].reduce(1, *)
                    for v in t[id][(o * block)..<((o + 1) * block)] {
                        result.append(finish(Int64(v), tensors[id].format.frac - out.format.frac, bits: out.format.bits, Int64.min, Int64.max))
                    }
                }
            }
            return result
        case .clamp(let c):
            let fin = tensors[c.input].format, fout = tensors[c.output].format
            return t[c.input].map { finish(Int64($0), fin.frac - fout.frac, bits: fout.bits, c.clampMin, c.clampMax) }
        case .affineAdd(let a):
            return (0..<t[a.a].count).map { i in
                let u = mbqm(Int64(t[a.a][i] + a.aOffset) << Int64(a.leftShift), a.aMultiplier, a.aShift)
                let v = mbqm(Int64(t[a.b][i % t[a.b].count] + a.bOffset) << Int64(a.leftShift), a.bMultiplier, a.bShift)
                return affineOutput(mbqm(u + v, a.outputMultiplier, a.outputShift), a.outputOffset, Int64(a.clampMin), Int64(a.clampMax))
            }
        case .affineSquaredDifference(let a):
            return (0..<t[a.a].count).map { i in
                let u = mbqm(Int64(t[a.a][i] + a.aOffset) << Int64(a.leftShift), a.aMultiplier, a.aShift)
                let v = mbqm(Int64(t[a.b][i % t[a.b].count] + a.bOffset) << Int64(a.leftShift), a.bMultiplier, a.bShift)
                return affineOutput(mbqm((u - v) * (u - v), a.outputMultiplier, a.outputShift), a.outputOffset, -128, 127)
            }
        case .affineMul(let m):
            return (0..<t[m.a].count).map { i in
                let product = Int64(t[m.a][i] + m.aOffset) * Int64(t[m.b][i % t[m.b].count] + m.bOffset)
                return affineOutput(mbqm(product, m.multiplier, m.shift), m.outputOffset, Int64(m.clampMin), Int64(m.clampMax))
            }
        case .affineMean(let m):
            let s = tensors[m.input].shape
            var out = [Int32]()
            for n in 0..<s[0] { for ch in 0..<s[3] {
                var sum: Int64 = 0
                for p in 0..<(s[1] * s[2]) { sum += Int64(t[m.input][(n * s[1] * s[2] + p) * s[3] + ch] - m.inputZeroPoint) }
                out.append(affineOutput(mbqm(sum, m.multiplier, m.shift), m.outputZeroPoint, -128, 127))
            } }
            return out
        case .affinePRelu(let r):
            return t[r.input].indices.map { i in
                let v = Int64(t[r.input][i] + r.inputOffset)
                let scaled = v >= 0 ? mbqm(v, r.positiveMultiplier, r.positiveShift)
                    : mbqm(v * Int64(r.alpha[i % r.alpha.count] + r.alphaOffset), r.negativeMultiplier, r.negativeShift)
                return affineOutput(scaled, r.outputOffset, -128, 127)
            }
        case .affineCompare(let c):
            return (0..<t[c.a].count).map { i in
                let u = mbqm(Int64(t[c.a][i] + c.aOffset) * 256, c.aMultiplier, c.aShift)
                let v = mbqm(Int64(t[c.b][i % t[c.b].count] + c.bOffset) * 256, c.bMultiplier, c.bShift)
                return c.holds(Int32(u), Int32(v)) ? 1 : 0
            }
        case .select(let s):
            return (0..<tensors[s.output].count).map { i in
                t[s.condition][i % t[s.condition].count] != 0 ? t[s.a][i % t[s.a].count] : t[s.b][i % t[s.b].count]
            }
        case .resizeBilinear(let r):
            // Each output is the bilinear blend of its four neighbours with weights in 1/1024 steps,
            // rounded once, halves away from zero.
            let s = tensors[r.input].shape, o = tensors[r.output].shape
            func neighbours(_ index: Int, _ scale: Int, _ size: Int) -> (Int, Int, Int64) {
                let p = r.halfPixel ? index * scale + scale / 2 - 512 : index * scale
                // Swift's integer division truncates toward zero, as C's does.
                let lower = max(p / 1024, 0)
                return (lower, min((p + 1023) / 1024, size - 1), Int64(p - 1024 * lower))
            }
            return (0..<tensors[r.output].count).map { i in
                let co = unflatten(i, o)
                let (y0, y1, dy) = neighbours(co[1], r.heightScale, s[1]), (x0, x1, dx) = neighbours(co[2], r.widthScale, s[2])
                func at(_ y: Int, _ x: Int) -> Int64 { Int64(t[r.input][flatten([co[0], y, x, co[3]], s)]) }
                let sum = at(y0, x0) * (1024 - dy) * (1024 - dx) + at(y1, x0) * dy * (1024 - dx) + at(y0, x1) * (1024 - dy) * dx + at(y1, x1) * dy * dx
                return Int32(sum >= 0 ? (sum + (1 << 19)) / (1 << 20) : -((-sum + (1 << 19)) / (1 << 20)))
            }
        case .affineDiv, .affineL2Normalization, .softmax, .logSoftmax:
            // gemmlowp's fixed-point reciprocal, square root, exp and log approximations: judged against
            // TFLite's own outputs (TFLiteInt8OpTests), not re-derived here.
            preconditionFailure("the naive oracle has no fixed-point approximations")
        case .table(let table):
            let f = tensors[table.input].format
            return t[table.input].map { q in
                let u = Int64(q) - f.minInt
                if f.bits <= 10 { return table.values[Int(u)] }
                let s = f.bits - 10
                let i = Int(u / (Int64(1) << Int64(s))), r = u % (Int64(1) << Int64(s))
                let t0 = Int64(table.values[i]), t1 = Int64(table.values[i + 1])
                return Int32(t0 + shift((t1 - t0) * r, s))
            }
        case .reshape(let u):
            return t[u.input]
        case .pad(let p):
            // Each output coordinate minus `before` is inside the input or reads the pad value.
            let s = tensors[p.input].shape, o = tensors[p.output].shape
            return (0..<tensors[p.output].count).map { i in
                let coordinate = unflatten(i, o)
                let source = zip(coordinate, p.before).map { $0 - $1 }
                guard zip(source, s).allSatisfy({ $0 >= 0 && $0 < $1 }) else { return Int32(p.value) }
                return t[p.input][flatten(source, s)]
            }
        case .indexCopy(let c):
            // Output coordinate k along the view adds offsets[k][coordinate].
            let extents = c.offsets.map(\.count)
            return (0..<tensors[c.output].count).map { i in
                let coordinate = unflatten(i, extents)
                return t[c.input][zip(c.offsets, coordinate).reduce(0) { $0 + $1.0[$1.1] }]
            }
        case .transpose(let tr):
            // Output coordinate k is input coordinate perm[k].
            let s = tensors[tr.input].shape, o = tensors[tr.output].shape
            return (0..<tensors[tr.output].count).map { i in
                let coordinate = unflatten(i, o)
                var source = [Int](repeating: 0, count: s.count)
                for (k, axis) in tr.perm.enumerated() { source[axis] = coordinate[k] }
                return t[tr.input][flatten(source, s)]
            }
        }
    }

    /// Σ_g Σ_m α·(2P − S) for one output channel, as the bit-plane kernel computes it: S sums a
    /// group's window inputs (`input(ky, kx, i)`, 0 in the padding), P those whose bit is set. Bits
    /// are decoded from the documented layout (bit j at 31 − j mod 32 of word ⌊j/32⌋).
    static func planeSum(_ w: BitPlaneWeights, output oc: Int, kh: Int, kw: Int, cin: Int, input: (Int, Int, Int) -> Int64) -> Int64 {
        let groups: [(group: Int, channels: [Int])] = w.grouping == .filter
            ? [(oc, Array(0..<cin))] : (0..<cin).map { (oc * cin + $0, [$0]) }
        let wordsPerPlane = (w.groupSize + 31) / 32
        var acc: Int64 = 0
        for (g, channels) in groups {
            var elements = [Int64]()
            for ky in 0..<kh { for kx in 0..<kw { for i in channels { elements.append(input(ky, kx, i)) } } }
            let s = elements.reduce(0, +)
            for m in 0..<w.planes {
                var p: Int64 = 0
                for (j, x) in elements.enumerated() {
                    let word = w.words[(g * w.planes + m) * wordsPerPlane + j / 32]
                    if (word >> UInt32(31 - j % 32)) & 1 == 1 { p += x }
                }
                acc += Int64(w.alphas[g * w.planes + m]) * (2 * p - s)
            }
        }
        return acc
    }

    /// One output channel's sum in the codebook kernel's form: Σ_j codebook[index_j]·x_j (lookup)
    /// or Σ_c codebook[c]·(Σ of the inputs with index c) (accumulate). `input(j)` is the input under
    /// weight j of the channel (0 in the padding); indices are decoded from the documented stream
    /// (index j at bits j·b …, little-endian).
    static func codebookSum(_ w: CodebookWeights, output o: Int, n: Int, input: (Int) -> Int64) -> Int64 {
        func index(_ j: Int) -> Int {
            let first = (o * n + j) * w.indexBits
            return (0..<w.indexBits).reduce(0) { v, b in v + Int((w.indices[(first + b) / 8] >> UInt8((first + b) % 8)) & 1) << b }
        }
        switch w.form {
        case .lookup:
            return (0..<n).reduce(Int64(0)) { $0 + Int64(w.codebook[index($1)]) * input($1) }
        case .accumulate:
            var bins = [Int64](repeating: 0, count: w.codebook.count)
            for j in 0..<n { bins[index(j)] += input(j) }
            return zip(w.codebook, bins).reduce(Int64(0)) { $0 + Int64($1.0) * $1.1 }
        }
    }

    /// Weight integers, decoding signed-digit codes from their bit layout (documented with
    /// `SignedDigit`) independently of the simulator.
    static func values(_ encoding: WeightEncoding) -> [Int64] {
        switch encoding {
        case .fixed(let w): return w.values.map { Int64($0) }
        case .signedDigits(let w):
            return w.codes.map { code in
                let e1 = Int64(code >> 4) & 7, e2 = Int64(code >> 1) & 7
                let s1: Int64 = code >= 128 ? -1 : 1
                if e1 == e2 { return code & 1 == 1 ? 0 : s1 * (1 << e1) }
                let s2 = code & 1 == 1 ? -s1 : s1
                return s1 * (1 << e1) + s2 * (1 << e2)
            }
        case .bitPlanes:
            preconditionFailure("bit planes are summed by planeSum")
        case .codebook:
            preconditionFailure("codebooks are summed by codebookSum")
        }
    }

    static func unflatten(_ index: Int, _ shape: [Int]) -> [Int] {
        var rest = index
        return shape.reversed().map { size in
            defer { rest /= size }
            return rest % size
        }.reversed()
    }

    static func flatten(_ coordinate: [Int], _ shape: [Int]) -> Int {
        zip(coordinate, shape).reduce(0) { $0 * $1.1 + $1.0 }
    }
}
