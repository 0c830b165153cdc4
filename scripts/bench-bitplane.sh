#!/bin/sh
# The bit-plane scheme (issue 8) against 8-bit fixed point (per channel) on every corpus MNIST
# model: top-1 drop on test images 1000-2999 (calibrated on 0-999), multiplies as % of MACs (static,
# equal to the executed count inside bit-plane layers), weight bits per weight (planes, scales and
# the fixed layers; weight bytes x 8 / weights), and instructions per inference on QEMU's
# Cortex-M0 (micro:bit; "-" where the model does not fit its 16 KiB of RAM) and Cortex-M4F
# (mps2-an386), the mean over 3 images. Prints a Markdown table.
. "$(dirname "$0")/mnist-bench-setup.sh"
instructions() { # model, board, config...
  model=$1 board=$2; shift 2
  if $Q verify "$model" "$@" $DATA --limit 3 --target "$board" --quiet --json "$TMP/v.json" >/dev/null 2>&1; then
    python3 -c "import json; print(json.load(open('$TMP/v.json'))['instructions_per_inference'])"
  else
    echo "-"
  fi
}
echo "| model | scheme | top-1 drop (pp) | multiplies % of MACs | bits/weight | instructions M0 | instructions M4F |"
echo "|---|---|---|---|---|---|---|"
for m in $MODELS; do
  for config in "fixed" "bitplane 1" "bitplane 2" "bitplane 3" "bitplane 4"; do
    set -- $config
    if [ "$1" = fixed ]; then args="--scheme fixed --per-channel"; else args="--scheme bitplane --planes $2"; fi
    $Q quantize "$CORPUS/mnist-models/$m" $args $DATA --skip 1000 --limit 2000 --quiet --json > "$TMP/q.json"
    cells=$(python3 -c "
import json; r = json.load(open('$TMP/q.json'))
print('%.2f | %.2f | %.2f' % (100 * (r['float_accuracy'] - r['quant_accuracy']), 100 * r['multiplies_static'] / r['macs'],
      8 * r['weight_bytes_ratio_8bit']))")
    m0=$(instructions "$CORPUS/mnist-models/$m" microbit $args)
    m4=$(instructions "$CORPUS/mnist-models/$m" mps2-an386 $args)
    echo "| $m | $config | $cells | $m0 | $m4 |"
  done
done
