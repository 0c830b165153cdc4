import Foundation
import TestSupport
import Testing

/// The figures a bundle reports are the bytes its compiled constants occupy: for every scheme and
/// weight storage, `weight_bytes` in report.json (and MODEL_WEIGHT_BYTES) is the size of the weight
/// arrays in the compiled model_weights.o, as the object file's symbol table gives them, and
/// `constant_bytes` (MODEL_CONSTANT_BYTES) the size of all its arrays.
@Suite struct WeightBytesTests {
    static let runs: [(name: String, arguments: [String])] = [
        ("fixed 8", []), ("fixed 4 packed", ["--weight-bits", "4", "--weight-storage", "packed"]),
        ("fixed 3 packed-inline", ["--weight-bits", "3", "--weight-storage", "packed-inline"]),
        ("shift", ["--scheme", "shift"]), ("bitplane", ["--scheme", "bitplane", "--planes", "2"]),
        ("codebook", ["--scheme", "codebook", "--clusters", "8"]),
    ]

    @Test func reportedBytesAreTheCompiledArrays() throws {
        let dir = try HostileInputTests.scratch("weight-bytes")
        var cases = Self.runs.map { (name: $0.name, arguments: [HostileInputTests.model] + HostileInputTests.sampleOptions + $0.arguments) }
        if Corpus.isAvailable { cases.append(("int8", [Corpus.path("mlperf-tiny/kws_ref_model.tflite"), "--quiet"])) }
        for (k, run) in cases.enumerated() {
            let bundle = dir.appendingPathComponent("b\(k)")
            let export = try Quantc.run(["export"] + run.arguments + ["-o", bundle.path])
            guard export.status == 0 else {
                Issue.record("\(run.name): \(export.stderr)")
                continue
            }
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("report.json"))) as? [String: Any])
            let object = bundle.appendingPathComponent("model_weights.o").path
            let compile = try Shell.run(["cc", "-std=c99", "-O2", "-c", bundle.appendingPathComponent("model_weights.c").path, "-o", object])
            #expect(compile.status == 0, "\(run.name): \(compile.output)")
            // "name size" for every defined symbol; the arrays are the only ones in this file.
            let symbols = try Shell.run(["nm", "-S", "--defined-only", "-P", object]).output.split(separator: "\n").compactMap { line -> (String, Int)? in
                let fields = line.split(separator: " ")
                guard fields.count >= 4, let size = Int(fields[3], radix: 16) else { return nil }
                return (String(fields[0]), size)
            }
            let weights = symbols.filter { $0.0.range(of: #"_(weights|planes|indices)(_\d+)?$"#, options: .regularExpression) != nil }
            #expect(!weights.isEmpty, "\(run.name): no weight arrays in \(symbols.map(\.0))")
            #expect(report["weight_bytes"] as? Int == weights.reduce(0) { $0 + $1.1 }, "\(run.name): \(String(describing: report["weight_bytes"])) vs \(weights)")
            #expect(report["constant_bytes"] as? Int == symbols.reduce(0) { $0 + $1.1 }, "\(run.name): \(String(describing: report["constant_bytes"]))")
            let header = try String(contentsOf: bundle.appendingPathComponent("model.h"), encoding: .utf8)
            #expect(header.contains("#define MODEL_WEIGHT_BYTES \(report["weight_bytes"] as? Int ?? -1)\n"), "\(run.name)")
        }
    }
}
