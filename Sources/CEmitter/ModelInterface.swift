import FixedPoint
import Foundation
import QuantizedIR

/// The bundle's inputs and outputs as C sees them. A model with one input and one output takes
/// plain arrays (`model_input_t` is their element type); any other model takes one struct for its
/// inputs and one for its outputs, an array member per tensor, named after the tensor.
public struct ModelInterface: Sendable {
    public struct Member: Sendable {
        public var tensor: Int
        /// The C member name.
        public var name: String
        public var count: Int
        public var type: CType
        /// Byte offset in its struct (C's alignment rules: each array at a multiple of its element size).
        public var offset: Int
    }

    public var inputs: [Member]
    public var outputs: [Member]
    /// sizeof the input and the output struct.
    public var inputBytes: Int
    public var outputBytes: Int
    /// Several inputs or outputs: the struct API.
    public var usesStructs: Bool { inputs.count != 1 || outputs.count != 1 }

    init(program: QProgram) {
        func members(_ ids: [Int]) -> ([Member], Int) {
            var used = Set<String>(), list = [Member](), offset = 0, alignment = 1
            for id in ids {
                let t = program.tensors[id]
                let type = CType.storage(bits: t.format.bits)
                var name = Self.identifier(t.name)
                if used.contains(name) {
                    var k = 1
                    while used.contains("\(name)_\(k)") { k += 1 }
                    name = "\(name)_\(k)"
                }
                used.insert(name)
                offset = (offset + type.bytes - 1) / type.bytes * type.bytes
                list.append(Member(tensor: id, name: name, count: t.count, type: type, offset: offset))
                offset += t.count * type.bytes
                alignment = max(alignment, type.bytes)
            }
            return (list, (offset + alignment - 1) / alignment * alignment)
        }
        (inputs, inputBytes) = members(program.inputs)
        (outputs, outputBytes) = members(program.outputs)
    }

    /// A C identifier from a tensor name: other characters become underscores, lowercase, never
    /// starting with a digit or empty.
    public static func identifier(_ name: String) -> String {
        var s = String(name.lowercased().unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
        while s.contains("__") { s = s.replacingOccurrences(of: "__", with: "_") }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        if s.isEmpty || ("0"..."9").contains(s.first!) { s = "t_" + s }
        return s
    }
}

/// The struct API of a model with several inputs or outputs.
extension ModelSource {
    func macro(_ member: ModelInterface.Member, input: Bool) -> String {
        "\(macro)_\(input ? "INPUT" : "OUTPUT")_\(member.name.uppercased())"
    }

    func structHeaderLines() -> String {
        var lines = ["/*", " * Inputs and outputs: one array per tensor, members of \(prefix)_input_t and \(prefix)_output_t."]
        var defines = ["#define \(macro)_INPUTS \(interface.inputs.count)", "#define \(macro)_OUTPUTS \(interface.outputs.count)",
                       "/* All input (output) values, the tensors one after another: what the float helpers read (write). */",
                       "#define \(macro)_INPUT_COUNT \(interface.inputs.reduce(0) { $0 + $1.count })",
                       "#define \(macro)_OUTPUT_COUNT \(interface.outputs.reduce(0) { $0 + $1.count })"]
        for (isInput, members) in [(true, interface.inputs), (false, interface.outputs)] {
            for m in members {
                let t = program.tensors[m.tensor], name = macro(m, input: isInput)
                let kind = isInput ? "Input" : "Output"
                let format = t.affine != nil ? "int8 affine" : "Q(\(t.format.bits),\(t.format.frac))"
                lines.append(" * \(kind) \"\(CText.commentSafe(t.name))\" (.\(m.name)): shape \(t.shape), \(format): real value = \(name)_SCALE * (q - \(name)_ZERO_POINT).")
                defines += tensorMacros(t, name: name)
            }
        }
        lines.append(" */")
        return (lines + defines).joined(separator: "\n")
    }

    func structTypes() -> String {
        func body(_ members: [ModelInterface.Member], input: Bool) -> String {
            members.map { "    \($0.type.rawValue) \($0.name)[\(macro($0, input: input))_COUNT];" }.joined(separator: "\n")
        }
        return """
        typedef struct {
        \(body(interface.inputs, input: true))
        } \(prefix)_input_t;

        typedef struct {
        \(body(interface.outputs, input: false))
        } \(prefix)_output_t;

        /* The layouts quantc reads back when it verifies a bundle (C's alignment rules, no other padding). */
        typedef char \(prefix)_input_layout_check[sizeof(\(prefix)_input_t) == \(interface.inputBytes) ? 1 : -1];
        typedef char \(prefix)_output_layout_check[sizeof(\(prefix)_output_t) == \(interface.outputBytes) ? 1 : -1];
        """
    }

    /// The float helpers of the struct API: each tensor with its own format, the floats of all
    /// tensors one after another.
    func structHelpers() -> String {
        var text = roundingHelper + "\nvoid \(prefix)_quantize_input(const float *x, \(prefix)_input_t *q)\n{\n    int32_t i;\n"
        var start = 0
        for m in interface.inputs {
            text += quantizeLoop(tensor: program.tensors[m.tensor], target: "q->\(m.name)", source: start == 0 ? "x" : "(x + \(start))",
                                 count: macro(m, input: true) + "_COUNT", names: macro(m, input: true))
            start += m.count
        }
        text += "}\n\nvoid \(prefix)_dequantize_output(const \(prefix)_output_t *q, float *y)\n{\n    int32_t i;\n"
        start = 0
        for m in interface.outputs {
            let name = macro(m, input: false)
            let value = dequantized(program.tensors[m.tensor], "q->\(m.name)[i]", names: name)
            text += "    for (i = 0; i < \(name)_COUNT; ++i) {\n        y[\(start) + i] = \(value);\n    }\n"
            start += m.count
        }
        return text + "}\n"
    }
}

extension ModelSource {
    func structReadme() -> String {
        func rows(_ members: [ModelInterface.Member], _ kind: String) -> [String] {
            members.map { m in
                let t = program.tensors[m.tensor]
                let number = t.affine.map { "int8 affine, scale \($0.scale), zero point \($0.zeroPoint)" } ?? "Q(\(t.format.bits),\(t.format.frac))"
                return "| \(kind) `.\(m.name)` | \(m.count) × `\(m.type.rawValue)`, shape \(t.shape), \(number) |"
            }
        }
        return """
        # \(prefix): C99 inference for \(options.modelName)

        Generated by \(options.generator). Standalone C99: no malloc, no libraries, one static arena.

        | | |
        |---|---|
        \((rows(interface.inputs, "input") + rows(interface.outputs, "output")).joined(separator: "\n"))
        | arena (RAM) | \(arena.arenaBytes) bytes (lower bound \(arena.lowerBound), one buffer per tensor \(arena.naiveBytes)) |
        | constants (flash) | \(constantBytes) bytes (\(weightBytes) of weights; biases, shifts and tables), plus \(paramsBytes) bytes of kernel parameters |

        ```c
        #include "\(headerName)"
        \(prefix)_input_t in;     /* one array per input tensor */
        \(prefix)_output_t out;   /* one array per output tensor */
        \(prefix)_quantize_input(features, &in);   /* \(macro)_INPUT_COUNT floats, the inputs in order; or fill the arrays directly */
        \(prefix)_run(&in, &out);
        ```

        Build: add every `.c` file here to your firmware project (no include paths needed; all files sit
        side by side), or run `make` (static `lib\(prefix).a`, honours `CC`, `AR`, `CFLAGS`) or use
        `CMakeLists.txt` (`add_subdirectory`, target `\(prefix)`). `report.json` lists every layer, its
        kernel, formats, MACs and arena offsets.
        \(options.notes.isEmpty ? "" : "\n" + options.notes.map { "- " + $0 }.joined(separator: "\n") + "\n")
        """
    }
}
