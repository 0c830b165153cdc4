import Foundation
import Reporting
import TestSupport
import Testing

/// `quantc report`, `quantize --report` and `verify --report` end to end on a corpus MNIST model:
/// the page is well-formed XHTML with every promised figure, and its numbers are the JSON's.
@Suite(.serialized) struct ReportCommandTests {
    static let model = "mnist-models/akinobu123_model.onnx"
    static let dataArguments = ["--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                                "--scale", "0.00392156862745098", "--calib-count", "100", "--quiet"]

    let dir: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-report-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// The card's number is the JSON's, and its text shows it at the card's precision.
    func expectCard(_ page: ReportPage, run: String, key: String, equals expected: Any?, sourceLocation: SourceLocation = #_sourceLocation) {
        let card = page.value(run, key)
        guard let number = (expected as? NSNumber)?.doubleValue else {
            #expect(card == nil, "\(run) \(key): on the card but null in the JSON", sourceLocation: sourceLocation)
            return
        }
        guard let card else {
            Issue.record("\(run) \(key): missing from the card", sourceLocation: sourceLocation)
            return
        }
        // Equal up to the last digit two number printers may disagree on.
        #expect(abs(card.value - number) <= 1e-12 * max(1, abs(number)), "\(run) \(key): card \(card.value), JSON \(number)",
                sourceLocation: sourceLocation)
        let shown = card.text.replacingOccurrences(of: " ", with: "")
        if shown.hasSuffix("%") {
            #expect(abs(Double(shown.dropLast())! / 100 - number) <= 0.00005 + 1e-12, "\(run) \(key): shows \(card.text)", sourceLocation: sourceLocation)
        } else if shown.hasSuffix("×") {
            #expect(abs(Double(shown.dropLast())! - number) <= 0.0005 + 1e-12, "\(run) \(key): shows \(card.text)", sourceLocation: sourceLocation)
        } else {
            let digits = shown.hasSuffix("B") ? String(shown.dropLast()) : shown
            #expect(Double(digits) == number, "\(run) \(key): shows \(card.text)", sourceLocation: sourceLocation)
        }
    }

    @Test func comparisonOnTheHostHasEveryFigureAndTheJSONsNumbers() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let html = dir + "/report.html", jsonPath = dir + "/report.json"
        let result = try Quantc.run(["report", Corpus.path(Self.model), "--compare", "fixed:8,fixed:auto,shift:2,bitplane:2,codebook:16",
                                     "--target", "host", "--limit", "200", "-o", html, "--json", jsonPath] + Self.dataArguments, timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try ReportPage(path: html)
        let report = try json(jsonPath)
        let runs = report["runs"] as! [[String: Any]]
        #expect(runs.map { $0["label"] as! String } == ["fixed:8", "fixed:auto", "shift:2", "bitplane:2", "codebook:16"])

        // Self-contained: no script, nothing fetched.
        #expect(page.scripts == 0)
        #expect(page.externalReferences.isEmpty, "\(page.externalReferences)")
        // One figure per promised plot; the host measures no instructions, so no instruction bars.
        for id in ["fig-pareto-weights", "fig-pareto-multiplies", "fig-weight-bits", "fig-act-bits", "fig-sqnr", "fig-multiplies",
                   "fig-arena-0", "fig-trajectory-1", "fig-histogram"] {
            #expect(page.svgIDs.contains(id), "missing \(id)")
        }
        #expect(!page.svgIDs.contains("fig-instructions"))
        #expect(page.figureCount == page.svgIDs.count)
        // One point per scheme in each trade-off plot; the front's points are the undominated ones.
        for (id, cost) in [("fig-pareto-weights", "weight_bytes"), ("fig-pareto-multiplies", "multiplies_static")] {
            #expect(page.circles[id] == runs.count)
            let points = runs.map { ((($0[cost] as! NSNumber).doubleValue), ($0["quant_accuracy"] as! NSNumber).doubleValue) }
            let undominated = points.indices.filter { i in
                !points.indices.contains { j in
                    j != i && points[j].0 <= points[i].0 && points[j].1 >= points[i].1 && (points[j] != points[i] || j < i)
                }
            }
            #expect(page.frontCircles[id] == undominated.count, "\(id)")
            let flag = cost == "weight_bytes" ? "pareto_weight_bytes" : "pareto_multiplies"
            #expect(runs.indices.filter { runs[$0][flag] as! Bool } == undominated, "\(flag)")
        }
        // Bars: one per scheme and conv/dense layer (three in this model) in the bit-width plots.
        #expect(page.rects["fig-weight-bits"].map { $0 >= 5 * 3 } == true)

        for run in runs {
            let label = run["label"] as! String
            #expect(run["bit_exact"] as? Bool == true, "\(label) is not bit-exact on the host")
            for key in ["float_accuracy", "quant_accuracy", "agreement", "weight_bytes", "weight_bytes_ratio_8bit", "constant_bytes", "arena_bytes",
                        "arena_lower_bound", "macs", "multiplies_static", "multiply_cost_ratio_8bit", "instructions_per_inference", "flash_bytes"] {
                expectCard(page, run: label, key: key, equals: run[key])
            }
            #expect((run["arena_lower_bound"] as! Int) <= (run["arena_bytes"] as! Int))
        }
        // Independent of the report: the schemes' promises hold in its numbers.
        let byLabel = Dictionary(uniqueKeysWithValues: runs.map { ($0["label"] as! String, $0) })
        #expect(byLabel["shift:2"]!["multiplies_static"] as! Int == 0)
        #expect((byLabel["bitplane:2"]!["multiplies_static"] as! Int) < (byLabel["fixed:8"]!["macs"] as! Int) / 10)
        #expect((byLabel["fixed:auto"]!["weight_bytes"] as! Int) < (byLabel["fixed:8"]!["weight_bytes"] as! Int))
        let trajectory = byLabel["fixed:auto"]!["search_trajectory"] as? [[String: Any]] ?? []
        #expect(!trajectory.isEmpty)
        #expect(page.circles["fig-trajectory-1"] == trajectory.count)
        // The histogram's bins are a density: they integrate to 1 over the shown range (nearly all of it).
        let histogram = report["activation_histogram"] as! [String: Any]
        let area = (histogram["bins"] as! [[Double]]).reduce(0) { $0 + ($1[1] - $1[0]) * $1[2] }
        #expect(area > 0.99 && area <= 1.0001, "histogram area \(area)")
        #expect(page.rects["fig-histogram"].map { $0 > (histogram["bins"] as! [[Double]]).count } == true)

        // The same run as `quantize --json`: identical accuracies and costs.
        let quantize = try Quantc.run(["quantize", Corpus.path(Self.model), "--limit", "200", "--json"] + Self.dataArguments, timeout: 300)
        #expect(quantize.status == 0, "\(quantize.stderr)")
        let single = try JSONSerialization.jsonObject(with: Data(quantize.stdout.utf8)) as! [String: Any]
        for key in ["float_accuracy", "quant_accuracy", "agreement", "weight_bytes", "multiplies_static", "macs"] {
            #expect((single[key] as? NSNumber)?.doubleValue == (byLabel["fixed:8"]![key] as? NSNumber)?.doubleValue, "\(key)")
        }
    }

    @Test func boardRunAddsInstructionBarsAndMeasuredMultiplies() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let html = dir + "/board.html", jsonPath = dir + "/board.json"
        let result = try Quantc.run(["report", Corpus.path(Self.model), "--compare", "fixed:8,bitplane:2", "--target", "mps2-an386",
                                     "--limit", "20", "-o", html, "--json", jsonPath] + Self.dataArguments, timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try ReportPage(path: html)
        let runs = try json(jsonPath)["runs"] as! [[String: Any]]
        #expect(page.svgIDs.contains("fig-instructions"))
        for run in runs {
            let label = run["label"] as! String
            #expect(run["bit_exact"] as? Bool == true, "\(label)")
            for key in ["instructions_per_inference", "multiply_instructions_per_inference", "flash_bytes", "ram_bytes"] {
                #expect(run[key] is NSNumber, "\(label) \(key)")
                expectCard(page, run: label, key: key, equals: run[key])
            }
        }
        // Fewer multiplies executed with two bit planes than with 8-bit weights, as the plot shows.
        #expect((runs[1]["multiply_instructions_per_inference"] as! Int) < (runs[0]["multiply_instructions_per_inference"] as! Int) / 5)
    }

    @Test func quantizeAndVerifyWriteTheReportOfTheirRun() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let quantizeHTML = dir + "/quantize.html", verifyHTML = dir + "/verify.html", verifyJSON = dir + "/verify.json"
        let quantize = try Quantc.run(["quantize", Corpus.path(Self.model), "--scheme", "codebook", "--limit", "100", "--json",
                                       "--report", quantizeHTML] + Self.dataArguments, timeout: 300)
        #expect(quantize.status == 0, "\(quantize.stderr)")
        let single = try JSONSerialization.jsonObject(with: Data(quantize.stdout.utf8)) as! [String: Any]
        let page = try ReportPage(path: quantizeHTML)
        #expect(page.svgIDs.contains("fig-pareto-weights") && page.svgIDs.contains("fig-histogram"))
        for key in ["quant_accuracy", "agreement", "weight_bytes", "multiplies_static", "multiply_cost_ratio_8bit"] {
            expectCard(page, run: "codebook:16", key: key, equals: single[key])
        }

        let verify = try Quantc.run(["verify", Corpus.path(Self.model), "--target", "host", "--no-sanitize", "--limit", "100",
                                     "--json", verifyJSON, "--report", verifyHTML] + Self.dataArguments, timeout: 300)
        #expect(verify.status == 0, "\(verify.stderr)")
        let verified = try json(verifyJSON)
        let verifyPage = try ReportPage(path: verifyHTML)
        for key in ["quant_accuracy", "arena_bytes", "arena_lower_bound", "multiplies_static"] {
            expectCard(verifyPage, run: "fixed:8", key: key, equals: verified[key])
        }
    }

    @Test func progressGoesToStderrAsPlainLinesAndNeverIntoTheJSON() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let arguments = ["quantize", Corpus.path(Self.model), "--step", "ggd", "--limit", "100", "--json"] + Self.dataArguments.filter { $0 != "--quiet" }
        let talking = try Quantc.run(arguments, timeout: 300)
        #expect(talking.status == 0, "\(talking.stderr)")
        #expect((try? JSONSerialization.jsonObject(with: Data(talking.stdout.utf8))) != nil, "stdout is not only JSON: \(talking.stdout.prefix(200))")
        // Not a terminal: whole lines, no cursor control.
        let lines = talking.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("calibrating on 100 samples") })
        #expect(lines.contains { $0.hasPrefix("evaluating on 100 samples") })
        #expect(!talking.stderr.contains("\r") && !talking.stderr.contains("\u{1B}"))
        let quiet = try Quantc.run(arguments + ["--quiet"], timeout: 300)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(quiet.stdout == talking.stdout)
    }

    @Test func badComparisonsAndUnwritableOutputsAreOneLineErrors() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        for (compare, phrase) in [("fixed:99", "fixed takes 2…16 or auto"), ("lut:4", "expected SCHEME:VALUE"), ("bitplane:7", "bitplane takes 1…4")] {
            let result = try Quantc.run(["report", Corpus.path(Self.model), "--compare", compare, "-o", dir + "/x.html"] + Self.dataArguments)
            #expect(result.status == 2 && !result.crashed)
            #expect(result.stderr.contains(phrase), "\(compare): \(result.stderr)")
        }
        let both = try Quantc.run(["report", Corpus.path(Self.model), "--compare", "fixed:8", "--plan", dir + "/plan.json", "-o", dir + "/x.html"] + Self.dataArguments)
        #expect(both.status == 2 && both.stderr.contains("exclude each other"), "\(both.stderr)")
        let unwritable = dir + "/no/such/dir/r.html"
        let result = try Quantc.run(["report", Corpus.path(Self.model), "--limit", "50", "-o", unwritable] + Self.dataArguments)
        #expect(result.status == 2 && !result.crashed, "\(result.stderr)")
        #expect(result.stderr.contains(unwritable))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: unwritable))
    }
}
