import ModelImport

/// The MLPerf Tiny sample inputs of the corpus (MANIFEST.md section 2) as float samples laid out
/// for the float models' inputs, and CIFAR-10 test images as ResNet-8 reads them (raw 0..255).
public enum MLPerfSamples {
    /// The keyword-spotting sample: int8 features dequantized with the int8 model's input scale
    /// and zero point, [1, 49, 10, 1].
    public static let kwsScale: Float = 0.5847029089927673, kwsZeroPoint: Float = 83

    public static func kws() throws -> [Float] {
        try raw("kws_input_int8_1x49x10x1.bin", "int8", 490).values.map { ($0 - kwsZeroPoint) * kwsScale }
    }

    /// The two visual-wake-words images, [2, 96, 96, 3] float.
    public static func vww() throws -> [Float] {
        try raw("vww_inputs_float32_2x96x96x3.bin", "float32", 96 * 96 * 3).values
    }

    /// The anomaly-detection input: 196 windows of 5 frames × 128 mel bins (640 floats each).
    public static func adWindows() throws -> [Float] {
        let frames = try raw("ad_input_float32_200x128.bin", "float32", 128).values
        return (0..<196).flatMap { frames[(128 * $0)..<(128 * $0 + 640)] }
    }

    /// The first `count` CIFAR-10 test images, NHWC, pixels 0..255 as floats.
    public static func cifar(_ count: Int) throws -> [Float] {
        try DataReader.load(path: Corpus.path("cifar10/test_first846.npz"), labelsPath: nil, scale: 1, offset: 0, limit: count).values
    }

    static func raw(_ file: String, _ type: String, _ size: Int) throws -> Dataset {
        try DataReader.loadRaw(path: Corpus.path("mlperf-tiny/" + file), elementType: type, sampleShape: [size])
    }
}
