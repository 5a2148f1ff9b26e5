#!/usr/bin/env bash
# Installs what building and testing truecopy needs on a fresh Debian machine of this kind.
# Idempotent: installs only what is missing; runs apt-get update only when something is.
set -euo pipefail

# Build: diesel's PostgreSQL backend links libpq (pkg-config finds it); SQLite is compiled in
# (libsqlite3-sys "bundled", flags in .cargo/config.toml), so Debian's libsqlite3-dev is not needed.
# Tests: openssl (independent certificate and signature checks), PostgreSQL tooling
# (pg_isready, psql, pg_virtualenv for a throwaway cluster when none is given).
# Validators nobody here wrote (issue 3): pdfsig (poppler-utils) with an NSS trust db (certutil),
# qpdf, zbarimg; pdftoppm renders pages for the QR check; pyHanko comes from PyPI into .tools/venv.
PACKAGES=(
  pkg-config libpq-dev openssl ca-certificates
  postgresql-common postgresql-client postgresql
  poppler-utils qpdf zbar-tools libnss3-tools python3-venv python3-pip tmux
  # Issue 5 (portal): headless browser tests (chromium + its WebDriver), the loopback SMTP
  # server of the mail tests (Debian's python3, not a venv), load generator and the static
  # baseline of the benchmark.
  chromium chromium-driver python3-aiosmtpd wrk nginx-light
  # Issue 4 (kiosk pipeline): tesseract 5.3 + leptonica with the Vietnamese and English models;
  # the tesseract-sys/leptonica-sys crates run bindgen (clang). The face models come from npm (Node.js is on the machine).
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
  clang libclang-dev
  fonts-dejavu-core  # crates/ocr tests render synthetic documents with DejaVu
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

# pyHanko (validator) in a project-local virtualenv; pinned for repeatable verdicts.
VENV=.tools/venv
if ! "$VENV/bin/pyhanko" --version >/dev/null 2>&1; then
  echo "setup: installing pyHanko into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pyhanko==0.38.0" "pyhanko-cli==0.6.0"
fi

# Run-time assets no Debian package carries (ONNX Runtime, face models, real photos), pinned.
bash scripts/fetch-assets.sh

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is not on PATH; install the Rust toolchain (rustup) first" >&2
  exit 2
fi
echo "setup: system packages ready"
