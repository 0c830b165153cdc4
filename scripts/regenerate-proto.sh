#!/usr/bin/env bash
# Regenerates Sources/ModelImport/ONNX/Proto/onnx_trimmed.pb.swift from our trimmed onnx_trimmed.proto.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift built from the swift-protobuf
# version Package.swift resolves (this script builds it into .build-protoc/ once, a few minutes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
proto_dir="$root/Sources/ModelImport/ONNX/Proto"
command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 1; }
plugin=${PROTOC_GEN_SWIFT:-}
if [ -z "$plugin" ]; then
  (cd "$root" && swift package resolve >/dev/null)
  src="$root/.build/checkouts/swift-protobuf"
  swift build -c release --package-path "$src" --scratch-path "$root/.build-protoc" --product protoc-gen-swift
  plugin="$root/.build-protoc/release/protoc-gen-swift"
fi
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Internal \
  --swift_out="$proto_dir" -I "$proto_dir" "$proto_dir/onnx_trimmed.proto"
echo "wrote $proto_dir/onnx_trimmed.pb.swift"
