#!/usr/bin/env bash
# Issue-4 acceptance on the corpus MNIST models: search/calibrate on test images 0-999, evaluate on
# 1000-9999. Prints, per model, 8-bit accuracy and the auto-search result (bits, accuracy, ratios).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus}
cd "$root"
swift build -c release --product quantc >/dev/null
q=.build/release/quantc
m=$corpus/mnist
common=(--calib "$m/t10k-images-idx3-ubyte.gz" --calib-labels "$m/t10k-labels-idx1-ubyte.gz" --calib-count 1000
        --data "$m/t10k-images-idx3-ubyte.gz" --labels "$m/t10k-labels-idx1-ubyte.gz" --skip 1000
        --scale 0.00392156862745098 --quiet --json $([ -n "${PER_CHANNEL:-}" ] && echo --per-channel || echo --no-per-channel))
summary() { python3 -c '
import json, sys
r = json.load(sys.stdin)
bits = " ".join("%s:%s/%s" % (l["op"][0], l.get("weight_bits") or "-", l["act_bits"]) for l in r["layers"] if l["op"] in ("conv", "dense", "depthwise_conv"))
print("float %.2f%%  quant %.2f%%  drop %.2f pp  weights %.3fx  mult %.3fx  [%s]" % (100*r["float_accuracy"], 100*r["quant_accuracy"],
      100*(r["float_accuracy"]-r["quant_accuracy"]), r["weight_bytes_ratio_8bit"], r["multiply_cost_ratio_8bit"], bits))'; }
for model in "$corpus"/mnist-models/*.onnx "$corpus"/mnist-models/*.tflite; do
  [ -n "${MODELS:-}" ] && ! echo "$model" | grep -qE "$MODELS" && continue
  name=$(basename "$model")
  echo "== $name"
  printf '  8-bit: '; $q quantize "$model" --weight-bits 8 --act-bits 8 "${common[@]}" | summary
  start=$(date +%s)
  printf '  auto:  '; $q quantize "$model" --weight-bits auto --max-drop 1 ${OBJECTIVE:+--objective $OBJECTIVE} "${common[@]}" | summary
  echo "  search + evaluation: $(( $(date +%s) - start )) s"
done
