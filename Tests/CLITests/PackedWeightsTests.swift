import Foundation
import TestSupport
import Testing

/// `--weight-storage packed`: the example's layers quantized to 4 bits (convolutions of 3·3·1·8 = 72
/// and 3·3·8·16 = 1,152 weights, a dense layer of 64·10 = 640) are stored packed and still bit-exact,
/// unpacked into the arena or decoded in the inner loop; each takes n · 4 / 8 + 1 (padding) bytes
/// instead of n: 37, 577 and 321. At 6 bits: 55, 865 and 481.
@Suite struct PackedWeightsTests {
    static let arguments = ["verify", Corpus.repositoryRoot.appendingPathComponent("examples/digits_cnn.onnx").path,
                            "--data", Corpus.repositoryRoot.appendingPathComponent("examples/digits_test.npz").path,
                            "--scale", "0.0625", "--limit", "50", "--target", "host", "--quiet"]

    func constants(_ storage: String, bits: Int = 4) throws -> (bitExact: Bool, bytes: Int) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-packed-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let result = try Quantc.run(Self.arguments + ["--weight-bits", "\(bits)", "--weight-storage", storage, "--json", report.path], timeout: 300)
        #expect(result.status == 0, "\(storage): \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        return (json["bit_exact"] as? Bool ?? false, try #require(json["weight_bytes"] as? Int))
    }

    @Test func packedWeightsAreBitExactAndSmaller() throws {
        let bytes = try constants("bytes"), packed = try constants("packed"), inline = try constants("packed-inline")
        #expect(bytes.bitExact && packed.bitExact && inline.bitExact)
        #expect(bytes.bytes - packed.bytes == (72 - 37) + (1152 - 577) + (640 - 321), "bytes \(bytes.bytes), packed \(packed.bytes)")
        #expect(inline.bytes == packed.bytes)
        let bytes6 = try constants("bytes", bits: 6), packed6 = try constants("packed", bits: 6)
        #expect(bytes6.bitExact && packed6.bitExact)
        #expect(bytes6.bytes - packed6.bytes == (72 - 55) + (1152 - 865) + (640 - 481), "bytes \(bytes6.bytes), packed \(packed6.bytes)")
    }
}
