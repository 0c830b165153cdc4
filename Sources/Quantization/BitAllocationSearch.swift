import FixedPoint
import Foundation
import GraphIR
import IntegerSimulator

public enum SearchObjective: String, Codable, Sendable, CaseIterable {
    /// Weight storage: Σ N_w·b_w.
    case memory
    /// Multiplier cost: Σ MAC·b_w·b_x.
    case multiplies
}

public struct SearchOptions: Sendable {
    /// Allowed top-1 loss as a fraction (0.01 = 1 pp), against labels or, without them, float agreement.
    public var maxDrop: Double
    public var objective: SearchObjective
    public var step: StepMethod
    public var perChannel: Bool
    public var minBits = 2
    public var maxWeightBits = 8
    public var maxActBits = 8
    public var biasBits = 16

    public init(maxDrop: Double, objective: SearchObjective, step: StepMethod, perChannel: Bool) {
        self.maxDrop = maxDrop
        self.objective = objective
        self.step = step
        self.perChannel = perChannel
    }
}

/// Seed 001: per-layer bit widths and fractional offsets under an accuracy budget.
///
/// The budget is on the loss rate: samples the float model gets right that the quantized one
/// gets wrong (see `loss`), at most δ.
/// 1. Walk the format-producing tensors in program order. For each, with every earlier one already
///    quantized (the interaction the paper insists on) and everything later in float, take the
///    fewest weight bits, then the fewest activation bits, that keep the loss within
///    δ·(position / count).
/// 2. Global check: while the fully quantized network loses more than δ, add one bit where it
///    removes the most loss per unit of cost.
/// 3. Refinement: try removing one bit from each tensor, cheapest result first; keep what stays
///    within δ.
/// 4. The same global check with the integer program itself.
/// Steps 1–3 score candidates with `FakeQuant` (float speed).
public struct BitAllocationSearch {
    let graph: Graph
    let analysis: QuantAnalysis
    let calibration: SampleSet
    let options: SearchOptions
    let progress: (String) -> Void
    /// Producer -> the conv/dense node computing it.
    let layerOf: [ValueID: Int]
    let floatPredictions: [Int]

    public init(graph: Graph, analysis: QuantAnalysis, calibration: SampleSet, options: SearchOptions,
                progress: @escaping (String) -> Void = { _ in }) throws {
        self.graph = graph
        self.analysis = analysis
        self.calibration = calibration
        self.options = options
        self.progress = progress
        var layers = [ValueID: Int]()
        for index in analysis.weightedLayers { layers[graph.nodes[index].outputs[0]] = index }
        layerOf = layers
        let empty = QuantizationPlan(model: graph.info.path, scheme: "fixed", step: options.step, perChannel: options.perChannel)
        floatPredictions = try FakeQuant(graph, analysis: analysis, plan: empty).predictions(samples: calibration.values, count: calibration.count)
    }

    /// The loss rate of a plan: the fraction of samples the float model gets right (matches,
    /// without labels) that the quantized one gets wrong. Gains do not offset losses: a greedy
    /// search over a finite sample would otherwise pick configurations that got lucky.
    func loss(_ plan: QuantizationPlan) throws -> Double {
        let predictions = try FakeQuant(graph, analysis: analysis, plan: plan).predictions(samples: calibration.values, count: calibration.count)
        return lossRate(predictions)
    }

    func lossRate(_ predictions: [Int]) -> Double {
        let truth = calibration.labels ?? floatPredictions
        var lost = 0
        for i in predictions.indices where floatPredictions[i] == truth[i] && predictions[i] != truth[i] { lost += 1 }
        return Double(lost) / Double(max(calibration.count, 1))
    }

    /// The same loss measured on the integer program.
    func integerLoss(_ plan: QuantizationPlan) throws -> Double {
        let program = try Lowering.lower(graph, plan: plan).program
        let outputs = Simulator(program: program).runMany(samples: calibration.values, count: calibration.count)
        return lossRate(outputs.map(argmax))
    }

    public func run() throws -> QuantizationPlan {
        var plan = QuantizationPlan(model: graph.info.path, scheme: "fixed", step: options.step, perChannel: options.perChannel)
        let allowed = options.maxDrop
        var trajectory = [SearchStep]()
        var stats = [ValueID: TensorStats]()
        let units = analysis.producers
        var evaluations = 0
        func within(_ candidate: QuantizationPlan, _ budget: Double) throws -> Bool {
            evaluations += 1
            return try loss(candidate) <= budget
        }

        // 1. Greedy walk with the budget split linearly over the units.
        for (position, unit) in units.enumerated() {
            let budget = allowed * Double(position + 1) / Double(units.count)
            let key = analysis.keys[unit]!
            if let index = layerOf[unit] {
                let node = graph.nodes[index]
                let bits = try smallestPassing(options.minBits...options.maxWeightBits) { b in
                    var candidate = plan
                    candidate.layers[node.name] = weightFormats(node, bits: b)
                    return try within(withBiasFracs(candidate), budget)
                }
                plan.layers[node.name] = weightFormats(node, bits: bits)
                plan = withBiasFracs(plan)
            }
            if analysis.fixedFrac[unit] != true {
                stats[unit] = try FixedPointPlanner.activationStatistics(graph, analysis: analysis, plan: plan, calibration: calibration,
                                                                          of: [unit])[unit]
            }
            let bits = try smallestPassing(options.minBits...options.maxActBits) { b in
                var candidate = plan
                candidate.activations[key] = activationFormat(unit, bits: b, stats: stats[unit])
                return try within(withBiasFracs(candidate), budget)
            }
            plan.activations[key] = activationFormat(unit, bits: bits, stats: stats[unit])
            plan = withBiasFracs(plan)
            progress("search: \(key) -> act \(bits) bits\(layerOf[unit].map { " w \(plan.layers[graph.nodes[$0].name]!.weightBits) bits" } ?? "") (\(evaluations) evaluations)")
        }
        var current = try loss(plan)
        trajectory.append(step("greedy walk", plan, current))

        // 2. Global check, then 3. refinement, both on fake-quant scores.
        try raiseUntilWithin(&plan, &current, allowed: allowed, stats: stats, trajectory: &trajectory, evaluations: &evaluations,
                             measure: loss)
        var improved = true
        while improved {
            improved = false
            let candidates = moves(plan, by: -1, stats: stats).sorted { cost($0.plan) < cost($1.plan) }
            for move in candidates {
                let l = try loss(move.plan)
                evaluations += 1
                if l <= allowed {
                    plan = move.plan
                    current = l
                    trajectory.append(step(move.description, plan, current))
                    improved = true
                    break
                }
            }
        }
        // 4. The integer program itself must meet the budget on the search samples.
        current = try integerLoss(plan)
        try raiseUntilWithin(&plan, &current, allowed: allowed, stats: stats, trajectory: &trajectory, evaluations: &evaluations,
                             measure: integerLoss)
        progress("search: done after \(evaluations) evaluations, loss \(String(format: "%.4f", current)) of \(String(format: "%.4f", allowed)) allowed")
        plan.searchTrajectory = trajectory
        return plan
    }

    /// While the loss exceeds the budget, add the one bit that removes the most loss per unit cost.
    func raiseUntilWithin(_ plan: inout QuantizationPlan, _ current: inout Double, allowed: Double, stats: [ValueID: TensorStats],
                          trajectory: inout [SearchStep], evaluations: inout Int,
                          measure: (QuantizationPlan) throws -> Double) throws {
        while current > allowed {
            var best: (plan: QuantizationPlan, loss: Double, gain: Double, description: String)?
            for move in moves(plan, by: +1, stats: stats) {
                let l = try measure(move.plan)
                evaluations += 1
                let gain = (current - l) / max(cost(move.plan) - cost(plan), 1e-9)
                if best == nil || gain > best!.gain { best = (move.plan, l, gain, move.description) }
            }
            guard let chosen = best else { return }
            plan = chosen.plan
            current = chosen.loss
            trajectory.append(step("raise " + chosen.description, plan, current))
            progress("search: raised \(chosen.description), loss \(String(format: "%.4f", current))")
        }
    }

    /// The smallest bit width in `range` that `passes`, assuming more bits never hurt (binary search);
    /// the top of the range when even it fails.
    func smallestPassing(_ range: ClosedRange<Int>, _ passes: (Int) throws -> Bool) throws -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        guard try passes(hi) else { return hi }
        while lo < hi {
            let mid = (lo + hi) / 2
            if try passes(mid) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    func weightFormats(_ node: Node, bits: Int) -> LayerFormats {
        LayerFormats(weightBits: bits,
                     weightFracs: FixedPointPlanner.weightFracs(graph, node, bits: bits, perChannel: options.perChannel, step: options.step),
                     biasBits: options.biasBits, biasFrac: 0)
    }

    func activationFormat(_ unit: ValueID, bits: Int, stats: TensorStats?) -> QFormat {
        FixedPointPlanner.activationFormat(unit, analysis: analysis, stats: stats, bits: bits, step: options.step)
    }

    func withBiasFracs(_ plan: QuantizationPlan) -> QuantizationPlan {
        var copy = plan
        FixedPointPlanner.setBiasFracs(&copy, graph, analysis: analysis)
        return copy
    }

    /// Plans one bit away from `plan` in every tensor (weights and activations).
    func moves(_ plan: QuantizationPlan, by delta: Int, stats: [ValueID: TensorStats]) -> [(plan: QuantizationPlan, description: String)] {
        var result = [(QuantizationPlan, String)]()
        for unit in analysis.producers {
            if let index = layerOf[unit], let layer = plan.layers[graph.nodes[index].name] {
                let b = layer.weightBits + delta
                if (options.minBits...options.maxWeightBits).contains(b) {
                    var candidate = plan
                    candidate.layers[graph.nodes[index].name] = weightFormats(graph.nodes[index], bits: b)
                    result.append((withBiasFracs(candidate), "\(graph.nodes[index].name) weights \(b) bits"))
                }
            }
            let key = analysis.keys[unit]!
            if let format = plan.activations[key] {
                let b = format.bits + delta
                if (options.minBits...options.maxActBits).contains(b) {
                    var candidate = plan
                    candidate.activations[key] = activationFormat(unit, bits: b, stats: stats[unit])
                    result.append((withBiasFracs(candidate), "\(key) activations \(b) bits"))
                }
            }
        }
        return result
    }

    /// The objective's cost of a plan (relative units).
    func cost(_ plan: QuantizationPlan) -> Double {
        var total = 0.0
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            guard let layer = plan.layers[node.name] else { continue }
            switch options.objective {
            case .memory:
                total += Double(graph.constant(node.inputs[1])!.count * layer.weightBits)
            case .multiplies:
                let source = analysis.formatSource[node.inputs[0]]!
                let xBits = plan.activations[analysis.keys[source]!]?.bits ?? 32
                total += Double(graph.macs(of: node) * layer.weightBits * xBits)
            }
        }
        return total
    }

    func step(_ description: String, _ plan: QuantizationPlan, _ loss: Double) -> SearchStep {
        var weights = 0.0, eight = 0.0, mult = 0.0, mult8 = 0.0
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            guard let layer = plan.layers[node.name] else { continue }
            let n = Double(graph.constant(node.inputs[1])!.count)
            weights += n * Double(layer.weightBits)
            eight += n * 8
            let source = analysis.formatSource[node.inputs[0]]!
            let xBits = Double(plan.activations[analysis.keys[source]!]?.bits ?? 8)
            mult += Double(graph.macs(of: node)) * Double(layer.weightBits) * xBits
            mult8 += Double(graph.macs(of: node)) * 64
        }
        return SearchStep(description: description, loss: loss, weightBytesRatio: eight > 0 ? weights / eight : 0,
                          multiplyCostRatio: mult8 > 0 ? mult / mult8 : 0)
    }
}
