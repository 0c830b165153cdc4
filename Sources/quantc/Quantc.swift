import ArgumentParser
import Foundation
import GraphIR
import ModelImport
import Pipeline
import Quantization
import CEmitter
import Targets

struct Quantc: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "quantc",
        abstract: "Turns a trained CNN (ONNX or TFLite) into small, verified fixed-point C for microcontrollers.",
        version: version,
        subcommands: [Inspect.self, Run.self, Quantize.self, Export.self, Verify.self, ReportCommand.self, Boards.self]
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

    /// Input errors from the library stages, which already name their file.
    init?(wrapping error: Error) {
        switch error {
        case let e as ImportError: self.init(e.description)
        case let e as GraphError: self.init(e.message)
        case let e as QuantizationError: self.init(e.message)
        case let e as EmitError: self.init(e.description)
        case let e as Pipeline.RequestError: self.init(e.description)
        // A generated bundle that does not build or run is a verification failure.
        case let e as Command.Failure: self.init(e.description, exitCode: 1)
        case let e as Firmware.DoesNotFit: self.init(e.description, exitCode: 1)
        default: return nil
        }
    }
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

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if skip < 0 { throw ValidationError("--skip must not be negative") }
    }

    /// Loads the samples arranged for the graph's inputs.
    func load(for graph: Graph) throws -> Dataset {
        guard let path = data else { throw UserError("--data is required") }
        return try loadSamples(graph, path: path, labels: labels, scale: scale, offset: offset, limit: limit, skip: skip)
    }
}

/// Samples arranged for the graph's inputs: `limit` of them after the first `skip`. A model with
/// several inputs reads one .npz with an array per input, named as in the model, as the bundle's
/// member, or x0, x1, …; each sample is then every input's values, one after another.
func loadSamples(_ graph: Graph, path: String, labels: String?, scale: Float, offset: Float, limit: Int?, skip: Int = 0) throws -> Dataset {
    let rows = limit.map { $0 + skip }
    let sets: [Dataset]
    if graph.inputs.count == 1 {
        sets = [try DataReader.load(path: path, labelsPath: labels, scale: scale, offset: offset, limit: rows)]
    } else {
        let names = graph.inputs.enumerated().map { k, id in [graph[id].name, ModelInterface.identifier(graph[id].name), "x\(k)"] }
        sets = try DataReader.loadInputs(path: path, names: names, labelsPath: labels, scale: scale, offset: offset, limit: rows)
    }
    guard skip < sets[0].count else { throw UserError("\(path): --skip \(skip) leaves no samples (the file has \(sets[0].count))") }
    let arranged = try zip(sets, graph.inputs).map { set, id in
        try set.slice(skip..<set.count).arranged(for: graph.shape(id), inputName: graph[id].name)
    }
    guard arranged.count > 1 else { return arranged[0] }
    var packed = arranged[0]
    packed.sampleShape = [arranged.reduce(0) { $0 + $1.sampleSize }]
    packed.values = (0..<packed.count).flatMap { i in arranged.flatMap { $0.sample(i) } }
    return packed
}

/// Loads a model, turning library errors into user errors.
func loadModel(_ path: String) throws -> Graph {
    InputFiles.model = path
    InputFiles.note(path)
    return try ModelLoader.load(path: path)
}

/// Writes a Codable value as pretty JSON to stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
