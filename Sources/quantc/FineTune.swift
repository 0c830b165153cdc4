import ArgumentParser
import Foundation
import GraphIR
import Pipeline

extension Augmentation: ExpressibleByArgument {}

struct FineTune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Quantization-aware fine-tuning: trains the quantized network against the float model and writes a plan with the trained weights.",
        discussion: """
        The plan is made as `quantize --error-feedback` makes it (or read with --plan), calibrated on the first \
        --calib-count training samples unless --calib says otherwise. Training samples come from --train (an .npz with x and \
        optional y, or any sample file with --train-labels); without labels the loss is distillation from the \
        float model alone. --data holds the held-out samples: each epoch is scored on them, the best epoch is \
        kept, and the integer program's accuracy before and after is recorded in the plan. Use the plan with \
        export, verify and report --plan.
        """)

    @Argument(help: "Model file (.onnx or .tflite).")
    var model: String
    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Training samples: .npy, .npz (x, optional y) or IDX.")
    var train: String
    @Option(help: "Labels of the training samples (.npz 'y' is read automatically).")
    var trainLabels: String?
    @Option(help: "Use only the first N training samples.")
    var trainLimit: Int?
    @Option(help: "Passes over the training samples.")
    var epochs: Int = 3
    @Option(help: "Samples per step.")
    var batch: Int = 32
    @Option(help: "Adam's initial step, relative to each layer's weight scale (it decays along a half cosine); default 1e-2 for bitplane and codebook, 3e-3 otherwise.")
    var lr: Double?
    @Option(help: "Vary the training images: none, crop (shifts of up to 4 pixels) or crop-flip (and mirror images; not for digits).")
    var augment: Augmentation = .none
    @Option(help: "Weight of the label loss against distillation from the float model (default 0.5 with labels, 0 without).")
    var labelWeight: Float?
    @Option(help: "Seed of the shuffling and augmentation.")
    var seed: UInt64 = 1
    @Option(name: .shortAndLong, help: "Write the fine-tuned plan here (rewritten after every better epoch).")
    var output: String
    @Flag(help: "Print the fine-tuning record as JSON.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(epochs) else { throw ValidationError("--epochs must be 1…1000") }
        guard (1...4096).contains(batch) else { throw ValidationError("--batch must be 1…4096") }
        if let lr, !(lr > 0 && lr < 1) { throw ValidationError("--lr must be above 0 and below 1") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1") }
        if let labelWeight, !(0...1).contains(labelWeight) { throw ValidationError("--label-weight must be 0…1") }
    }

    func run() throws {
        let progress = Progress(quiet: quantization.quiet)
        try refuseOverwriting(output, inputs: [model, train, trainLabels, data.data, data.labels, quantization.calib, quantization.calibLabels, quantization.plan])
        try makeParentDirectory(of: output)
        let graph = try loadModel(model)
        let quantization = self.quantization.resolved(for: graph)
        InputFiles.note(train)
        let trainSet = try Pipeline.loadSamples(graph, path: train, labels: trainLabels, scale: data.scale, offset: data.offset,
                                                limit: trainLimit, rawType: data.dataType)
        let heldOut = try data.load(for: graph)
        let calibrate: () throws -> SampleSet = {
            if quantization.calib != nil { return try quantization.calibrationSet(graph, data: data) }
            let count = min(quantization.calibCount, trainSet.count), size = trainSet.values.count / max(trainSet.count, 1)
            return SampleSet(values: Array(trainSet.values[0..<(count * size)]), count: count, labels: trainSet.labels.map { Array($0[0..<count]) })
        }
        if let plan = quantization.plan { InputFiles.note(plan) }
        // Training starts from the better post-training rounding: error feedback, unless turned off.
        var request = try quantization.request()
        request.errorFeedback = request.errorFeedback ?? true
        let plan = try Pipeline.plan(graph, request, calibration: calibrate, progress: progress.pipeline)
        var options = FineTuningOptions()
        options.epochs = epochs
        options.batch = batch
        options.learningRate = lr
        options.augment = augment
        options.labelWeight = labelWeight
        options.seed = seed
        let path = output
        let tuned = try Pipeline.fineTune(graph, plan: plan, train: trainSet, heldOut: heldOut, options: options, progress: progress.pipeline,
                                          checkpoint: { try? $0.write(to: path) })
        try writePlan(tuned, to: output)
        progress.done()
        guard let record = tuned.fineTuning else { return }
        if json {
            try printJSON(record)
            return
        }
        func percent(_ v: Double) -> String { String(format: "%.2f %%", 100 * v) }
        print("\(model): scheme \(tuned.scheme), \(record.trainSamples) training samples, \(record.epochs) epochs")
        print("held-out top-1 of the integer program on \(record.heldOutSamples) samples: post-training \(percent(record.accuracyBefore)), "
              + "fine-tuned \(percent(record.accuracyAfter))")
        print("plan written to \(output)")
    }
}
