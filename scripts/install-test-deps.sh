#!/usr/bin/env bash
# Installs what the webview tests need outside npm: Debian's Chromium and a basic font set.
# Idempotent and quiet on success: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
# Output goes to a log that is shown only when a step fails.
if ! { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-test-deps: installing chromium failed" >&2
  exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "install-test-deps: apt-get finished but /usr/bin/chromium is missing" >&2
  exit 1
fi
