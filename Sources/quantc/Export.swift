import ArgumentParser
import Foundation
import Pipeline

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes the C99 bundle: model.h, model.c, model_weights.c, the runtime kernels it uses, Makefile, CMakeLists.txt, README, report.json.")

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(name: .shortAndLong, help: "Bundle directory (created; must be empty unless --force).")
    var output: String
    @Flag(help: "Replace a non-empty output directory.")
    var force = false
    @Option(help: "C symbol prefix and file stem (default: model), so several models can share one firmware.")
    var prefix: String = "model"
    @Option(help: "Make the bundle's Makefile cross-compile for this board (see `quantc boards`).")
    var board: String?

    func run() throws {
        // Before any work: a refused directory should not cost a calibration first.
        try Pipeline.checkBundleDirectory(output, force: force)
        let boardSpec = try board.map(Pipeline.board(named:))
        let progress = Progress(quiet: self.quantization.quiet)
        let graph = try loadModel(model)
        let quantization = self.quantization.resolved(for: graph)
        let plan = try quantization.makePlan(graph, data: data, progress: progress)
        let lowered = try Pipeline.lower(graph, plan: plan)
        progress.done()
        var request = Pipeline.BundleRequest(generator: Quantc.generator, modelName: URL(fileURLWithPath: model).lastPathComponent)
        request.prefix = prefix
        request.notes = ["Formats: scheme \(quantization.chosenScheme.rawValue), step \(plan.step.rawValue)\(plan.perChannel ? ", per-channel weights" : "")."]
        request.board = boardSpec
        request.features = try kernelOptions.features(for: boardSpec, lowered)
        let bundle = try Pipeline.bundle(lowered, request)
        try Pipeline.write(bundle, to: output, force: force)
        let sources = bundle.files.filter { $0.name.hasSuffix(".c") }.count
        print("\(output): \(bundle.files.count) files (\(sources) C sources); arena \(bundle.arena.arenaBytes) bytes " +
              "(lower bound \(bundle.arena.lowerBound), naive \(bundle.arena.naiveBytes)), constants \(bundle.constantBytes) bytes (weights \(bundle.weightBytes))")
    }
}
