import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A report page read back with an XML parser: it must be well-formed, and what the tests check
/// (figures, points, card values) is collected on the way.
final class ReportPage: NSObject, XMLParserDelegate {
    struct CardValue {
        var run: String
        var key: String
        var value: Double
        var text: String
    }

    private(set) var svgIDs = [String]()
    private(set) var figureCount = 0
    /// Circles per SVG id, and those drawn as on the Pareto front.
    private(set) var circles = [String: Int]()
    private(set) var frontCircles = [String: Int]()
    private(set) var rects = [String: Int]()
    private(set) var values = [CardValue]()
    private(set) var scripts = 0
    private(set) var externalReferences = [String]()
    private var currentSVG: String?
    private var currentRun: String?
    private var openValue: (key: String, value: Double, text: String)?
    private(set) var error: Error?

    init(path: String) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = self
        if !parser.parse() { throw parser.parserError ?? error ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "svg":
            currentSVG = attributes["id"] ?? ""
            svgIDs.append(currentSVG!)
        case "figure": figureCount += 1
        case "circle":
            circles[currentSVG ?? "", default: 0] += 1
            if attributes["class"]?.contains("on-front") == true { frontCircles[currentSVG ?? "", default: 0] += 1 }
        case "rect": rects[currentSVG ?? "", default: 0] += 1
        case "article": currentRun = attributes["data-run"]
        case "dd":
            if let key = attributes["data-key"], let value = attributes["data-value"].flatMap(Double.init) { openValue = (key, value, "") }
        case "script": scripts += 1
        default: break
        }
        for attribute in ["src", "href"] where attributes[attribute] != nil { externalReferences.append(attributes[attribute]!) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        openValue?.text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "svg" { currentSVG = nil }
        if name == "dd", let open = openValue {
            values.append(CardValue(run: currentRun ?? "", key: open.key, value: open.value, text: open.text))
            openValue = nil
        }
    }

    func value(_ run: String, _ key: String) -> CardValue? { values.first { $0.run == run && $0.key == key } }
}
