import Reporting
import Testing

/// The report's plotting arithmetic against cases worked out by hand.
struct PlotPrimitivesTests {
    @Test func linearTicksStepByOneTwoOrFive() {
        // Span 97 over ~5 ticks: raw step 19.4, so 20.
        #expect(Scale.niceTicks(0, 97) == [0, 20, 40, 60, 80, 100])
        // Span 0.006: raw step 0.0012, so 0.002, from 0.980 (below 0.981) to 0.988 (above 0.987).
        #expect(Scale.niceTicks(0.981, 0.987) == [0.98, 0.982, 0.984, 0.986, 0.988])
        // Span 3500: raw 700, so 1000.
        #expect(Scale.niceTicks(3263, 6763) == [3000, 4000, 5000, 6000, 7000])
        #expect(Scale.niceTicks(-3, 3) == [-4, -2, 0, 2, 4])
    }

    @Test func logTicksArePowersOfTenWithOneTwoFiveOnShortRanges() {
        #expect(Scale.logTicks(1, 1_000_000) == [1, 10, 100, 1000, 10_000, 100_000, 1_000_000])
        #expect(Scale.logTicks(10, 1000) == [10, 20, 50, 100, 200, 500, 1000])
    }

    @Test func scaleCoversItsDataWithTicksInside() {
        let scale = Scale(covering: [0.9833, 0.9867, 0.98], padding: 0.08)
        #expect(scale.lower <= 0.98 && scale.upper >= 0.9867)
        #expect(scale.ticks.allSatisfy { $0 >= scale.lower - 1e-12 && $0 <= scale.upper + 1e-12 })
        #expect(scale.ticks.count >= 3)
        let log = Scale(covering: [3, 21_376, 786_560], logarithmic: true)
        #expect(log.lower == 1 && log.upper == 1_000_000)
        // A log scale ignores values it cannot show (0 multiplies).
        #expect(Scale(covering: [0, 50, 700], logarithmic: true).lower == 10)
    }

    @Test func paretoFrontKeepsOnlyUndominatedPoints() {
        let points: [(cost: Double, accuracy: Double)] = [
            (1, 0.90),    // 0: front
            (2, 0.95),    // 1: front
            (2, 0.93),    // 2: same cost as 1, less accurate
            (3, 0.94),    // 3: dearer and worse than 1
            (0.5, 0.80),  // 4: front (cheapest)
            (1, 0.90),    // 5: the same as 0; only the first is kept
        ]
        #expect(Pareto.front(points) == [4, 0, 1])
        #expect(Pareto.front([(5, 0.5)]) == [0])
        #expect(Pareto.front([]) == [])
    }

    @Test func compactNumbersForTicks() {
        #expect(compactNumber(786_560) == "786.56k")
        #expect(compactNumber(1_000_000) == "1M")
        #expect(compactNumber(2500) == "2500")
        #expect(compactNumber(0.25) == "0.25")
        #expect(compactNumber(12) == "12")
    }

    @Test func xmlEscapingCoversThePredefinedEntities() {
        #expect(xmlEscape("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
    }
}
