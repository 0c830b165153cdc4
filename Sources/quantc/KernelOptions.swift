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
    }

    @Option(help: "Kernel variants: auto (the board's: DSP kernels on Cortex-M4/M7/M33/M55), portable or dsp.")
    var kernels: Choice = .auto

    func features(for board: Board?) -> CoreFeatures {
        switch kernels {
        case .auto: return CoreFeatures(names: board?.features ?? [])
        case .portable: return []
        case .dsp: return .dsp
        }
    }
}
