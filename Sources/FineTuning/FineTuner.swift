import Dispatch
import FloatReference
import Foundation
import GraphIR
import Quantization

/// How training images are varied each epoch.
public enum Augmentation: String, CaseIterable, Sendable {
    /// As given.
    case none
    /// Shifted by up to 4 pixels each way, the uncovered border zero (a random crop of the image
    /// padded by 4).
    case crop
    /// A crop, and a mirror image half of the time (not for digits or text).
    case cropFlip = "crop-flip"
}

public struct FineTuningOptions: Sendable {
    public var epochs = 3
    public var batch = 32
    /// Adam's step size at the start, relative to each layer's weight scale; it decays to zero
    /// along a half cosine. Nil: `defaultLearningRate` of the plan's scheme.
    public var learningRate: Double?
    public var augment = Augmentation.none
    /// Distillation temperature.
    public var temperature: Float = 4
    /// Weight of the label loss: 0.5 with labels, 0 without (distillation alone).
    public var labelWeight: Float?
    public var seed: UInt64 = 1
    public init() {}

    /// Bit planes and codebooks move in coarse steps and want larger ones (ResNet-8: two planes 83.7 %
    /// after 3 epochs at 1e-2, 80 % at 3e-3; K = 4 78.6 % after 4 at 1e-2, 77.0 % at 3e-3); the finer
    /// grids of fixed point and signed digits do better at 3e-3 (4-bit: 86.5 % against 85.1 %).
    public static func defaultLearningRate(_ scheme: Scheme) -> Double { scheme == .bitplane || scheme == .codebook ? 1e-2 : 3e-3 }
}

/// Quantization-aware fine-tuning of a plan's network against the float model. Float shadow
/// weights are trained; every step the forward pass uses them encoded as the plan's scheme does
/// (`WeightProjection`) and rounds every activation to its format, and the gradient passes
/// straight through both roundings (zero where an activation saturated). Loss: cross-entropy on
/// the labels plus distillation from the float model's logits (Hinton et al.), or distillation
/// alone without labels. Optimiser: Adam with a cosine decay, steps relative to each layer's scale.
/// Bit-plane layers train their scales too (`LearnedPlanes`); codebook layers train their centroids
/// with the weights tied, in rounds of supervised iterative quantization, one per epoch (`CodebookRound`). After each epoch
/// the held-out samples are scored by the fake-quantized network and the best epoch's weights are kept.
public enum FineTuner {
    public struct Result: Sendable {
        public var plan: QuantizationPlan
        /// Held-out top-1 of the simulated network before training (post-training).
        public var startAccuracy: Double
        public var epochs: [FineTuningRecord.EpochRecord]
    }

    public static func run(_ graph: Graph, plan: QuantizationPlan, train: SampleSet, heldOut: SampleSet, options: FineTuningOptions,
                           progress: @Sendable (String) -> Void = { _ in },
                           checkpoint: @Sendable (QuantizationPlan) -> Void = { _ in }) throws -> Result {
        guard plan.scheme != .int8 else {
            throw FineTuningError("an int8 model keeps its own weights and scales: fine-tune a float model with --scheme fixed, shift, bitplane or codebook")
        }
        guard plan.fineTuning == nil else { throw FineTuningError("the plan is fine-tuned already: start from a post-training plan") }
        // Weights rounded by error feedback start where that rounding left them.
        let start = plan.applyingTrainedWeights(to: graph)
        guard train.count > 0, heldOut.count > 0 else { throw FineTuningError("fine-tuning needs training and held-out samples") }
        let analysis = try QuantAnalysis(graph)
        let fakeQuant = FakeQuant(graph, analysis: analysis, plan: plan)
        let network = try TrainingNetwork(graph: graph, formats: fakeQuant.activationFormats)
        let teacher = try Interpreter(graph: graph)

        // The trained values start at the model's; bit planes start at the post-training planes
        // (error feedback fitted them to calibration data, which a fresh fit from the weights would not).
        var projections = [WeightProjection](), shadowW = [[Float]](), shadowB = [[Float]]()
        for index in network.layerNodes {
            let node = graph.nodes[index]
            guard let formats = plan.layers[node.name], let w = start.constant(start.nodes[index].inputs[1]) else {
                throw FineTuningError("the plan has no formats for layer '\(node.name)'")
            }
            var groups = 1
            if case .conv2d(let conv) = node.op { groups = conv.groups }
            projections.append(WeightProjection(name: node.name, shape: w.shape, formats: formats, groups: groups))
            if formats.fittedPlanes != nil, let encoded = try? WeightEncoder.encode(w, layer: formats, name: node.name) {
                shadowW.append(WeightEncoder.realValues(encoded))
            } else {
                shadowW.append(w.floats)
            }
            shadowB.append(formats.bias(start, start.nodes[index]))
        }

        // Bit-plane layers train their scales (`LearnedPlanes`), starting from the plan's fits.
        var learned = try projections.indices.map { k -> LearnedPlanes? in
            let formats = plan.layers[projections[k].name]!
            guard let planes = formats.planes else { return nil }
            let grouping = formats.grouping ?? .filter
            let fits = try formats.fittedPlanes.map { fitted -> [BitPlaneFit] in
                let perOutput = projections[k].shape.dropFirst().reduce(1, *)
                let groupsPerOutput = grouping == .kernel2d ? (projections[k].shape.count == 4 ? projections[k].shape[3] : perOutput) : 1
                return try fitted.fits(groups: projections[k].shape[0] * groupsPerOutput, planes: planes,
                                       groupSize: perOutput / groupsPerOutput, layer: projections[k].name)
            } ?? BitPlaneQuantizer.fit(shadowW[k], shape: projections[k].shape, planes: planes, grouping: grouping)
            return LearnedPlanes(fits: fits, shape: projections[k].shape, formats: formats)
        }

        func trainedPlan(_ weights: [[Float]], _ biases: [[Float]], fits: [[BitPlaneFit]?] = []) -> QuantizationPlan {
            var result = plan
            var trained = [String: TrainedLayer]()
            for (k, projection) in projections.enumerated() {
                trained[projection.name] = TrainedLayer(weights: weights[k], bias: biases[k])
                result.layers[projection.name] = projection.formats
                if k < fits.count, let layerFits = fits[k] { result.layers[projection.name]!.fittedPlanes = FittedPlanes(layerFits) }
            }
            result.trainedWeights = trained
            return result
        }
        // Without labels, held-out samples are scored by agreement with the float model.
        let heldOutLabels = try heldOut.labels ?? teacher.runMany(samples: heldOut.values, count: heldOut.count).map(argmax)
        func heldOutAccuracy(_ weights: [[Float]], _ biases: [[Float]], fits: [[BitPlaneFit]?] = []) throws -> Double {
            let predictions = try FakeQuant(graph, analysis: analysis, plan: trainedPlan(weights, biases, fits: fits))
                .predictions(samples: heldOut.values, count: heldOut.count)
            return Double(zip(predictions, heldOutLabels).filter { $0 == $1 }.count) / Double(heldOut.count)
        }

        // Codebook layers train in rounds of supervised iterative quantization, one per epoch.
        let clusters = projections.map { $0.formats.clusters }
        var rounds = [CodebookRound?](repeating: nil, count: projections.count)
        /// What the plan stores: the planes of bit-plane layers (with their weights), the tied
        /// weights of codebook layers, the float weights of the others.
        func snapshot() -> (weights: [[Float]], fits: [[BitPlaneFit]?]) {
            let weights = projections.indices.map { k in learned[k] != nil ? learned[k]!.project(shadowW[k]) : rounds[k]?.weights ?? shadowW[k] }
            return (weights, learned.map { $0?.fits })
        }

        let initial = snapshot()
        let startAccuracy = try heldOutAccuracy(initial.weights, shadowB, fits: initial.fits)
        progress("post-training: held-out top-1 \(percent(startAccuracy)) (simulated)")
        var best = (accuracy: startAccuracy, weights: initial.weights, biases: shadowB, fits: initial.fits)
        var records = [FineTuningRecord.EpochRecord]()
        let learningRate = options.learningRate ?? FineTuningOptions.defaultLearningRate(plan.scheme)
        let labelWeight = options.labelWeight ?? (train.labels == nil ? 0 : 0.5)
        let batch = max(1, min(options.batch, train.count))
        let stepsPerEpoch = (train.count + batch - 1) / batch
        let totalSteps = stepsPerEpoch * options.epochs
        var adamW = shadowW.map { Adam(count: $0.count) }, adamB = shadowB.map { Adam(count: $0.count) }
        // Steps relative to each layer's own scale: a network fed raw 0…255 pixels has first-layer
        // weights a hundred times smaller than its last layer's, and one absolute step size would
        // either wreck the first or not move the last.
        let magnitudes = shadowW.indices.map { k -> (weights: Float, bias: Float) in
            let w = rms(shadowW[k])
            return (w, max(rms(shadowB[k]), w))
        }
        var random = SplitMix64(seed: options.seed)
        let sampleSize = teacher.sampleSize
        let lossSetup = LossSetup(network: network, teacher: teacher, temperature: options.temperature, labelWeight: labelWeight)
        var step = 0
        for epoch in 1...max(1, options.epochs) {
            let began = Date()
            for k in projections.indices {
                guard let count = clusters[k] else { continue }
                rounds[k] = CodebookRound(weights: shadowW[k], formats: projections[k].formats, clusters: count, previous: rounds[k])
            }
            var order = Array(0..<train.count)
            random.shuffle(&order)
            var lossSum = 0.0
            for first in stride(from: 0, to: order.count, by: batch) {
                let members = Array(order[first..<min(first + batch, order.count)])
                let weights = try projections.indices.map { k -> LayerWeights in
                    if learned[k] != nil { return projections[k].encoded(learned[k]!.project(shadowW[k]), bias: shadowB[k]) }
                    return try projections[k].weights(rounds[k]?.weights ?? shadowW[k], bias: shadowB[k])
                }
                let seeds = members.map { _ in random.next() }
                let gradient = try BatchGradient.compute(members: members, seeds: seeds, samples: train, sampleSize: sampleSize,
                                                         augment: options.augment, setup: lossSetup, weights: weights)
                lossSum += gradient.loss
                let rate = learningRate * 0.5 * (1 + cos(Double.pi * Double(step) / Double(max(totalSteps, 1))))
                let scale = 1 / Float(members.count)
                for k in shadowW.indices {
                    if rounds[k] == nil {
                        adamW[k].update(&shadowW[k], gradient: gradient.dW[k], scale: scale, rate: Float(rate) * magnitudes[k].weights)
                    }
                    adamB[k].update(&shadowB[k], gradient: gradient.dB[k], scale: scale, rate: Float(rate) * magnitudes[k].bias)
                    if learned[k] != nil { learned[k]!.update(gradient: gradient.dW[k], scale: scale, rate: Float(rate) * magnitudes[k].weights) }
                    if rounds[k] != nil {
                        rounds[k]!.update(gradient: gradient.dW[k], scale: scale, rate: Float(rate) * rms(rounds[k]!.centroids))
                    }
                }
                step += 1
            }
            // Codebook weights stay tied: the next round clusters the tied weights, as the loop has it.
            for k in projections.indices where rounds[k] != nil { shadowW[k] = rounds[k]!.weights }
            let (stored, fits) = snapshot()
            let accuracy = try heldOutAccuracy(stored, shadowB, fits: fits)
            let seconds = Date().timeIntervalSince(began)
            // The distillation term is a divergence, ≥ 0 but for rounding.
            let loss = max(0, lossSum / Double(train.count))
            records.append(.init(loss: loss, heldOutAccuracy: accuracy, seconds: seconds))
            progress(String(format: "epoch %d/%d: loss %.4f, held-out top-1 %@ (simulated), %.1f s", epoch, options.epochs, loss,
                            percent(accuracy), seconds))
            if accuracy > best.accuracy {
                best = (accuracy, stored, shadowB, fits)
                checkpoint(trainedPlan(stored, shadowB, fits: fits))
            }
        }
        return Result(plan: trainedPlan(best.weights, best.biases, fits: best.fits), startAccuracy: startAccuracy, epochs: records)
    }

    static func percent(_ v: Double) -> String { String(format: "%.2f %%", 100 * v) }

    static func rms(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(Float(0)) { $0 + $1 * $1 } / Float(values.count)
        return mean > 0 ? mean.squareRoot() : 1e-3
    }
}

/// What the loss of one sample needs besides the sample.
struct LossSetup: Sendable {
    let network: TrainingNetwork
    let teacher: Interpreter
    let temperature: Float
    let labelWeight: Float

    /// L = a·CE(label, softmax(z)) + (1 − a)·T²·KL(softmax(z_float/T) ‖ softmax(z/T)), and dL/dz.
    func loss(logits z: [Float], teacher zf: [Float], label: Int?) -> (Double, [Float]) {
        let a = label == nil ? 0 : labelWeight
        let t = temperature
        let p = softmax(z, 1), pT = softmax(z, t), qT = softmax(zf, t)
        var loss = 0.0
        var g = [Float](repeating: 0, count: z.count)
        if let label, a > 0, label >= 0, label < z.count {
            loss += Double(a) * -Foundation.log(Double(max(p[label], 1e-30)))
            for i in g.indices { g[i] += a * (p[i] - (i == label ? 1 : 0)) }
        }
        if a < 1 {
            var kl = 0.0
            for i in z.indices where qT[i] > 0 { kl += Double(qT[i]) * (Foundation.log(Double(qT[i])) - Foundation.log(Double(max(pT[i], 1e-30)))) }
            loss += Double((1 - a) * t * t) * kl
            for i in g.indices { g[i] += (1 - a) * t * (pT[i] - qT[i]) }
        }
        return (loss, g)
    }

    private func softmax(_ z: [Float], _ t: Float) -> [Float] {
        let top = z.max() ?? 0
        let e = z.map { Foundation.exp(($0 - top) / t) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}

/// The summed gradients and loss of one batch, its samples spread over all cores in parts.
struct BatchGradient {
    var loss: Double
    var dW: [[Float]]
    var dB: [[Float]]

    static func compute(members: [Int], seeds: [UInt64], samples: SampleSet, sampleSize: Int, augment: Augmentation,
                        setup: LossSetup, weights: [LayerWeights]) throws -> BatchGradient {
        // A fixed number of parts, summed in order, so a run gives the same weights on any number of cores.
        let workers = max(1, min(8, members.count))
        let slots = WorkerSlots<BatchGradient>(count: workers)
        let network = setup.network
        let inputShape = network.graph.shape(network.graph.inputs[0])
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var part = BatchGradient(loss: 0, dW: weights.map { [Float](repeating: 0, count: $0.weights.count) },
                                     dB: weights.map { [Float](repeating: 0, count: $0.bias.count) })
            var m = worker
            while m < members.count {
                let index = members[m]
                var sample = Array(samples.values[(index * sampleSize)..<((index + 1) * sampleSize)])
                if augment != .none, network.graph.inputs.count == 1 {
                    var random = SplitMix64(seed: seeds[m])
                    sample = Augmenter.apply(sample, shape: inputShape, flip: augment == .cropFlip, random: &random)
                }
                let inputs = setup.teacher.inputs(of: sample, index: 0)
                let tape = network.forward(inputs, weights: weights)
                let teacherLogits = (try? setup.teacher.evaluate(inputs))?[network.logits.index] ?? tape.logits
                let (loss, dLogits) = setup.loss(logits: tape.logits, teacher: teacherLogits, label: samples.labels?[index])
                part.loss += loss
                network.backward(tape, dLogits: dLogits, weights: weights, dW: &part.dW, dB: &part.dB)
                m += workers
            }
            slots.set(worker, part)
        }
        var total = slots.values[0]
        for part in slots.values.dropFirst() {
            total.loss += part.loss
            for k in total.dW.indices {
                for i in total.dW[k].indices { total.dW[k][i] += part.dW[k][i] }
                for i in total.dB[k].indices { total.dB[k][i] += part.dB[k][i] }
            }
        }
        return total
    }
}

/// Adam's moment estimates for one array of parameters (Kingma and Ba, with bias correction).
struct Adam {
    var m: [Float], v: [Float]
    var t = 0
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8

    init(count: Int) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    mutating func update(_ x: inout [Float], gradient: [Float], scale: Float, rate: Float) {
        t += 1
        let c1 = 1 - Foundation.pow(beta1, Float(t)), c2 = 1 - Foundation.pow(beta2, Float(t))
        for i in x.indices {
            let g = gradient[i] * scale
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            x[i] -= rate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}

/// Random crops and mirror images of one NHWC image.
enum Augmenter {
    static let shift = 4

    static func apply(_ x: [Float], shape: [Int], flip: Bool, random: inout SplitMix64) -> [Float] {
        guard shape.count == 4, shape[1] > 1, shape[2] > 1 else { return x }
        let (h, w, c) = (shape[1], shape[2], shape[3])
        let dy = Int(random.next() % UInt64(2 * shift + 1)) - shift, dx = Int(random.next() % UInt64(2 * shift + 1)) - shift
        let mirror = flip && random.next() % 2 == 1
        var y = [Float](repeating: 0, count: x.count)
        for oy in 0..<h {
            let iy = oy + dy
            guard iy >= 0, iy < h else { continue }
            for ox in 0..<w {
                let sx = mirror ? w - 1 - ox : ox
                let ix = sx + dx
                guard ix >= 0, ix < w else { continue }
                for ch in 0..<c { y[(oy * w + ox) * c + ch] = x[(iy * w + ix) * c + ch] }
            }
        }
        return y
    }
}

/// A small seeded generator (Steele, Lea and Flood's SplitMix64), so a run can be repeated.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func shuffle(_ order: inout [Int]) {
        guard order.count > 1 else { return }
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(next() % UInt64(i + 1)))
        }
    }
}

/// One slot per worker, written concurrently at distinct indices.
final class WorkerSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = [T?](repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    var values: [T] { slots.map { $0! } }
}
