import Foundation

/// Small helpers for printing C.
enum CText {
    /// `{a, b, c}` wrapped at about 100 columns, each line indented by four spaces.
    /// Unsigned 32-bit words (bit planes) print as hexadecimal, their bits readable.
    static func initializer(_ values: [Int64], hexWords: Bool = false) -> String {
        var lines = [String](), line = ""
        for v in values {
            let item = (hexWords ? String(format: "0x%08llxu", v) : literal(v)) + ","
            if line.count + item.count + 1 > 96 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + item
        }
        if !line.isEmpty { lines.append(line) }
        return "{\n" + lines.map { "    " + $0 }.joined(separator: "\n") + "\n}"
    }

    /// A C integer literal for any int64 value (the most negative one has no literal of its own).
    static func literal(_ v: Int64) -> String {
        if v == Int64.min { return "(-INT64_C(9223372036854775807) - 1)" }
        if v > Int64(Int32.max) || v < Int64(Int32.min) + 1 { return "INT64_C(\(v))" }
        if v == Int64(Int32.min) { return "(-2147483647 - 1)" }
        return String(v)
    }

    /// 2^e as an exact C99 hexadecimal floating constant.
    static func powerOfTwo(_ e: Int) -> String { "0x1p\(e >= 0 ? "+" : "")\(e)" }

    /// A comment-safe version of a name taken from a model file.
    static func commentSafe(_ s: String) -> String {
        String(s.map { $0.isASCII && !$0.isNewline ? $0 : "?" }).replacingOccurrences(of: "*/", with: "* /")
    }

    /// A valid C identifier prefix (letters, digits, underscores, not starting with a digit).
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !s.isEmpty else { return false }
        let ok = s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
        return ok && !("0"..."9").contains(first)
    }
}
