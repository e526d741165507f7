#!/usr/bin/env bash
# Installs everything clawvm needs on Debian 12 (idempotent). Run as root or with sudo.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 2; }
  SUDO=sudo
fi

packages=(
  build-essential cmake ninja-build clang-14 libclang-rt-14-dev  # toolchains, libFuzzer runtime
  libboost-dev libmsgsl-dev nlohmann-json3-dev libfmt-dev libcli11-dev libsqlite3-dev libssl-dev  # library deps
  catch2 librapidcheck-dev libbenchmark-dev  # tests, properties, benchmarks
  chromium  # renders report.html to PNG in the report test (headless)
  python3  # the second ClawVM implementation of the conformance kit (spec/conformance/python-engine)
  default-jre-headless  # runs TLC (the TLA+ model checker from ../shared/tools/tlc) in ctest, label tlc
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Node.js for the offline TLA+ parse check and JSON Schema validation (tools/). Machines
# that already have a Node (e.g. from NodeSource, with npm bundled) keep theirs.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
# clang/clang++ names for the presets
if ! command -v clang++ >/dev/null; then
  $SUDO ln -sf "$(command -v clang++-14)" /usr/local/bin/clang++
  $SUDO ln -sf "$(command -v clang-14)" /usr/local/bin/clang
fi

# npm packages from the lock file; --ignore-scripts: tree-sitter-cli's postinstall would
# download a binary (no network here) and is not needed to parse with the .wasm grammar.
if [ ! -d "$here/tools/node_modules/ajv" ] || [ ! -d "$here/tools/node_modules/web-tree-sitter" ]; then
  (cd "$here/tools" && npm ci --ignore-scripts --no-audit --no-fund)
fi
echo "install-deps: ok"
