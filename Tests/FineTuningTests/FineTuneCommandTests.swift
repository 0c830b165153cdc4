import Foundation
import Targets
import Testing
import TestSupport

/// `quantc finetune` end to end on a corpus MNIST model (trained on test images 0–1999, scored on
/// 5000–6999: the corpus has no MNIST training set): one epoch must beat the post-training program
/// in every scheme, at settings where post-training loses accuracy (nearest rounding; error feedback
/// alone takes one-digit shift weights above the float model here, leaving nothing to win); the
/// fine-tuned plan must then verify bit-exact, with the same multiplies as the post-training plan.
@Suite(.serialized) struct FineTuneCommandTests {
    static let model = "mnist-models/akinobu123_model.onnx"
    static var mnist: [String] {
        ["--scale", "0.00392156862745098", "--train", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"),
         "--train-labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"), "--train-limit", "2000"]
    }
    static var heldOut: [String] {
        ["--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
         "--skip", "5000", "--limit", "2000"]
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("quantc-finetune-\(UUID().uuidString)-\(name)").path
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test(arguments: [
        ["--scheme", "fixed", "--weight-bits", "2", "--no-error-feedback"],
        ["--scheme", "shift", "--digits", "1", "--no-error-feedback"],
        ["--scheme", "bitplane", "--planes", "1"],
        ["--scheme", "codebook", "--clusters", "2", "--no-error-feedback"],
    ])
    func oneEpochBeatsPostTraining(_ scheme: [String]) throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let plan = Self.temporary("plan.json")
        defer { try? FileManager.default.removeItem(atPath: plan) }
        let run = try Quantc.run(["finetune", Corpus.path(Self.model)] + scheme + Self.mnist + Self.heldOut
                                 + ["--epochs", "1", "--quiet", "--json", "-o", plan], timeout: 600)
        #expect(run.status == 0, "\(run.stderr)")
        guard let record = Self.json(run.stdout), let before = record["accuracyBefore"] as? Double,
              let after = record["accuracyAfter"] as? Double else { Issue.record("no record: \(run.stdout)"); return }
        print("\(scheme.joined(separator: " ")): post-training \(before), fine-tuned \(after) on 2000 held-out images")
        #expect(after > before, "\(scheme): post-training \(before), fine-tuned \(after)")
        #expect((record["heldOutSamples"] as? Int) == 2000 && (record["trainSamples"] as? Int) == 2000)
        #expect(((record["epochsRun"] as? [Any]) ?? []).count == 1)
    }

    /// The plan carries the trained weights: verify on the host and on the Cortex-M4 board computes the
    /// simulator's integers, executes as many multiplies as the post-training plan, and scores the
    /// accuracy the fine-tuning recorded.
    @Test func fineTunedPlanVerifiesBitExact() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let tuned = Self.temporary("tuned.json"), post = Self.temporary("post.json")
        defer { for file in [tuned, post] { try? FileManager.default.removeItem(atPath: file) } }
        let scheme = ["--scheme", "bitplane", "--planes", "1"]
        let run = try Quantc.run(["finetune", Corpus.path(Self.model)] + scheme + Self.mnist + Self.heldOut
                                 + ["--epochs", "1", "--quiet", "--json", "-o", tuned], timeout: 600)
        #expect(run.status == 0, "\(run.stderr)")
        let quantize = try Quantc.run(["quantize", Corpus.path(Self.model)] + scheme + ["--calib", Corpus.path("mnist/t10k-images-idx3-ubyte.gz")]
                                      + Self.heldOut + ["--scale", "0.00392156862745098", "--quiet", "-o", post], timeout: 600)
        #expect(quantize.status == 0, "\(quantize.stderr)")
        func verify(_ plan: String, target: String, limit: String) throws -> [String: Any]? {
            var data = Self.heldOut
            data[data.count - 1] = limit
            let report = Self.temporary("report.json")
            defer { try? FileManager.default.removeItem(atPath: report) }
            let result = try Quantc.run(["verify", Corpus.path(Self.model), "--plan", plan, "--target", target, "--quiet", "--json", report]
                                        + data + ["--scale", "0.00392156862745098"], timeout: 900)
            #expect(result.status == 0, "\(target): \(result.stderr)")
            return (try? String(contentsOfFile: report, encoding: .utf8)).flatMap(Self.json)
        }
        guard let host = try verify(tuned, target: "host", limit: "2000"), let before = try verify(post, target: "host", limit: "20"),
              let record = Self.json(run.stdout) else { Issue.record("no reports"); return }
        #expect(host["bit_exact"] as? Bool == true)
        #expect((host["quant_accuracy"] as? Double) == (record["accuracyAfter"] as? Double))
        #expect((host["multiplies_static"] as? Int) == (before["multiplies_static"] as? Int))
        guard ["arm-none-eabi-gcc", "qemu-system-arm"].allSatisfy({ Command.which($0) != nil }) else { print("run make setup"); return }
        guard let board = try verify(tuned, target: "mps2-an386", limit: "20"), let boardBefore = try verify(post, target: "mps2-an386", limit: "20")
        else { Issue.record("no board reports"); return }
        #expect(board["bit_exact"] as? Bool == true)
        let multiplies = board["multiply_instructions_per_inference"] as? Int
        #expect(multiplies != nil && multiplies == boardBefore["multiply_instructions_per_inference"] as? Int,
                "fine-tuned \(multiplies ?? -1), post-training \(boardBefore["multiply_instructions_per_inference"] ?? "-")")
    }

    /// Error-feedback rounding on the fixed grid: at 2-bit weights the network keeps far more of
    /// its accuracy than with nearest rounding (87.3 % → 96.4 % of 99.3 % on these images), and the
    /// plan, which carries the rounded weights, verifies bit-exact with the accuracy quantize scored.
    @Test func errorFeedbackRoundingOnTheFixedGrid() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let plan = Self.temporary("feedback.json"), report = Self.temporary("verify.json")
        defer { for file in [plan, report] { try? FileManager.default.removeItem(atPath: file) } }
        func quantize(_ feedback: String, output: [String] = []) throws -> Double? {
            let run = try Quantc.run(["quantize", Corpus.path(Self.model), "--scheme", "fixed", "--weight-bits", "2", feedback,
                                      "--calib", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--scale", "0.00392156862745098",
                                      "--quiet", "--json"] + Self.heldOut + output, timeout: 600)
            #expect(run.status == 0, "\(run.stderr)")
            return Self.json(run.stdout)?["quant_accuracy"] as? Double
        }
        guard let nearest = try quantize("--no-error-feedback"), let feedback = try quantize("--error-feedback", output: ["-o", plan]) else {
            Issue.record("no reports"); return
        }
        print("fixed 2-bit: nearest rounding \(nearest), error feedback \(feedback)")
        #expect(feedback > nearest + 0.05, "nearest \(nearest), error feedback \(feedback)")
        let verify = try Quantc.run(["verify", Corpus.path(Self.model), "--plan", plan, "--target", "host", "--quiet", "--json", report,
                                     "--scale", "0.00392156862745098"] + Self.heldOut, timeout: 900)
        #expect(verify.status == 0, "\(verify.stderr)")
        let verified = (try? String(contentsOfFile: report, encoding: .utf8)).flatMap(Self.json)
        #expect(verified?["bit_exact"] as? Bool == true)
        #expect(verified?["quant_accuracy"] as? Double == feedback)
    }
}
