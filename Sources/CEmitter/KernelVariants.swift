/// What the target core offers beyond Armv6-M/Armv7-M integer instructions, as far as kernel
/// variants care. The emitter picks variants from this (never an `#ifdef` inside a kernel).
public struct CoreFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The Armv7E-M DSP extension (SMLAD, SXTB16): Cortex-M4, M7, M33 (with DSP), M55.
    public static let dsp = CoreFeatures(rawValue: 1)

    /// Parses board.json's "features" names; unknown names are ignored (a newer board file).
    public init(names: [String]) {
        self = names.contains("dsp") ? .dsp : []
    }
}

/// Replaces portable kernel calls by the variants `features` allow. A variant has the portable
/// kernel's params and outputs; it may add a scratch argument just before the output, or store its
/// constants in another order.
enum KernelVariants {
    static func specialize(_ call: KernelCall, for features: CoreFeatures) -> KernelCall {
        guard features.contains(.dsp), call.storage == [.s8, .s8, .s8], call.wideAccumulator == false else { return call }
        let scratch: Int
        switch call.family {
        case "conv":
            guard value(call, "groups") == 1 else { return call }
            // Two int16 lanes of kernel_h * kernel_w * in_c taps (QC_CONV_DSP_SCRATCH_BYTES).
            scratch = 4 * value(call, "kernel_h") * value(call, "kernel_w") * value(call, "in_c")
        case "depthwise_conv":
            var variant = call
            variant.variant = "dsp"
            variant.arguments[1] = .constant(channelsLast(weights(call), channels: value(call, "out_c")))
            return variant
        case "dense":
            // One int16 lane of in_features, two when there are two rows or more (QC_DENSE_DSP_SCRATCH_BYTES).
            scratch = (value(call, "rows") > 1 ? 4 : 2) * value(call, "in_features")
        default:
            return call
        }
        var variant = call
        variant.variant = "dsp"
        variant.arguments.insert(.scratch(bytes: MemoryPlanner.align(scratch, ArenaPlan.alignment)), at: call.arguments.count - 1)
        return variant
    }

    private static func weights(_ call: KernelCall) -> ConstantArray {
        guard case .constant(let array) = call.arguments[1] else { preconditionFailure("a MAC call's second argument is its weights") }
        return array
    }

    /// Depthwise weights [channels][taps] as [taps][channels]: a tap's neighbouring channels adjacent,
    /// as they are in NHWC activations.
    private static func channelsLast(_ w: ConstantArray, channels: Int) -> ConstantArray {
        let taps = w.values.count / channels
        var out = w
        for c in 0..<channels { for t in 0..<taps { out.values[t * channels + c] = w.values[c * taps + t] } }
        return out
    }

    private static func value(_ call: KernelCall, _ name: String) -> Int {
        Int(call.params.first { $0.name == name }!.values[0])
    }
}
