#!/usr/bin/env bash
# Installs what the test tiers need outside npm, from Debian: Chromium (webview tests; its
# SwiftShader Vulkan driver with libvulkan1 runs the webgpu tier) and PyTorch (the pytorch engine).
# Idempotent and quiet on success: installs only what is missing.
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for pkg in chromium fonts-dejavu-core libvulkan1 python3-torch python3-torchvision; do
  have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
echo "install-test-deps: installing ${need[*]} (Debian packages; a few minutes the first time)" >&2
# Output goes to a log that is shown only when a step fails.
if ! { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-test-deps: installing ${need[*]} failed" >&2
  exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "install-test-deps: apt-get finished but /usr/bin/chromium is missing" >&2
  exit 1
fi
