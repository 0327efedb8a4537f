#!/usr/bin/env bash
# Re-records test/fixtures/run-events.jsonl: a real short RigL run (ResNet-20, synthetic data,
# wasm) whose event stream the dashboard tests replay.
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs
out=$(mktemp -d)
node bin/rigl-studio.js train test/fixtures/record-run.rigl.yaml --out "$out" > /dev/null
cp "$out"/*/events.jsonl test/fixtures/run-events.jsonl
rm -rf "$out"
echo "recorded $(wc -l < test/fixtures/run-events.jsonl) events into test/fixtures/run-events.jsonl"
