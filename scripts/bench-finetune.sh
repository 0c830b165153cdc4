#!/bin/sh
# Benchmark (not a test): what fine-tuning buys in each scheme. For ResNet-8 (MLPerf Tiny IC,
# trained on the corpus's 5,085 CIFAR-10 training images with random crops and mirror images, scored
# on the first 1,017 test images) and two corpus MNIST models (trained on test images 0-4999,
# scored on 5000-9999: the corpus has no MNIST training set), each scheme before and after:
# held-out top-1 of the integer program, weights in bytes as the bundle stores them, multiplies
# (static count), instructions per inference on mps2-an386 (Cortex-M4F, QEMU, 5 samples,
# bit-exact checked) and the wall time of the fine-tuning. Then the bit-plane ablation of
# error feedback (where the planes start). EPOCHS (default 8 for ResNet-8, 3 for MNIST) shortens it.
# Needs the corpus (../shared/corpus or $CORPUS) and python3.
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
Q=.build/release/quantc
[ -x "$Q" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CIFAR="--train $CORPUS/cifar10/train_5085.npz --data $CORPUS/cifar10/test_first1017.npz --augment crop-flip --epochs ${EPOCHS:-8}"
CIFAR_CALIB="--calib $CORPUS/cifar10/train_5085.npz --data $CORPUS/cifar10/test_first1017.npz"
IMAGES=$CORPUS/mnist/t10k-images-idx3-ubyte.gz LABELS=$CORPUS/mnist/t10k-labels-idx1-ubyte.gz
MNIST="--train $IMAGES --train-labels $LABELS --train-limit 5000 --data $IMAGES --labels $LABELS --skip 5000 --scale 0.00392156862745098 --epochs ${EPOCHS:-3}"
MNIST_CALIB="--calib $IMAGES --data $IMAGES --labels $LABELS --skip 5000 --scale 0.00392156862745098"
row() { # label model "finetune data" "quantize data" scheme args...
  label=$1; model=$2; tune=$3; calib=$4; shift 4
  start=$(date +%s)
  # shellcheck disable=SC2086
  if ! $Q finetune "$model" "$@" $tune --quiet --json -o "$work/tuned.json" >"$work/record.json" 2>"$work/err"; then
    echo "| $label | $* | $(head -c 150 "$work/err" | tr '\n' ' ') | | | | | | |"; return
  fi
  seconds=$(( $(date +%s) - start ))
  # shellcheck disable=SC2086
  $Q quantize "$model" "$@" $calib --calib-count 500 --quiet -o "$work/post.json" >/dev/null 2>"$work/err"
  for plan in post tuned; do
    # shellcheck disable=SC2086
    $Q verify "$model" --plan "$work/$plan.json" $calib --limit 5 --target mps2-an386 --quiet --json "$work/$plan-board.json" \
      >/dev/null 2>"$work/err" || echo "{}" >"$work/$plan-board.json"
  done
  python3 - "$work" "$label" "$*" "$seconds" <<'PY'
import json, sys
w, label, scheme, seconds = sys.argv[1:]
record = json.load(open(w + "/record.json"))
post, tuned = json.load(open(w + "/post-board.json")), json.load(open(w + "/tuned-board.json"))
def instr(r): return "%.2f M" % (r["instructions_per_inference"] / 1e6) if "instructions_per_inference" in r else "n/a"
exact = all(r.get("bit_exact") for r in (post, tuned))
print("| %s | %s | %.2f %% | %.2f %% | %s | %s | %s / %s | %s | %s s |" % (label, scheme, 100 * record["accuracyBefore"], 100 * record["accuracyAfter"],
      tuned.get("weight_bytes", "n/a"), tuned.get("multiplies_static", "n/a"), instr(post), instr(tuned), "yes" if exact else "NO", seconds))
PY
}
echo "| model | scheme | post-training | fine-tuned | weight bytes | multiplies | M4F instructions (post / tuned) | bit-exact | fine-tuning time |"
echo "|---|---|---|---|---|---|---|---|---|"
RESNET=$CORPUS/mlperf-tiny/pretrainedResnet.tflite
for scheme in "--scheme bitplane --planes 1" "--scheme bitplane --planes 2" "--scheme bitplane --planes 3" \
              "--scheme codebook --clusters 4" "--scheme fixed --weight-bits 4 --per-channel" "--scheme shift --digits 1 --per-channel"; do
  # shellcheck disable=SC2086
  row "ResNet-8" "$RESNET" "$CIFAR" "$CIFAR_CALIB" $scheme
done
for model in akinobu123_model.onnx yan12125_lenet5.onnx; do
  for scheme in "--scheme bitplane --planes 1" "--scheme codebook --clusters 2" "--scheme fixed --weight-bits 2 --per-channel" \
                "--scheme shift --digits 1 --per-channel"; do
    # shellcheck disable=SC2086
    row "$model" "$CORPUS/mnist-models/$model" "$MNIST" "$MNIST_CALIB" $scheme
  done
done
echo
echo "Bit planes on ResNet-8, two planes: where fine-tuning starts"
# shellcheck disable=SC2086
row "ResNet-8" "$RESNET" "$CIFAR" "$CIFAR_CALIB" --scheme bitplane --planes 2 --no-error-feedback
