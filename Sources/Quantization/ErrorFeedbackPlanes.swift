import Dispatch
import FloatReference
import Foundation
import GraphIR
import IntegerSimulator
import QuantizedIR

/// Data-aware plane signs (the error feedback of GPTQ/OPTQ, Frantar et al. 2023, with the
/// bit-plane levels as its grid). The closed-form fit makes each weight the nearest of its group's
/// 2^M levels Σ ±α_i, which minimises ‖w − ŵ‖²; what matters is the layer's output, ‖X(w − ŵ)‖²
/// over its real inputs X. With H = E[x xᵀ] over the layer's input patches, the weights of one
/// output are rounded one input position at a time, in order, and each rounding error is spread
/// over the positions not yet rounded in the way that cancels it best given H (through the upper
/// Cholesky factor U of H⁻¹: w_k −= (w_j − ŵ_j)/U_jj · U_jk for k > j). With filter groups the
/// scales are then refitted to the new signs by least squares in the same metric,
/// (BᵀHB)α = BᵀHw (kernel2d groups keep theirs: one output's groups would need a joint solve).
/// The kernels, the encoding and the multiply count are untouched. Post-training: no gradient,
/// just the calibration samples. On ResNet-8 (M = 2) the signs alone took the 846 CIFAR-10 images
/// from 11.6 % to 47.5 %, the refitted scales to 71.6 %; a second round of signs on the refitted
/// scales lost most of that again (62.7 %), so there is one.
public enum ErrorFeedbackPlanes {
    /// Layers with more inputs per output than this keep the closed-form signs (H is n×n).
    public static let maxInputs = 2304
    /// Input patches sampled per layer for H, from at most `maxSamples` calibration samples (each
    /// costs a run of the network; more samples changed ResNet-8's and the MNIST models' results
    /// by no more than noise).
    static let maxPatches = 8192
    static let maxSamples = 256
    /// Added to H's diagonal, as a share of its mean: keeps H invertible where inputs are dead or
    /// linearly dependent.
    static let damping = 0.01

    /// The fits of a layer's groups (in `BitPlaneQuantizer.fit` order) with signs chosen by error
    /// feedback on the second moments `h` (n×n, row-major) of the layer's input patches; `values`
    /// OHWI (or [O, K]) weights with n per output. Returns `fits` unchanged when h is not usable.
    public static func refit(_ fits: [BitPlaneFit], values: [Float], shape: [Int], grouping: BitPlaneGrouping, h: [Double]) -> [BitPlaneFit] {
        let layout = BitPlaneQuantizer.Layout(shape: shape, grouping: grouping)
        let n = shape.dropFirst().reduce(1, *)
        guard h.count == n * n, let u = inverseUpperFactor(h, n: n) else { return fits }
        let planes = fits.first?.alphas.count ?? 0
        let result = Slots<[BitPlaneFit]>(count: layout.outputs)
        DispatchQueue.concurrentPerform(iterations: layout.outputs) { o in
            var w = (0..<n).map { Double(values[o * n + $0]) }
            var rowFits = Array(fits[(o * layout.groupsPerOutput)..<((o + 1) * layout.groupsPerOutput)])
            let levels = rowFits.map { Self.levels($0.alphas) }
            for j in 0..<n {
                let c = j % layout.groupsPerOutput, position = j / layout.groupsPerOutput
                let (value, signs) = levels[c].min { abs($0.value - w[j]) < abs($1.value - w[j]) }!
                for m in 0..<planes { rowFits[c].planes[m][position] = signs[m] }
                let e = (w[j] - value) / u[j * n + j]
                for k in (j + 1)..<n { w[k] -= e * u[j * n + k] }
            }
            if layout.groupsPerOutput == 1,
               let alphas = weightedScales(rowFits[0].planes, w: (0..<n).map { Double(values[o * n + $0]) }, h: h, n: n) {
                rowFits[0] = BitPlanes.normalized(BitPlaneFit(alphas: alphas, planes: rowFits[0].planes))
            }
            result.set(o, rowFits)
        }
        return result.values.flatMap { $0 }
    }

    /// The scales minimising (w − Bα)ᵀH(w − Bα) for fixed planes B: (BᵀHB)α = BᵀHw.
    static func weightedScales(_ planes: [[Int8]], w: [Double], h: [Double], n: Int) -> [Double]? {
        let m = planes.count
        let hb: [[Double]] = planes.map { b in (0..<n).map { r in (0..<n).reduce(0.0) { $0 + h[r * n + $1] * Double(b[$1]) } } }
        var a = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: m)
        for i in 0..<m {
            for k in 0..<m { a[i][k] = (0..<n).reduce(0.0) { $0 + Double(planes[i][$1]) * hb[k][$1] } }
            a[i][m] = (0..<n).reduce(0.0) { $0 + hb[i][$1] * w[$1] }
        }
        return BitPlanes.solve(a, tolerance: 1e-12)
    }

    /// The 2^M levels Σ s_i·α_i with their signs.
    static func levels(_ alphas: [Double]) -> [(value: Double, signs: [Int8])] {
        (0..<(1 << alphas.count)).map { code in
            let signs = alphas.indices.map { code >> $0 & 1 == 1 ? Int8(1) : Int8(-1) }
            return (zip(alphas, signs).reduce(0) { $0 + $1.0 * Double($1.1) }, signs)
        }
    }

    /// U upper triangular with H⁻¹ = UᵀU, for the damped H; nil when H is not positive definite.
    /// With J the order reversal: JHJ = L̃L̃ᵀ gives H = RRᵀ with R = JL̃J upper, so H⁻¹ = R⁻ᵀR⁻¹ and
    /// U = R⁻¹ = J L̃⁻¹ J: one Cholesky factor and one triangular inverse (n ≤ `maxInputs`).
    static func inverseUpperFactor(_ h: [Double], n: Int) -> [Double]? {
        let mean = (0..<n).reduce(0.0) { $0 + h[$1 * n + $1] } / Double(max(n, 1))
        guard mean > 0, mean.isFinite else { return nil }
        var reversed = [Double](repeating: 0, count: n * n)
        for r in 0..<n { for c in 0..<n { reversed[r * n + c] = h[(n - 1 - r) * n + (n - 1 - c)] } }
        for i in 0..<n { reversed[i * n + i] += damping * mean }
        guard let l = cholesky(reversed, n: n) else { return nil }
        // T = (L̃⁻¹)ᵀ, row by row: T[c][r] = −(Σ_{c≤k<r} L̃[r][k]·T[c][k]) / L̃[r][r], both rows contiguous.
        var t = [Double](repeating: 0, count: n * n)
        l.withUnsafeBufferPointer { l in
            t.withUnsafeMutableBufferPointer { t in
                for c in 0..<n {
                    let tc = t.baseAddress! + c * n
                    tc[c] = 1 / l[c * n + c]
                    for r in (c + 1)..<n {
                        let lr = l.baseAddress! + r * n
                        var sum = 0.0
                        for k in c..<r { sum += lr[k] * tc[k] }
                        tc[r] = -sum / lr[r]
                    }
                }
            }
        }
        // U[r][c] = L̃⁻¹[n−1−r][n−1−c] = T[n−1−c][n−1−r].
        var u = [Double](repeating: 0, count: n * n)
        for r in 0..<n { for c in r..<n { u[r * n + c] = t[(n - 1 - c) * n + (n - 1 - r)] } }
        return u
    }

    /// The lower Cholesky factor of a symmetric positive definite n×n matrix.
    static func cholesky(_ a: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        let ok = l.withUnsafeMutableBufferPointer { l -> Bool in
            for r in 0..<n {
                let lr = l.baseAddress! + r * n
                for c in 0...r {
                    let lc = l.baseAddress! + c * n
                    var s = a[r * n + c]
                    for k in 0..<c { s -= lr[k] * lc[k] }
                    if r == c {
                        guard s > 0 else { return false }
                        lr[r] = s.squareRoot()
                    } else {
                        lr[c] = s / lc[c]
                    }
                }
            }
            return true
        }
        return ok ? l : nil
    }

    /// H = E[x xᵀ] over input patches of a conv (groups 1; taps in the padding are 0) or dense
    /// node, in weight order (OHWI: ky, kx, channel), on the graph with `plan` simulated. nil for
    /// other nodes or more than `maxInputs` inputs per output.
    public static func inputMoments(_ graph: Graph, node: Node, analysis: QuantAnalysis, plan: QuantizationPlan,
                                    calibration: SampleSet) throws -> [Double]? {
        guard let w = graph.constant(node.inputs[1]) else { return nil }
        let n = w.count / w.shape[0]
        guard n <= maxInputs, calibration.count > 0 else { return nil }
        let inShape = graph.shape(node.inputs[0])
        let patchOf: @Sendable ([Float], Int) -> [Double]
        let positions: Int
        switch node.op {
        case .conv2d(let conv) where conv.groups == 1 && inShape.count == 4 && w.shape.count == 4:
            let (inH, inW, inC) = (inShape[1], inShape[2], inShape[3])
            let (kh, kw) = (w.shape[1], w.shape[2])
            let out = graph.shape(node.outputs[0])
            let outW = out[2]
            positions = out[1] * outW
            patchOf = { x, p in
                let y0 = (p / outW) * conv.strideH - conv.padding.top, x0 = (p % outW) * conv.strideW - conv.padding.left
                var patch = [Double](repeating: 0, count: n)
                for ky in 0..<kh {
                    let iy = y0 + ky * conv.dilationH
                    guard iy >= 0 && iy < inH else { continue }
                    for kx in 0..<kw {
                        let ix = x0 + kx * conv.dilationW
                        guard ix >= 0 && ix < inW else { continue }
                        for c in 0..<inC { patch[(ky * kw + kx) * inC + c] = Double(x[(iy * inW + ix) * inC + c]) }
                    }
                }
                return patch
            }
        case .dense:
            positions = 1
            patchOf = { x, _ in x.map(Double.init) }
        default:
            return nil
        }
        let simulated = FakeQuant(graph, analysis: analysis, plan: plan)
        let interpreter = try Interpreter(graph: simulated.graph)
        // An even share of the patch budget per sample, at positions spread over the output; one
        // running sum per worker (an n×n sum per sample would not fit in memory).
        let samples = min(calibration.count, maxSamples)
        let perSample = max(1, min(positions, maxPatches / samples))
        let workers = max(1, min(samples, 8))
        let moments = Slots<(sum: [Double], patches: Int)>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var sum = [Double](repeating: 0, count: n * n)
            var patches = 0
            for i in stride(from: worker, to: samples, by: workers) {
                guard let all = try? interpreter.evaluate(interpreter.inputs(of: calibration.values, index: i),
                                                          transform: simulated.transform),
                      let x = all[node.inputs[0].index] else { continue }
                for k in 0..<perSample {
                    let patch = patchOf(x, (k * positions / perSample + i) % positions)
                    // The upper triangle only; the inner loop without bounds checks (the hot spot).
                    sum.withUnsafeMutableBufferPointer { h in
                        patch.withUnsafeBufferPointer { p in
                            for r in 0..<n where p[r] != 0 {
                                let pr = p[r], row = h.baseAddress! + r * n
                                for c in r..<n { row[c] += pr * p[c] }
                            }
                        }
                    }
                    patches += 1
                }
            }
            moments.set(worker, (sum, patches))
        }
        var h = [Double](repeating: 0, count: n * n)
        var count = 0
        for (sum, patches) in moments.values {
            count += patches
            for i in h.indices { h[i] += sum[i] }
        }
        guard count > 0 else { return nil }
        for r in 0..<n {
            for c in r..<n {
                h[r * n + c] /= Double(count)
                h[c * n + r] = h[r * n + c]
            }
        }
        return h
    }
}
