#!/usr/bin/env python3
"""Writes the MLPerf Tiny corpus samples as .npy files quantc reads, for the benchmarks
(bench-boards.sh, bench-mlperf-tiny.sh). Usage: mlperf-samples.py CORPUS OUTDIR

kws.npy   the int8 KWS sample dequantized with the int8 model's input scale and zero point
vww.npy   the two VWW images (float, 0..1)
ad.npy    the 196 windows of five consecutive log-mel frames of the AD clip
ic.npy    the first 10 corpus CIFAR-10 images (pixels 0..255 as float), ic-calib.npy the first 200
"""
import sys

import numpy as np

corpus, out = sys.argv[1], sys.argv[2]
m = corpus + "/mlperf-tiny/"
kws = (np.fromfile(m + "kws_input_int8_1x49x10x1.bin", dtype=np.int8).astype(np.float32) - 83) * 0.5847029089927673
np.save(out + "/kws.npy", kws.reshape(1, 49, 10, 1))
np.save(out + "/vww.npy", np.fromfile(m + "vww_inputs_float32_2x96x96x3.bin", dtype=np.float32).reshape(2, 96, 96, 3))
frames = np.fromfile(m + "ad_input_float32_200x128.bin", dtype=np.float32).reshape(200, 128)
np.save(out + "/ad.npy", np.stack([frames[t:t + 5].reshape(640) for t in range(196)]))
cifar = np.load(corpus + "/cifar10/test_first846.npz")
np.save(out + "/ic.npy", cifar["x"][:10].astype(np.float32))
np.save(out + "/ic-calib.npy", cifar["x"][:200].astype(np.float32))
