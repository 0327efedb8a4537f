#!/usr/bin/env bash
# Runs the packed GPU measurement (bench/gpu/pack.sh) where it was unpacked: unpacks Node, puts
# the carried Vulkan loader on the library path, points Vulkan at NVIDIA's ICD, and passes its
# arguments on to throughput.cjs (e.g. --batches 32,64,128 --steps 10).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/node" ]; then
  xz -dc "$here/node.xz" > "$here/node.tmp" && chmod +x "$here/node.tmp" && mv "$here/node.tmp" "$here/node"
fi
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia_icd" ]; then
  export VK_ICD_FILENAMES="$nvidia_icd"
fi
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -w "${XDG_RUNTIME_DIR}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi
exec "$here/node" "$here/throughput.cjs" "$@"
