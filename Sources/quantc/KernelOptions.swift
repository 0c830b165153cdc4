import ArgumentParser
import Pipeline

extension Pipeline.KernelChoice: ExpressibleByArgument {}
extension Pipeline.WeightStorage: ExpressibleByArgument {}

/// `--kernels` and `--weight-storage`: which kernel variants a bundle uses, and how it stores weights.
struct KernelOptions: ParsableArguments {
    @Option(help: "Kernel variants: auto (the board's: Helium on Cortex-M55, DSP on M4/M7/M33), portable, dsp or mve.")
    var kernels: Pipeline.KernelChoice = .auto

    @Option(help: ArgumentHelp(
        "Fixed-point weights of 2-7 bits in convolutions and dense layers: bytes (a byte each); packed (at their bits, "
            + "each layer's unpacked into the arena just before it runs: the largest layer's weights in RAM, a few instructions "
            + "per weight); packed-inline (decoded in the inner loop: no RAM, several instructions per MAC); auto (bytes where "
            + "the board's flash holds them beside \(Pipeline.codeAllowance / 1024) KiB of code, else packed where its RAM holds "
            + "the arena and \(Pipeline.stackAllowance / 1024) KiB of stack, else packed-inline; bytes without a board).",
        valueName: "bytes|packed|packed-inline|auto"))
    var weightStorage: Pipeline.WeightStorage = .auto

    func features(for board: Board?, _ lowered: Pipeline.Lowered) throws -> Pipeline.Features {
        try Pipeline.features(kernels: kernels, storage: weightStorage, board: board, lowered: lowered)
    }
}
