import Foundation
import GraphIR

/// Applies an activation in place.
func apply(_ activation: Activation, to values: inout [Float]) {
    switch activation {
    case .relu:
        for i in values.indices where values[i] < 0 { values[i] = 0 }
    case .clip(let low, let high):
        for i in values.indices { values[i] = Swift.min(Swift.max(values[i], low), high) }
    case .leakyRelu(let alpha):
        for i in values.indices where values[i] < 0 { values[i] *= alpha }
    case .sigmoid:
        for i in values.indices { values[i] = sigmoid(values[i]) }
    case .tanh:
        for i in values.indices { values[i] = Foundation.tanh(values[i]) }
    case .hardSigmoid(let alpha, let beta):
        for i in values.indices { values[i] = Swift.max(0, Swift.min(1, alpha * values[i] + beta)) }
    case .hardSwish:
        for i in values.indices { values[i] *= Swift.max(0, Swift.min(1, values[i] / 6 + 0.5)) }
    case .elu, .selu, .softplus, .softsign, .exp, .log, .sqrt, .rsqrt, .reciprocal, .abs, .neg, .floor, .ceil, .round, .trunc, .sign:
        for i in values.indices { values[i] = Float(activation.value(Double(values[i]))) }
    case .function(let f):
        for i in values.indices { values[i] = f.value(values[i]) }
    }
}

@inline(__always)
func sigmoid(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}

/// a ∘ b with numpy broadcasting; same-shape and trailing-vector cases avoid materialising.
func elementwise(_ op: BinaryOp, _ a: [Float], _ aShape: [Int], _ b: [Float], _ bShape: [Int], outShape: [Int]) -> [Float] {
    let x = aShape == outShape ? a : broadcastData(a, shape: aShape, to: outShape)
    let y = bShape == outShape ? b : broadcastData(b, shape: bShape, to: outShape)
    switch op {
    case .add: return zip(x, y).map { $0 + $1 }
    case .sub: return zip(x, y).map { $0 - $1 }
    case .mul: return zip(x, y).map { $0 * $1 }
    case .div: return zip(x, y).map { $0 / $1 }
    case .pow: return zip(x, y).map { Foundation.powf($0, $1) }
    }
}

/// Softmax (or log-softmax) along one axis, or (ONNX opset < 13) over all axes from `axis` on.
func softmaxLayer(_ x: [Float], shape: [Int], softmax: Softmax) -> [Float] {
    let axis = softmax.axis
    let inner = softmax.coerceTo2D ? 1 : Array(shape[(axis + 1)...]).elementCount
    let length = softmax.coerceTo2D ? Array(shape[axis...]).elementCount : (shape.isEmpty ? 1 : shape[axis])
    let outer = Array(shape[..<axis]).elementCount
    var out = x
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * length * inner + i
            var peak = -Float.infinity
            for j in 0..<length { peak = Swift.max(peak, x[base + j * inner]) }
            var sum: Float = 0
            for j in 0..<length {
                let e = exp(x[base + j * inner] - peak)
                out[base + j * inner] = e
                sum += e
            }
            if softmax.log {
                let logSum = Foundation.log(sum)
                for j in 0..<length { out[base + j * inner] = x[base + j * inner] - peak - logSum }
            } else {
                for j in 0..<length { out[base + j * inner] /= sum }
            }
        }
    }
    return out
}

func concatenate(_ parts: [[Float]], shapes: [[Int]], axis: Int) -> [Float] {
    let outer = Array(shapes[0][..<axis]).elementCount
    let blocks = shapes.map { Array($0[axis...]).elementCount }
    var out = [Float]()
    out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    for o in 0..<outer {
        for (data, block) in zip(parts, blocks) { out.append(contentsOf: data[(o * block)..<((o + 1) * block)]) }
    }
    return out
}

func padded(_ x: [Float], shape: [Int], pad: Pad, outShape: [Int]) -> [Float] {
    var out = [Float](repeating: pad.value, count: outShape.elementCount)
    let outStrides = outShape.strides
    let inStrides = shape.strides
    for i in x.indices {
        var target = 0
        for axis in shape.indices { target += ((i / inStrides[axis]) % shape[axis] + pad.before[axis]) * outStrides[axis] }
        out[target] = x[i]
    }
    return out
}
