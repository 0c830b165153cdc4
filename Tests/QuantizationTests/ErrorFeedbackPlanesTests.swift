import Foundation
import Quantization
import QuantizedIR
import TestSupport
import Testing

/// Error-feedback plane signs: on correlated inputs they lower the layer's output error below the
/// closed-form signs' (which are optimal only for the weights themselves), keep the scales, and on
/// uncorrelated inputs there is nothing to feed back, so the signs are the closed form's.
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

    /// Σ over rows and outputs of (x·(w − ŵ))².
    func outputError(_ fits: [BitPlaneFit], _ w: [Float], _ x: [[Double]]) -> Double {
        var sum = 0.0
        for o in 0..<outputs {
            for row in x {
                var d = 0.0
                for j in 0..<inputs { d += row[j] * (Double(w[o * inputs + j]) - fits[o].reconstruction(j)) }
                sum += d * d
            }
        }
        return sum
    }

    @Test(arguments: [2, 3])
    func feedbackLowersTheOutputError(planes: Int) {
        var rng = SeededRandom(seed: UInt64(40 + planes))
        let w = weights(&rng), x = correlatedInputs(&rng)
        let shape = [outputs, inputs]
        let closed = BitPlaneQuantizer.fit(w, shape: shape, planes: planes, grouping: .filter)
        let fed = ErrorFeedbackPlanes.refit(closed, values: w, shape: shape, grouping: .filter, h: moments(x))
        #expect(fed.map(\.alphas) == closed.map(\.alphas))
        #expect(fed.allSatisfy { $0.planes.count == planes && $0.planes.allSatisfy { $0.count == inputs && $0.allSatisfy { abs($0) == 1 } } })
        let before = outputError(closed, w, x), after = outputError(fed, w, x)
        print("error feedback, M = \(planes): output error \(before) -> \(after)")
        #expect(after < 0.9 * before)
    }

    @Test func uncorrelatedInputsKeepTheClosedForm() {
        var rng = SeededRandom(seed: 7)
        let w = weights(&rng), shape = [outputs, inputs]
        var h = [Double](repeating: 0, count: inputs * inputs)
        for j in 0..<inputs { h[j * inputs + j] = Double(1 + j % 3) }
        let closed = BitPlaneQuantizer.fit(w, shape: shape, planes: 2, grouping: .filter)
        let fed = ErrorFeedbackPlanes.refit(closed, values: w, shape: shape, grouping: .filter, h: h)
        #expect(fed.map(\.planes) == closed.map(\.planes))
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
