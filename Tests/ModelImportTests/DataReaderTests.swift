import Foundation
import ModelImport
import TestSupport
import Testing

@Suite struct DataReaderTests {
    func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quantc-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A hand-written .npy v1 file: header dict padded with spaces, then the data.
    func npy(descr: String, shape: String, data: [UInt8]) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + Array(header.utf8) + data
    }

    @Test func npyFloat32AndUInt8() throws {
        let floats: [Float] = [1.5, -2, 0.25, 8]
        let bytes = floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let f32 = try DataReader.load(path: try temporaryFile("a.npy", npy(descr: "<f4", shape: "(2, 2)", data: bytes)))
        #expect(f32.count == 2 && f32.sampleShape == [2] && f32.values == floats)
        let u8 = try DataReader.load(path: try temporaryFile("b.npy", npy(descr: "|u1", shape: "(3,)", data: [0, 128, 255])),
                                     scale: 1.0 / 255)
        #expect(u8.count == 3 && u8.sampleShape == [] && u8.values == [0, Float(128) / 255, 1])
    }

    @Test func npyRejectsTruncatedData() throws {
        let path = try temporaryFile("t.npy", npy(descr: "<f4", shape: "(4, 4)", data: [0, 0, 0]))
        #expect(throws: ImportError.self) { try DataReader.load(path: path) }
    }

    @Test func idxGzipLabelsFromTheCorpus() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let images = try DataReader.load(path: Corpus.path("mnist/t10k-images-idx3-ubyte.gz"),
                                         labelsPath: Corpus.path("mnist/t10k-labels-idx1-ubyte.gz"), limit: 5)
        #expect(images.count == 5 && images.sampleShape == [28, 28])
        // The standard MNIST test set starts 7, 2, 1, 0, 4 (MANIFEST expected files agree).
        #expect(images.labels == [7, 2, 1, 0, 4])
        #expect(images.values.max() == 255 && images.values.min() == 0)
    }

    @Test func npzFromTheCorpusAndHWCToCHW() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let cifar = try DataReader.load(path: Corpus.path("cifar10/test_first846.npz"), limit: 2)
        #expect(cifar.sampleShape == [32, 32, 3])
        #expect(cifar.labels == [3, 8])
        let chw = try cifar.arranged(for: [1, 3, 32, 32], inputName: "x")
        // Pixel (0,0) channel 1 in HWC is element 1; in CHW it is element 32*32.
        #expect(chw.values[32 * 32] == cifar.values[1])
        #expect(throws: ImportError.self) { try cifar.arranged(for: [1, 28, 28, 1], inputName: "x") }
    }
}
