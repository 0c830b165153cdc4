import Foundation
import GraphIR
import Quantization
import QuantizedIR
import Targets
import Verification

/// The one place that turns a request into a plan, a plan into an integer program, and sends a
/// program to the host or a board for verification. Every command calls these; the command line
/// parses arguments and prints, nothing more.
public enum Pipeline {
    /// Progress reports: `say` for a new stage, `update` for a step inside one.
    public struct Progress: Sendable {
        public var say: @Sendable (String) -> Void
        public var update: @Sendable (String) -> Void
        public init(say: @escaping @Sendable (String) -> Void = { _ in }, update: @escaping @Sendable (String) -> Void = { _ in }) {
            self.say = say
            self.update = update
        }
    }

    /// A problem with the request itself (an option that does not apply to the scheme).
    public struct RequestError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The scheme a model calls for when none is asked: int8 for a model that arrives quantized
    /// (int8 inputs, and int8 weights on every convolution and dense layer if it has any: it needs no calibration,
    /// and its own arithmetic is the one to reproduce), fixed otherwise.
    public static func defaultScheme(for graph: Graph) -> Scheme {
        let inputsQuantized = graph.inputs.allSatisfy { graph[$0].quantization?.storage == "int8" }
        let weighted = graph.nodes.filter {
            switch $0.op {
            case .conv2d, .dense: return true
            default: return false
            }
        }
        let weightsQuantized = weighted.allSatisfy { graph[$0.inputs[1]].quantization?.storage == "int8" }
        return inputsQuantized && weightsQuantized ? .int8 : .fixed
    }

    /// The plan the request asks for: read from `planFile` (checked against the model), taken
    /// from the model file (int8), or made by the scheme's planner from `calibration()` samples.
    public static func plan(_ graph: Graph, _ request: PlanRequest, calibration: () throws -> SampleSet,
                            progress: Progress = Progress()) throws -> QuantizationPlan {
        if let file = request.planFile {
            return try QuantizationPlan.read(from: file, for: graph)
        }
        if request.scheme == .int8 {
            // Every number comes from the model file: nothing to calibrate.
            var plan = QuantizationPlan(model: graph.info.path, scheme: .int8, step: request.step, perChannel: true)
            plan.fullyConnectedRounding = request.fullyConnectedRounding
            return plan
        }
        if request.refineFracs && (request.scheme != .fixed || request.weightBits == .auto) {
            throw RequestError("--refine-fracs applies to --scheme fixed with a number of --weight-bits (the search chooses its own formats)")
        }
        let analysis = try QuantAnalysis(graph)
        let samples = try calibration()
        progress.say("calibrating on \(samples.count) samples")
        var plan = try nearestRoundingPlan(graph, request, analysis: analysis, samples: samples, progress: progress)
        if request.errorFeedback == true && request.scheme != .bitplane {
            progress.say("rounding the weights by error feedback")
            try ErrorFeedbackRounding.apply(&plan, graph, analysis: analysis, calibration: samples)
        }
        return plan
    }

    /// The scheme's planner, every weight rounded to its nearest grid value (bit planes: their
    /// signs by error feedback unless turned off).
    private static func nearestRoundingPlan(_ graph: Graph, _ request: PlanRequest, analysis: QuantAnalysis, samples: SampleSet,
                                            progress: Progress) throws -> QuantizationPlan {
        switch (request.scheme, request.weightBits) {
        case (.shift, let bits):
            guard bits == .uniform(8) else {
                throw RequestError("--scheme shift stores one byte per weight: --weight-bits does not apply (use --digits)")
            }
            return try FixedPointPlanner.shiftPlan(graph, analysis: analysis, calibration: samples, digits: request.digits,
                                                   rounding: request.rounding, actBits: request.actBits, biasBits: request.biasBits,
                                                   perChannel: request.perChannel, step: request.step)
        case (.bitplane, .auto), (.codebook, .auto):
            throw RequestError("--scheme \(request.scheme.rawValue): --weight-bits sets its fixed-point layers and must be a number")
        case (.bitplane, .uniform(let fallbackBits)):
            var options = BitPlaneOptions(planes: request.planes, grouping: request.grouping, alphaBits: request.alphaBits,
                                          overrides: request.planeOverrides, fallbackBits: fallbackBits)
            options.biasCorrection = request.biasCorrection
            options.errorFeedback = request.errorFeedback ?? true
            return try FixedPointPlanner.bitPlanePlan(graph, analysis: analysis, calibration: samples, options: options,
                                                      actBits: request.actBits, biasBits: request.biasBits, step: request.step)
        case (.codebook, .uniform(let fallbackBits)):
            var options = CodebookOptions(clusters: request.clusters, centroidBits: request.centroidBits, form: request.codebookForm,
                                          multiplyCycles: request.multiplyCycles, fallbackBits: fallbackBits)
            options.overrides = request.clusterOverrides
            options.biasCorrection = request.biasCorrection
            return try FixedPointPlanner.codebookPlan(graph, analysis: analysis, calibration: samples, options: options,
                                                      actBits: request.actBits, biasBits: request.biasBits, step: request.step)
        case (_, .auto):
            var options = SearchOptions(maxDrop: request.maxDrop / 100, objective: request.objective, step: request.step,
                                        perChannel: request.perChannel)
            options.maxActBits = request.actBits
            options.biasBits = request.biasBits
            return try BitAllocationSearch(graph: graph, analysis: analysis, calibration: samples, options: options,
                                           progress: progress.update).run()
        case (_, .uniform(let weightBits)):
            let plan = try FixedPointPlanner.uniformPlan(graph, analysis: analysis, calibration: samples, weightBits: weightBits,
                                                         actBits: request.actBits, biasBits: request.biasBits,
                                                         perChannel: request.perChannel, step: request.step)
            guard request.refineFracs else { return plan }
            return try FracRefinement.refine(plan, graph, analysis: analysis, calibration: samples, progress: progress.update)
        }
    }

    /// Where a program is verified: the host's C compiler, or a board (under QEMU where it has an
    /// emulator; otherwise the firmware is only built).
    public enum Target: Sendable {
        case host
        case board(Board)

        /// "host" or a board's name; an unknown name is an error listing the choices.
        public init(named name: String) throws {
            if name == "host" {
                self = .host
            } else if let board = Board.named(name) {
                self = .board(board)
            } else {
                throw RequestError("--target \(name): unknown target (available: host, \(Board.all.map(\.name).joined(separator: ", ")))")
            }
        }

        public var board: Board? {
            if case .board(let board) = self { return board }
            return nil
        }
    }

    /// Builds and runs the program on the target and compares it bit for bit with the simulator.
    public static func verify(graph: Graph, lowered: Lowering.Result, data: SampleSet, target: Target,
                              options: VerificationOptions, progress: Progress = Progress()) throws -> VerificationReport {
        switch target {
        case .board(let board):
            if options.printfHarness && board.isa != .arm {
                throw RequestError("--printf-harness: \(board.name) has no newlib printf (only the Arm boards link newlib)")
            }
            progress.say(board.qemu == nil ? "building the firmware for \(board.name)" : "running \(data.count) samples on \(board.name) under QEMU")
            return try BoardVerification.verify(graph: graph, lowered: lowered, data: data, board: board, options: options)
        case .host:
            progress.say("building and running \(data.count) samples on the host\(options.sanitize ? " (ASan+UBSan)" : "")")
            return try HostVerification.verify(graph: graph, lowered: lowered, data: data, options: options)
        }
    }
}
