import FixedPoint
import GraphIR
import Quantization

/// What the forward pass of fine-tuning multiplies by: a layer's trained float weights encoded
/// as its plan says (fixed point, signed digits, or a codebook of tied weights) and decoded
/// again, and its bias rounded to the bias format. The same encoder lowers the fine-tuned plan, so
/// the program computes with exactly these values. Gradients pass straight through the encoding
/// to the float weights. Bit-plane layers bring their own encoding (`LearnedPlanes`).
struct WeightProjection: Sendable {
    let name: String
    let shape: [Int]
    let formats: LayerFormats
    let groups: Int

    /// The layer's formats without what belongs to the model's own weights: planes fitted to
    /// them, and a bias correction measured on them (fine-tuning trains the bias itself).
    init(name: String, shape: [Int], formats: LayerFormats, groups: Int) {
        self.name = name
        self.shape = shape
        var formats = formats
        formats.fittedPlanes = nil
        formats.biasCorrection = nil
        self.formats = formats
        self.groups = groups
    }

    func weights(_ values: [Float], bias: [Float]) throws -> LayerWeights {
        let encoding = try WeightEncoder.encode(Tensor(shape: shape, floats: values), layer: formats, name: name)
        return encoded(WeightEncoder.realValues(encoding), bias: bias)
    }

    /// Weights already in the layer's encoding (`LearnedPlanes`), with the bias rounded.
    func encoded(_ weights: [Float], bias: [Float]) -> LayerWeights {
        let format = QFormat(bits: formats.biasBits, frac: formats.biasFrac)
        return LayerWeights(weights: weights, bias: bias.map { Float(format.roundTrip(Double($0))) }, groups: groups)
    }
}
