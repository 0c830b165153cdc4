import Foundation

/// One board of boards/ (board.json): its core, compiler flags, memories and emulator.
public struct Board: Decodable, Sendable {
    public struct Memory: Decodable, Sendable {
        public var origin: String
        public var size: Int
    }
    public struct Emulator: Decodable, Sendable {
        public var machine: String
        /// Extra QEMU options the machine needs (for example "-bios none" on RISC-V `virt`).
        public var options: [String]?
    }

    /// The instruction set: it picks the cross toolchain, the startup code, the C library and the
    /// QEMU system emulator.
    public enum Architecture: String, Decodable, Sendable {
        case arm
        case riscv32

        /// The GNU toolchain's program prefix (`\(prefix)gcc`, `\(prefix)size`, ...).
        public var toolchainPrefix: String {
            switch self {
            case .arm: "arm-none-eabi-"
            case .riscv32: "riscv64-unknown-elf-"
            }
        }

        /// The Debian packages of that toolchain and its C library, for error messages.
        public var toolchainPackages: String {
            switch self {
            case .arm: "gcc-arm-none-eabi libnewlib-arm-none-eabi"
            case .riscv32: "gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf"
            }
        }

        public var qemuExecutable: String {
            switch self {
            case .arm: "qemu-system-arm"
            case .riscv32: "qemu-system-riscv32"
            }
        }

        public var qemuPackage: String {
            switch self {
            case .arm: "qemu-system-arm"
            case .riscv32: "qemu-system-misc"
            }
        }

        /// boards/common/ file with the reset code and the fault handler.
        var startupSource: String {
            switch self {
            case .arm: "startup.c"
            case .riscv32: "startup_riscv.c"
            }
        }

        /// Link options naming the C library: newlib-nano on Arm. RISC-V boards name picolibc
        /// (Debian's only C library for riscv64-unknown-elf) in their cflags instead, since
        /// compiling needs its headers too.
        var libraryOptions: [String] {
            switch self {
            case .arm: ["--specs=nano.specs", "--specs=nosys.specs"]
            case .riscv32: []
            }
        }
    }

    public var name: String
    public var description: String
    public var cpu: String
    /// nil: Arm.
    public var architecture: Architecture?
    public var cflags: [String]
    /// Core features kernel variants may use ("dsp": the Armv7E-M DSP extension); nil: none.
    public var features: [String]?
    public var flash: Memory
    public var ram: Memory
    /// nil for boards flashed for real (no QEMU model).
    public var qemu: Emulator?
    /// The console driver of a board without semihosting (for example "uart.c").
    public var console: String?
    /// Cycles of a multiply where the core's multiplier is a build option (a Cortex-M0's: 1, or 32
    /// with the small multiplier), for the cycle estimate; nil: the fast one.
    public var multiplyCycles: Int?

    enum CodingKeys: String, CodingKey {
        case name, description, cpu, architecture, cflags, features, flash, ram, qemu, console
        case multiplyCycles = "multiply_cycles"
    }

    public var isa: Architecture { architecture ?? .arm }

    /// Every board, sorted by name (the board files are embedded in the tool).
    public static let all: [Board] = {
        BoardSources.files.keys.filter { $0.hasSuffix("/board.json") }.sorted().compactMap { key in
            try? JSONDecoder().decode(Board.self, from: Data(BoardSources.files[key]!.utf8))
        }
    }()

    public static func named(_ name: String) -> Board? { all.first { $0.name == name } }

    /// The board's linker script.
    public var linkerScript: String { BoardSources.files["\(name)/link.ld"] ?? "" }

    /// The linker script with every memory made large, so an image that does not fit still links
    /// and can be measured (placement is unchanged: only the LENGTHs differ).
    public var measuringLinkerScript: String {
        linkerScript.replacingOccurrences(of: #"LENGTH\s*=\s*[0-9A-Za-z]+"#, with: "LENGTH = 0x0F000000", options: .regularExpression)
    }
}
