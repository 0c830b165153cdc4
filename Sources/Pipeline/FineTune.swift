import FineTuning
import Foundation
import GraphIR
import Quantization

extension Pipeline {
    /// Fine-tunes a post-training plan on `train` (`FineTuner`), then scores the plan before and
    /// after with the integer program on `heldOut` and records both in the plan it returns.
    /// `checkpoint` receives each better plan as training goes (the command writes it, so an
    /// interrupted run leaves the last good one).
    public static func fineTune(_ graph: Graph, plan: QuantizationPlan, train: SampleSet, heldOut: SampleSet,
                                options: FineTuningOptions, progress: Progress = Progress(),
                                checkpoint: @escaping @Sendable (QuantizationPlan) -> Void = { _ in }) throws -> QuantizationPlan {
        progress.say("fine-tuning on \(train.count) samples, \(options.epochs) epochs, held out \(heldOut.count)")
        let result = try FineTuner.run(graph, plan: plan, train: train, heldOut: heldOut, options: options,
                                       progress: progress.say, checkpoint: checkpoint)
        progress.say("scoring the integer programs before and after")
        let before = try evaluate(graph, try lower(graph, plan: plan), on: heldOut)
        let after = try evaluate(graph, try lower(graph, plan: result.plan), on: heldOut)
        var tuned = result.plan
        tuned.fineTuning = FineTuningRecord(trainSamples: train.count, epochs: options.epochs, batch: options.batch,
                                            learningRate: options.learningRate ?? FineTuningOptions.defaultLearningRate(plan.scheme), augment: options.augment.rawValue,
                                            labelWeight: Double(options.labelWeight ?? (train.labels == nil ? 0 : 0.5)),
                                            heldOutSamples: heldOut.count, accuracyBefore: score(before), accuracyAfter: score(after),
                                            epochsRun: result.epochs)
        return tuned
    }

    /// Top-1 on labelled samples, else agreement with the float model.
    private static func score(_ report: QuantizationReport) -> Double {
        report.quant_accuracy ?? report.agreement
    }
}
