# quantc: the two commands the README promises (`make demo`, `make test`) install what they need.
SWIFT ?= swift
CONFIG ?= release
CORPUS ?= ../shared/corpus
BIN = .build/$(CONFIG)/quantc
# Debian packages the build and the tests need: zlib for the .gz/.npz readers; a host C toolchain
# and cmake to build and check the generated C bundles; the Arm and RISC-V toolchains, their C
# libraries and QEMU for the boards; xz to unpack the QEMU source package (its plugin API header).
APT_PACKAGES = zlib1g-dev gcc make cmake gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm \
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc xz-utils

.PHONY: all setup build test demo bench clean fuzz

all: build

setup:
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6 is required (https://swift.org/install)"; exit 1; }
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@scripts/setup-qemu-plugin.sh

build: setup
	$(SWIFT) build -c $(CONFIG)

# All tests, in release mode: the corpus tests run the float reference over 10,000 images per model.
test: setup
	$(SWIFT) test -c $(CONFIG)

# The main job on the bundled example (examples/, trained by scripts/train-example.py): export its
# C bundle, then verify it on an emulated Cortex-M4F board: accuracy, bit-exactness against the
# integer simulator, executed instructions and multiply instructions per inference and per layer;
# then compare five schemes on the same board in an HTML report.
EXAMPLE = --data examples/digits_test.npz --scale 0.0625 --per-channel
demo: build
	$(BIN) export examples/digits_cnn.onnx $(EXAMPLE) -o demo-bundle --force
	$(BIN) verify examples/digits_cnn.onnx $(EXAMPLE) --target mps2-an386
	$(BIN) report examples/digits_cnn.onnx $(EXAMPLE) --target mps2-an386 \
	  --compare fixed:8,fixed:auto,shift:2,bitplane:2,codebook:16 -o demo-report.html

bench: build
	scripts/bench-reference.sh
	scripts/bench-boards.sh

clean:
	rm -rf .build .build-* demo-bundle demo-report.html

# The long fuzz run with a fresh seed: 3,000 mutants of every input kind through the command line
# (ONNX, TFLite, .npy, .npz, IDX/gzip, plan.json) plus the semantic mutants, then the in-process
# TFLite importer at 20,000 mutants under the address sanitizer. CI runs 300 per kind.
fuzz: setup
	QUANTC_FUZZ_COUNT=$${QUANTC_FUZZ_COUNT:-21000} QUANTC_FUZZ_SEED=$${QUANTC_FUZZ_SEED:-$$(date +%s)} \
	  $(SWIFT) test -c $(CONFIG) --filter FuzzTests
	QUANTC_FUZZ_COUNT=$${QUANTC_FUZZ_COUNT:-20000} QUANTC_FUZZ_SEED=$${QUANTC_FUZZ_SEED:-$$(date +%s)} \
	  $(SWIFT) test --sanitize=address --scratch-path .build-asan --filter TFLiteMutationTests
