import Foundation

/// A verification firmware: the bundle, the board's startup code and linker script, and a harness
/// `main`, cross-compiled with arm-none-eabi-gcc.
public enum Firmware {
    public struct Build: Sendable {
        public var elf: String
        /// .text + .ARM.exidx + .data: what the image puts in flash.
        public var flashBytes: Int
        /// .data + .bss + .stack: what it occupies in RAM.
        public var ramBytes: Int
        /// Address of qc_profile_mark, when the bundle was built with profiling markers.
        public var marker: UInt64?
    }

    /// The image does not fit the board: exit 1 with both sizes.
    public struct DoesNotFit: Error, CustomStringConvertible {
        public var description: String
    }

    public static let compiler = "arm-none-eabi-gcc"
    public static let flags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow",
                               "-ffunction-sections", "-fdata-sections"]

    /// How the harness gets its samples: from host files over semihosting (QEMU boards), or
    /// embedded in flash with results printed on the console (boards flashed for real).
    public enum Samples: Sendable {
        case semihosting
        case embedded(inputs: [[Int32]], inputType: String)
    }

    /// Builds `work/firmware.elf` from the bundle in `bundle` (its C sources named in `sources`).
    /// With `printf`, a semihosting harness links the full newlib and ends by printing the sample
    /// count with printf, as TFLM's benchmark harness does (about 30 KB of flash), so the
    /// firmware's size compares like for like with that harness's.
    /// `structs`: the bundle's API takes structs (a model with several inputs or outputs); the
    /// semihosting harness then reads and writes one struct per sample.
    public static func build(bundle: String, sources: [String], prefix: String, board: Board, samples: Samples,
                             profile: Bool, printf: Bool = false, structs: Bool = false, work: String) throws -> Build {
        guard Command.which(compiler) != nil else {
            throw Command.MissingTool("\(compiler) not found: run `make setup` (apt packages gcc-arm-none-eabi libnewlib-arm-none-eabi)")
        }
        let dir = URL(fileURLWithPath: work).appendingPathComponent("board")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        for (path, text) in BoardSources.files where path.hasPrefix("common/") {
            try write(String(path.dropFirst("common/".count)), text)
        }
        try write("board.ld", board.measuringLinkerScript)
        var boardSources = ["startup.c", "quantc_main.c"]
        if let console = board.console {
            try write(console, BoardSources.files["\(board.name)/\(console)"]!)
            boardSources += [console, "uart_console.c"]
        } else {
            boardSources.append("semihosting.c")
        }
        try write("quantc_main.c", FirmwareHarness.main(prefix: prefix, samples: samples, printf: printf, structs: structs))
        let bundleURL = URL(fileURLWithPath: bundle)
        let elf = URL(fileURLWithPath: work).appendingPathComponent("firmware.elf").path
        let arguments = flags + board.cflags + (profile ? ["-DQC_PROFILE"] : []) + ["-I", bundle, "-I", dir.path]
            + sources.map { bundleURL.appendingPathComponent($0).path } + boardSources.map { dir.appendingPathComponent($0).path }
            + ["-nostartfiles"] + (printf ? [] : ["--specs=nano.specs"]) + ["--specs=nosys.specs", "-L", dir.path, "-T", dir.appendingPathComponent("board.ld").path,
               "-Wl,--gc-sections", "-o", elf]
        let result = try Command.run(compiler, arguments, in: work)
        guard result.status == 0 else { throw Command.Failure("\(compiler) failed for \(board.name):\n\(result.stderr.prefix(6000))") }

        let sections = try sectionSizes(elf)
        let flash = ["text", "ARM.exidx", "data"].reduce(0) { $0 + (sections[$1] ?? 0) }
        let ram = ["data", "bss", "stack"].reduce(0) { $0 + (sections[$1] ?? 0) }
        if flash > board.flash.size || ram > board.ram.size {
            throw DoesNotFit(description: "the firmware does not fit \(board.name): it needs \(flash) bytes of flash (the board has " +
                             "\(board.flash.size)) and \(ram) bytes of RAM (the board has \(board.ram.size))")
        }
        return Build(elf: elf, flashBytes: flash, ramBytes: ram, marker: profile ? try symbol("qc_profile_mark", in: elf) : nil)
    }

    /// Section name (without the leading dot) → size, from arm-none-eabi-size -A.
    static func sectionSizes(_ elf: String) throws -> [String: Int] {
        let result = try Command.run("arm-none-eabi-size", ["-A", elf])
        guard result.status == 0 else { throw Command.Failure("arm-none-eabi-size failed: \(result.stderr)") }
        var sizes = [String: Int]()
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, fields[0].hasPrefix("."), let size = Int(fields[1]) else { continue }
            sizes[String(fields[0].dropFirst())] = size
        }
        return sizes
    }

    static func symbol(_ name: String, in elf: String) throws -> UInt64 {
        let result = try Command.run("arm-none-eabi-nm", [elf])
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, fields[2] == name, let address = UInt64(fields[0], radix: 16) { return address }
        }
        throw Command.Failure("\(elf): no symbol \(name)")
    }
}

/// The firmware's `main`.
enum FirmwareHarness {
    static func main(prefix: String, samples: Firmware.Samples, printf: Bool, structs: Bool = false) -> String {
        let m = prefix.uppercased()
        // A struct per sample, or arrays of values.
        let (inputDeclaration, outputDeclaration) = structs ? ("input", "output") : ("input[\(m)_INPUT_COUNT]", "output[\(m)_OUTPUT_COUNT]")
        let (inputBuffer, outputBuffer) = structs ? ("&input", "&output") : ("input", "output")
        let common = """
        /* quantc verification firmware: runs \(prefix)_run over the samples. Generated by quantc. */
        #include <stdint.h>

        #include "\(prefix).h"
        #include "semihosting.h"

        void qc_profile_mark(void) __attribute__((noinline));

        /* Profiling marker: \(prefix).c calls it before the first layer and after each layer when
         * built with QC_PROFILE; the QEMU plugin records its counters at every call. */
        void qc_profile_mark(void)
        {
            __asm__ volatile("" ::: "memory");
        }

        static \(prefix)_output_t \(outputDeclaration);

        """
        switch samples {
        case .semihosting:
            return common + (printf ? stdio : "") + """
            static \(prefix)_input_t \(inputDeclaration);

            int main(void)
            {
                unsigned count = 0;
                const int in = board_open("inputs.bin", 0), out = board_open("outputs.bin", 1);
                if (in < 0 || out < 0) {
                    board_puts("quantc firmware: cannot open inputs.bin or outputs.bin\\n");
                    return 2;
                }
                while (board_read(in, \(inputBuffer), sizeof input) == 0) {
                    if (\(prefix)_run(\(inputBuffer), \(outputBuffer)) != 0 || board_write(out, \(outputBuffer), sizeof output) != 0) {
                        return 3;
                    }
                    ++count;
                }
                board_close(in);
                board_close(out);
                \(printf ? "printf(\"quantc firmware: %u samples run\\n\", count);" : "(void)count;")
                return 0;
            }

            """
        case .embedded(let inputs, let inputType):
            let rows = inputs.map { "    {" + $0.map(String.init).joined(separator: ", ") + "}" }.joined(separator: ",\n")
            return common + """
            static const \(inputType) samples[\(inputs.count)][\(m)_INPUT_COUNT] = {
            \(rows)
            };

            /* Decimal text of v into buffer (at least 12 bytes). */
            static void decimal(int32_t v, char *buffer)
            {
                char digits[12];
                int n = 0, i = 0;
                uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
                do {
                    digits[n++] = (char)('0' + u % 10u);
                    u /= 10u;
                } while (u != 0u);
                if (v < 0) {
                    buffer[i++] = '-';
                }
                while (n > 0) {
                    buffer[i++] = digits[--n];
                }
                buffer[i] = 0;
            }

            int main(void)
            {
                char text[16];
                int32_t s, k;
                for (s = 0; s < \(inputs.count); ++s) {
                    if (\(prefix)_run(samples[s], output) != 0) {
                        return 3;
                    }
                    board_puts("sample ");
                    decimal(s, text);
                    board_puts(text);
                    board_puts(":");
                    for (k = 0; k < \(m)_OUTPUT_COUNT; ++k) {
                        text[0] = ' ';
                        decimal(output[k], text + 1);
                        board_puts(text);
                    }
                    board_puts("\\n");
                }
                return 0;
            }

            """
        }
    }

    /// newlib's stdio over semihosting, for the printf harness. The firmware has no heap: _sbrk
    /// fails, so stdout runs unbuffered.
    static let stdio = """
    #include <stddef.h>
    #include <stdio.h>
    #include <string.h>

    int _write(int file, const char *text, int length);
    void *_sbrk(ptrdiff_t increment);

    int _write(int file, const char *text, int length)
    {
        char chunk[65];
        int done = 0;
        (void)file;
        while (done < length) {
            const int n = length - done < 64 ? length - done : 64;
            memcpy(chunk, text + done, (size_t)n);
            chunk[n] = 0;
            board_puts(chunk);
            done += n;
        }
        return length;
    }

    void *_sbrk(ptrdiff_t increment)
    {
        (void)increment;
        return (void *)-1;
    }


    """
}
