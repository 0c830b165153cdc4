import Foundation
import GraphIR

/// Reads a serialized ONNX TensorProto (the `input_0.pb` files of the ONNX backend tests).
public enum ONNXTensorFile {
    public static func read(path: String) throws -> (name: String, tensor: Tensor) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, "cannot read the file")
        }
        do {
            let proto = try Onnx_TensorProto(serializedBytes: data)
            return (proto.name, try Tensor(onnx: proto))
        } catch let error as FormatError {
            throw ImportError(file: path, error.message)
        } catch {
            throw ImportError(file: path, "not a valid TensorProto (\(error))")
        }
    }

    /// Element type name of a TensorProto file ("float", "int8", ...), for skipping non-float tests.
    public static func elementType(path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let proto = try? Onnx_TensorProto(serializedBytes: data) else { return nil }
        return ONNXDataType(rawValue: proto.dataType)?.name ?? "type \(proto.dataType)"
    }
}
