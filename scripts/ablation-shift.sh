#!/bin/sh
# The shift scheme's ablation (issue 7): uniform 8-bit fixed point against two-digit and one-digit
# signed digits (nearest rounding) and two digits by CSD truncation, per channel, on every corpus
# MNIST model: calibrated on test images 0-999, measured on 1000-9999. Prints a Markdown table
# (top-1, drop, bits per weight). Instruction counts per inference: scripts/bench-boards.sh and
# `quantc verify --scheme shift --target microbit|mps2-an386`.
. "$(dirname "$0")/mnist-bench-setup.sh"
echo "| model | float | fixed 8-bit | shift 2 nearest | shift 1 nearest | shift 2 csd-truncate |"
echo "|---|---|---|---|---|---|"
for m in $MODELS; do
  line="| $m"
  float=""
  for config in "--scheme fixed" "--scheme shift --digits 2" "--scheme shift --digits 1" "--scheme shift --digits 2 --rounding csd-truncate"; do
    json=$($Q quantize "$CORPUS/mnist-models/$m" $config --per-channel $DATA --skip 1000 --quiet --json)
    cell=$(echo "$json" | python3 -c "import json,sys; r=json.load(sys.stdin); print('%.2f %% (%.2f pp)' % (100*r['quant_accuracy'], 100*(r['float_accuracy']-r['quant_accuracy'])))")
    [ -n "$float" ] || float=$(echo "$json" | python3 -c "import json,sys; print('%.2f %%' % (100*json.load(sys.stdin)['float_accuracy']))")
    line="$line | $cell"
  done
  echo "| $m | $float${line#"| $m"} |"
done
echo "(bits per weight: 8 for every column; the shift columns execute no multiply in conv/dense layers)"
