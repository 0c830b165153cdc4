import FixedPoint
import QuantizedIR

/// What a bundle is built from besides the program.
public struct BundleOptions: Sendable {
    /// C symbol prefix and file stem: `<prefix>_run`, `<prefix>.h`; uppercase for macros.
    public var prefix: String
    /// "quantc 0.1.0": named in every file's banner.
    public var generator: String
    /// The model file the bundle comes from (banner and report).
    public var modelName: String
    /// Extra lines for the bundle README (for example how the formats were chosen).
    public var notes: [String]
    /// The target the Makefile builds for by default (`--board`).
    public var target: BuildTarget?
    /// The core's features: which kernel variants the bundle may use (none: portable kernels only).
    public var features: CoreFeatures
    /// The arena this model shares with the other models of one firmware (`BundleEmitter.firmware`):
    /// the C symbol its `run` uses instead of a static arena of its own.
    public var sharedArena: String?

    public init(prefix: String = "model", generator: String, modelName: String, notes: [String] = [],
                target: BuildTarget? = nil, features: CoreFeatures = [], sharedArena: String? = nil) {
        self.prefix = prefix
        self.sharedArena = sharedArena
        self.generator = generator
        self.modelName = modelName
        self.notes = notes
        self.target = target
        self.features = features
    }
}

/// A board the bundle's Makefile builds for by default: its name, its GNU toolchain's program
/// prefix ("arm-none-eabi-") and its compiler flags.
public struct BuildTarget: Sendable {
    public var name: String
    public var toolchainPrefix: String
    public var flags: [String]

    public init(name: String, toolchainPrefix: String, flags: [String]) {
        self.name = name
        self.toolchainPrefix = toolchainPrefix
        self.flags = flags
    }
}

/// A generated C bundle, in memory: file names (flat) and contents, and what the report says.
public struct Bundle: Sendable {
    public var files: [(name: String, contents: String)]
    public var arena: ArenaPlan
    /// Bytes of every constant array, and of the weight arrays among them.
    public var constantBytes: Int
    public var weightBytes: Int
    public var paramsBytes: Int
    public var runtimeFiles: [String]
    public var report: BundleReport
    /// The ops that run code, in order: with QC_PROFILE, model_run marks before the first and after each.
    public var profiledLayers: [QNode]
    /// The model's inputs and outputs in C.
    public var interface: ModelInterface

    public func contents(of name: String) -> String? { files.first { $0.name == name }?.contents }
}

/// Turns a QProgram into the C bundle: `<prefix>.h`, `<prefix>.c`,
/// `<prefix>_weights.c`, the runtime_c files it uses, a Makefile, a CMakeLists.txt, a README and
/// report.json.
public enum BundleEmitter {
    public static func emit(_ program: QProgram, options: BundleOptions) throws -> Bundle {
        try KernelContract.check(program)
        guard CText.isIdentifier(options.prefix) else {
            throw EmitError("--prefix '\(options.prefix)' is not a C identifier")
        }
        var layers = [EmittedLayer]()
        for (index, node) in program.ops.enumerated() {
            layers.append(EmittedLayer(index: index, node: node,
                                       calls: try KernelLowering.calls(for: node.op, in: program, features: options.features)))
        }
        var scratch = [Int: Int]()
        for layer in layers { scratch[layer.index] = layer.calls.map(\.scratchBytes).max() ?? 0 }
        var inPlace = [Int: KernelCall.InPlace]()
        for layer in layers { if let weakest = layer.calls.map(\.inPlace).min(), weakest != .never { inPlace[layer.index] = weakest } }
        let arena = try ArenaPlan(program: program, scratch: scratch, kernelsInPlace: inPlace)
        let source = ModelSource(program: program, arena: arena, layers: layers, options: options)
        var roots = ["qc_kernels.h"]
        for call in layers.flatMap(\.calls) {
            guard RuntimeSources.files[call.function + ".c"] != nil else { throw EmitError("runtime_c has no kernel \(call.function)") }
            roots.append(call.function + ".c")
        }
        let runtimeFiles = runtimeClosure(roots).sorted()
        let sources = [source.sourceName, source.weightsName] + runtimeFiles.filter { $0.hasSuffix(".c") }
        let report = BundleReport(program: program, arena: arena, layers: layers, options: options,
                                  constantBytes: source.constantBytes, weightBytes: source.weightBytes, paramsBytes: source.paramsBytes)
        var files: [(String, String)] = [
            (source.headerName, source.header()),
            (source.sourceName, source.source()),
            (source.weightsName, source.weights()),
        ]
        files += runtimeFiles.map { ($0, RuntimeSources.files[$0]!) }
        files += [
            ("Makefile", BuildFiles.makefile(prefix: options.prefix, sources: sources, generator: options.generator, target: options.target)),
            ("CMakeLists.txt", BuildFiles.cmake(prefix: options.prefix, sources: sources, generator: options.generator)),
            ("README.md", source.readme()),
            ("report.json", try report.json()),
        ]
        return Bundle(files: files, arena: arena, constantBytes: source.constantBytes, weightBytes: source.weightBytes, paramsBytes: source.paramsBytes,
                      runtimeFiles: runtimeFiles, report: report, profiledLayers: layers.filter { !$0.calls.isEmpty }.map(\.node),
                      interface: source.interface)
    }
}

/// The runtime files `roots` need: themselves and every runtime_c header they include, transitively.
func runtimeClosure(_ roots: [String]) -> Set<String> {
    var needed = Set<String>(), pending = roots
    while let file = pending.popLast() {
        guard needed.insert(file).inserted, let text = RuntimeSources.files[file] else { continue }
        for line in text.split(separator: "\n") where line.hasPrefix("#include \"") {
            let name = String(line.dropFirst(10).prefix { $0 != "\"" })
            if RuntimeSources.files[name] != nil { pending.append(name) }
        }
    }
    return needed
}

/// One op with the kernel calls it lowers to.
struct EmittedLayer {
    var index: Int
    var node: QNode
    var calls: [KernelCall]
}
