#!/usr/bin/env bash
# Throughput of the float reference (`quantc run`, release) on the largest corpus MNIST model over the
# 10,000 test images, and of onnxruntime (single thread) when its Python package is installed.
# Prints images/s for both and the ratio. A benchmark, not a test: numbers depend on the machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus}
model=$corpus/mnist-models/j-dong-cs_keras_mnist.onnx
images=$corpus/mnist/t10k-images-idx3-ubyte.gz
cd "$root"
swift build -c release --product quantc >/dev/null
ours=$(.build/release/quantc run "$model" --data "$images" --scale 0.00392156862745098 --json | python3 -c '
import json, sys; r = json.load(sys.stdin); print(r["samples"] / r["seconds"])')
printf 'quantc float reference: %.0f images/s (%s cores)\n' "$ours" "$(nproc)"
if python3 -c 'import onnxruntime' 2>/dev/null; then
  ort=$(python3 - "$model" "$images" <<'PY'
import gzip, sys, time
import numpy as np, onnxruntime as ort
model, images = sys.argv[1], sys.argv[2]
raw = np.frombuffer(gzip.open(images).read()[16:], dtype=np.uint8).reshape(-1, 28, 28, 1)
x = (raw.astype(np.float32) / 255.0)
options = ort.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
start = time.perf_counter()
for i in range(len(x)):
    session.run(None, {name: x[i:i + 1]})
print(len(x) / (time.perf_counter() - start))
PY
)
  printf 'onnxruntime (1 thread, batch 1): %.0f images/s\n' "$ort"
  python3 -c "print('ratio quantc / onnxruntime-1-thread: %.2f' % ($ours / $ort))"
else
  echo "onnxruntime not installed (pip install onnxruntime): ratio not measured"
fi
