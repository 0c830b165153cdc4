// swift-tools-version:6.0
import PackageDescription

// quantc: trained CNN (ONNX, TFLite) -> verified fixed-point C99 for microcontrollers.
// Targets follow the one-way pipeline of DESIGN.md; each imports only the stages above it.
let package = Package(
    name: "quantc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "quantc", targets: ["quantc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "FixedPoint"),
        .target(name: "GraphIR"),
        .target(
            name: "ModelImport",
            dependencies: [
                "GraphIR",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                "CZlib",
            ],
            exclude: ["ONNX/Proto/onnx_trimmed.proto"]
        ),
        .target(name: "FloatReference", dependencies: ["GraphIR"]),
        .target(name: "QuantizedIR", dependencies: ["FixedPoint"]),
        .target(name: "IntegerSimulator", dependencies: ["QuantizedIR", "FixedPoint"]),
        .target(name: "Quantization", dependencies: ["GraphIR", "FloatReference", "QuantizedIR", "IntegerSimulator", "FixedPoint"]),
        // Quantization-aware fine-tuning: gradients over the graph, trained weights into a plan.
        .target(name: "FineTuning", dependencies: ["GraphIR", "FloatReference", "Quantization", "QuantizedIR", "FixedPoint"]),
        // runtime_c/ and boards/ go into the binary at build time (EmbedFilesPlugin runs EmbedFiles),
        // so quantc works wherever it is installed and the repository holds each file once.
        .executableTarget(name: "EmbedFiles", path: "Sources/EmbedFiles"),
        .plugin(name: "EmbedFilesPlugin", capability: .buildTool(), dependencies: ["EmbedFiles"], path: "Sources/EmbedFilesPlugin"),
        // CEmitter reads qc_kernels.h itself: the params structs it fills and the scratch sizes and weight
        // orders of the variants are the C declarations, so the emitted calls cannot drift from them.
        .target(name: "CEmitter", dependencies: ["QuantizedIR", "FixedPoint", "CKernels"], plugins: ["EmbedFilesPlugin"]),
        .target(name: "Targets", plugins: ["EmbedFilesPlugin"]),
        .target(
            name: "Verification",
            dependencies: ["GraphIR", "FloatReference", "QuantizedIR", "IntegerSimulator", "Quantization", "CEmitter", "Targets"]
        ),
        .target(name: "Reporting", dependencies: ["GraphIR", "QuantizedIR", "Quantization", "CEmitter", "Verification"]),
        .target(name: "Pipeline", dependencies: ["GraphIR", "ModelImport", "Quantization", "QuantizedIR", "CEmitter", "Targets", "Verification",
                                                "Reporting", "FineTuning"]),
        // The runtime kernels as a C target: the tests call the real C in-process; the tool uses only its
        // header (params structs and inline functions), and the linker drops the kernels it never calls.
        .target(name: "CKernels", path: "runtime_c", sources: ["src"], publicHeadersPath: "include"),
        .executableTarget(
            name: "quantc",
            dependencies: [
                // Argument parsing and printing over the pipeline library: the stages it calls are Pipeline's.
                "GraphIR", "FloatReference", "Verification", "Reporting", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["GraphIR", "ModelImport", "QuantizedIR", "FixedPoint", "CZlib"], path: "Tests/TestSupport"),
        .target(name: "CKernelDispatch", dependencies: ["CKernels"], path: "Tests/CKernelDispatch"),
        .testTarget(
            name: "CEmitterTests",
            dependencies: ["CEmitter", "Targets", "QuantizedIR", "FixedPoint", "TestSupport"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "VerificationTests",
            dependencies: ["Verification", "CEmitter", "Targets", "Quantization", "ModelImport", "GraphIR", "FixedPoint", "TestSupport"]
        ),
        .testTarget(
            name: "BoardTests",
            dependencies: ["Targets", "Verification", "Quantization", "ModelImport", "GraphIR", "FloatReference", "IntegerSimulator", "TestSupport"]
        ),
        .testTarget(
            name: "RuntimeCTests",
            dependencies: ["CKernels", "CKernelDispatch", "CEmitter", "IntegerSimulator", "QuantizedIR", "FixedPoint", "TestSupport"]
        ),
        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint", "TestSupport"]),
        .testTarget(name: "GraphIRTests", dependencies: ["GraphIR"]),
        .testTarget(name: "ModelImportTests", dependencies: ["ModelImport", "GraphIR", "TestSupport"]),
        .testTarget(
            name: "FloatReferenceTests",
            dependencies: ["FloatReference", "ModelImport", "GraphIR", "TestSupport"]
        ),
        .testTarget(name: "FineTuningTests", dependencies: ["FineTuning", "FloatReference", "GraphIR", "TestSupport", "Targets"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Targets"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "TestSupport"]),
        .testTarget(name: "IntegerSimulatorTests", dependencies: ["IntegerSimulator", "QuantizedIR", "FixedPoint", "TestSupport"]),
        .testTarget(
            name: "QuantizationTests",
            dependencies: [
                "Quantization", "IntegerSimulator", "QuantizedIR", "FloatReference", "ModelImport", "GraphIR", "FixedPoint", "TestSupport",
                "Verification", "Pipeline",
            ],
            exclude: ["Fixtures"]
        ),
    ],
    cLanguageStandard: .c99
)
