import FixedPoint
import FloatReference
import Foundation
import GraphIR

/// Fractional offsets, chosen with the other layers' errors in view: each activation
/// format's frac comes first from its own statistics (MSE, GGD or min-max), which ignores what the
/// rounding costs the layers after it. This pass walks the activation tensors front to back, with
/// every tensor before already settled, and tries the frac one step either side; it keeps the
/// frac whose network output is closest (squared error over the calibration samples) to the
/// float model's. A step coarser clips less and a step finer rounds less; only the output can
/// say which one matters more (the patent US 11,694,073 updates fraction lengths the same way,
/// back to front; front to back lets each choice see the settled ones before it).
public enum FracRefinement {
    public static func refine(_ plan: QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet,
                              progress: (String) -> Void = { _ in }) throws -> QuantizationPlan {
        let reference = try Interpreter(graph: graph).runMany(samples: calibration.values, count: calibration.count)
        func outputError(_ candidate: QuantizationPlan) throws -> Double {
            try Self.outputError(candidate, graph, analysis: analysis, calibration: calibration, reference: reference)
        }
        var plan = plan
        var best = try outputError(plan)
        let tensors = analysis.producers + analysis.averages.map(\.output)
        for (position, id) in tensors.enumerated() where analysis.fixedFrac[id] != true {
            guard let key = analysis.keys[id], let format = plan.activations[key] else { continue }
            for frac in [format.frac - 1, format.frac + 1] {
                var candidate = plan
                candidate.activations[key] = QFormat(bits: format.bits, frac: frac)
                FixedPointPlanner.setBiasFracs(&candidate, graph, analysis: analysis)
                let error = try outputError(candidate)
                if error < best {
                    best = error
                    plan = candidate
                }
            }
            progress("refining fracs: \(position + 1)/\(tensors.count)")
        }
        return plan
    }

    /// Σ over the samples and output values of (simulated − float)², the plan simulated by `FakeQuant`;
    /// `reference`: the float model's outputs on the same samples.
    public static func outputError(_ plan: QuantizationPlan, _ graph: Graph, analysis: QuantAnalysis, calibration: SampleSet,
                                   reference: [[Float]]) throws -> Double {
        let simulated = FakeQuant(graph, analysis: analysis, plan: plan)
        let outputs = try Interpreter(graph: simulated.graph).runMany(samples: calibration.values, count: calibration.count,
                                                                      transform: simulated.transform)
        var sum = 0.0
        for (output, float) in zip(outputs, reference) {
            for (a, b) in zip(output, float) { sum += Double(a - b) * Double(a - b) }
        }
        return sum
    }
}
