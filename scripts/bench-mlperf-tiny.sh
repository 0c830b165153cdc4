#!/bin/sh
# Benchmark (not a test): the four MLPerf Tiny models under QEMU with quantc's instruction-counting
# plugin (and its cycle estimate, zero-wait-state memory, where it models the core: Cortex-M0, M3
# and M4), on mps2-an386 (Cortex-M4F) and mps3-an547 (Cortex-M55), against the TFLM + CMSIS-NN
# figures of issue 10 (instructions per inference, arena, firmware flash; ratio = ours / TFLM).
# Like TFLM's, the firmware's harness links newlib's printf (--printf-harness, about 30 KB).
# --scheme fixed: 8-bit weights (per channel) and activations, from the float models, calibrated
# on 200 corpus CIFAR-10 images for IC and on the sample inputs otherwise.
# --scheme int8: the int8 models, computed as TFLite computes them (fully-connected rounding as TFLM's).
# Then the accuracy of the fixed scheme on the 846 corpus CIFAR-10 images (float: 87.71 %).
# Needs the corpus (../shared/corpus or $CORPUS) and python3 with numpy (scripts/mlperf-samples.py).
# KERNELS=portable measures the portable C kernels instead of the board's DSP variants.
# BOARDS="mps2-an386 qemu-riscv32" picks the boards; TFLM figures exist for the two Arm ones only
# (elsewhere the harness has no printf and the comparison columns say n/a).
set -eu
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
KERNELS=${KERNELS:-auto}
BOARDS=${BOARDS:-mps2-an386 mps3-an547}
Q=.build/release/quantc
[ -x "$Q" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
M=$CORPUS/mlperf-tiny
python3 scripts/mlperf-samples.py "$CORPUS" "$work"

# TFLM + CMSIS-NN (issue 10): instructions, arena, flash per board and model.
tflm() {
  case "$1 $2" in
    "mps2-an386 IC") echo "29863672 54996 211328" ;; "mps2-an386 KWS") echo "7697682 22820 169328" ;;
    "mps2-an386 VWW") echo "24116656 100708 475840" ;; "mps2-an386 AD") echo "583267 2580 340616" ;;
    "mps3-an547 IC") echo "4915437 55028 198056" ;; "mps3-an547 KWS") echo "1813464 27348 156968" ;;
    "mps3-an547 VWW") echo "6573894 100772 463480" ;; "mps3-an547 AD") echo "150379 9268 332280" ;;
    *) echo "0 0 0" ;;
  esac
}

row() { # board name scheme model data [calibration]
  board=$1; name=$2; scheme=$3; model=$4; data=$5
  if [ "$scheme" = int8 ]; then options="--scheme int8"; else options="--calib $6 --calib-count 200 --per-channel --weight-bits 8 --act-bits 8"; fi
  set -- $(tflm "$board" "$name")
  harness=""; [ "$1" = 0 ] || harness=--printf-harness
  # shellcheck disable=SC2086
  if $Q verify "$model" --data "$data" $options --limit 2 --target "$board" --kernels "$KERNELS" $harness --quiet --json "$work/r.json" \
       >/dev/null 2>"$work/err"; then
    python3 - "$work/r.json" "$board" "$name" "$1" "$2" "$3" "$scheme" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
board, name, ti, ta, tf, scheme = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
i, a, f = r["instructions_per_inference"], r["arena_bytes"], r["flash_bytes"]
c = r.get("estimated_cycles_per_inference")
cycles = f"{c:,} | {c / r['macs']:.2f}" if c else "n/a | n/a"
ratio = lambda ours, theirs: f"{ours / theirs:.2f}×" if theirs else "n/a"
print(f"| {board} | {name} | {scheme} | {r['macs']:,} | {i:,} | {i / r['macs']:.3f} | {cycles} | {r['multiply_instructions_per_inference']:,} | "
      f"{a:,} ({a / max(r['arena_lower_bound'], 1):.2f}× bound) | {f:,} | {'yes' if r['bit_exact'] else 'NO'} | "
      f"{ratio(i, ti)} | {ratio(a, ta)} | {ratio(f, tf)} |")
PY
  else
    echo "| $board | $name | $scheme | $(head -c 150 "$work/err" | tr '\n|' '  ') | | | | | | | | | | | |"
  fi
}

echo "| board | model | scheme | MACs | instructions / inference | instr/MAC | estimated cycles | est. cycles/MAC | multiply instrs | arena bytes | firmware flash | bit-exact | instr. vs TFLM | arena vs TFLM | flash vs TFLM |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
for board in $BOARDS; do
  row $board IC fixed "$M/pretrainedResnet.tflite" "$work/ic.npy" "$work/ic-calib.npy"
  row $board KWS fixed "$M/kws_ref_model_float32.tflite" "$work/kws.npy" "$work/kws.npy"
  row $board VWW fixed "$M/vww_96_float.tflite" "$work/vww.npy" "$work/vww.npy"
  row $board AD fixed "$M/ad01_fp32.tflite" "$work/ad.npy" "$work/ad.npy"
  row $board IC int8 "$M/pretrainedResnet_quant.tflite" "$work/ic.npy"
  row $board KWS int8 "$M/kws_ref_model.tflite" "$work/kws.npy"
  row $board VWW int8 "$M/vww_96_int8.tflite" "$work/vww.npy"
  row $board AD int8 "$M/ad01_int8.tflite" "$work/ad.npy"
done
echo
cifar=$CORPUS/cifar10/test_first846.npz
echo "IC accuracy, fixed 8-bit per channel, calibrated on images 0-199, on all 846 corpus CIFAR-10 images (float model: 87.71 %):"
$Q quantize "$M/pretrainedResnet.tflite" --data "$cifar" --calib "$work/ic-calib.npy" --calib-count 200 --per-channel --quiet | grep '^samples'
echo "The same with --refine-fracs (activation fracs moved where the output gets closer to the float model's):"
$Q quantize "$M/pretrainedResnet.tflite" --data "$cifar" --calib "$work/ic-calib.npy" --calib-count 200 --per-channel --refine-fracs \
  --quiet | grep '^samples'
