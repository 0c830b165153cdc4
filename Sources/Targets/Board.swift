import Foundation

/// One board of boards/ (board.json): its core, compiler flags, memories and emulator.
public struct Board: Decodable, Sendable {
    public struct Memory: Decodable, Sendable {
        public var origin: String
        public var size: Int
    }
    public struct Emulator: Decodable, Sendable {
        public var machine: String
    }

    public var name: String
    public var description: String
    public var cpu: String
    public var cflags: [String]
    /// Core features kernel variants may use ("dsp": the Armv7E-M DSP extension); nil: none.
    public var features: [String]?
    public var flash: Memory
    public var ram: Memory
    /// nil for boards flashed for real (no QEMU model).
    public var qemu: Emulator?
    /// The console driver of a board without semihosting (for example "uart.c").
    public var console: String?

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
