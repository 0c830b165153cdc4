#!/bin/sh
# Benchmark (not a test): what fine-tuning buys in each scheme. For ResNet-8 (MLPerf Tiny IC,
# trained on the corpus's 5,085 CIFAR-10 training images, scored on the first 1,017 test images) and two corpus MNIST models (trained on test images 0-4999,
# scored on 5000-9999: the corpus has no MNIST training set), each scheme: held-out top-1 of the
# integer program with nearest rounding, with error-feedback rounding, and fine-tuned (from the
# error-feedback plan, finetune's default);
# weights in bytes as the bundle stores them, multiplies (static count), instructions per
# inference on mps2-an386 (Cortex-M4F, QEMU, 5 samples, bit-exact checked) and the wall time of
# the fine-tuning. EPOCHS (default 4 for ResNet-8, 3 for MNIST) changes the epochs.
# Needs the corpus (../shared/corpus or $CORPUS) and python3.
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
Q=${QUANTC:-.build/release/quantc}
[ -x "$Q" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CIFAR="--train $CORPUS/cifar10/train_5085.npz --data $CORPUS/cifar10/test_first1017.npz --epochs ${EPOCHS:-4}"
CIFAR_CALIB="--calib $CORPUS/cifar10/train_5085.npz --data $CORPUS/cifar10/test_first1017.npz"
IMAGES=$CORPUS/mnist/t10k-images-idx3-ubyte.gz LABELS=$CORPUS/mnist/t10k-labels-idx1-ubyte.gz
MNIST="--train $IMAGES --train-labels $LABELS --train-limit 5000 --data $IMAGES --labels $LABELS --skip 5000 --scale 0.00392156862745098 --epochs ${EPOCHS:-3}"
MNIST_CALIB="--calib $IMAGES --data $IMAGES --labels $LABELS --skip 5000 --scale 0.00392156862745098"
row() { # label model-file "finetune data" "quantize data" scheme args...
  label=$1; file=$2; tune=$3; calib=$4; shift 4
  for feedback in no-error-feedback error-feedback; do
    # shellcheck disable=SC2086
    $Q quantize "$file" "$@" --$feedback $calib --calib-count 500 --quiet --json >"$work/$feedback.json" 2>"$work/err" || echo "{}" >"$work/$feedback.json"
  done
  # shellcheck disable=SC2086
  $Q quantize "$file" "$@" $calib --calib-count 500 --quiet -o "$work/post.json" >/dev/null 2>"$work/err"
  start=$(date +%s)
  # shellcheck disable=SC2086
  if ! $Q finetune "$file" "$@" $tune --quiet --json -o "$work/tuned.json" >"$work/record.json" 2>"$work/err"; then
    echo "| $label | $* | $(head -c 150 "$work/err" | tr '\n' ' ') | | | | | | | |"; return
  fi
  seconds=$(( $(date +%s) - start ))
  for plan in post tuned; do
    # shellcheck disable=SC2086
    $Q verify "$file" --plan "$work/$plan.json" $calib --limit 5 --target mps2-an386 --quiet --json "$work/$plan-board.json" \
      >/dev/null 2>"$work/err" || echo "{}" >"$work/$plan-board.json"
  done
  python3 - "$work" "$label" "$*" "$seconds" <<'PY'
import json, sys
w, label, scheme, seconds = sys.argv[1:]
def load(name): return json.load(open(w + "/" + name + ".json"))
record, post, tuned = load("record"), load("post-board"), load("tuned-board")
def acc(r): return "%.2f %%" % (100 * r["quant_accuracy"]) if r.get("quant_accuracy") is not None else "n/a"
def instr(r): return "%.2f M" % (r["instructions_per_inference"] / 1e6) if "instructions_per_inference" in r else "n/a"
exact = all(r.get("bit_exact") for r in (post, tuned))
print("| %s | %s | %s | %s | %.2f %% | %s | %s | %s / %s | %s | %s s |" % (label, scheme, acc(load("no-error-feedback")),
      acc(load("error-feedback")), 100 * record["accuracyAfter"], tuned.get("weight_bytes", "n/a"), tuned.get("multiplies_static", "n/a"),
      instr(post), instr(tuned), "yes" if exact else "NO", seconds))
PY
}
echo "| model | scheme | nearest | error feedback | fine-tuned | weight bytes | multiplies | M4F instructions (post / tuned) | bit-exact | fine-tuning time |"
echo "|---|---|---|---|---|---|---|---|---|---|"
RESNET=$CORPUS/mlperf-tiny/pretrainedResnet.tflite
for scheme in "--scheme bitplane --planes 1" "--scheme bitplane --planes 2" "--scheme bitplane --planes 3" \
              "--scheme codebook --clusters 4" "--scheme fixed --weight-bits 4 --per-channel" "--scheme shift --digits 1 --per-channel"; do
  # shellcheck disable=SC2086
  row "ResNet-8" "$RESNET" "$CIFAR" "$CIFAR_CALIB" $scheme
done
for name in akinobu123_model.onnx yan12125_lenet5.onnx; do
  for scheme in "--scheme bitplane --planes 1" "--scheme codebook --clusters 2" "--scheme fixed --weight-bits 2 --per-channel" \
                "--scheme shift --digits 1 --per-channel"; do
    # shellcheck disable=SC2086
    row "$name" "$CORPUS/mnist-models/$name" "$MNIST" "$MNIST_CALIB" $scheme
  done
done
