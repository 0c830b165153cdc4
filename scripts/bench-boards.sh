#!/bin/sh
# Benchmark (not a test): instructions per inference and per MAC for every corpus model on
# mps2-an386 (Cortex-M4F), mps3-an547 (Cortex-M55) and qemu-riscv32 (RV32IMAC, portable kernels),
# and for the example on microbit (Cortex-M0, where only it fits), uniform 8-bit per-channel formats, counted
# by quantc's QEMU plugin (deterministic); then the wall time of `quantc verify --target mps2-an386
# --limit 100` on the largest corpus MNIST model (target: 60 s or less).
# Needs the corpus (../shared/corpus or $CORPUS) and python3 with numpy (scripts/mlperf-samples.py
# turns the MLPerf raw sample files into .npy).
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
Q=.build/release/quantc
[ -x "$Q" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MNIST="--data $CORPUS/mnist/t10k-images-idx3-ubyte.gz --labels $CORPUS/mnist/t10k-labels-idx1-ubyte.gz --scale 0.00392156862745098"
python3 scripts/mlperf-samples.py "$CORPUS" "$work"
row() { # name board args...
  name=$1; board=$2; shift 2
  if $Q verify "$@" --per-channel --target "$board" --quiet --json "$work/r.json" >/dev/null 2>"$work/err"; then
    python3 -c "import json,sys; r=json.load(open('$work/r.json')); i=r['instructions_per_inference']; print('| $name | $board | %d | %.2f | %d | %d |' % (i, i / r['macs'], r['multiply_instructions_per_inference'], r['macs']))"
  else
    echo "| $name | $board | $(head -c 120 "$work/err" | tr '\n' ' ') | | | |"
  fi
}
echo "| model | board | instructions / inference | instructions / MAC | multiply instructions | MACs |"
echo "|---|---|---|---|---|---|"
row "example digits CNN" microbit examples/digits_cnn.onnx --data examples/digits_test.npz --scale 0.0625
for board in mps2-an386 mps3-an547 qemu-riscv32; do
  for m in ccoltong1215_lenet_regulized.onnx yan12125_lenet5.onnx akinobu123_model.onnx j-dong-cs_keras_mnist.onnx \
           CharM0625_mnist_model.tflite SeanL1123_mnist_cnn.tflite; do
    row "$m" "$board" "$CORPUS/mnist-models/$m" $MNIST --limit 10 --calib-count 200
  done
  row "MLPerf IC ResNet-8" "$board" "$CORPUS/mlperf-tiny/pretrainedResnet.tflite" --data "$work/ic.npy"
  row "MLPerf KWS DS-CNN" "$board" "$CORPUS/mlperf-tiny/kws_ref_model_float32.tflite" --data "$work/kws.npy"
  row "MLPerf VWW MobileNet" "$board" "$CORPUS/mlperf-tiny/vww_96_float.tflite" --data "$work/vww.npy"
  row "MLPerf AD autoencoder" "$board" "$CORPUS/mlperf-tiny/ad01_fp32.tflite" --data "$work/ad.npy" --limit 20
  row "example digits CNN" "$board" examples/digits_cnn.onnx --data examples/digits_test.npz --scale 0.0625
done
start=$(date +%s)
$Q verify "$CORPUS/mnist-models/j-dong-cs_keras_mnist.onnx" $MNIST --limit 100 --per-channel --target mps2-an386 --quiet >/dev/null
echo "wall time of verify --target mps2-an386 --limit 100 on j-dong-cs_keras_mnist (33 M MACs): $(( $(date +%s) - start )) s (target 60 s)"
