#!/usr/bin/env bash
# Installs Natrium's build and test dependencies from Debian. Idempotent and quiet when all is
# present. Runs apt-get as root, or through sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  clang-14 libclang-rt-14-dev
  libabsl-dev librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libssl-dev libxxhash-dev rapidjson-dev libmicrohttpd-dev libcrypt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libnats-dev nats-server golang-go golang-github-nats-io-go-nats-dev
  python3 curl procps
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
