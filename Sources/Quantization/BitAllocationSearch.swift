import FixedPoint
import Foundation
import FloatReference
import GraphIR
import IntegerSimulator

public enum SearchObjective: String, Codable, Sendable, CaseIterable {
    /// Both ratios to 8 bits, equally weighted (the default).
    case balanced
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
    /// The share of `maxDrop` the search allows itself on its own samples (the confidence bound
    /// already holds it below the budget; lower this when unseen data is known to be harder).
    public var safetyFactor = 1.0

    public init(maxDrop: Double, objective: SearchObjective, step: StepMethod, perChannel: Bool) {
        self.maxDrop = maxDrop
        self.objective = objective
        self.step = step
        self.perChannel = perChannel
    }
}

/// Per-layer bit widths and fractional offsets under an accuracy budget.
///
/// The budget is on the loss rate: samples the float model gets right that the quantized one
/// gets wrong (see `loss`). Its upper confidence bound must stay within δ, so every stage holds
/// its candidates to δ', the largest loss whose bound is within δ (7 of 1,000 samples for 1 pp).
/// 1. Walk the format-producing tensors in program order. For each, with every earlier one already
///    quantized (the interaction the paper insists on) and everything later in float, take the
///    fewest weight bits, then the fewest activation bits, that keep the loss within
///    δ'·(the share of the budget spent so far).
/// 2. Global check: while the fully quantized network loses more than δ', add one bit where it
///    removes the most loss per unit of cost.
/// 3. Refinement: try removing one bit from each tensor, cheapest result first; keep what stays
///    within δ'.
/// 4. The upper confidence bound on the integer program's own loss must stay within δ.
/// Steps 1–3 score candidates with `FakeQuant`, which rounds as the integer program does, at float
/// speed; the samples at risk go first, so a candidate over its limit stops early.
public struct BitAllocationSearch {
    let graph: Graph
    let analysis: QuantAnalysis
    let calibration: SampleSet
    let options: SearchOptions
    let progress: (String) -> Void
    /// Producer -> the conv/dense node computing it.
    let layerOf: [ValueID: Int]
    let floatPredictions: [Int]
    /// The samples that can count as lost (the float model gets them right), smallest float
    /// margin first, stored contiguously: a candidate's losses come early in this order, so one
    /// that is over its limit stops after a few chunks (see `loss`).
    let atRisk: [Float]
    let atRiskCount: Int
    /// The right answer for each at-risk sample.
    let atRiskTruth: [Int]

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
        let logits = try Interpreter(graph: graph).runMany(samples: calibration.values, count: calibration.count)
        let predictions = logits.map(argmax)
        floatPredictions = predictions
        let truth = calibration.labels ?? predictions
        let size = calibration.values.count / max(calibration.count, 1)
        let order = logits.indices.filter { predictions[$0] == truth[$0] }
            .map { (index: $0, margin: Self.margin(logits[$0], of: truth[$0])) }
            .sorted { $0.margin < $1.margin }
        atRisk = order.flatMap { calibration.values[($0.index * size)..<(($0.index + 1) * size)] }
        atRiskCount = order.count
        atRiskTruth = order.map { truth[$0.index] }
    }

    /// How far the true class leads the best other class.
    static func margin(_ logits: [Float], of truth: Int) -> Float {
        var other = -Float.infinity
        for (j, z) in logits.enumerated() where j != truth { other = max(other, z) }
        return logits[truth] - other
    }

    /// The loss rate of a plan: the fraction of samples the float model gets right (matches,
    /// without labels) that the quantized one gets wrong. Gains do not offset losses: a greedy
    /// search over a finite sample would otherwise pick configurations that got lucky.
    /// Above `limit` the count may stop early: the caller only learns that it is over.
    func loss(_ plan: QuantizationPlan, giveUpAbove limit: Double = .infinity) throws -> Double {
        let simulated = FakeQuant(graph, analysis: analysis, plan: plan)
        let interpreter = try Interpreter(graph: simulated.graph)
        let size = atRisk.count / max(atRiskCount, 1)
        var lost = 0, start = 0
        // Small chunks (the at-risk samples come first), each spread over the cores.
        let chunk = 100
        while start < atRiskCount {
            let n = min(chunk, atRiskCount - start)
            let outputs = try interpreter.runMany(samples: Array(atRisk[(start * size)..<((start + n) * size)]), count: n,
                                                  transform: simulated.transform)
            let first = start
            lost += outputs.indices.filter { argmax(outputs[$0]) != atRiskTruth[first + $0] }.count
            start += n
            if Double(lost) / Double(calibration.count) > limit { break }
        }
        return Double(lost) / Double(max(calibration.count, 1))
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
        var plan = QuantizationPlan(model: graph.info.path, scheme: .fixed, step: options.step, perChannel: options.perChannel)
        // `safetyFactor` < 1 keeps the bound within a fraction of the budget, for unseen data known
        // to be harder than the search samples.
        let budget = options.maxDrop * options.safetyFactor
        // Every stage holds its candidates to the loss the final confidence bound admits, not to
        // the budget itself: a search that spends the whole budget on these samples has, by
        // choosing among many candidates, found the ones that got lucky on them.
        let allowed = largestBoundedLoss(within: budget)
        var trajectory = [SearchStep]()
        var stats = [ValueID: TensorStats]()
        let units = analysis.producers
        var evaluations = 0
        func within(_ candidate: QuantizationPlan, _ limit: Double) throws -> Bool {
            evaluations += 1
            return try loss(candidate, giveUpAbove: limit) <= limit
        }
        // Budget shares: half split evenly over the units, half by their share of the cost at
        // 8 bits, so the layers that dominate memory or multiplies may spend more of it.
        let costs = units.map { unitCost($0) }
        let totalCost = max(costs.reduce(0, +), 1e-9)
        let shares = costs.map { 0.5 / Double(units.count) + 0.5 * $0 / totalCost }
        var spent = 0.0

        // 1. Greedy walk, each unit adding its share to the budget.
        for (position, unit) in units.enumerated() {
            spent += shares[position]
            let limit = allowed * spent
            let key = analysis.keys[unit]!
            if let index = layerOf[unit] {
                let node = graph.nodes[index]
                let bits = try smallestPassing(options.minBits...options.maxWeightBits) { b in
                    var candidate = plan
                    candidate.layers[node.name] = weightFormats(node, bits: b)
                    return try within(withBiasFracs(candidate), limit)
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
                return try within(withBiasFracs(candidate), limit)
            }
            plan.activations[key] = activationFormat(unit, bits: bits, stats: stats[unit])
            plan = withBiasFracs(plan)
            progress("search: \(key) -> act \(bits) bits\(layerOf[unit].map { " w \(plan.layers[graph.nodes[$0].name]!.weightBits) bits" } ?? "") (\(evaluations) evaluations)")
        }
        var current = try loss(plan)
        trajectory.append(step("greedy walk", plan, current))

        // 2. Global check, then 3. refinement, on fake-quant losses.
        try raiseUntilWithin(&plan, &current, allowed: allowed, stats: stats, trajectory: &trajectory, evaluations: &evaluations,
                             measure: { try loss($0, giveUpAbove: $1) })
        var improved = true
        while improved {
            improved = false
            let candidates = moves(plan, by: -1, stats: stats).sorted { cost($0.plan) < cost($1.plan) }
            for move in candidates {
                evaluations += 1
                let l = try loss(move.plan, giveUpAbove: allowed)
                if l <= allowed {
                    plan = move.plan
                    current = l
                    trajectory.append(step(move.description, plan, current))
                    improved = true
                    break
                }
            }
        }
        try FixedPointPlanner.setAverageFormats(&plan, graph, analysis: analysis, calibration: calibration, step: options.step)
        plan = withBiasFracs(plan)
        // 4. The integer program itself must meet the budget with a margin: an upper confidence
        //    bound (one Poisson standard error) on its loss, since the search has tuned itself to
        //    these samples. Moves are chosen by fake-quant (cheap), each confirmed on the integer program.
        var integerBound = upperBound(try integerLoss(plan))
        while integerBound > budget {
            var fakeLoss = current
            let before = plan
            try raiseUntilWithin(&plan, &fakeLoss, allowed: min(fakeLoss, allowed) - 1e-9, stats: stats, trajectory: &trajectory,
                                 evaluations: &evaluations, steps: 1, measure: { try loss($0, giveUpAbove: $1) })
            if before.layers == plan.layers && before.activations == plan.activations { break }
            current = fakeLoss
            integerBound = upperBound(try integerLoss(plan))
        }
        progress("search: done after \(evaluations) evaluations, integer loss bound \(String(format: "%.4f", integerBound)) of \(String(format: "%.4f", budget)) allowed")
        plan.searchTrajectory = trajectory
        return plan
    }

    /// Loss rate plus one Poisson standard error, (L + √(L+1)) / n for L losses.
    func upperBound(_ rate: Double) -> Double {
        let n = Double(max(calibration.count, 1))
        let lost = rate * n
        return (lost + (lost + 1).squareRoot()) / n
    }

    /// The largest loss rate whose upper bound stays within `budget`.
    func largestBoundedLoss(within budget: Double) -> Double {
        let n = Double(max(calibration.count, 1))
        var lost = 0.0
        while upperBound((lost + 1) / n) <= budget { lost += 1 }
        return lost / n
    }

    var totalWeightBits: Double {
        Double(analysis.weightedLayers.reduce(0) { $0 + graph.constant(graph.nodes[$1].inputs[1])!.count * 8 })
    }
    var totalMultiplyCost: Double { Double(analysis.weightedLayers.reduce(0) { $0 + graph.macs(of: graph.nodes[$1]) * 64 }) }

    /// A unit's share of the cost at 8 bits under the objective.
    func unitCost(_ unit: ValueID) -> Double {
        guard let index = layerOf[unit] else { return 0 }
        let node = graph.nodes[index]
        let weights = Double(graph.constant(node.inputs[1])!.count * 8) / max(totalWeightBits, 1)
        let multiplies = Double(graph.macs(of: node) * 64) / max(totalMultiplyCost, 1)
        switch options.objective {
        case .balanced: return weights + multiplies
        case .memory: return weights
        case .multiplies: return multiplies
        }
    }

    /// While `measure` exceeds the budget, add the one bit that removes the most loss per unit of
    /// cost; at most `steps` bits. When no bit reduces the loss, the least harmful one is taken
    /// (judged on counts that stopped early).
    func raiseUntilWithin(_ plan: inout QuantizationPlan, _ current: inout Double, allowed: Double, stats: [ValueID: TensorStats],
                          trajectory: inout [SearchStep], evaluations: inout Int, steps: Int = .max,
                          measure: (_ plan: QuantizationPlan, _ giveUpAbove: Double) throws -> Double) throws {
        var taken = 0
        while current > allowed && taken < steps {
            var best: (plan: QuantizationPlan, loss: Double, gain: Double, description: String)?
            let base = cost(plan)
            for move in moves(plan, by: +1, stats: stats) {
                let added = max(cost(move.plan) - base, 1e-9)
                // A move can only win by a larger gain than the best so far, so its count may stop
                // above that (when no move has reduced the loss yet, above the current loss).
                let l = try measure(move.plan, current - max(best?.gain ?? 0, 0) * added)
                evaluations += 1
                let gain = (current - l) / added
                if best == nil || gain > best!.gain { best = (move.plan, l, gain, move.description) }
            }
            guard let chosen = best else { return }
            plan = chosen.plan
            current = chosen.loss
            taken += 1
            trajectory.append(step("raise " + chosen.description, plan, current))
            progress("search: raised \(chosen.description), loss \(String(format: "%.4f", current))")
        }
    }

    /// The smallest bit width in `range` that `passes`, assuming more bits never hurt; the top of
    /// the range when all below it fail. Upwards from the bottom, not by bisection: a failing
    /// width usually stops after its first chunk of samples, so the one full-cost evaluation is
    /// the width that passes.
    func smallestPassing(_ range: ClosedRange<Int>, _ passes: (Int) throws -> Bool) throws -> Int {
        for bits in range.dropLast() where try passes(bits) { return bits }
        return range.upperBound
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

    /// The cost a plan is judged by: the objective's ratio to 8 bits plus a quarter of the other
    /// one, so that neither activation bits (free for memory) nor weight bits on cheap layers
    /// (free for multiplies) are spent as if they cost nothing.
    func cost(_ plan: QuantizationPlan) -> Double {
        let ratios = step("", plan, 0)
        switch options.objective {
        case .balanced: return ratios.weightBytesRatio + ratios.multiplyCostRatio
        case .memory: return ratios.weightBytesRatio + 0.25 * ratios.multiplyCostRatio
        case .multiplies: return ratios.multiplyCostRatio + 0.25 * ratios.weightBytesRatio
        }
    }

    func step(_ description: String, _ plan: QuantizationPlan, _ loss: Double) -> SearchStep {
        var weights = 0.0, eight = 0.0, mult = 0.0, mult8 = 0.0
        for index in analysis.weightedLayers {
            let node = graph.nodes[index]
            guard let layer = plan.layers[node.name] else { continue }
            let n = Double(graph.constant(node.inputs[1])!.count)
            weights += n * Double(layer.weightBits)
            eight += n * 8
            let xBits = Double(analysis.format(of: node.inputs[0], in: plan)?.bits ?? 8)
            mult += Double(graph.macs(of: node)) * Double(layer.weightBits) * xBits
            mult8 += Double(graph.macs(of: node)) * 64
        }
        return SearchStep(description: description, loss: loss, weightBytesRatio: eight > 0 ? weights / eight : 0,
                          multiplyCostRatio: mult8 > 0 ? mult / mult8 : 0)
    }
}
