import ArgumentParser
import Foundation
import GraphIR
import Pipeline

struct Quantc: ParsableCommand {
    static let version = "0.1.0"
    /// Named in every generated file and report.
    static let generator = "quantc \(version)"
    static let configuration = CommandConfiguration(
        commandName: "quantc",
        abstract: "Turns a trained CNN (ONNX or TFLite) into small, verified fixed-point C for microcontrollers.",
        version: generator,
        subcommands: [Inspect.self, Run.self, Quantize.self, FineTune.self, Export.self, Verify.self, ReportCommand.self, Boards.self]
    )
}

extension Quantc {
    /// The arguments with `--accumulate` given a value when it stands alone (it means yes), so the
    /// documented `--accumulate` and `--accumulate auto` both parse as one option, and with a
    /// negative number after an option joined to it.
    static func normalizedArguments(_ arguments: [String]) -> [String] {
        var result = [String]()
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--accumulate" {
                let next = i + 1 < arguments.count ? arguments[i + 1] : nil
                // A following word that is no option and no file is its value (a bad one gets
                // the parser's message naming --accumulate); a model path is the positional.
                if let next, AccumulateOption(rawValue: next) != nil || (!next.hasPrefix("-") && !next.contains(".") && !next.contains("/")) {
                    result.append("--accumulate=" + next)
                    i += 2
                    continue
                }
                result.append("--accumulate=yes")
            } else if argument.hasPrefix("--"), !argument.contains("="), i + 1 < arguments.count,
                      arguments[i + 1].hasPrefix("-"), Double(arguments[i + 1]) != nil {
                // A negative number after an option is its value (`--offset -0.42`), which the
                // parser would otherwise take for an option of its own.
                result.append(argument + "=" + arguments[i + 1])
                i += 2
                continue
            } else {
                result.append(argument)
            }
            i += 1
        }
        return result
    }
}

/// A failure to report as one line and an exit code.
struct UserError: Error {
    var message: String
    var exitCode: Int32 = 2

    init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

}

/// Writes a plan, making its directory first; a failure is one line naming the file.
func writePlan(_ plan: QuantizationPlan, to path: String) throws {
    try makeParentDirectory(of: path)
    do {
        try plan.write(to: path)
    } catch {
        throw UserError("\(path): cannot write the plan (\(error.localizedDescription))")
    }
}

/// Refuses an output path that names one of the command's input files: writing it would destroy
/// the input.
func refuseOverwriting(_ output: String, inputs: [String?]) throws {
    let target = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
    for case let input? in inputs where URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path == target {
        throw UserError("\(output): is an input of this command; write the plan elsewhere")
    }
}

/// Makes the directory a file will be written to, and checks that it can be written there: a long
/// run (fine-tuning) finds out before it starts, not after.
func makeParentDirectory(of path: String) throws {
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
        throw UserError("\(path): cannot create its directory (\(error.localizedDescription))")
    }
    guard FileManager.default.isWritableFile(atPath: parent.path) else { throw UserError("\(path): its directory is not writable") }
}

/// Options every command that reads samples shares (the same meaning in every command).
struct DataOptions: ParsableArguments {
    @Option(help: "Samples: .npy, .npz (x, optional y) or IDX (optionally .gz).")
    var data: String?
    @Option(help: "Labels: .npy or IDX, one class index per sample.")
    var labels: String?
    @Option(help: "Preprocessing: x = raw * scale + offset.")
    var scale: Float = 1
    @Option(help: "Preprocessing: x = raw * scale + offset.")
    var offset: Float = 0
    @Option(help: "Use only the first N samples (after --skip).")
    var limit: Int?
    @Option(help: "Skip the first N samples (e.g. those used for calibration).")
    var skip: Int = 0
    @Option(help: ArgumentHelp("Raw .bin samples: their element type (int8, uint8, int16 or float32), little-endian, one model input after another.",
                               valueName: "type"))
    var dataType: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if skip < 0 { throw ValidationError("--skip must not be negative") }
        if let dataType, !Pipeline.rawDataTypes.contains(dataType) {
            throw ValidationError("--data-type must be one of \(Pipeline.rawDataTypes.joined(separator: ", "))")
        }
    }

    /// Loads the samples arranged for the graph's inputs.
    func load(for graph: Graph) throws -> SampleSet {
        guard let path = data else { throw UserError("--data is required") }
        return try Pipeline.loadSamples(graph, path: path, labels: labels, scale: scale, offset: offset, limit: limit, skip: skip,
                                        rawType: dataType)
    }
}

/// Loads a model, turning library errors into user errors.
func loadModel(_ path: String) throws -> Graph {
    InputFiles.model = path
    InputFiles.note(path)
    return try Pipeline.loadModel(path)
}

/// Writes a Codable value as pretty JSON to stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
