import Foundation

/// A small SVG writer: shapes and text appended as markup, every attribute and text escaped, so
/// the result is well-formed XML that can sit inline in an XHTML page. Colours and fonts come
/// from CSS classes of the page (`HTMLReport.style`), which keeps the markup short.
struct SVG {
    let width: Double
    let height: Double
    private var parts = [String]()

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `title` becomes a hover tooltip (an SVG <title> child), which needs no script.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, class cls: String, title: String? = nil) {
        element("rect", ["x": n(x), "y": n(y), "width": n(max(0, width)), "height": n(max(0, height)), "class": cls], title: title)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, class cls: String) {
        element("line", ["x1": n(x1), "y1": n(y1), "x2": n(x2), "y2": n(y2), "class": cls])
    }

    mutating func polyline(_ points: [(Double, Double)], class cls: String) {
        guard points.count > 1 else { return }
        element("polyline", ["points": points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "), "class": cls])
    }

    mutating func circle(x: Double, y: Double, r: Double, class cls: String, title: String? = nil) {
        element("circle", ["cx": n(x), "cy": n(y), "r": n(r), "class": cls], title: title)
    }

    enum Anchor: String { case start, middle, end }

    /// Text at (x, y) (the baseline); `rotate` turns it about that point (−90 for a y-axis title).
    mutating func text(_ string: String, x: Double, y: Double, anchor: Anchor = .start, class cls: String = "label", rotate: Double? = nil) {
        var attributes = ["x": n(x), "y": n(y), "text-anchor": anchor.rawValue, "class": cls]
        if let rotate { attributes["transform"] = "rotate(\(n(rotate)) \(n(x)) \(n(y)))" }
        parts.append("<text\(Self.attributes(attributes))>\(xmlEscape(string))</text>")
    }

    /// The finished element. `id` names the figure; `label` is its accessible name.
    func render(id: String, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(xmlEscape(id))\" role=\"img\" aria-label=\"\(xmlEscape(label))\" " +
            "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">\n" +
            parts.joined(separator: "\n") + "\n</svg>"
    }

    private mutating func element(_ name: String, _ attributes: [String: String], title: String? = nil) {
        if let title {
            parts.append("<\(name)\(Self.attributes(attributes))><title>\(xmlEscape(title))</title></\(name)>")
        } else {
            parts.append("<\(name)\(Self.attributes(attributes))/>")
        }
    }

    /// Sorted, so the same figure is the same bytes on every run.
    private static func attributes(_ attributes: [String: String]) -> String {
        attributes.keys.sorted().map { " \($0)=\"\(xmlEscape(attributes[$0]!))\"" }.joined()
    }

    /// Coordinates with at most two decimals: enough on screen, and stable text.
    private func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// Text and attribute values for XML: the five predefined entities.
public func xmlEscape(_ string: String) -> String {
    var result = ""
    result.reserveCapacity(string.count)
    for character in string {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        default: result.append(character)
        }
    }
    return result
}
