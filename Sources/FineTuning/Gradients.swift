import Foundation
import GraphIR

/// Gradients of the operators without weights, for one sample: each takes the gradient of the
/// op's output and gives those of its inputs. The forward values come from the float reference,
/// so these are the exact derivatives of what it computes (rounding steps have none: zero).
enum Gradients {
    /// dL/dx of an element-wise activation from its input x, its output y and dL/dy.
    static func activation(_ act: Activation, x: [Float], y: [Float], dy: [Float]) -> [Float] {
        var dx = dy
        for i in dx.indices { dx[i] *= derivative(act, x[i], y[i]) }
        return dx
    }

    static func derivative(_ act: Activation, _ x: Float, _ y: Float) -> Float {
        switch act {
        case .relu: return x > 0 ? 1 : 0
        case .clip(let lo, let hi): return x > lo && x < hi ? 1 : 0
        case .leakyRelu(let alpha): return x < 0 ? alpha : 1
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        case .hardSigmoid(let alpha, let beta):
            let t = alpha * x + beta
            return t > 0 && t < 1 ? alpha : 0
        case .hardSwish: return x < -3 ? 0 : (x > 3 ? 1 : x / 3 + 0.5)
        case .elu(let alpha): return x > 0 ? 1 : y + alpha
        case .selu(let alpha, let gamma): return x > 0 ? gamma : y + gamma * alpha
        case .softplus: return x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .softsign: return 1 / ((1 + Swift.abs(x)) * (1 + Swift.abs(x)))
        case .exp: return y
        case .log: return 1 / x
        case .sqrt: return y > 0 ? 0.5 / y : 0
        case .rsqrt: return -0.5 * y * y * y
        case .reciprocal: return -y * y
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .neg: return -1
        case .floor, .ceil, .round, .trunc, .sign: return 0
        case .function(let f):
            // A chain the importers fused: its central difference (double-sided, relative step).
            let h = 1e-3 * Swift.max(1, Swift.abs(x))
            return (f.value(x + h) - f.value(x - h)) / (2 * h)
        }
    }

    /// Max or average pooling (NHWC, one sample), windows and divisors as the float reference's:
    /// a max's gradient goes to the first tap holding the maximum.
    static func pool(_ p: Pool2D, x: [Float], inShape: [Int], y: [Float], outShape: [Int], dy: [Float], max isMax: Bool) -> [Float] {
        let (h, w, c) = (inShape[1], inShape[2], inShape[3])
        let (oh, ow) = (outShape[1], outShape[2])
        let pad = p.padding
        var dx = [Float](repeating: 0, count: x.count)
        var taps = [Int]()
        for oy in 0..<oh {
            for ox in 0..<ow {
                taps.removeAll(keepingCapacity: true)
                var padded = 0
                for ky in 0..<p.kernelH {
                    let iy = oy * p.strideH + ky * p.dilationH - pad.top
                    for kx in 0..<p.kernelW {
                        let ix = ox * p.strideW + kx * p.dilationW - pad.left
                        if iy >= -pad.top, iy < h + pad.bottom, ix >= -pad.left, ix < w + pad.right { padded += 1 }
                        if iy >= 0, iy < h, ix >= 0, ix < w { taps.append((iy * w + ix) * c) }
                    }
                }
                let out = (oy * ow + ox) * c
                if isMax {
                    for ch in 0..<c {
                        if let tap = taps.first(where: { x[$0 + ch] == y[out + ch] }) { dx[tap + ch] += dy[out + ch] }
                    }
                } else {
                    let divisor = Float(p.countIncludePad ? padded : taps.count)
                    guard divisor > 0 else { continue }
                    for tap in taps {
                        for ch in 0..<c { dx[tap + ch] += dy[out + ch] / divisor }
                    }
                }
            }
        }
        return dx
    }

    /// Mean, sum or maximum over axes (global pools are the mean or maximum over H and W).
    static func reduce(_ reduction: Mean.Reduction, axes: [Int], x: [Float], shape: [Int], y: [Float], dy: [Float]) -> [Float] {
        let strides = rowMajorStrides(shape)
        let kept = shape.indices.filter { !axes.contains($0) }
        let keptStrides = rowMajorStrides(kept.map { shape[$0] })
        let reduced = Float(axes.map { shape[$0] }.reduce(1, *))
        var dx = [Float](repeating: 0, count: x.count)
        var taken = [Bool](repeating: false, count: y.count)
        for i in x.indices {
            var target = 0
            for (k, axis) in kept.enumerated() { target += ((i / strides[axis]) % shape[axis]) * keptStrides[k] }
            switch reduction {
            case .sum: dx[i] = dy[target]
            case .mean: dx[i] = dy[target] / reduced
            case .max:
                if !taken[target], x[i] == y[target] {
                    dx[i] = dy[target]
                    taken[target] = true
                }
            }
        }
        return dx
    }

    /// For each output element, the element of `shape` it reads under numpy broadcasting.
    static func broadcastSources(_ shape: [Int], to outShape: [Int]) -> [Int] {
        let count = outShape.reduce(1, *)
        if shape == outShape { return Array(0..<count) }
        let aligned = [Int](repeating: 1, count: outShape.count - shape.count) + shape
        let inStrides = rowMajorStrides(aligned), outStrides = rowMajorStrides(outShape)
        return (0..<count).map { i in
            var source = 0
            for axis in outShape.indices where aligned[axis] != 1 { source += ((i / outStrides[axis]) % outShape[axis]) * inStrides[axis] }
            return source
        }
    }

    /// add, sub, mul, div with broadcasting (`broadcastSources` of each operand): the gradients of
    /// both operands (summed over the elements each one was broadcast to).
    static func binary(_ op: BinaryOp, a: [Float], sourcesA ia: [Int], b: [Float], sourcesB ib: [Int], dy: [Float]) -> ([Float], [Float]) {
        var da = [Float](repeating: 0, count: a.count), db = [Float](repeating: 0, count: b.count)
        for i in dy.indices {
            let (x, z, g) = (a[ia[i]], b[ib[i]], dy[i])
            switch op {
            case .add:
                da[ia[i]] += g
                db[ib[i]] += g
            case .sub:
                da[ia[i]] += g
                db[ib[i]] -= g
            case .mul:
                da[ia[i]] += g * z
                db[ib[i]] += g * x
            case .div:
                da[ia[i]] += g / z
                db[ib[i]] -= g * x / (z * z)
            case .pow:
                let power = Foundation.powf(x, z)
                da[ia[i]] += g * z * Foundation.powf(x, z - 1)
                if x > 0 { db[ib[i]] += g * power * Foundation.log(x) }
            }
        }
        return (da, db)
    }

    /// Softmax or log-softmax over blocks of `depth` consecutive values.
    static func softmax(log: Bool, y: [Float], dy: [Float], depth: Int) -> [Float] {
        var dx = [Float](repeating: 0, count: y.count)
        var start = 0
        while start < y.count {
            let block = start..<(start + depth)
            if log {
                let total = block.reduce(Float(0)) { $0 + dy[$1] }
                for i in block { dx[i] = dy[i] - Foundation.exp(y[i]) * total }
            } else {
                let dot = block.reduce(Float(0)) { $0 + dy[$1] * y[$1] }
                for i in block { dx[i] = y[i] * (dy[i] - dot) }
            }
            start += depth
        }
        return dx
    }
}
