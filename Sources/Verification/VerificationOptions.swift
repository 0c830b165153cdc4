import CEmitter
import Quantization
import Targets

/// What every verification needs besides the model and the samples.
public struct VerificationOptions: Sendable {
    public var modelName: String
    public var scheme: String
    public var generator: String
    public var sanitize: Bool
    public var compiler: String
    /// Keep the build directory here instead of a temporary one.
    public var keepDirectory: String?
    /// The kernel variants the bundle may use.
    public var features: CoreFeatures
    /// The program's metrics on the same samples when the caller already has them (a report),
    /// so the float model and the simulator do not run twice.
    public var metrics: QuantizationReport?
    /// QEMU boards: link newlib's printf into the harness (see `Firmware.build`).
    public var printfHarness = false
    public init(modelName: String, scheme: String, generator: String, sanitize: Bool = true,
                compiler: String = HostTarget.defaultCompiler, keepDirectory: String? = nil, features: CoreFeatures = []) {
        self.features = features
        self.modelName = modelName
        self.scheme = scheme
        self.generator = generator
        self.sanitize = sanitize
        self.compiler = compiler
        self.keepDirectory = keepDirectory
    }
}
