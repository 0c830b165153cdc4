#!/usr/bin/env python3
"""Trains the example CNN of examples/ with numpy alone and exports it to ONNX.

Data: scikit-learn's bundled 8x8 handwritten digits (1,797 images, pixel values 0..16). A seeded
shuffle keeps 1,400 images for training and writes the other 397 to examples/digits_test.npz
(x: uint8 [N, 1, 8, 8] raw 0..16, so quantc reads it with --scale 0.0625; y: uint8 labels).
Model (NCHW, as PyTorch would export it): Conv 3x3 1->8 + ReLU, MaxPool 2, Conv 3x3 8->16 + ReLU,
MaxPool 2, Flatten, Gemm 64->10. About 24 k MACs, so it fits even the micro:bit's 16 KiB of RAM.
Dev script only (numpy, scikit-learn, onnx; onnxruntime optional for the cross-check).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples")
rng = np.random.default_rng(2026)


def im2col(x, k=3, pad=1):
    """[N, C, H, W] -> [N, H*W, C*k*k] patches for a stride-1 'same' convolution."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, c, k, k, h, w), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i:i + h, j:j + w]
    return cols.reshape(n, c * k * k, h * w).transpose(0, 2, 1)


def col2im(cols, shape, k=3, pad=1):
    n, c, h, w = shape
    cols = cols.transpose(0, 2, 1).reshape(n, c, k, k, h, w)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            xp[:, :, i:i + h, j:j + w] += cols[:, :, i, j]
    return xp[:, :, pad:pad + h, pad:pad + w]


class Conv:
    def __init__(self, cin, cout):
        self.w = rng.normal(0, np.sqrt(2 / (cin * 9)), (cout, cin, 3, 3)).astype(np.float32)
        self.b = np.zeros(cout, np.float32)

    def forward(self, x):
        self.shape, self.cols = x.shape, im2col(x)
        n, _, h, w = x.shape
        y = self.cols @ self.w.reshape(len(self.b), -1).T + self.b
        return y.transpose(0, 2, 1).reshape(n, len(self.b), h, w)

    def backward(self, g):
        n, cout, h, w = g.shape
        g2 = g.reshape(n, cout, h * w).transpose(0, 2, 1)
        self.dw = np.einsum("npo,npk->ok", g2, self.cols).reshape(self.w.shape)
        self.db = g2.sum(axis=(0, 1))
        return col2im(g2 @ self.w.reshape(cout, -1), self.shape)


def maxpool(x):
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = r.max(axis=(3, 5))
    mask = r == y[:, :, :, None, :, None]
    return y, mask


def maxpool_back(g, mask):
    return (mask * g[:, :, :, None, :, None]).reshape(mask.shape[0], mask.shape[1], mask.shape[2] * 2, mask.shape[4] * 2)


def main():
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target
    order = rng.permutation(len(y))
    train, test = order[:1400], order[1400:]

    c1, c2 = Conv(1, 8), Conv(8, 16)
    wd = rng.normal(0, np.sqrt(2 / 64), (10, 64)).astype(np.float32)
    bd = np.zeros(10, np.float32)
    params = [c1.w, c1.b, c2.w, c2.b, wd, bd]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]

    def forward(xb):
        a1 = np.maximum(c1.forward(xb), 0)
        p1, k1 = maxpool(a1)
        a2 = np.maximum(c2.forward(p1), 0)
        p2, k2 = maxpool(a2)
        flat = p2.reshape(len(xb), -1)
        return flat @ wd.T + bd, (a1, k1, a2, k2, flat)

    step = 0
    for epoch in range(40):
        for start in range(0, len(train), 32):
            batch = train[start:start + 32]
            logits, (a1, k1, a2, k2, flat) = forward(x[batch])
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(batch)), y[batch]] -= 1
            g = p / len(batch)
            dwd, dbd = g.T @ flat, g.sum(axis=0)
            gp2 = (g @ wd).reshape(k2.shape[0], 16, 2, 2)
            ga2 = maxpool_back(gp2, k2) * (a2 > 0)
            gp1 = c2.backward(ga2)
            ga1 = maxpool_back(gp1, k1) * (a1 > 0)
            c1.backward(ga1)
            grads = [c1.dw, c1.db, c2.dw, c2.db, dwd, dbd]
            step += 1
            for i, (param, grad) in enumerate(zip(params, grads)):
                m[i] = 0.9 * m[i] + 0.1 * grad
                v[i] = 0.999 * v[i] + 0.001 * grad * grad
                param -= 0.003 * (m[i] / (1 - 0.9 ** step)) / (np.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    accuracy = (forward(x[test])[0].argmax(axis=1) == y[test]).mean()
    print(f"test accuracy (numpy): {accuracy:.4f} on {len(test)} images")

    def init(name, array):
        return numpy_helper.from_array(array.astype(np.float32), name)

    nodes = [
        helper.make_node("Conv", ["image", "conv1.w", "conv1.b"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "digits_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        [init("conv1.w", c1.w), init("conv1.b", c1.b), init("conv2.w", c2.w), init("conv2.b", c2.b), init("fc.w", wd), init("fc.b", bd)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="quantc scripts/train-example.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, "digits_cnn.onnx"))
    raw = digits.images[test].astype(np.uint8)[:, None]
    np.savez(os.path.join(OUT, "digits_test.npz"), x=raw, y=y[test].astype(np.uint8))
    try:
        import onnxruntime as ort
        session = ort.InferenceSession(os.path.join(OUT, "digits_cnn.onnx"))
        preds = [session.run(None, {"image": x[i:i + 1]})[0].argmax() for i in test]
        print(f"test accuracy (onnxruntime): {(np.array(preds) == y[test]).mean():.4f}")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
