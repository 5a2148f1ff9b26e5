#!/usr/bin/env bash
# Opt-in: fetches the 16 real face photos used to calibrate the liveness threshold into
# .tools/liveness-photos/ (crates/face/CALIBRATION.md, section "Liveness"), then run
#   LIVENESS_PHOTOS=$PWD/.tools/liveness-photos cargo bench -p truecopy-face --bench calibrate
# Not needed for the build or the tests (scripts/fetch-assets.sh fetches what those need).
#
# The photos are extracted, byte for byte, from public registry packages (listed below and written
# to .tools/liveness-photos/SOURCES.txt): PyPI insightface 0.7.3 and face_recognition 1.3.0 sdists,
# npm @vladmandic/face-api 1.7.15, Debian bookworm opencv-doc 4.6.0+dfsg-12, PyPI matplotlib 3.11.2
# and scikit-image 0.25.2 wheels. Nothing is stripped, so that the SHA-256 pins hold; note that
# sample1..6.jpg (face-api demo photos) carry GPS EXIF tags. They stay under the gitignored .tools/
# for local calibration only: do not commit them or ship them in the kiosk image.
#
# Every artifact and every extracted photo is pinned by SHA-256. Downloads are cached under
# .tools/cache (shared with fetch-assets.sh). Idempotent: fetches only what is missing.
# Needs curl, python3 (pip), and only for what is missing: npm (sample*.jpg), apt-get or curl and
# dpkg-deb (messi5.jpg).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=.tools
CACHE="$TOOLS/cache"
DIR="$TOOLS/liveness-photos"
ME=fetch-liveness-photos

# Written verbatim to $DIR/SOURCES.txt; the rows also drive the extraction below.
SOURCES=$(cat <<'EOF'
# Liveness calibration photos, extracted from public registry packages on 2026-12-03
# file | package==version (artifact) | path inside artifact | sha256
tom_hanks.png | PyPI insightface==0.7.3 (sdist insightface-0.7.3.tar.gz) | insightface-0.7.3/insightface/data/images/Tom_Hanks_54745.png | 8545da294e8c7c79911169c3915fed8528f1960cd0ed99b92453788ca4275083
t1.jpg | PyPI insightface==0.7.3 (sdist insightface-0.7.3.tar.gz) | insightface-0.7.3/insightface/data/images/t1.jpg | 47f682e945b659f93a9e490b9c9c4a2a864abe64dace9e1a2893845ddfd69489
sample1.jpg | npm @vladmandic/face-api@1.7.15 (vladmandic-face-api-1.7.15.tgz) | package/demo/sample1.jpg | 8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51
sample2.jpg | npm @vladmandic/face-api@1.7.15 (vladmandic-face-api-1.7.15.tgz) | package/demo/sample2.jpg | 7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691
sample3.jpg | npm @vladmandic/face-api@1.7.15 (vladmandic-face-api-1.7.15.tgz) | package/demo/sample3.jpg | 8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936
sample4.jpg | npm @vladmandic/face-api@1.7.15 (vladmandic-face-api-1.7.15.tgz) | package/demo/sample4.jpg | 729efa5923061d40eb4ed5f267a18cc7b8ba6f852bb2757b16d8b7e4937476fc
sample5.jpg | npm @vladmandic/face-api@1.7.15 (vladmandic-face-api-1.7.15.tgz) | package/demo/sample5.jpg | 6d45095ebb182d8f975c0790e0e4eefd86fbb40609cf4b271776d92e12662938
sample6.jpg | npm @vladmandic/face-api@1.7.15 (vladmandic-face-api-1.7.15.tgz) | package/demo/sample6.jpg | 9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87
messi5.jpg | Debian bookworm opencv-doc 4.6.0+dfsg-12 (opencv-doc_4.6.0+dfsg-12_all.deb) | usr/share/doc/opencv-doc/examples/data/messi5.jpg | 1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9
grace_hopper.jpg | PyPI matplotlib==3.11.2 (matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl) | matplotlib/mpl-data/sample_data/grace_hopper.jpg | a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130
camera.png | PyPI scikit-image==0.25.2 (scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl) | skimage/data/camera.png | b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a
astronaut.png | PyPI scikit-image==0.25.2 (scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl) | skimage/data/astronaut.png | 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
obama.jpg | PyPI face_recognition==1.3.0 (sdist face_recognition-1.3.0.tar.gz) | face_recognition-1.3.0/tests/test_images/obama.jpg | 0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6
obama2.jpg | PyPI face_recognition==1.3.0 (sdist face_recognition-1.3.0.tar.gz) | face_recognition-1.3.0/tests/test_images/obama2.jpg | a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6
obama3.jpg | PyPI face_recognition==1.3.0 (sdist face_recognition-1.3.0.tar.gz) | face_recognition-1.3.0/tests/test_images/obama3.jpg | 76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3
biden.jpg | PyPI face_recognition==1.3.0 (sdist face_recognition-1.3.0.tar.gz) | face_recognition-1.3.0/tests/test_images/biden.jpg | 3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c
EOF
)

command -v curl >/dev/null || { echo "$ME: curl is needed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$ME: python3 is needed" >&2; exit 2; }
mkdir -p "$CACHE" "$DIR"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

check_sha() { # file sha256
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    echo "$ME: $1 has SHA-256 $got, expected $2; delete it and re-run" >&2
    exit 2
  fi
}

# rows ARTIFACT: "file|path inside artifact|sha256" for each photo taken from that artifact file name
rows() {
  grep -v '^#' <<<"$SOURCES" | sed 's/ | /|/g' | awk -F'|' -v a="$1)" 'index($2, a) { print $1 "|" $3 "|" $4 }'
}

# missing ARTIFACT: true if a photo from that artifact is not in $DIR yet
missing() {
  local f _p _s
  [ -n "$(rows "$1")" ] || { echo "$ME: no photo listed from $1 (bug in this script)" >&2; exit 2; }
  while IFS='|' read -r f _p _s; do
    [ -s "$DIR/$f" ] || return 0
  done < <(rows "$1")
  return 1
}

# place ARTIFACT KIND(tar|zip|deb): extracts the missing photos of ARTIFACT (in $CACHE) into $DIR,
# each checked against its pin before it takes its final name
place() {
  local art=$1 kind=$2 f p s
  while IFS='|' read -r f p s; do
    [ -s "$DIR/$f" ] && continue
    case $kind in
      tar) tar -xzf "$CACHE/$art" -O "$p" > "$DIR/$f.part" ;;
      deb) dpkg-deb --fsys-tarfile "$CACHE/$art" | tar -xO "./$p" > "$DIR/$f.part" ;;
      zip) python3 - "$CACHE/$art" "$p" "$DIR/$f.part" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
        ;;
    esac
    check_sha "$DIR/$f.part" "$s"
    mv "$DIR/$f.part" "$DIR/$f"
  done < <(rows "$art")
}

# curl_get URL FILE: downloads into $CACHE/FILE (via a .part, so a broken download is not cached)
curl_get() {
  curl -fsSL --retry 3 -o "$CACHE/$2.part" "$1" \
    || { rm -f "$CACHE/$2.part"; echo "$ME: could not download $1" >&2; exit 2; }
  mv "$CACHE/$2.part" "$CACHE/$2"
}

# pip_wheel SPEC PLATFORM FILE: downloads a cp311 wheel into $CACHE (no install, no dependencies)
pip_wheel() {
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --platform "$2" "$1" -d "$SCRATCH" \
    || { echo "$ME: pip download $1 failed" >&2; exit 2; }
  [ -s "$SCRATCH/$3" ] || { echo "$ME: pip download $1 did not give $3" >&2; exit 2; }
  mv "$SCRATCH/$3" "$CACHE/$3"
}

# --- PyPI insightface 0.7.3 sdist (tom_hanks.png, t1.jpg) ---
# `pip download --no-binary :all:` fails building its metadata: take the sdist URL from the simple index.
ART=insightface-0.7.3.tar.gz
if missing "$ART"; then
  echo "$ME: insightface 0.7.3 sdist (PyPI)"
  [ -s "$CACHE/$ART" ] || curl_get "https://files.pythonhosted.org/packages/0b/8d/0f4af90999ca96cf8cb846eb5ae27c5ef5b390f9c090dd19e4fa76364c13/$ART" "$ART"
  check_sha "$CACHE/$ART" f191f719612ebb37018f41936814500544cd0f86e6fcd676c023f354c668ddf7
  place "$ART" tar
fi

# --- npm @vladmandic/face-api 1.7.15 (sample1..6.jpg, package/demo) ---
ART=vladmandic-face-api-1.7.15.tgz
if missing "$ART"; then
  echo "$ME: @vladmandic/face-api 1.7.15 (npm)"
  if [ ! -s "$CACHE/$ART" ]; then
    command -v npm >/dev/null || { echo "$ME: npm is needed for sample*.jpg (install Node.js)" >&2; exit 2; }
    (cd "$SCRATCH" && npm pack -q @vladmandic/face-api@1.7.15 >/dev/null) \
      || { echo "$ME: npm pack @vladmandic/face-api@1.7.15 failed" >&2; exit 2; }
    mv "$SCRATCH/$ART" "$CACHE/$ART"
  fi
  check_sha "$CACHE/$ART" 0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031  # tarball also matches npm dist.integrity (sha512)
  place "$ART" tar
fi

# --- Debian bookworm opencv-doc 4.6.0+dfsg-12 (messi5.jpg) ---
ART=opencv-doc_4.6.0+dfsg-12_all.deb
if missing "$ART"; then
  echo "$ME: opencv-doc 4.6.0+dfsg-12 (Debian bookworm, about 96 MB)"
  command -v dpkg-deb >/dev/null || { echo "$ME: dpkg-deb is needed for messi5.jpg" >&2; exit 2; }
  if [ ! -s "$CACHE/$ART" ]; then
    if command -v apt-get >/dev/null && (cd "$SCRATCH" && apt-get download -q opencv-doc=4.6.0+dfsg-12 2>/dev/null) \
        && [ -s "$SCRATCH/$ART" ]; then
      mv "$SCRATCH/$ART" "$CACHE/$ART"
    else
      # not a bookworm host, or its package lists are stale: the same file from the Debian pool
      echo "$ME: apt-get download opencv-doc=4.6.0+dfsg-12 failed; trying deb.debian.org/debian/pool" >&2
      curl_get "https://deb.debian.org/debian/pool/main/o/opencv/$ART" "$ART"
    fi
  fi
  check_sha "$CACHE/$ART" 4b12681df35878207ac7097dc66184b2ae552e4bf4ddd2af04a0f03ed0b8682a
  place "$ART" deb
fi

# --- PyPI matplotlib 3.11.2 wheel (grace_hopper.jpg) ---
ART=matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
if missing "$ART"; then
  echo "$ME: matplotlib 3.11.2 wheel (PyPI)"
  [ -s "$CACHE/$ART" ] || pip_wheel matplotlib==3.11.2 manylinux2014_x86_64 "$ART"
  check_sha "$CACHE/$ART" 07d9b9fa60cd4c393692f50d0bb03123242ddf61c99bb0e95e75feb354e7c1a8
  place "$ART" zip
fi

# --- PyPI scikit-image 0.25.2 wheel (camera.png, astronaut.png; same cache file as fetch-assets.sh) ---
ART=scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
if missing "$ART"; then
  echo "$ME: scikit-image 0.25.2 wheel (PyPI)"
  [ -s "$CACHE/$ART" ] || pip_wheel scikit-image==0.25.2 manylinux_2_17_x86_64 "$ART"
  check_sha "$CACHE/$ART" 24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641
  place "$ART" zip
fi

# --- PyPI face_recognition 1.3.0 sdist (obama*.jpg, biden.jpg; same cache file as fetch-assets.sh) ---
# From the simple index with curl rather than `pip download`, which would run its setup.py.
ART=face_recognition-1.3.0.tar.gz
if missing "$ART"; then
  echo "$ME: face_recognition 1.3.0 sdist (PyPI)"
  [ -s "$CACHE/$ART" ] || curl_get "https://files.pythonhosted.org/packages/6c/49/75dda409b94841f01cbbc34114c9b67ec618265084e4d12d37ab838f4fd3/$ART" "$ART"
  check_sha "$CACHE/$ART" 5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec
  place "$ART" tar
fi

# --- every photo against its pin (also those already present), and the list ---
n=0
while IFS='|' read -r f _p s; do
  [ -s "$DIR/$f" ] || { echo "$ME: $DIR/$f is missing (bug in this script)" >&2; exit 2; }
  check_sha "$DIR/$f" "$s"
  n=$((n + 1))
done < <(grep -v '^#' <<<"$SOURCES" | sed 's/ | /|/g' | awk -F'|' '{ print $1 "|" $3 "|" $4 }')
printf '%s\n' "$SOURCES" | cmp -s - "$DIR/SOURCES.txt" || printf '%s\n' "$SOURCES" > "$DIR/SOURCES.txt"
echo "$ME: ready ($n photos in $DIR, see $DIR/SOURCES.txt)"
