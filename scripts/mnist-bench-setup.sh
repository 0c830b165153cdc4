# Sourced by the MNIST benchmarks (bench-bitplane.sh, bench-codebook.sh, ablation-shift.sh): the
# repository as working directory, the release build of quantc ($Q), the corpus MNIST test set
# ($IMAGES, $LABELS), $MODELS (the six corpus MNIST models unless set), $DATA (calibration on images 0-999 and
# the data options) and a temporary directory $TMP removed on exit.
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
Q=.build/release/quantc
[ -x "$Q" ] || swift build -c release
IMAGES=$CORPUS/mnist/t10k-images-idx3-ubyte.gz
LABELS=$CORPUS/mnist/t10k-labels-idx1-ubyte.gz
MODELS=${MODELS:-"ccoltong1215_lenet_regulized.onnx yan12125_lenet5.onnx akinobu123_model.onnx j-dong-cs_keras_mnist.onnx
        CharM0625_mnist_model.tflite SeanL1123_mnist_cnn.tflite"}
DATA="--calib $IMAGES --calib-labels $LABELS --calib-count 1000 --data $IMAGES --labels $LABELS --scale 0.00392156862745098"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
