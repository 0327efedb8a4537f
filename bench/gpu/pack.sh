#!/usr/bin/env bash
# Packs the GPU measurement for a machine with an NVIDIA GPU but no Node, no npm and no network
# (bench/gpu/README.md): the measurement bundled with tfjs into one file, Dawn's dawn.node, this
# machine's Node binary (xz), Debian's libvulkan, the PyTorch script and run.sh.
# Usage: bash bench/gpu/pack.sh [OUT_DIR]   (default dist/gpu-bench; also writes OUT_DIR.tar)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-dist/gpu-bench}"
rm -rf "$out" "$out.tar"
mkdir -p "$out/node_modules/webgpu/dist/linux-x64" "$out/lib"
# Everything bundled except Dawn (a native addon, loaded from node_modules/webgpu beside it).
npx esbuild bench/gpu/throughput.ts --bundle --platform=node --format=cjs --target=node20 --external:webgpu \
  --log-level=warning --outfile="$out/throughput.cjs"
cp bench/gpu/torch_resnet50.py bench/gpu/run.sh "$out/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$out/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$out/node_modules/webgpu/dist/linux-x64/"
# The Vulkan loader (Debian's libvulkan1); the NVIDIA driver's ICD comes from the GPU machine.
cp -L /usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$out/lib/libvulkan.so.1"
node_bin="$(node -p process.execPath)"
if ldd "$node_bin" | grep -q libnode; then
  echo "pack: $node_bin links libnode.so; carry an official Node build (nodejs.org or 'npm install node') instead" >&2
  exit 1
fi
xz -6 -T0 -c "$node_bin" > "$out/node.xz"
tar -C "$(dirname "$out")" -cf "$out.tar" "$(basename "$out")"
du -sh "$out.tar" | sed 's/^/pack: /'
