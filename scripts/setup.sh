#!/usr/bin/env bash
# Installs what building and testing truecopy needs on a fresh Debian machine of this kind.
# Idempotent: installs only what is missing; runs apt-get update only when something is.
set -euo pipefail

# Build: the diesel backends link libsqlite3 and libpq; pkg-config finds them.
# Tests: openssl (independent certificate and signature checks), PostgreSQL tooling
# (pg_isready, psql, pg_virtualenv for a throwaway cluster when none is given).
PACKAGES=(
  pkg-config libsqlite3-dev libpq-dev openssl ca-certificates
  postgresql-common postgresql-client postgresql
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is not on PATH; install the Rust toolchain (rustup) first" >&2
  exit 2
fi
echo "setup: system packages ready"
