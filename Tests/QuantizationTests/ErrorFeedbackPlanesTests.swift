import Foundation
import Quantization
import QuantizedIR
import TestSupport
import Testing

/// Error-feedback planes: on correlated inputs they lower the layer's output error below the
/// closed form's (optimal only for the weights themselves); kernel2d groups keep their scales;
/// on uncorrelated inputs of equal power there is nothing to feed back and nothing to reweigh, so
/// the fit is the closed form's.
@Suite struct ErrorFeedbackPlanesTests {
    let outputs = 4, inputs = 18, rows = 3000

    func weights(_ rng: inout SeededRandom) -> [Float] {
        (0..<(outputs * inputs)).map { _ in Float(Int64(rng.next() % 2001) - 1000) / 1000 }
    }

    /// Rows of x = A z with z uniform in [−1, 1]: strongly correlated inputs, as neighbouring pixels are.
    func correlatedInputs(_ rng: inout SeededRandom) -> [[Double]] {
        let a = (0..<inputs).map { _ in (0..<4).map { _ in Double(Int64(rng.next() % 2001) - 1000) / 1000 } }
        return (0..<rows).map { _ in
            let z = (0..<4).map { _ in Double(Int64(rng.next() % 2001) - 1000) / 1000 }
            return a.map { row in zip(row, z).reduce(0) { $0 + $1.0 * $1.1 } }
        }
    }

    func moments(_ x: [[Double]]) -> [Double] {
        var h = [Double](repeating: 0, count: inputs * inputs)
        for row in x { for r in 0..<inputs { for c in 0..<inputs { h[r * inputs + c] += row[r] * row[c] / Double(x.count) } } }
        return h
    }

    /// Σ over rows and outputs of (x·(w − ŵ))², ŵ rebuilt weight by weight from its group
    /// (kernel2d: input channel c = j mod 2 of the [4, 3, 3, 2] weights is group 2o + c, tap j / 2).
    func outputError(_ fits: [BitPlaneFit], _ w: [Float], _ x: [[Double]], groupsPerOutput: Int) -> Double {
        var sum = 0.0
        for o in 0..<outputs {
            for row in x {
                var d = 0.0
                for j in 0..<inputs {
                    let fit = fits[o * groupsPerOutput + j % groupsPerOutput]
                    d += row[j] * (Double(w[o * inputs + j]) - fit.reconstruction(j / groupsPerOutput))
                }
                sum += d * d
            }
        }
        return sum
    }

    @Test(arguments: [(2, BitPlaneGrouping.filter), (3, .filter), (2, .kernel2d)])
    func feedbackLowersTheOutputError(planes: Int, grouping: BitPlaneGrouping) {
        var rng = SeededRandom(seed: UInt64(40 + planes))
        let w = weights(&rng), x = correlatedInputs(&rng)
        let shape = grouping == .filter ? [outputs, inputs] : [outputs, 3, 3, 2]
        let perOutput = grouping == .filter ? 1 : 2
        let closed = BitPlaneQuantizer.fit(w, shape: shape, planes: planes, grouping: grouping)
        let fed = ErrorFeedbackPlanes.refit(closed, values: w, shape: shape, grouping: grouping, h: moments(x))
        if grouping == .kernel2d { #expect(fed.map(\.alphas) == closed.map(\.alphas)) }
        #expect(fed.count == closed.count)
        #expect(fed.allSatisfy { $0.planes.count == planes && $0.planes.allSatisfy { $0.count == inputs / perOutput && $0.allSatisfy { abs($0) == 1 } } })
        let before = outputError(closed, w, x, groupsPerOutput: perOutput), after = outputError(fed, w, x, groupsPerOutput: perOutput)
        print("error feedback, M = \(planes), \(grouping): output error \(before) -> \(after)")
        #expect(after < 0.9 * before)
    }

    @Test func uncorrelatedInputsKeepTheClosedForm() {
        var rng = SeededRandom(seed: 7)
        let w = weights(&rng), shape = [outputs, inputs]
        var h = [Double](repeating: 0, count: inputs * inputs)
        for j in 0..<inputs { h[j * inputs + j] = 2 }
        let closed = BitPlaneQuantizer.fit(w, shape: shape, planes: 2, grouping: .filter)
        let fed = ErrorFeedbackPlanes.refit(closed, values: w, shape: shape, grouping: .filter, h: h)
        #expect(fed.map(\.planes) == closed.map(\.planes))
        for (a, b) in zip(fed.flatMap(\.alphas), closed.flatMap(\.alphas)) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func planFitsSurviveJSON() throws {
        var rng = SeededRandom(seed: 3)
        let w = weights(&rng)
        let fits = BitPlaneQuantizer.fit(w, shape: [outputs, inputs], planes: 3, grouping: .filter)
        let stored = try JSONDecoder().decode(FittedPlanes.self, from: try JSONEncoder().encode(FittedPlanes(fits)))
        let back = try stored.fits(groups: outputs, planes: 3, groupSize: inputs, layer: "l")
        #expect(back.map(\.planes) == fits.map(\.planes) && back.map(\.alphas) == fits.map(\.alphas))
        #expect(throws: QuantizationError.self) { try stored.fits(groups: outputs, planes: 2, groupSize: inputs, layer: "l") }
    }
}
