#!/bin/sh
# Benchmark (not a test): what packed weights cost and save on mps2-an386 (Cortex-M4F). For
# ResNet-8 and DS-CNN (MLPerf Tiny) and the example, at 8-, 4- and 2-bit per-channel weights, each
# weight storage side by side: constants (bytes), firmware flash, arena, instructions per
# inference (counted by quantc's QEMU plugin: deterministic), and the instructions relative to the
# same bits stored a byte each. Then j-dong's model with the bit-allocation search on a board with
# 512 KiB of flash (nucleo-f446re: built, not run), where --weight-storage auto must pack.
# Needs the corpus (../shared/corpus or $CORPUS) and python3 with numpy.
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
Q=.build/release/quantc
[ -x "$Q" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/mlperf-samples.py "$CORPUS" "$work"
row() { # name bits storage args...
  name=$1; bits=$2; storage=$3; shift 3
  if $Q verify "$@" --per-channel --weight-bits "$bits" --weight-storage "$storage" --target mps2-an386 --quiet \
       --json "$work/r.json" >/dev/null 2>"$work/err"; then
    python3 - "$work/r.json" "$work/base-$name-$bits" "$name" "$bits" "$storage" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1])); base = sys.argv[2]
i = r["instructions_per_inference"]
if sys.argv[5] == "bytes": open(base, "w").write(str(i))
ratio = i / int(open(base).read()) if os.path.exists(base) else float("nan")
print("| %s | %s | %s | %d | %d | %d | %d | %.3f | %s |" % (sys.argv[3], sys.argv[4], sys.argv[5], r["weight_bytes"], r["flash_bytes"],
      r["arena_bytes"], i, ratio, "yes" if r["bit_exact"] else "NO"))
PY
  else
    echo "| $name | $bits | $storage | $(head -c 120 "$work/err" | tr '\n' ' ') | | | | | |"
  fi
}
echo "| model | weight bits | storage | constants | firmware flash | arena | instructions | vs bytes | bit-exact |"
echo "|---|---|---|---|---|---|---|---|---|"
for bits in 8 4 2; do
  for storage in bytes packed packed-inline; do
    [ "$bits" = 8 ] && [ "$storage" != bytes ] && continue
    row "ResNet-8" "$bits" "$storage" "$CORPUS/mlperf-tiny/pretrainedResnet.tflite" --data "$work/ic.npy"
    row "DS-CNN" "$bits" "$storage" "$CORPUS/mlperf-tiny/kws_ref_model_float32.tflite" --data "$work/kws.npy"
    row "example" "$bits" "$storage" examples/digits_cnn.onnx --data examples/digits_test.npz --scale 0.0625 --limit 20
  done
done
MNIST="--calib $CORPUS/mnist/t10k-images-idx3-ubyte.gz --data $CORPUS/mnist/t10k-images-idx3-ubyte.gz --labels $CORPUS/mnist/t10k-labels-idx1-ubyte.gz --scale 0.00392156862745098"
for storage in bytes auto; do
  if $Q verify "$CORPUS/mnist-models/j-dong-cs_keras_mnist.onnx" $MNIST --calib-count 500 --skip 1000 --limit 10 --weight-bits auto \
       --max-drop 1 --per-channel --weight-storage "$storage" --target nucleo-f446re --quiet --json "$work/j.json" >/dev/null 2>"$work/err"; then
    python3 -c "import json; r=json.load(open('$work/j.json')); print('j-dong, --weight-bits auto, --weight-storage $storage on nucleo-f446re: constants %d bytes, firmware flash %d of 524288 bytes' % (r['weight_bytes'], r['flash_bytes']))"
  else
    echo "j-dong, --weight-bits auto, --weight-storage $storage on nucleo-f446re: $(head -c 200 "$work/err")"
  fi
done
