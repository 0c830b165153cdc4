import Foundation
import FixedPoint
import GraphIR
import QuantizedIR

/// A layer's float weights in the encoding its formats ask for: fixed point, signed digits, bit
/// planes or a codebook. Lowering emits the result; FakeQuant simulates its values, so both see the same weights.
public enum WeightEncoder {
    public static func encode(_ w: Tensor, layer: LayerFormats, name: String) throws -> WeightEncoding {
        let channels = w.shape[0], perChannel = w.count / channels
        let values = w.floats
        guard layer.weightFracs.count == 1 || layer.weightFracs.count == channels else {
            throw QuantizationError("layer '\(name)': the plan has \(layer.weightFracs.count) weight formats for \(channels) channels")
        }
        if let planes = layer.planes {
            let grouping = layer.grouping ?? .filter, alphaBits = layer.alphaBits ?? BitPlaneQuantizer.defaultAlphaBits
            guard (1...4).contains(planes), (2...16).contains(alphaBits) else {
                throw QuantizationError("layer '\(name)': \(planes) planes of \(alphaBits)-bit scales (1…4 planes, 2…16 bits)")
            }
            let fits = try layer.fittedPlanes.map { try BitPlaneQuantizer.fits($0, shape: w.shape, planes: planes, grouping: grouping, layer: name) }
                ?? BitPlaneQuantizer.fit(values, shape: w.shape, planes: planes, grouping: grouping)
            return .bitPlanes(BitPlaneQuantizer.encode(fits, shape: w.shape, grouping: grouping, alphaBits: alphaBits, fracs: layer.weightFracs))
        }
        if let clusters = layer.clusters {
            guard (2...CodebookWeights.maxClusters).contains(clusters), (2...16).contains(layer.weightBits) else {
                throw QuantizationError("layer '\(name)': \(clusters) clusters of \(layer.weightBits)-bit centroids (2…256 clusters, 2…16 bits)")
            }
            return .codebook(CodebookQuantizer.encode(values, clusters: clusters, centroidBits: layer.weightBits, fracs: layer.weightFracs,
                                                      form: layer.codebookForm ?? .lookup))
        }
        let quantizer = layer.weightQuantizer()
        var q = [Int32](repeating: 0, count: values.count)
        var codes = [UInt8](repeating: 0, count: values.count)
        for o in 0..<channels {
            let frac = layer.weightFracs.count == 1 ? layer.weightFracs[0] : layer.weightFracs[o]
            for j in 0..<perChannel {
                let i = o * perChannel + j
                if quantizer.isSignedDigits {
                    let digit = quantizer.digit(Double(values[i]), frac: frac)
                    codes[i] = digit.code
                    q[i] = Int32(digit.value)
                } else {
                    q[i] = Int32(quantizer.integer(Double(values[i]), frac: frac))
                }
            }
        }
        guard quantizer.isSignedDigits, let digits = layer.digits else {
            return .fixed(FixedWeights(values: q, bits: layer.weightBits, fracs: layer.weightFracs))
        }
        return .signedDigits(SignedDigitWeights(codes: codes, digits: digits, exponents: layer.exponents ?? SignedDigit.maxExponents,
                                                fracs: layer.weightFracs))
    }

    /// The real weights an encoding stands for: q · 2^−frac of each output channel.
    public static func realValues(_ encoding: WeightEncoding) -> [Float] {
        let q = encoding.integerValues, fracs = encoding.fracs
        let channels = fracs.count, per = q.count / max(channels, 1)
        return q.indices.map { i in Float(Double(q[i]) * pow(2, Double(-(channels == 1 ? fracs[0] : fracs[i / per])))) }
    }
}
