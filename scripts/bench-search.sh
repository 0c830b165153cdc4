#!/usr/bin/env bash
# Issue-4 benchmark: wall time of `--weight-bits auto --max-drop 1` on the largest corpus MNIST model
# (j-dong-cs, 33 M MACs) searching on test images 0-999, and the integer simulator's images/s.
# A benchmark, not a test: the figures depend on the machine (the target is <= 60 s on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus}
model=${MODEL:-$corpus/mnist-models/j-dong-cs_keras_mnist.onnx}
images=$corpus/mnist/t10k-images-idx3-ubyte.gz
labels=$corpus/mnist/t10k-labels-idx1-ubyte.gz
cd "$root"
swift build -c release --product quantc >/dev/null
q=.build/release/quantc
plan=$(mktemp --suffix .json)
trap 'rm -f "$plan"' EXIT
common=(--data "$images" --labels "$labels" --scale 0.00392156862745098 --quiet --json --per-channel)
seconds() { local start=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $start" | bc; }

# The search (calibration included), scored on a single image so that evaluation costs nothing.
search=$(seconds $q quantize "$model" --weight-bits auto --max-drop 1 --calib "$images" --calib-labels "$labels" \
         --calib-count 1000 --limit 1 -o "$plan" "${common[@]}")
printf 'auto search on %s, 1,000 images: %.1f s (%s cores)\n' "$(basename "$model")" "$search" "$(nproc)"

# The simulator: evaluating the plan on 9,000 images runs the float reference and the integer
# simulator; the float reference alone is timed by `run`, and the difference is the simulator's.
n=9000
both=$(seconds $q quantize "$model" --plan "$plan" --calib "$images" --calib-count 1000 --skip 1000 --limit $n "${common[@]}")
float=$(seconds $q run "$model" --data "$images" --scale 0.00392156862745098 --skip 1000 --limit $n --json)
python3 -c "
both, flt, n = $both, $float, $n
print('evaluation of %d images: %.1f s, float reference alone %.1f s' % (n, both, flt))
print('integer simulator: about %.0f images/s' % (n / max(both - flt, 1e-9)))"
