#!/usr/bin/env python3
"""Makes the small TFLite files of Tests/QuantizationTests/Fixtures with the TFLite converter, and
their reference outputs with ai-edge-litert's reference kernels (BUILTIN_REF, no delegate):
sparse weights (random sparsity, stored CSR; 1x4 blocks) in float and int8, and a dynamic-range
("hybrid") model whose int8-weight layers quantize their float inputs at run time.

Needs: pip install tensorflow-cpu ai-edge-litert numpy. Run from the repository root; the test
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


if __name__ == "__main__":
    main()
