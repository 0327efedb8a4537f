#!/usr/bin/env bash
# Smoke run of the twelve examples/seed/ configs: each trains a few steps on synthetic data on the
# tfjs engine and, when the PyTorch engine and a Python with torch are there, on the pytorch engine.
# The recipe's batch of 2048 ResNet-50 images needs GPUs, so only the data is shrunk (a batch of 4
# at 32×32 from 8 examples); every other key is the seed's. Usage: bash scripts/seed-configs-smoke.sh [python]
set -uo pipefail
cd "$(dirname "$0")/.."
python="${1:-/usr/bin/python3}"
out="$(mktemp -d)"
shrink=(--set dataset.name=synthetic --set dataset.synthetic_size=8 --set dataset.image_size=32 --set training.batch_size=4)
[ -f dist/cli.js ] || node esbuild.mjs
torch=no
if [ -d server/engines/pytorch/rigl_torch ] && "$python" -c 'import torch' 2>/dev/null; then torch=yes; fi
failures=0
for config in examples/seed/*.rigl.yaml; do
  if line=$(node dist/cli.js train "$config" --set engine=tfjs "${shrink[@]}" --max-steps 2 --out "$out/tfjs" 2>&1 | grep '^completed:'); then
    echo "tfjs     $config: $line"
  else
    echo "tfjs     $config: FAILED"; failures=$((failures + 1))
  fi
  if [ "$torch" = yes ]; then
    if line=$(node dist/cli.js train "$config" "${shrink[@]}" --set pytorch.processes=1 --set pytorch.device=cpu --set "pytorch.python=$python" --max-steps 20 --out "$out/pytorch" 2>&1 | grep '^completed:'); then
      echo "pytorch  $config: $line"
    else
      echo "pytorch  $config: FAILED"; failures=$((failures + 1))
    fi
  fi
done
[ "$torch" = yes ] || echo "pytorch engine: not run (no server/engines/pytorch/rigl_torch, or $python has no torch)"
echo "run directories under $out; $failures failed"
exit $((failures > 0))
