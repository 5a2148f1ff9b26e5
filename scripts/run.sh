#!/usr/bin/env bash
# The main job on the embedded default (README: `make run`): SQLite file under ./data, blobs under
# ./data/blobs, dev keys under ./keys/dev. Idempotent: run it again and it keeps what exists.
# Until the kiosk pipeline (issue 4) lands, it sets up the system of record and shows its state.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --locked --bins
BIN=target/release

# Dev-only passphrase for the dev officers' keys; real officers choose their own.
export TRUECOPY_OFFICER_PASSPHRASE="${TRUECOPY_OFFICER_PASSPHRASE:-dev-only-passphrase}"

$BIN/console keys init \
  --officer "o1:Nguyễn Văn An:Chuyên viên Phòng Tư pháp" \
  --officer "o2:Trần Thị Bình:Chuyên viên Phòng Tư pháp"
$BIN/console db migrate
$BIN/console kiosk list | grep -q '^K01' \
  || $BIN/console kiosk add --id K01 --name "Kiosk 1" --location "Trung tâm PVHCC Hà Nội"
for o in "o1:Nguyễn Văn An" "o2:Trần Thị Bình"; do
  id=${o%%:*}; name=${o#*:}
  $BIN/console officer list | grep -q "^$id	" \
    || $BIN/console officer add --id "$id" --name "$name" --title "Chuyên viên Phòng Tư pháp"
done
$BIN/kiosk-agent doctor
$BIN/portal doctor
$BIN/console status
$BIN/console audit verify
