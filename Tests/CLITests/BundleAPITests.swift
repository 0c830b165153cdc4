import Foundation
import Targets
import TestSupport
import Testing

/// The bundle's float helpers compute in single precision: compiled for a Cortex-M4F (a
/// single-precision FPU), model.c calls no soft-double routine, for a fixed-point and an int8
/// bundle. (Their results equal the Swift twin's: the host verification compares the inputs the
/// C helper quantized.)
@Suite struct BundleAPITests {
    @Test func floatHelpersNeedNoDoublePrecision() throws {
        guard Command.which("arm-none-eabi-gcc") != nil else { print("arm-none-eabi-gcc not found: run `make setup`"); return }
        let dir = try HostileInputTests.scratch("bundle-api")
        var models = [("fixed", [HostileInputTests.model] + HostileInputTests.sampleOptions)]
        if Corpus.isAvailable { models.append(("int8", [Corpus.path("mlperf-tiny/kws_ref_model.tflite"), "--quiet"])) }
        for (name, arguments) in models {
            let bundle = dir.appendingPathComponent(name)
            let export = try Quantc.run(["export"] + arguments + ["-o", bundle.path])
            #expect(export.status == 0, "\(name): \(export.stderr)")
            let object = bundle.appendingPathComponent("model.o").path
            let compile = try Shell.run(["arm-none-eabi-gcc", "-std=c99", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
                                         "-O2", "-c", bundle.appendingPathComponent("model.c").path, "-I", bundle.path, "-o", object])
            #expect(compile.status == 0, "\(name): \(compile.output)")
            let undefined = try Shell.run(["arm-none-eabi-nm", "-u", object]).output
            let softDouble = undefined.split(separator: "\n").filter { $0.range(of: #"__aeabi_(d|[iul]*2d|f2d)"#, options: .regularExpression) != nil }
            #expect(softDouble.isEmpty, "\(name): model.c calls \(softDouble)")
            #expect(undefined.isEmpty || !undefined.contains("__aeabi_f"), "\(name): \(undefined)")
        }
    }

    /// Paper cuts: `-o a/b` makes `a/`; a bundle made for a board builds with the CC and CFLAGS of
    /// the environment when they are set; `--version` names the tool.
    @Test func exportMakesParentsAndHonoursTheEnvironment() throws {
        let dir = try HostileInputTests.scratch("bundle-paths")
        let bundle = dir.appendingPathComponent("new/parent/bundle")
        let export = try Quantc.run(["export", HostileInputTests.model] + HostileInputTests.sampleOptions + ["--board", "mps2-an386", "-o", bundle.path])
        #expect(export.status == 0, "\(export.stderr)")
        guard Command.which("make") != nil else { return }
        let make = { (environment: [String]) in try Shell.run(["env"] + environment + ["make", "-n", "-C", bundle.path]).output }
        #expect(try make([]).contains("arm-none-eabi-gcc -O2 -mcpu=cortex-m4"))
        let chosen = try make(["CC=my-cc", "CFLAGS=-Os"])
        #expect(chosen.contains("my-cc -Os -std=c99 -c model.c") && !chosen.contains("arm-none-eabi-gcc"), "\(chosen)")
        #expect(try Quantc.run(["--version"]).stdout.hasPrefix("quantc "))
    }
}
