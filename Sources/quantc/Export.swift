import ArgumentParser
import Foundation
import Pipeline

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes the C99 bundle: model.h, model.c, model_weights.c, the runtime kernels it uses, Makefile, CMakeLists.txt, README, report.json.",
        discussion: """
            With several models, one directory for one firmware: each model's files under its prefix, the runtime \
            kernels once, and one arena the size of the largest model's, which they share (they must not run at the \
            same time). The quantization and data options apply to every model.
            """)

    @Argument(help: "Model files (.onnx or .tflite): one, or several for one firmware.")
    var models: [String]
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(name: .shortAndLong, help: "Bundle directory (created; must be empty unless --force).")
    var output: String
    @Flag(help: "Replace a non-empty output directory.")
    var force = false
    @Option(help: "C symbol prefix and file stem (default: model; with several models, their file names), so several models can share one firmware; with several models, one per model, comma-separated.")
    var prefix: String?
    @Option(help: "Make the bundle's Makefile cross-compile for this board (see `quantc boards`).")
    var board: String?

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give a model file") }
        if models.count > 1 && quantization.plan != nil { throw ValidationError("--plan fixes one model's formats: export several models without it") }
        if let prefix, models.count > 1, prefix.split(separator: ",").count != models.count {
            throw ValidationError("--prefix: give one prefix per model (\(models.count)), comma-separated")
        }
    }

    /// Each model's prefix: the given ones, else `model` for one model and a C name made of each file's name for several.
    var prefixes: [String] {
        if let prefix { return models.count == 1 ? [prefix] : prefix.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard models.count > 1 else { return ["model"] }
        return models.map { Pipeline.cName(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent) }
    }

    func run() throws {
        // Before any work: a refused directory should not cost a calibration first.
        try Pipeline.checkBundleDirectory(output, force: force)
        let boardSpec = try board.map(Pipeline.board(named:))
        let progress = Progress(quiet: self.quantization.quiet)
        var models = [(lowered: Pipeline.Lowered, request: Pipeline.BundleRequest)]()
        for (path, prefix) in zip(self.models, prefixes) {
            if self.models.count > 1 { progress.prefix = "\(URL(fileURLWithPath: path).lastPathComponent): " }
            let graph = try loadModel(path)
            let quantization = self.quantization.resolved(for: graph)
            let plan = try quantization.makePlan(graph, data: data, progress: progress)
            let lowered = try Pipeline.lower(graph, plan: plan)
            var request = Pipeline.BundleRequest(generator: Quantc.generator, modelName: URL(fileURLWithPath: path).lastPathComponent)
            request.prefix = prefix
            request.notes = ["Formats: scheme \(quantization.chosenScheme.rawValue), step \(plan.step.rawValue)\(plan.perChannel ? ", per-channel weights" : "")."]
            request.board = boardSpec
            request.features = try kernelOptions.features(for: boardSpec, lowered)
            models.append((lowered, request))
        }
        progress.prefix = ""
        progress.done()
        if models.count == 1 {
            let bundle = try Pipeline.bundle(models[0].lowered, models[0].request)
            try Pipeline.write(bundle, to: output, force: force)
            let sources = bundle.files.filter { $0.name.hasSuffix(".c") }.count
            print("\(output): \(bundle.files.count) files (\(sources) C sources); arena \(bundle.arena.arenaBytes) bytes " +
                  "(lower bound \(bundle.arena.lowerBound), naive \(bundle.arena.naiveBytes)), constants \(bundle.constantBytes) bytes (weights \(bundle.weightBytes))")
            return
        }
        let files = try Pipeline.firmware(models, generator: Quantc.generator, board: boardSpec)
        try Pipeline.write(files: files, to: output, force: force)
        print("\(output): \(models.count) models (\(prefixes.joined(separator: ", "))) in \(files.count) files, one runtime and one shared arena")
    }
}
