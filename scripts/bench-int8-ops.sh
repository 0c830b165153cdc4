#!/bin/sh
# Benchmark (not a test): every int8 TFLite operator test of the corpus (tflite-op-tests/*/int8.tflite,
# made by the TFLite converter) verified on mps2-an386 (Cortex-M4F, DSP kernels) against the
# simulator, with the instructions per inference and per output element counted by quantc's QEMU
# plugin (deterministic). One row per operator test; inputs are the test's own float samples
# (quantized by the bundle's helper) or its int8 ones, and with several inputs an .npz of them.
# Needs the corpus (../shared/corpus or $CORPUS) and python3 with numpy.
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
Q=.build/release/quantc
[ -x "$Q" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| operator test | bit-exact | instructions / inference | output elements | instructions / element |"
echo "|---|---|---|---|---|"
for dir in "$CORPUS"/tflite-op-tests/*/; do
  name=$(basename "$dir")
  [ -f "$dir/int8.tflite" ] || continue
  # The float samples, or (a test made only in int8) the int8 ones, taken as the input's integers.
  form=float32
  [ -f "$dir/float32.input_0.npy" ] || form=int8
  n=$(ls "$dir"/$form.input_*.npy 2>/dev/null | wc -l)
  if [ "$n" -gt 1 ]; then
    python3 -c "
import numpy as np, sys
d = sys.argv[1]; np.savez(sys.argv[2], **{'x%d' % k: np.load('%s/$form.input_%d.npy' % (d, k)) for k in range($n)})" "$dir" "$work/in.npz"
    data="$work/in.npz"
  else
    data="$dir/$form.input_0.npy"
  fi
  if $Q verify "$dir/int8.tflite" --data "$data" --limit 2 --target mps2-an386 --quiet --json "$work/r.json" >/dev/null 2>"$work/err"; then
    python3 - "$work/r.json" "$dir/int8.output_0.npy" "$name" <<'PY'
import json, sys
import numpy as np
r = json.load(open(sys.argv[1]))
elements = int(np.prod(np.load(sys.argv[2]).shape[1:]))
i = r["instructions_per_inference"]
print("| %s | %s | %d | %d | %.2f |" % (sys.argv[3], "yes" if r["bit_exact"] else "NO", i, elements, i / elements))
PY
  else
    echo "| $name | not run: $(head -c 100 "$work/err" | tr '\n|' '  ') | | | |"
  fi
done
