#!/usr/bin/env bash
# Builds the small Vietnamese font subsets embedded by crates/render (run once; the outputs
# are committed). Source: Debian's fonts-dejavu-core (DejaVu Sans 2.37, Bitstream Vera /
# Arev licence, which allows modified copies under a different name). Needs fontTools
# (Debian: python3-fonttools, or `pip install fonttools`).
#
#   scripts/make-font-subset.sh            # writes crates/render/assets/TruecopySans{,-Bold}.ttf
#
# The subset covers Basic Latin, Latin-1, Latin Extended-A/B, the combining marks
# U+0300–0323, Latin Extended Additional (U+1E00–1EFF: precomposed Vietnamese), general
# punctuation, the đồng sign and a few symbols. Hinting and OpenType layout tables are
# dropped: printpdf places glyphs one by one without shaping, so GSUB/GPOS are dead weight,
# and the text is NFC-normalized first so every Vietnamese letter is one precomposed glyph.
# The family is renamed "TruecopySans" as the licence asks of modified fonts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src_dir="${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}"
out_dir="$here/crates/render/assets"
mkdir -p "$out_dir"

# Find a Python that has fontTools (Debian's package installs into /usr/bin/python3,
# which may not be the python3 first on PATH).
py=""
for cand in python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import fontTools' 2>/dev/null; then
        py="$cand"
        break
    fi
done
if [ -z "$py" ]; then
    echo "fontTools not found: apt-get install python3-fonttools (or pip install fonttools)" >&2
    exit 1
fi
for f in DejaVuSans.ttf DejaVuSans-Bold.ttf; do
    if [ ! -f "$src_dir/$f" ]; then
        echo "$src_dir/$f missing: apt-get install fonts-dejavu-core" >&2
        exit 1
    fi
done

unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+0180-024F,U+0300-0323,U+1E00-1EFF"
unicodes="$unicodes,U+2010-2027,U+2030-203A,U+2044,U+20AB,U+20AC,U+2116,U+2122,U+2190-2193,U+25CF,U+FFFD"

subset() { # in out family style
    local tmp
    tmp="$(mktemp --suffix=.ttf)"
    "$py" -m fontTools.subset "$src_dir/$1" \
        --output-file="$tmp" \
        --unicodes="$unicodes" \
        --layout-features='' \
        --no-hinting \
        --no-glyph-names \
        --notdef-outline \
        --name-IDs='*' \
        --name-languages='*' \
        --drop-tables+=FFTM,GSUB,GPOS,GDEF,kern
    "$py" - "$tmp" "$out_dir/$2" "$3" "$4" <<'PY'
import sys
from fontTools.ttLib import TTFont

src, dst, family, style = sys.argv[1:5]
font = TTFont(src)
name = font["name"]
full = family if style == "Regular" else f"{family} {style}"
ps = family.replace(" ", "") + ("" if style == "Regular" else f"-{style}")
renamed = {
    1: family,
    2: style,
    3: f"{ps};subset of DejaVu Sans 2.37",
    4: full,
    6: ps,
    16: family,
    17: style,
}
for rec in list(name.names):
    if rec.nameID in renamed:
        name.setName(renamed[rec.nameID], rec.nameID, rec.platformID, rec.platEncID, rec.langID)
# Keep the copyright (0), version (5), designer/vendor (8, 11), licence (13) and its URL (14).
name.setName(
    "TruecopySans is a subset of DejaVu Sans (fonts-dejavu-core), renamed as its licence requires.",
    10, 3, 1, 0x409,
)
font.save(dst)
PY
    rm -f "$tmp"
    echo "wrote $out_dir/$2 ($(stat -c %s "$out_dir/$2") bytes)"
}

subset DejaVuSans.ttf TruecopySans.ttf "TruecopySans" "Regular"
subset DejaVuSans-Bold.ttf TruecopySans-Bold.ttf "TruecopySans" "Bold"

# The licence text exactly as DejaVu ships it inside the font (name ID 13).
"$py" - "$src_dir/DejaVuSans.ttf" "$out_dir/LICENSE-DejaVu.txt" <<'PY'
import sys
from fontTools.ttLib import TTFont

text = TTFont(sys.argv[1])["name"].getDebugName(13)
header = (
    "TruecopySans.ttf and TruecopySans-Bold.ttf are subsets of DejaVu Sans 2.37\n"
    "(Debian fonts-dejavu-core), made by scripts/make-font-subset.sh and renamed.\n"
    "The DejaVu licence follows.\n\n"
)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(header + text.rstrip() + "\n")
PY
echo "wrote $out_dir/LICENSE-DejaVu.txt"
