import Foundation
import GraphIR

/// Float32 values kept in a plan as base64 of their little-endian bytes: a fine-tuned ResNet-8 is
/// 78,000 weights, which as JSON numbers would be several times larger and slow to read.
public struct FloatData: Codable, Sendable, Equatable {
    public var values: [Float]
    public init(_ values: [Float]) { self.values = values }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64 of float32 values")
        }
        values = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var data = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        var container = encoder.singleValueContainer()
        try container.encode(data.base64EncodedString())
    }
}

/// A layer's weights and bias after fine-tuning, in the model's own layout (OHWI or [O, K]),
/// before the scheme encodes them: lowering encodes them exactly as it would the model's.
public struct TrainedLayer: Codable, Sendable, Equatable {
    public var weights: FloatData
    public var bias: FloatData
    public init(weights: [Float], bias: [Float]) {
        self.weights = FloatData(weights)
        self.bias = FloatData(bias)
    }
}

/// What fine-tuning did, kept in the plan it wrote.
public struct FineTuningRecord: Codable, Sendable {
    public var trainSamples: Int
    public var epochs: Int
    public var batch: Int
    public var learningRate: Double
    public var augment: String
    /// Weight of the label loss (the rest is distillation from the float model).
    public var labelWeight: Double
    /// Top-1 of the post-training program and of the fine-tuned one on the held-out samples,
    /// computed by the integer simulator.
    public var heldOutSamples: Int
    public var accuracyBefore: Double
    public var accuracyAfter: Double
    /// Per epoch (or codebook round): mean training loss and held-out top-1 of the simulated network.
    public var epochsRun: [EpochRecord]

    public struct EpochRecord: Codable, Sendable {
        public var loss: Double
        public var heldOutAccuracy: Double
        public var seconds: Double
        public init(loss: Double, heldOutAccuracy: Double, seconds: Double) {
            self.loss = loss
            self.heldOutAccuracy = heldOutAccuracy
            self.seconds = seconds
        }
    }

    public init(trainSamples: Int, epochs: Int, batch: Int, learningRate: Double, augment: String, labelWeight: Double,
                heldOutSamples: Int, accuracyBefore: Double, accuracyAfter: Double, epochsRun: [EpochRecord]) {
        self.trainSamples = trainSamples
        self.epochs = epochs
        self.batch = batch
        self.learningRate = learningRate
        self.augment = augment
        self.labelWeight = labelWeight
        self.heldOutSamples = heldOutSamples
        self.accuracyBefore = accuracyBefore
        self.accuracyAfter = accuracyAfter
        self.epochsRun = epochsRun
    }
}

extension QuantizationPlan {
    /// The graph with the plan's fine-tuned weights and biases in place of the model's (the
    /// graph itself when the plan has none). Sizes were checked when the plan was read.
    public func applyingTrainedWeights(to source: Graph) -> Graph {
        guard let trained = trainedWeights, !trained.isEmpty else { return source }
        var graph = source
        for (index, node) in source.nodes.enumerated() where node.op.isWeighted {
            guard let layer = trained[node.name], let w = source.constant(node.inputs[1]) else { continue }
            let wID = graph.addConstant(name: source[node.inputs[1]].name, Tensor(shape: w.shape, floats: layer.weights.values))
            let bID = graph.addConstant(name: node.inputs.count > 2 ? source[node.inputs[2]].name : node.name + ".bias",
                                        Tensor(shape: [layer.bias.values.count], floats: layer.bias.values))
            graph.nodes[index].inputs = [node.inputs[0], wID, bID]
        }
        return graph
    }
}
