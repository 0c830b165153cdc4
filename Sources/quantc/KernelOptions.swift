import ArgumentParser
import CEmitter
import Targets

/// `--kernels`: which kernel variants a bundle uses.
struct KernelOptions: ParsableArguments {
    enum Choice: String, ExpressibleByArgument, CaseIterable {
        /// The board's: DSP variants on cores with the DSP extension, portable elsewhere (and on the host).
        case auto
        /// Portable C99 kernels only.
        case portable
        /// DSP variants on any target (off Arm, their DSP instructions run as portable C twins).
        case dsp
        /// Helium variants on any target (likewise; needs a Cortex-M55 or M85 to run as vectors).
        case mve
    }

    enum WeightStorage: String, ExpressibleByArgument, CaseIterable {
        case bytes, packed
    }

    @Option(help: "Kernel variants: auto (the board's: Helium on Cortex-M55, DSP on M4/M7/M33), portable, dsp or mve.")
    var kernels: Choice = .auto

    @Option(help: "Fixed-point weights of 2-4 bits in convolutions and dense layers: a byte each (bytes, the fastest kernels) or packed at their bits and decoded in the inner loop (packed: a half to a quarter of their flash, several times the instructions).")
    var weightStorage: WeightStorage = .bytes

    func features(for board: Board?) -> CoreFeatures {
        let packed: CoreFeatures = weightStorage == .packed ? .packedWeights : []
        switch kernels {
        case .auto: return CoreFeatures(names: board?.features ?? []).union(packed)
        case .portable: return packed
        case .dsp: return CoreFeatures.dsp.union(packed)
        case .mve: return CoreFeatures.mve.union(packed)
        }
    }
}
