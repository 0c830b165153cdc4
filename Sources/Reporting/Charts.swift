import Foundation

/// The report's figures, each rendered to one inline SVG element.
enum Charts {
    struct Point {
        var label: String
        var x: Double
        var y: Double
    }

    /// One point per scheme (labelled), the Pareto front of lower x and higher y as a staircase,
    /// and an optional horizontal reference line (the float model's accuracy).
    static func scatter(id: String, points: [Point], xTitle: String, yTitle: String, logX: Bool,
                        reference: (value: Double, label: String)?, percentY: Bool = true) -> String {
        var frame = PlotFrame(width: 520, height: 320)
        var ys = points.map(\.y)
        if let reference { ys.append(reference.value) }
        var yFormat: ((Double) -> String)?
        if percentY { yFormat = { percentLabel($0) } }
        let y = frame.yAxis(Scale(covering: ys, padding: 0.08), title: yTitle, format: yFormat)
        let x = frame.xAxis(Scale(covering: points.map(\.x), logarithmic: logX, includeZero: !logX), title: xTitle)
        if let reference {
            frame.svg.line(x1: frame.left, y1: y(reference.value), x2: frame.right, y2: y(reference.value), class: "reference")
            frame.svg.text(reference.label, x: frame.left + 4, y: y(reference.value) + 13, class: "note")
        }
        let front = Pareto.front(points.map { ($0.x, $0.y) })
        var stairs = [(Double, Double)]()
        for (k, i) in front.enumerated() {
            if k > 0 { stairs.append((x(points[i].x), y(points[front[k - 1]].y))) }
            stairs.append((x(points[i].x), y(points[i].y)))
        }
        frame.svg.polyline(stairs, class: "front")
        // Points at the same place share one label; labels near the right edge go to the left,
        // and a label that would cover an earlier one moves down (or up) a line at a time.
        var labelled = Set<[Double]>()
        var taken = [(x0: Double, x1: Double, y: Double)]()
        for (i, point) in points.enumerated() {
            let onFront = front.contains(i)
            let px = x(point.x), py = y(point.y)
            frame.svg.circle(x: px, y: py, r: onFront ? 6 : 4.5, class: seriesClass(i) + (onFront ? " on-front" : ""),
                             title: "\(point.label): \(compactNumber(point.x)), \(percentY ? percentLabel(point.y) : compactNumber(point.y))")
            guard labelled.insert([point.x, point.y]).inserted else { continue }
            let label = points.filter { $0.x == point.x && $0.y == point.y }.map(\.label).joined(separator: ", ")
            let width = Double(label.count) * 6.2
            let leftward = px > frame.left + 0.7 * (frame.right - frame.left)
            let x0 = leftward ? px - 8 - width : px + 8
            var ty = py - 7
            for shift in [0.0, 14, -14, 28, -28, 42] {
                let candidate = py - 7 + shift
                if !taken.contains(where: { $0.x0 < x0 + width && x0 < $0.x1 && abs($0.y - candidate) < 12 }) {
                    ty = candidate
                    break
                }
            }
            taken.append((x0, x0 + width, ty))
            frame.svg.text(label, x: leftward ? px - 8 : px + 8, y: ty, anchor: leftward ? .end : .start, class: "point-label")
        }
        return frame.render(id: id, label: "\(yTitle) against \(xTitle), one point per scheme, Pareto front drawn")
    }

    struct Series {
        var name: String
        var values: [Double?]
    }

    /// Bars per category, one per series side by side; missing values leave a gap.
    static func groupedBars(id: String, categories: [String], series: [Series], yTitle: String, logY: Bool = false,
                            classes: [String]? = nil) -> String {
        let slant = PlotFrame.labelsNeedSlant(categories, plotWidth: 720 - 64 - 16)
        var frame = PlotFrame(width: 720, height: slant ? 330 : 290, marginBottom: slant ? 86 : 46,
                              marginTop: series.count > 1 ? PlotFrame.legendMargin : 14)
        let all = series.flatMap { $0.values.compactMap { $0 } }
        let y = frame.yAxis(Scale(covering: all, logarithmic: logY, includeZero: true), title: yTitle)
        let bands = frame.categoryAxis(categories, title: "layer")
        let classOf = { (k: Int) in classes?[k] ?? seriesClass(k) }
        for (i, band) in bands.enumerated() {
            let inner = band.width * 0.8, barWidth = inner / Double(max(series.count, 1))
            for (k, s) in series.enumerated() {
                guard i < s.values.count, let value = s.values[i] else { continue }
                let base = logY ? y(y.lower) : y(max(0, y.lower)), top = y(value)
                frame.svg.rect(x: band.x + band.width * 0.1 + Double(k) * barWidth, y: min(base, top), width: barWidth - 1,
                               height: abs(base - top), class: classOf(k), title: "\(categories[i]), \(s.name): \(compactNumber(value))")
            }
        }
        if series.count > 1 { frame.legend(series.indices.map { (series[$0].name, classOf($0)) }) }
        return frame.render(id: id, label: "\(yTitle) per layer")
    }

    /// The memory planner's placements: one rectangle per buffer from the op that writes it to
    /// the last op that reads it, at its arena offset; the liveness lower bound as a line.
    static func arenaTimeline(id: String, blocks: [ReportArenaBlock], opNames: [String], arenaBytes: Int, lowerBound: Int) -> String {
        var frame = PlotFrame(width: 720, height: 260)
        let y = frame.yAxis(Scale(covering: [0, Double(max(arenaBytes, lowerBound, 1))]), title: "arena offset (bytes)")
        let x = frame.xAxis(Scale(covering: [0, Double(max(opNames.count, 1))]), title: "op (program order)") { String(Int($0)) }
        for (k, block) in blocks.enumerated() {
            let scratch = block.name.hasPrefix("scratch of ")
            frame.svg.rect(x: x(Double(block.first_op)), y: y(Double(block.offset + block.bytes)),
                           width: x(Double(block.last_op + 1)) - x(Double(block.first_op)), height: y(Double(block.offset)) - y(Double(block.offset + block.bytes)),
                           class: scratch ? "scratch" : "buffer " + seriesClass(k),
                           title: "\(block.name): \(block.bytes) bytes at \(block.offset), ops \(block.first_op)…\(block.last_op)" +
                               (block.first_op < opNames.count ? " (\(opNames[block.first_op])…\(opNames[min(block.last_op, opNames.count - 1)]))" : ""))
        }
        frame.svg.line(x1: frame.left, y1: y(Double(lowerBound)), x2: frame.right, y2: y(Double(lowerBound)), class: "reference")
        frame.svg.text("liveness lower bound \(lowerBound) B", x: frame.left + 4, y: y(Double(lowerBound)) - 4, class: "note")
        return frame.render(id: id, label: "arena occupancy over the program")
    }

    /// The points in order joined by a line and numbered (the search's accepted steps).
    static func path(id: String, points: [Point], xTitle: String, yTitle: String) -> String {
        var frame = PlotFrame(width: 520, height: 320)
        let y = frame.yAxis(Scale(covering: points.map(\.y), padding: 0.08), title: yTitle, format: percentLabel)
        let x = frame.xAxis(Scale(covering: points.map(\.x), padding: 0.08), title: xTitle)
        frame.svg.polyline(points.map { (x($0.x), y($0.y)) }, class: "path")
        for (i, point) in points.enumerated() {
            frame.svg.circle(x: x(point.x), y: y(point.y), r: 4, class: i == points.count - 1 ? "s1" : "s0",
                             title: "step \(i + 1): \(point.label)")
            frame.svg.text(String(i + 1), x: x(point.x) + 6, y: y(point.y) - 6, class: "point-label")
        }
        return frame.render(id: id, label: "\(yTitle) against \(xTitle) at each accepted step")
    }

    struct Bin {
        var lower: Double
        var upper: Double
        var density: Double
    }

    /// A density histogram with a fitted density curve and vertical lines at the quantizer's levels.
    static func histogram(id: String, bins: [Bin], curve: [(Double, Double)], levels: [Double], xTitle: String) -> String {
        var frame = PlotFrame(width: 720, height: 300, marginTop: PlotFrame.legendMargin)
        let top = max(bins.map(\.density).max() ?? 1, curve.map(\.1).max() ?? 0)
        let y = frame.yAxis(Scale(covering: [0, top]), title: "density")
        let x = frame.xAxis(Scale(covering: bins.flatMap { [$0.lower, $0.upper] } + levels, includeZero: true), title: xTitle)
        for bin in bins {
            frame.svg.rect(x: x(bin.lower), y: y(bin.density), width: x(bin.upper) - x(bin.lower), height: y(0) - y(bin.density), class: "bin")
        }
        for level in levels {
            frame.svg.line(x1: x(level), y1: frame.bottom, x2: x(level), y2: frame.bottom - 10, class: "level")
        }
        frame.svg.polyline(curve.map { (x($0.0), y(min($0.1, y.upper))) }, class: "curve")
        frame.legend([("activations", "bin"), ("GGD fit", "curve-swatch"), ("quantization levels", "level-swatch")])
        return frame.render(id: id, label: "histogram of activations with the fitted density and the quantization levels")
    }
}

/// A fraction as a percentage with at most two decimals, trailing zeros dropped.
func percentLabel(_ value: Double) -> String {
    compactNumber(value * 100) + " %"
}
