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

    @Option(help: "Kernel variants: auto (the board's: Helium on Cortex-M55, DSP on M4/M7/M33), portable, dsp or mve.")
    var kernels: Choice = .auto

    func features(for board: Board?) -> CoreFeatures {
        switch kernels {
        case .auto: return CoreFeatures(names: board?.features ?? [])
        case .portable: return []
        case .dsp: return .dsp
        case .mve: return .mve
        }
    }
}
