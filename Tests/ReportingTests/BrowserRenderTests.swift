import Foundation
import TestSupport
import Testing

/// The report as a browser shows it: headless Chromium renders the page to PNG, which must not be
/// blank, and the page must log nothing to the console. Skipped where Chromium is not installed.
@Suite(.serialized) struct BrowserRenderTests {
    static let skipMessage = "BrowserRenderTests skipped: Chromium is not installed (apt-get install chromium)"
    static let width = 1280, height = 2400

    static var chromium: String? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    let dir: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-browser-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Renders a page to `png`; returns the console messages Chromium logged.
    func render(_ page: String, to png: String, with chromium: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=\(dir)/profile", "--enable-logging=stderr", "--v=0",
                             "--window-size=\(Self.width),\(Self.height)", "--screenshot=\(png)", URL(fileURLWithPath: page).absoluteString]
        let log = dir + "/chromium.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try handle.close()
        return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }

    @Test func reportRendersWithContentAndNoConsoleMessages() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        guard let chromium = Self.chromium else { print(Self.skipMessage); return }
        let html = dir + "/report.html"
        let result = try Quantc.run(["report", Corpus.path("mnist-models/akinobu123_model.onnx"), "--compare", "fixed:8,bitplane:2,codebook:16",
                                     "--data", Corpus.path("mnist/t10k-images-idx3-ubyte.gz"), "--labels", Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"),
                                     "--scale", "0.00392156862745098", "--limit", "100", "--calib-count", "100", "--quiet", "-o", html], timeout: 300)
        #expect(result.status == 0, "\(result.stderr)")

        // The checks first fail where they should: a blank page, and a page that logs an error.
        let blank = dir + "/blank.html", noisy = dir + "/noisy.html"
        try "<!DOCTYPE html><html><body></body></html>".write(toFile: blank, atomically: true, encoding: .utf8)
        try "<!DOCTYPE html><html><body><p>x</p><script>console.error('broken')</script></body></html>".write(toFile: noisy, atomically: true, encoding: .utf8)
        #expect(try render(blank, to: dir + "/blank.png", with: chromium).isEmpty)
        #expect(try PNGImage(contentsOf: dir + "/blank.png").nonBackgroundRatio() < 0.001)
        #expect(try render(noisy, to: dir + "/noisy.png", with: chromium).contains { $0.contains("broken") })

        let console = try render(html, to: dir + "/report.png", with: chromium)
        #expect(console.isEmpty, "console: \(console)")
        let image = try PNGImage(contentsOf: dir + "/report.png")
        #expect(image.width == Self.width && image.height == Self.height)
        let ratio = image.nonBackgroundRatio()
        print("report.png: \(String(format: "%.1f", ratio * 100)) % of the pixels differ from the background")
        #expect(ratio > 0.03, "the rendered report is nearly blank (\(ratio))")
    }
}
