import CEmitter
import Foundation
import GraphIR
import Quantization
import Targets

extension Pipeline {
    /// `--kernels`: which kernel variants a bundle uses.
    public enum KernelChoice: String, CaseIterable, Sendable {
        /// The board's: DSP variants on cores with the DSP extension, portable elsewhere (and on the host).
        case auto
        /// Portable C99 kernels only.
        case portable
        /// DSP variants on any target (off Arm, their DSP instructions run as portable C twins).
        case dsp
        /// Helium variants on any target (likewise; needs a Cortex-M55 or M85 to run as vectors).
        case mve
    }

    /// `--weight-storage`: how fixed-point weights of 2 to 7 bits are stored.
    public enum WeightStorage: String, CaseIterable, Sendable {
        /// A byte each.
        case bytes
        /// Packed at their bits, each layer's unpacked into the arena just before it runs
        /// (`CoreFeatures.packedWeights`).
        case packed
        /// Packed, every layer decoding them in the inner loop (no RAM for them).
        case packedInline = "packed-inline"
        /// A byte each where the board's flash holds them so; else packed where its RAM holds the
        /// unpacked layer, else packed-inline.
        case auto
    }

    /// What `auto` leaves for the firmware's code beside the bundle's constants (flash) and for
    /// the stack and the harness beside the arena (RAM).
    public static let codeAllowance = 32 * 1024, stackAllowance = 16 * 1024

    /// The kernel variants and weight storage of a bundle, from the choices, the board (if any)
    /// and, for `--weight-storage auto`, the program's constants and arena.
    public static func features(kernels: KernelChoice, storage: WeightStorage, board: Board?, lowered: Lowered) throws -> CoreFeatures {
        let variants: CoreFeatures
        switch kernels {
        case .auto: variants = CoreFeatures(names: board?.features ?? [])
        case .portable: variants = []
        case .dsp: variants = .dsp
        case .mve: variants = .mve
        }
        switch storage {
        case .bytes: return variants
        case .packed: return variants.union(.packedWeights)
        case .packedInline: return variants.union([.packedWeights, .decodeInline])
        case .auto:
            guard let board else { return variants }
            func emit(_ features: CoreFeatures) throws -> CEmitter.Bundle {
                try BundleEmitter.emit(lowered.program, options: BundleOptions(generator: "", modelName: "", features: features))
            }
            guard try emit(variants).constantBytes + codeAllowance > board.flash.size else { return variants }
            let unpacking = variants.union(.packedWeights)
            return try emit(unpacking).arena.arenaBytes + stackAllowance <= board.ram.size
                ? unpacking : variants.union([.packedWeights, .decodeInline])
        }
    }

    /// A board by name (`--board`); an unknown name is an error listing the choices.
    public static func board(named name: String) throws -> Board {
        guard let board = Board.named(name) else {
            throw RequestError("--board \(name): unknown board (available: \(Board.all.map(\.name).joined(separator: ", ")))")
        }
        return board
    }

    /// The integer program a plan gives the graph.
    public static func lower(_ graph: Graph, plan: QuantizationPlan) throws -> Lowered {
        try Lowering.lower(graph, plan: plan)
    }

    /// Top-1, agreement and per-layer figures of the program against the float graph.
    public static func evaluate(_ graph: Graph, _ lowered: Lowered, on data: SampleSet) throws -> QuantizationReport {
        try Metrics.evaluate(graph: graph, lowered: lowered, data: data)
    }

    /// What a bundle is for besides its program.
    public struct BundleRequest: Sendable {
        public var prefix = "model"
        public var generator: String
        public var modelName: String
        public var notes = [String]()
        public var board: Board?
        public var features: CoreFeatures = []
        /// Set by `firmware`: the model shares the firmware's arena.
        var sharedArena: String?

        public init(generator: String, modelName: String) {
            self.generator = generator
            self.modelName = modelName
        }
    }

    /// The C bundle of a program, in memory.
    public static func bundle(_ lowered: Lowered, _ request: BundleRequest) throws -> CEmitter.Bundle {
        try BundleEmitter.emit(lowered.program, options: BundleOptions(
            prefix: request.prefix, generator: request.generator, modelName: request.modelName, notes: request.notes,
            target: request.board.map(\.buildTarget), features: request.features, sharedArena: request.sharedArena))
    }

    /// A C identifier made of a name (a model file's, as a default prefix), as the bundle names tensors.
    public static func cName(_ name: String) -> String {
        ModelInterface.identifier(name)
    }

    /// The files of one directory for several models in one firmware (`FirmwareBundle`): one
    /// runtime, one shared arena, each model under its own prefix.
    public static func firmware(_ models: [(lowered: Lowered, request: BundleRequest)], generator: String, board: Board?) throws
        -> [(name: String, contents: String)] {
        let bundles = try models.map { model -> CEmitter.Bundle in
            var request = model.request
            request.sharedArena = FirmwareBundle.arenaSymbol
            return try bundle(model.lowered, request)
        }
        return try FirmwareBundle.files(bundles, generator: generator, target: board.map(\.buildTarget))
    }

    /// Writes several models' files (`firmware`) into `directory` in one step.
    public static func write(files: [(name: String, contents: String)], to directory: String, force: Bool) throws {
        try BundleWriter.write(files: files, to: directory, force: force)
    }

    /// Refuses an output directory the bundle may not be written to; called before any long work.
    public static func checkBundleDirectory(_ directory: String, force: Bool) throws {
        try BundleWriter.checkTarget(directory, force: force)
    }

    /// Writes the bundle into `directory` in one step (no partly written bundle is ever left).
    public static func write(_ bundle: CEmitter.Bundle, to directory: String, force: Bool) throws {
        try BundleWriter.write(bundle, to: directory, force: force)
    }

    /// The bytes of the bundle's constant arrays with weights a byte each, and with sub-byte
    /// weights packed (equal when nothing packs).
    public static func constantBytes(_ lowered: Lowered, generator: String, modelName: String) throws -> (bytes: Int, packed: Int) {
        func constants(_ features: CoreFeatures) throws -> Int {
            try BundleEmitter.emit(lowered.program, options: BundleOptions(generator: generator, modelName: modelName,
                                                                           features: features)).constantBytes
        }
        return (try constants([]), try constants(.packedWeights))
    }
}

extension Pipeline {
    /// The class each output vector picks (the index of its largest value; the first on a tie).
    public static func predictions(_ outputs: [[Float]]) -> [Int] {
        outputs.map(argmax)
    }
}

extension Board {
    /// What the bundle's Makefile builds for when exported with `--board`.
    var buildTarget: BuildTarget { BuildTarget(name: name, toolchainPrefix: isa.toolchainPrefix, flags: cflags) }
}
