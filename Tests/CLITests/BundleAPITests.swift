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

    /// `model_run_with_arena` in a caller's buffer gives model_run's outputs and refuses a
    /// misaligned arena; MODEL_NO_STATIC_ARENA drops the static arena, MODEL_ARENA_SECTION places it.
    @Test func theCallerMaySupplyOrPlaceTheArena() throws {
        guard Command.which("cc") != nil else { return }
        let dir = try HostileInputTests.scratch("bundle-arena")
        let bundle = dir.appendingPathComponent("b")
        let export = try Quantc.run(["export", HostileInputTests.model] + HostileInputTests.sampleOptions + ["-o", bundle.path])
        #expect(export.status == 0, "\(export.stderr)")
        let main = """
            #include <stdio.h>
            #include <string.h>
            #include "model.h"
            int main(void)
            {
                static int32_t mine[MODEL_ARENA_BYTES / 4 + 1];
                model_input_t in[MODEL_INPUT_COUNT];
                model_output_t a[MODEL_OUTPUT_COUNT], b[MODEL_OUTPUT_COUNT];
                float x[MODEL_INPUT_COUNT];
                int i, same;
                for (i = 0; i < MODEL_INPUT_COUNT; ++i) x[i] = (float)((i * 37) % 17) / 17.0f;
                model_quantize_input(x, in);
                memset(mine, 0x5A, sizeof mine);
                same = model_run(in, a) == 0 && model_run_with_arena(mine, in, b) == 0 && memcmp(a, b, sizeof a) == 0;
                printf("same %d misaligned %d\\n", same, model_run_with_arena((char *)mine + 1, in, b));
                return 0;
            }
            """
        try main.write(to: bundle.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        let sources = try FileManager.default.contentsOfDirectory(atPath: bundle.path).filter { $0.hasSuffix(".c") }.map { bundle.appendingPathComponent($0).path }
        let program = bundle.appendingPathComponent("main").path
        let build = try Shell.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-O1", "-I", bundle.path] + sources + ["-o", program])
        #expect(build.status == 0, "\(build.output)")
        #expect(try Shell.run([program]).output == "same 1 misaligned -1\n")
        let model = bundle.appendingPathComponent("model.c").path, object = bundle.appendingPathComponent("m.o").path
        let placed = try Shell.run(["cc", "-std=c99", "-c", "-DMODEL_ARENA_SECTION=\".my_arena\"", "-I", bundle.path, model, "-o", object])
        #expect(placed.status == 0, "\(placed.output)")
        #expect(try Shell.run(["objdump", "-t", object]).output.contains(".my_arena"))
        let none = try Shell.run(["cc", "-std=c99", "-Wall", "-Werror", "-c", "-DMODEL_NO_STATIC_ARENA", "-I", bundle.path, model, "-o", object])
        #expect(none.status == 0, "\(none.output)")
        let symbols = try Shell.run(["nm", object]).output
        #expect(!symbols.contains("model_arena") && !symbols.contains(" T model_run\n") && symbols.contains("model_run_with_arena"), "\(symbols)")
    }

    /// Two models exported for one firmware: every `.c` of the directory compiles and links together
    /// (one definition of each kernel), both run in the shared arena (sized by the larger, checked by
    /// AddressSanitizer) and give what each gives in an arena of its own, before and after the other;
    /// the fixed-point and the int8 model's headers give the same macros (scale, zero point, shape).
    @Test func twoModelsShareOneRuntimeAndOneArena() throws {
        guard Corpus.isAvailable, Command.which("cc") != nil else { print(Corpus.skipMessage); return }
        let dir = try HostileInputTests.scratch("firmware")
        let bundle = dir.appendingPathComponent("fw")
        let export = try Quantc.run(["export", HostileInputTests.model, Corpus.path("mlperf-tiny/kws_ref_model.tflite"), "--prefix", "digits,kws",
                                     "--kernels", "dsp"] + HostileInputTests.sampleOptions + ["-o", bundle.path])
        #expect(export.status == 0, "\(export.stderr)")
        let main = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include "digits.h"
            #include "kws.h"
            int main(void)
            {
                static digits_input_t din[DIGITS_INPUT_COUNT];
                static kws_input_t kin[KWS_INPUT_COUNT];
                digits_output_t d1[DIGITS_OUTPUT_COUNT], d2[DIGITS_OUTPUT_COUNT];
                kws_output_t k1[KWS_OUTPUT_COUNT], k2[KWS_OUTPUT_COUNT];
                int32_t *own = malloc(KWS_ARENA_BYTES > DIGITS_ARENA_BYTES ? KWS_ARENA_BYTES : DIGITS_ARENA_BYTES);
                int i, ok;
                for (i = 0; i < DIGITS_INPUT_COUNT; ++i) din[i] = (digits_input_t)((i * 37) % 101 - 50);
                for (i = 0; i < KWS_INPUT_COUNT; ++i) kin[i] = (kws_input_t)((i * 53) % 211 - 105);
                ok = digits_run(din, d1) == 0 && kws_run(kin, k1) == 0 && digits_run(din, d2) == 0 && !memcmp(d1, d2, sizeof d1);
                ok = ok && digits_run_with_arena(own, din, d2) == 0 && !memcmp(d1, d2, sizeof d1);
                ok = ok && kws_run_with_arena(own, kin, k2) == 0 && !memcmp(k1, k2, sizeof k1);
                /* One shape of API for both schemes: scale, zero point, rank and shape for each tensor. */
                {
                    static const int32_t dshape[DIGITS_INPUT_RANK] = DIGITS_INPUT_SHAPE, kshape[KWS_INPUT_RANK] = KWS_INPUT_SHAPE;
                    int32_t dn = 1, kn = 1;
                    for (i = 0; i < DIGITS_INPUT_RANK; ++i) dn *= dshape[i];
                    for (i = 0; i < KWS_INPUT_RANK; ++i) kn *= kshape[i];
                    ok = ok && dn == DIGITS_INPUT_COUNT && kn == KWS_INPUT_COUNT && DIGITS_INPUT_ZERO_POINT == 0;
                    ok = ok && DIGITS_INPUT_SCALE * (float)(1L << DIGITS_INPUT_FRAC) == 1.0f && KWS_INPUT_SCALE > 0.0f;
                    ok = ok && KWS_OUTPUT_SCALE > 0.0f && DIGITS_OUTPUT_SCALE > 0.0f && KWS_INPUT_ZERO_POINT == 83;
                }
                printf("%s\\n", ok ? "same" : "DIFFERENT");
                free(own);
                return 0;
            }
            """
        try main.write(to: bundle.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        let sources = try FileManager.default.contentsOfDirectory(atPath: bundle.path).filter { $0.hasSuffix(".c") }.map { bundle.appendingPathComponent($0).path }
        let program = bundle.appendingPathComponent("main").path
        let build = try Shell.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-O1", "-g", "-fsanitize=address,undefined",
                                   "-fno-sanitize-recover=all", "-I", bundle.path] + sources + ["-o", program])
        #expect(build.status == 0, "\(build.output)")
        let run = try Shell.run([program])
        #expect(run.status == 0 && run.output == "same\n", "\(run.output)")
        let readme = try String(contentsOf: bundle.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("one arena they share"), "\(readme)")
    }

    /// A machine without the cross compiler is bad input for verification (exit 2, one line saying
    /// what to install), not a verification that failed (exit 1, which means an output bit differs).
    @Test func aMissingToolIsNotAFailedVerification() throws {
        let result = try Quantc.run(["verify", HostileInputTests.model] + HostileInputTests.sampleOptions + ["--target", "mps2-an386"],
                                    environment: ["PATH": "/nonexistent"])
        HostileInputTests.expectOneLine(result, naming: HostileInputTests.model, "verify without arm-none-eabi-gcc")
        #expect(result.stderr.contains("make setup"), "\(result.stderr)")
    }
}
