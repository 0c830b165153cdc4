import Foundation

/// The files a command was given, so an error raised deep in the pipeline (a layer whose bias
/// cannot be aligned, a model with two inputs) still names the file it is about.
enum InputFiles {
    /// The model; set by `loadModel`.
    nonisolated(unsafe) static var model: String?
    /// The plan given with `--plan`: what an error in lowering its formats is about.
    nonisolated(unsafe) static var plan: String?
    /// Every file named on the command line (model, data, labels, plan, ...).
    nonisolated(unsafe) static var all = [String]()

    static func note(_ path: String?) {
        if let path, !path.isEmpty, !all.contains(path) { all.append(path) }
    }

    /// Notes every argument that looks like a path (it has a dot or a slash and is no number),
    /// including the value of an `--option=value`.
    static func note(arguments: [String]) {
        for argument in arguments {
            let value = argument.hasPrefix("-") ? argument.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) : argument
            guard let value, value.count >= 2, value.contains(".") || value.contains("/"), Double(value) == nil else { continue }
            note(value)
        }
    }
}

/// The one line printed for a failure: `quantc: FILE: problem`. A message that names no input file
/// is about the model, or, for a quantization problem with `--plan`, about the plan. Text copied
/// from an input file may hold escape sequences or newlines; they are shown escaped, so a file can
/// neither repaint the terminal nor turn the one line into several.
func errorLine(_ message: String, aboutPlan: Bool = false) -> String {
    var text = message
    if let file = (aboutPlan ? InputFiles.plan : nil) ?? InputFiles.model,
       !InputFiles.all.contains(where: { !$0.isEmpty && text.contains($0) }) {
        text = "\(file): \(text)"
    }
    return "quantc: " + escapingControlCharacters(text)
}

/// Writes the error line to stderr as the last line: on a terminal it first clears a progress
/// line still being updated, so the error never shares a line with it.
func printErrorLine(_ message: String, aboutPlan: Bool = false) {
    let clear = isatty(2) != 0 ? "\r\u{1B}[2K" : ""
    FileHandle.standardError.write(Data((clear + errorLine(message, aboutPlan: aboutPlan) + "\n").utf8))
}

/// Control characters (C0, DEL, C1) as `\n`, `\t` or `\u{1B}`; everything else unchanged.
func escapingControlCharacters(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A: result += "\\n"
        case 0x0D: result += "\\r"
        case 0x09: result += "\\t"
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}
