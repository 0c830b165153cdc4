import GraphIR

extension Graph {
    /// A transposed convolution (TFLite TRANSPOSE_CONV, ONNX ConvTranspose) as the convolution it
    /// equals: the input's pixels spread `stride` apart with zeros between and around them, then a
    /// VALID convolution with the kernel flipped. The zeros come from one zero row and column
    /// padded onto the input, which a copy by index reads wherever the spread input has none, so
    /// every scheme runs it with kernels it has; in int8 the zeros are the zero point, which adds
    /// nothing to a sum, so the result is TFLite's to the bit.
    ///
    /// `x` is NHWC; `weights` are OHWI per group, unflipped, with their stored quantization;
    /// output pixel y collects input pixel h through tap k where y = h·stride + k·dilation − padBefore.
    mutating func transposedConvolution(_ x: ValueID, weights: Tensor, quantization: QuantizationInfo?, bias: ValueID?,
                                        stride: [Int], dilation: [Int], padBefore: [Int], outSize: [Int], groups: Int,
                                        name: String) throws -> ValueID {
        let s = shape(x)
        guard s.count == 4, weights.shape.count == 4, weights.isFloat, groups >= 1, s[3] == weights.shape[3] * groups,
              weights.shape[0] % groups == 0 else {
            throw GraphError("transposed convolution: input \(s) does not fit weights \(weights.shape) in \(groups) group(s)")
        }
        guard stride.allSatisfy({ $0 >= 1 }), dilation.allSatisfy({ $0 >= 1 }), outSize.allSatisfy({ $0 >= 1 }) else {
            throw GraphError("transposed convolution: invalid strides \(stride), dilations \(dilation), pads \(padBefore) or size \(outSize)")
        }
        let (n, h, w, c) = (s[0], s[1], s[2], s[3])
        let kernel = [weights.shape[1], weights.shape[2]]
        guard outSize.allSatisfy({ $0 <= 1 << 16 }), dilation.allSatisfy({ $0 <= 1 << 16 }), kernel.allSatisfy({ $0 <= 1 << 16 }) else {
            throw GraphError("transposed convolution: output \(outSize), kernel \(kernel) or dilation \(dilation) is too large")
        }
        let spread = (0..<2).map { outSize[$0] + (kernel[$0] - 1) * dilation[$0] }
        guard spread[0] * spread[1] * c <= 1 << 24 else { throw GraphError("transposed convolution: output \(outSize) is too large") }

        let pad = Pad(before: [0, 0, 0, 0], after: [0, 1, 1, 0])
        let padded = addNode(name: name + ".zeros", op: .pad(pad), inputs: [x], outputName: name + ".zeros", shape: [n, h + 1, w + 1, c])
        self[padded].quantization = self[x].quantization
        // Per spatial axis, the padded input's row (column) each position of the spread input reads.
        func sources(_ axis: Int, size: Int) -> [Int] {
            let shift = (kernel[axis] - 1) * dilation[axis] - padBefore[axis]
            return (0..<spread[axis]).map { j in
                let u = j - shift
                return u >= 0 && u % stride[axis] == 0 && u / stride[axis] < size ? u / stride[axis] : size
            }
        }
        let rowStride = (w + 1) * c
        let offsets = [(0..<n).map { $0 * (h + 1) * rowStride }, sources(0, size: h).map { $0 * rowStride },
                       sources(1, size: w).map { $0 * c }, Array(0..<c)]
        let copy = IndexCopy(offsets: offsets, shape: [n, spread[0], spread[1], c], source: "transpose_conv")
        let spreadValue = addNode(name: name + ".spread", op: .indexCopy(copy), inputs: [padded], outputName: name + ".spread", shape: copy.shape)
        self[spreadValue].quantization = self[x].quantization

        // The kernel flipped in both spatial axes, its stored integers with it.
        let (o, kh, kw, i) = (weights.shape[0], kernel[0], kernel[1], weights.shape[3])
        func flipped<T>(_ values: [T]) -> [T] {
            var result = values
            for a in 0..<o { for y in 0..<kh { for x in 0..<kw { for b in 0..<i {
                result[((a * kh + y) * kw + x) * i + b] = values[((a * kh + (kh - 1 - y)) * kw + (kw - 1 - x)) * i + b]
            } } } }
            return result
        }
        var q = quantization
        if let stored = quantization?.rawValues { q!.rawValues = flipped(stored) }
        let flippedWeights = addValue(name: name + ".weights", shape: weights.shape, constant: Tensor(shape: weights.shape, floats: flipped(weights.floats)),
                                      quantization: q)
        let conv = Conv2D(dilationH: dilation[0], dilationW: dilation[1], groups: groups)
        let args = [spreadValue, flippedWeights] + (bias.map { [$0] } ?? [])
        let y = try addNode(name: name, op: .conv2d(conv), inputs: args)
        guard shape(y) == [n, outSize[0], outSize[1], o] else { throw GraphError("transposed convolution: computed \(shape(y)), expected \(outSize)") }
        return y
    }
}
