/// The part every chart shares: an SVG canvas with margins, axes with ticks, grid lines and
/// titles, and a legend. Charts draw their marks inside `plot` with the scales it hands out.
struct PlotFrame {
    var svg: SVG
    /// The plotting area in pixels.
    let left: Double, top: Double, right: Double, bottom: Double

    static let legendMargin = 34.0

    init(width: Double = 560, height: Double = 300, marginLeft: Double = 64, marginBottom: Double = 46, marginTop: Double = 14,
         marginRight: Double = 16) {
        svg = SVG(width: width, height: height)
        left = marginLeft
        top = marginTop
        right = width - marginRight
        bottom = height - marginBottom
        svg.rect(x: left, y: top, width: right - left, height: bottom - top, class: "plot-area")
    }

    /// Horizontal grid lines and labels at the scale's ticks, and the axis title.
    /// `format`: tick labels (default: decimals as the tick step needs).
    mutating func yAxis(_ scale: Scale, title: String, format: ((Double) -> String)? = nil) -> Scale {
        let y = scale.placed(from: bottom, to: top)
        let format = format ?? tickLabels(scale.ticks)
        for tick in scale.ticks {
            svg.line(x1: left, y1: y(tick), x2: right, y2: y(tick), class: "grid")
            svg.text(format(tick), x: left - 6, y: y(tick) + 4, anchor: .end, class: "tick")
        }
        svg.text(title, x: 14, y: (top + bottom) / 2, anchor: .middle, class: "axis-title", rotate: -90)
        return y
    }

    /// Vertical grid lines and labels at the scale's ticks, and the axis title.
    mutating func xAxis(_ scale: Scale, title: String, format: ((Double) -> String)? = nil) -> Scale {
        let x = scale.placed(from: left, to: right)
        let format = format ?? tickLabels(scale.ticks)
        for tick in scale.ticks {
            svg.line(x1: x(tick), y1: top, x2: x(tick), y2: bottom, class: "grid")
            svg.text(format(tick), x: x(tick), y: bottom + 16, anchor: .middle, class: "tick")
        }
        svg.text(title, x: (left + right) / 2, y: svg.height - 8, anchor: .middle, class: "axis-title")
        return x
    }

    /// Evenly spaced bands, one per category, labelled below (slanted when they would collide).
    /// Returns the left edge and width of each band.
    mutating func categoryAxis(_ names: [String], title: String) -> [(x: Double, width: Double)] {
        let width = (right - left) / Double(max(names.count, 1))
        let slant = PlotFrame.labelsNeedSlant(names, plotWidth: right - left)
        var bands = [(x: Double, width: Double)]()
        for (i, name) in names.enumerated() {
            let x = left + Double(i) * width
            bands.append((x, width))
            if slant {
                svg.text(name, x: x + width / 2 + 3, y: bottom + 12, anchor: .end, class: "tick", rotate: -35)
            } else {
                svg.text(name, x: x + width / 2, y: bottom + 16, anchor: .middle, class: "tick")
            }
        }
        if !slant { svg.text(title, x: (left + right) / 2, y: svg.height - 8, anchor: .middle, class: "axis-title") }
        svg.line(x1: left, y1: bottom, x2: right, y2: bottom, class: "axis")
        return bands
    }

    /// Whether category labels would collide if written level (about 6.5 px per character).
    static func labelsNeedSlant(_ names: [String], plotWidth: Double) -> Bool {
        let width = plotWidth / Double(max(names.count, 1))
        return names.contains { Double($0.count) * 6.5 > width }
    }

    /// Entries as coloured swatches with names, in one row above the plot area (charts with a
    /// legend ask for `legendMargin` at the top).
    mutating func legend(_ entries: [(name: String, class: String)]) {
        var x = right - 8
        for entry in entries.reversed() {
            let width = Double(entry.name.count) * 6.2 + 18
            x -= width
            svg.rect(x: x, y: top - 20, width: 10, height: 10, class: entry.class)
            svg.text(entry.name, x: x + 14, y: top - 11, class: "legend")
            x -= 8
        }
    }

    func render(id: String, label: String) -> String { svg.render(id: id, label: label) }
}

/// CSS class of the i-th series (colours in `HTMLReport.style`).
func seriesClass(_ index: Int) -> String { "s\(index % 8)" }
