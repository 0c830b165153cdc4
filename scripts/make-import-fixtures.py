#!/usr/bin/env python3
"""Makes the small TFLite files of Tests/QuantizationTests/Fixtures with the TFLite converter, and
their reference outputs with ai-edge-litert's reference kernels (BUILTIN_REF, no delegate):
sparse weights (random sparsity, stored CSR; 1x4 blocks) in float and int8, and a dynamic-range
("hybrid") model whose int8-weight layers quantize their float inputs at run time; and an ONNX
LSTM fed the sequence straight from the model input, and the corpus's float ONNX models quantized
by onnxruntime in its QOperator form, with onnxruntime's outputs; and an opset-6 model with the
old broadcasting attributes.

Needs: pip install tensorflow-cpu ai-edge-litert onnx onnxruntime numpy. Run from the repository root; the test
data is committed, so this runs only when the fixtures change."""
import os
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter, OpResolverType

OUT = "Tests/QuantizationTests/Fixtures"


def dense_model(rng, inputs, widths, block):
    x = tf.keras.Input((inputs,))
    layers = [tf.keras.layers.Dense(w, activation="relu" if i + 1 < len(widths) else None) for i, w in enumerate(widths)]
    y = x
    for layer in layers:
        y = layer(y)
    model = tf.keras.Model(x, y)
    for layer in layers:
        w, b = layer.get_weights()  # [in, out]
        if block:
            keep = np.repeat(rng.random((w.shape[0] // 4, w.shape[1])) < 0.25, 4, axis=0)
        else:
            keep = rng.random(w.shape) < 0.2
        layer.set_weights([w * keep, b + 0.1 * rng.standard_normal(b.shape)])
    return model


def convert(model, samples, optimizations, int8=False):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = optimizations
    if int8:
        converter.representative_dataset = lambda: ([samples[i:i + 1]] for i in range(len(samples)))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def save(name, flatbuffer, samples):
    path = os.path.join(OUT, name + ".tflite")
    with open(path, "wb") as f:
        f.write(flatbuffer)
    interpreter = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    xs, ys = [], []
    for sample in samples:
        x = sample[None]
        if inp["dtype"] == np.int8:
            scale, zero = inp["quantization"]
            x = np.clip(np.round(x / scale) + zero, -128, 127).astype(np.int8)
        interpreter.set_tensor(inp["index"], x)
        interpreter.invoke()
        xs.append(x[0])
        ys.append(interpreter.get_tensor(out["index"])[0].copy())
    np.save(os.path.join(OUT, name + ".input.npy"), np.array(xs))
    np.save(os.path.join(OUT, name + ".output.npy"), np.array(ys))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(0)
    samples = rng.standard_normal((4, 32)).astype(np.float32)
    sparsity = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    for block in (False, True):
        model = dense_model(rng, 32, [16, 8], block)
        kind = "block_sparse" if block else "sparse"
        save(kind + "_float", convert(model, samples, sparsity), samples)
        save(kind + "_int8", convert(model, samples, sparsity + [tf.lite.Optimize.DEFAULT], int8=True), samples)

    # Dynamic range: every layer has at least 1,024 weights, or the converter leaves it float.
    x = tf.keras.Input((4, 4, 48))
    y = tf.keras.layers.DepthwiseConv2D(5, padding="same", activation="relu")(x)
    y = tf.keras.layers.Conv2D(24, 1)(y)
    y = tf.keras.layers.GlobalAveragePooling2D()(y)
    y = tf.keras.layers.Dense(64, activation="relu")(y)
    y = tf.keras.layers.Dense(16)(y)
    model = tf.keras.Model(x, y)
    images = rng.standard_normal((4, 4, 4, 48)).astype(np.float32)
    save("hybrid_float", convert(model, images, [tf.lite.Optimize.DEFAULT]), images)


def onnx_sequence_first_lstm():
    """A PyTorch-style LSTM graph: the model input is the sequence [time, batch, features], fed
    straight into LSTM (ONNX's default layout), the last hidden state through a Gemm. Reference
    outputs from onnxruntime."""
    import onnx
    import onnxruntime
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(3)
    steps, features, hidden = 6, 3, 5
    w = rng.standard_normal((1, 4 * hidden, features)).astype(np.float32) * 0.5
    r = rng.standard_normal((1, 4 * hidden, hidden)).astype(np.float32) * 0.5
    b = rng.standard_normal((1, 8 * hidden)).astype(np.float32) * 0.1
    fc = rng.standard_normal((2, hidden)).astype(np.float32)
    nodes = [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["", "h"], hidden_size=hidden),
        helper.make_node("Squeeze", ["h", "axes"], ["h2"]),
        helper.make_node("Gemm", ["h2", "fc"], ["y"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "lstm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [steps, 1, features])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"), numpy_helper.from_array(b, "B"),
         numpy_helper.from_array(fc, "fc"), numpy_helper.from_array(np.array([0], dtype=np.int64), "axes")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = os.path.join(OUT, "lstm_sequence_first.onnx")
    onnx.save(model, path)
    session = onnxruntime.InferenceSession(path)
    xs = rng.standard_normal((4, steps, 1, features)).astype(np.float32)
    ys = np.array([session.run(None, {"x": x})[0][0] for x in xs])
    np.save(os.path.join(OUT, "lstm_sequence_first.input.npy"), xs)
    np.save(os.path.join(OUT, "lstm_sequence_first.output.npy"), ys)




def onnx_qoperator_models():
    """The corpus's float ONNX models (onnx-qdq/*/float.onnx) quantized by onnxruntime in its
    QOperator form (QLinearConv, QGemm, QLinearAdd, QLinearGlobalAveragePool, int8, weights per
    channel, 32 standard-normal calibration samples), with onnxruntime's outputs on the corpus's
    input.npy (graph optimizations off). Needs ../shared/corpus."""
    import onnx
    import onnxruntime
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    import tempfile
    for name in ["lenet_cnn", "ds_cnn", "residual_cnn_gap"]:
        source = os.path.join("../shared/corpus/onnx-qdq", name)
        dims = [d.dim_value for d in onnx.load(os.path.join(source, "float.onnx")).graph.input[0].type.tensor_type.shape.dim]
        rng = np.random.RandomState(100)

        class Calibration(CalibrationDataReader):
            def __init__(self):
                self.left = 32

            def get_next(self):
                if self.left == 0:
                    return None
                self.left -= 1
                return {"input": rng.standard_normal(dims).astype(np.float32)}

        with tempfile.TemporaryDirectory() as work:
            prepared = os.path.join(work, "prepared.onnx")
            quant_pre_process(os.path.join(source, "float.onnx"), prepared)
            path = os.path.join(OUT, "qoperator_" + name + ".onnx")
            quantize_static(prepared, path, Calibration(), quant_format=QuantFormat.QOperator,
                            activation_type=QuantType.QInt8, weight_type=QuantType.QInt8, per_channel=True)
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = onnxruntime.InferenceSession(path, options)
        xs = np.load(os.path.join(source, "input.npy"))
        np.save(os.path.join(OUT, "qoperator_" + name + ".output.npy"), np.array([session.run(None, {"input": x})[0] for x in xs]))




def onnx_dynamic_reference():
    """The corpus's dynamically quantized MLP (onnx-qdq/mlp/dynamic_int8.onnx) computed by the
    ONNX operator definitions in numpy: DynamicQuantizeLinear (uint8, halves to even), the integer
    product, the scales. onnxruntime's stored outputs differ: on x86 without VNNI its uint8 x int8
    product sums pairs of products saturated to int16; the same arithmetic with that saturation
    reproduces them exactly, which this checks."""
    import onnx
    from onnx import numpy_helper
    source = "../shared/corpus/onnx-qdq/mlp"
    model = onnx.load(os.path.join(source, "dynamic_int8.onnx"))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    xs = np.load(os.path.join(source, "input.npy")).astype(np.float32)

    def run(x, saturate):
        h = x.ravel()
        for name, relu in [("f.0", True), ("f.2", True), ("f.4", False)]:
            lo, hi = min(0.0, h.min()), max(0.0, h.max())
            scale = np.float32((hi - lo) / 255)
            zero = np.clip(np.rint(-lo / scale), 0, 255)
            q = np.clip(np.rint(h / scale) + zero, 0, 255).astype(np.int64)
            w = init[name + ".weight_Transposed_quantized"].astype(np.int64)
            wz = int(init[name + ".weight_Transposed_zero_point"])
            if saturate:
                acc = np.zeros(w.shape[1], np.int64)
                for k in range(0, len(q), 2):
                    pair = q[k] * w[k] + (q[k + 1] * w[k + 1] if k + 1 < len(q) else 0)
                    acc += np.clip(pair, -32768, 32767)
                acc -= int(zero) * w.sum(0) + wz * q.sum() - int(zero) * wz * len(q)
            else:
                acc = (q - int(zero)) @ (w - wz)
            h = acc.astype(np.float32) * np.float32(scale * init[name + ".weight_Transposed_scale"]) + init[name + ".bias"]
            if relu:
                h = np.maximum(h, 0)
        return h

    stored = np.load(os.path.join(source, "dynamic_int8.output_opt_disabled.npy")).reshape(len(xs), -1)
    assert np.allclose(np.array([run(x, True) for x in xs]), stored, atol=1e-6), "onnxruntime's saturation not reproduced"
    np.save(os.path.join(OUT, "dynamic_mlp.spec_output.npy"), np.array([run(x, False) for x in xs]))



def onnx_legacy_broadcast():
    """An opset-6 graph as PyTorch 0.3 exported them: Add and Mul whose B broadcasts from `axis` of
    A (broadcast = 1), not from the end. onnxruntime reads no opset below 7, so the outputs are the
    operator's definition in numpy."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(4)
    bias = rng.standard_normal(3).astype(np.float32)
    scale = rng.standard_normal((3, 2)).astype(np.float32)
    nodes = [
        helper.make_node("Add", ["x", "bias"], ["t"], broadcast=1, axis=1),
        helper.make_node("Mul", ["t", "scale"], ["y"], broadcast=1, axis=1),
    ]
    graph = helper.make_graph(nodes, "legacy", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 2, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 2, 2])],
                              [numpy_helper.from_array(bias, "bias"), numpy_helper.from_array(scale, "scale")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)])
    model.ir_version = 3
    onnx.save(model, os.path.join(OUT, "legacy_broadcast.onnx"))
    xs = rng.standard_normal((3, 1, 3, 2, 2)).astype(np.float32)
    ys = np.array([(x + bias[None, :, None, None]) * scale[None, :, :, None] for x in xs])
    np.save(os.path.join(OUT, "legacy_broadcast.input.npy"), xs)
    np.save(os.path.join(OUT, "legacy_broadcast.output.npy"), ys)


def onnx_rounding_and_powers():
    """Rounding, signs, powers and casts after a convolution, as PyTorch writes them (x ** 2 with an
    integer exponent, floor, round halves to even, a cast to int32 and back): y = sign(c) *
    floor(3 * c ** 2) + round(2.5 * c) + float(int32(1.7 * c)) + ceil(c), with onnxruntime's outputs."""
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(5)
    w = (rng.standard_normal((2, 1, 3, 3)) * 0.5).astype(np.float32)
    consts = {"two": np.array(2, dtype=np.int64), "three": np.array(3, dtype=np.float32),
              "five_halves": np.array(2.5, dtype=np.float32), "one_seven": np.array(1.7, dtype=np.float32)}
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Pow", ["c", "two"], ["square"]),
        helper.make_node("Mul", ["square", "three"], ["scaled"]),
        helper.make_node("Floor", ["scaled"], ["floored"]),
        helper.make_node("Sign", ["c"], ["sign"]),
        helper.make_node("Mul", ["sign", "floored"], ["signed"]),
        helper.make_node("Mul", ["c", "five_halves"], ["half_steps"]),
        helper.make_node("Round", ["half_steps"], ["rounded"]),
        helper.make_node("Mul", ["c", "one_seven"], ["stretched"]),
        helper.make_node("Cast", ["stretched"], ["integers"], to=TensorProto.INT32),
        helper.make_node("Cast", ["integers"], ["truncated"], to=TensorProto.FLOAT),
        helper.make_node("Ceil", ["c"], ["ceiled"]),
        helper.make_node("Add", ["signed", "rounded"], ["s1"]),
        helper.make_node("Add", ["s1", "truncated"], ["s2"]),
        helper.make_node("Add", ["s2", "ceiled"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "rounding", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 6, 6])],
                              [numpy_helper.from_array(w, "w")] + [numpy_helper.from_array(v, k) for k, v in consts.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = os.path.join(OUT, "rounding_powers.onnx")
    onnx.save(model, path)
    xs = rng.uniform(-1.5, 1.5, (16, 1, 1, 6, 6)).astype(np.float32)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    np.save(os.path.join(OUT, "rounding_powers.input.npy"), xs)
    np.save(os.path.join(OUT, "rounding_powers.output.npy"), np.array([session.run(None, {"x": x})[0] for x in xs]))


def onnx_regressor():
    """A regressor: one output value per sample (a convolution, a global average and a dense layer
    to one unit), for the output-SQNR figure that replaces top-1 agreement there."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(6)
    w = (rng.standard_normal((4, 1, 3, 3)) * 0.5).astype(np.float32)
    d = (rng.standard_normal((1, 4)) * 0.5).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"]),
        helper.make_node("Gemm", ["f", "d"], ["y"], transB=1),
    ]
    graph = helper.make_graph(nodes, "regressor", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(d, "d")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, "regressor.onnx"))
    np.save(os.path.join(OUT, "regressor.input.npy"), rng.uniform(-1, 1, (32, 1, 1, 6, 6)).astype(np.float32))


if __name__ == "__main__":
    main()
    onnx_sequence_first_lstm()
    onnx_qoperator_models()
    onnx_dynamic_reference()
    onnx_legacy_broadcast()
    onnx_rounding_and_powers()
    onnx_regressor()
