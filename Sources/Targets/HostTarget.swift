import Foundation

/// The host C compiler as a target: builds a bundle plus a harness, runs samples through it.
public enum HostTarget {
    /// The flags every bundle must pass warning-free; the sanitizers for the host check.
    public static let strictFlags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow"]
    public static let sanitizerFlags = ["-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]

    /// $CC, else cc.
    public static var defaultCompiler: String { ProcessInfo.processInfo.environment["CC"].flatMap { $0.isEmpty ? nil : $0 } ?? "cc" }

    public struct Build: Sendable {
        public var executable: String
        /// .text + .data of the bundle's code objects (constant-data file and harness excluded), from `size`.
        public var codeBytes: Int?
    }

    /// Compiles the bundle's C sources in `directory` with the host harness into `directory/harness`.
    /// `structs`: the bundle's API takes structs (a model with several inputs or outputs).
    public static func build(bundle directory: String, sources: [String], prefix: String, compiler: String = defaultCompiler,
                             sanitize: Bool, structs: Bool = false) throws -> Build {
        let harness = "quantc_host_harness.c"
        let dir = URL(fileURLWithPath: directory)
        try Data(BoardSources.files["common/" + harness]!.utf8).write(to: dir.appendingPathComponent(harness))
        try Data(HostHarness.config(prefix: prefix, structs: structs).utf8).write(to: dir.appendingPathComponent("quantc_harness.h"))
        let flags = strictFlags + (sanitize ? sanitizerFlags : [])
        let link = try Command.run(compiler, flags + sources + [harness, "-o", "harness"], in: directory)
        guard link.status == 0 else {
            throw Command.Failure("\(compiler) failed to build the bundle in \(directory):\n\(link.stderr)")
        }
        // Code size: the bundle's code alone (not its constant data), compiled without sanitizers.
        var codeBytes: Int?
        let code = sources.filter { !$0.hasSuffix("_weights.c") }
        let objects = try Command.run(compiler, strictFlags + ["-c"] + code, in: directory)
        if objects.status == 0, let size = try? Command.run("size", code.map { ($0 as NSString).deletingPathExtension + ".o" }, in: directory),
           size.status == 0 {
            codeBytes = String(decoding: size.stdout, as: UTF8.self).split(separator: "\n").dropFirst().reduce(0) { total, line in
                let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard columns.count >= 2, let text = Int(columns[0]), let data = Int(columns[1]) else { return total }
                return total + text + data
            }
        }
        return Build(executable: URL(fileURLWithPath: directory).appendingPathComponent("harness").path, codeBytes: codeBytes)
    }

    /// Runs `count` float samples through the harness, split over the host's cores; returns the
    /// quantized inputs and the raw outputs as the C code computed them.
    public static func run(_ build: Build, samples: [Float], count: Int, sampleFloats: Int, inputs inputLayout: RecordLayout,
                           outputs outputLayout: RecordLayout, workDirectory: String) throws -> (inputs: [[Int32]], outputs: [[Int32]]) {
        let parts = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount, 8))
        let results = ChunkResults(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (count * part / parts)..<(count * (part + 1) / parts)
            results.set(part, Result {
                try runChunk(build, samples: Array(samples[(range.lowerBound * sampleFloats)..<(range.upperBound * sampleFloats)]),
                             count: range.count, inputs: inputLayout, outputs: outputLayout,
                             directory: URL(fileURLWithPath: workDirectory), tag: part)
            })
        }
        var inputs = [[Int32]](), outputs = [[Int32]]()
        for result in results.values {
            let chunk = try result.get()
            inputs += chunk.inputs
            outputs += chunk.outputs
        }
        return (inputs, outputs)
    }

    private static func runChunk(_ build: Build, samples: [Float], count: Int, inputs inputLayout: RecordLayout, outputs outputLayout: RecordLayout,
                                 directory dir: URL, tag: Int) throws -> (inputs: [[Int32]], outputs: [[Int32]]) {
        let samplesFile = dir.appendingPathComponent("samples-\(tag).f32"), inputsFile = dir.appendingPathComponent("inputs-\(tag).bin"),
            outputsFile = dir.appendingPathComponent("outputs-\(tag).bin")
        var data = Data(capacity: samples.count * 4)
        for v in samples { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: samplesFile)
        let result = try Command.run(build.executable, [samplesFile.path, String(count), inputsFile.path, outputsFile.path])
        guard result.status == 0 else {
            throw Command.Failure("the host harness failed (status \(result.status)):\n\(result.stderr.prefix(4000))")
        }
        let inputs = try inputLayout.decode(Data(contentsOf: inputsFile))
        let outputs = try outputLayout.decode(Data(contentsOf: outputsFile))
        guard inputs.count == count, outputs.count == count else {
            throw Command.Failure("the host harness wrote \(outputs.count) of \(count) outputs")
        }
        return (inputs, outputs)
    }
}

/// The host harness is `boards/common/quantc_host_harness.c`; this writes the header it includes.
enum HostHarness {
    /// `structs`: the bundle's API takes one struct of arrays for the inputs and one for the
    /// outputs (a model with several), each written as one record of the struct's bytes.
    static func config(prefix: String, structs: Bool) -> String {
        let m = prefix.uppercased()
        return """
            /* Generated by quantc: what boards/common/quantc_host_harness.c runs. */
            #include "\(prefix).h"

            #define QC_RUN \(prefix)_run
            #define QC_QUANTIZE \(prefix)_quantize_input
            #define QC_INPUT_T \(prefix)_input_t
            #define QC_OUTPUT_T \(prefix)_output_t
            #define QC_INPUT_COUNT \(m)_INPUT_COUNT
            #define QC_OUTPUT_COUNT \(m)_OUTPUT_COUNT
            #define QC_SAMPLE_FLOATS \(m)_INPUT_COUNT
            #define QC_STRUCTS \(structs ? 1 : 0)

            """
    }
}

/// How a harness writes one sample's inputs or outputs: int8 or int16 arrays at byte offsets in a
/// record of `size` bytes (one array for a plain array, one per member for a struct).
public struct RecordLayout: Sendable {
    public struct Field: Sendable {
        public var offset: Int, count: Int, bytes: Int
        public init(offset: Int, count: Int, bytes: Int) {
            self.offset = offset
            self.count = count
            self.bytes = bytes
        }
    }
    public var fields: [Field]
    public var size: Int
    public init(fields: [Field], size: Int) {
        self.fields = fields
        self.size = size
    }

    public static func array(count: Int, bytes: Int) -> RecordLayout {
        RecordLayout(fields: [Field(offset: 0, count: count, bytes: bytes)], size: count * bytes)
    }

    /// Records of `values` (each the concatenation of its fields' values), little-endian, padding zero.
    public func encode(_ records: [[Int32]]) -> Data {
        var data = Data(count: records.count * size)
        for (r, values) in records.enumerated() {
            var k = 0
            for field in fields {
                for i in 0..<field.count {
                    let at = r * size + field.offset + i * field.bytes, v = UInt16(bitPattern: Int16(truncatingIfNeeded: values[k]))
                    data[at] = UInt8(truncatingIfNeeded: v)
                    if field.bytes == 2 { data[at + 1] = UInt8(truncatingIfNeeded: v >> 8) }
                    k += 1
                }
            }
        }
        return data
    }

    /// Little-endian records, each the concatenation of its fields' values.
    public func decode(_ data: Data) throws -> [[Int32]] {
        let bytes = [UInt8](data)
        guard size > 0, bytes.count % size == 0 else { throw Command.Failure("harness output of \(bytes.count) bytes is not whole records") }
        return (0..<(bytes.count / size)).map { r in
            fields.flatMap { field in
                (0..<field.count).map { i in
                    let at = r * size + field.offset + i * field.bytes
                    return field.bytes == 1 ? Int32(Int8(bitPattern: bytes[at]))
                                            : Int32(Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8))
                }
            }
        }
    }
}

/// One result slot per concurrently run chunk, each written once by its own worker.
private final class ChunkResults: @unchecked Sendable {
    typealias Chunk = Result<(inputs: [[Int32]], outputs: [[Int32]]), Error>
    private var slots: [Chunk?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Chunk) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    var values: [Chunk] { slots.map { $0! } }
}
