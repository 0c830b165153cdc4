#!/bin/sh
# The codebook scheme (issue 9) on every corpus MNIST model: K = 4, 8, 16, 32 centroids against
# 4-, 5- and 8-bit activations: top-1 drop on test images 1000-2999 (calibrated on 0-999), weight
# bits per weight (indices, codebooks and the fixed output layer; weight bytes x 8 / weights), and
# per inference on QEMU's Cortex-M4F (mps2-an386, the mean over 3 images) the instructions and
# multiply instructions of the lookup form and of the accumulating form. Prints a Markdown table.
. "$(dirname "$0")/mnist-bench-setup.sh"
board() { # model, config... -> "instructions | multiply instructions"
  model=$1; shift
  if $Q verify "$model" "$@" $DATA --limit 3 --target mps2-an386 --quiet --json "$TMP/v.json" >/dev/null 2>&1; then
    python3 -c "import json; r = json.load(open('$TMP/v.json')); print('%d | %d' % (r['instructions_per_inference'], r['multiply_instructions_per_inference']))"
  else
    echo "- | -"
  fi
}
echo "| model | K | act bits | top-1 drop (pp) | bits/weight | lookup: instructions | lookup: multiplies | accumulate: instructions | accumulate: multiplies |"
echo "|---|---|---|---|---|---|---|---|---|"
for m in $MODELS; do
  model=$CORPUS/mnist-models/$m
  for k in 4 8 16 32; do
    for a in 4 5 8; do
      args="--scheme codebook --clusters $k --act-bits $a"
      $Q quantize "$model" $args $DATA --skip 1000 --limit 2000 --quiet --json > "$TMP/q.json"
      cells=$(python3 -c "
import json; r = json.load(open('$TMP/q.json'))
print('%.2f | %.2f' % (100 * (r['float_accuracy'] - r['quant_accuracy']), 8 * r['weight_bytes_ratio_8bit']))")
      # Instructions do not depend on the activation bits below 8 (int8 storage): measured once per K.
      if [ "$a" = 5 ]; then
        echo "| $m | $k | $a | $cells | $(board "$model" $args --accumulate no) | $(board "$model" $args --accumulate yes) |"
      else
        echo "| $m | $k | $a | $cells | | | | |"
      fi
    done
  done
done
