#!/usr/bin/env bash
# The main job on the embedded default (README: `make run`): SQLite file under ./data, blobs under
# ./data/blobs, dev keys under ./keys/dev. It sets up the system of record, generates the project's
# own synthetic specimens of every document type, delivers them to the kiosk agent's hot folder,
# which checks, decides and issues copies, starts the portal and prints the verification links.
# Idempotent: run it again and it keeps what exists (the same specimens resume their cases).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --locked --bins
BIN=target/release
export OMP_THREAD_LIMIT=1

# Dev-only passphrase for the dev officers' keys; real officers choose their own.
export TRUECOPY_OFFICER_PASSPHRASE="${TRUECOPY_OFFICER_PASSPHRASE:-dev-only-passphrase}"

$BIN/console keys init \
  --officer "o1:Nguyễn Văn An:Chuyên viên Phòng Tư pháp" \
  --officer "o2:Trần Thị Bình:Chuyên viên Phòng Tư pháp"
$BIN/console db migrate
# Lists are read whole first (`grep -q` closing the pipe early would cut the listing short).
kiosks=$($BIN/console kiosk list)
grep -q '^K01' <<<"$kiosks" \
  || $BIN/console kiosk add --id K01 --name "Kiosk 1" --location "Trung tâm PVHCC Hà Nội"
officers=$($BIN/console officer list)
for o in "o1:Nguyễn Văn An" "o2:Trần Thị Bình"; do
  id=${o%%:*}; name=${o#*:}
  grep -q "^$id	" <<<"$officers" \
    || $BIN/console officer add --id "$id" --name "$name" --title "Chuyên viên Phòng Tư pháp"
done
$BIN/kiosk-agent doctor
$BIN/portal doctor

# The portal, in the background (one instance: a previous one started here is stopped first).
LISTEN="${TRUECOPY_PORTAL__LISTEN:-127.0.0.1:8080}"
if [ -f data/portal.pid ] && kill -0 "$(cat data/portal.pid)" 2>/dev/null; then
  kill "$(cat data/portal.pid)" && sleep 0.5
fi
nohup $BIN/portal serve --listen "$LISTEN" >data/portal.log 2>&1 &
echo $! >data/portal.pid

# The demo's mail relay: a local SMTP server on loopback that keeps every message in data/mail
# (in production `[mail]` points at the city's relay).
MAIL_PORT=2525
if [ -f data/smtp.pid ] && kill -0 "$(cat data/smtp.pid)" 2>/dev/null; then
  kill "$(cat data/smtp.pid)" && sleep 0.3
fi
mkdir -p data/mail
nohup /usr/bin/python3 portal/tests/smtp_sink.py "$MAIL_PORT" data/mail >data/smtp.log 2>&1 &
echo $! >data/smtp.pid
for _ in $(seq 50); do grep -q READY data/smtp.log 2>/dev/null && break; sleep 0.1; done
export TRUECOPY_MAIL__PORT=$MAIL_PORT

# Specimens of every type (valid, and a photocopy and another person's face to show the other
# decisions), delivered as session folders into the kiosk's hot folder.
SPEC=data/specimens
if [ ! -f "$SPEC/answers.jsonl" ]; then
  $BIN/truecopy-specimens generate --out "$SPEC" --seed 1 \
    --variants valid,photocopy,face_mismatch,no_face >/dev/null
fi
INBOX=data/inbox
mkdir -p "$INBOX"
for d in "$SPEC"/*/; do
  name=$(basename "$d")
  if [ ! -e "$INBOX/done/$name" ] && [ ! -e "$INBOX/failed/$name" ] && [ ! -e "$INBOX/$name" ]; then
    # Copied under a dot name (ignored by the agent), then renamed: a scanner's atomic delivery.
    rm -rf "$INBOX/.$name" && cp -r "$d" "$INBOX/.$name" && mv "$INBOX/.$name" "$INBOX/$name"
  fi
done
$BIN/kiosk-agent watch --once --settle-ms 0 --inbox "$INBOX"

echo
echo "session                          decision  reasons                          verification link"
for r in "$INBOX"/done/*/result.json; do
  python3 - "$r" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
name = sys.argv[1].split("/")[-2]
link = (r.get("copy") or {}).get("verify_url", "")
if link:
    link = link.split("?")[0]
print(f"{name:<32} {r['decision']:<9} {','.join(r['reasons'])[:32]:<32} {link}")
PY
done
echo
msg=$(ls -t data/mail/*.eml 2>/dev/null | head -1 || true)
if [ -n "$msg" ]; then
  echo "e-mail:  $(ls data/mail/*.eml | wc -l) retrieval message(s) in data/mail; latest link:"
  python3 - "$msg" <<'PY'
import email, re, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for part in m.walk():
    if part.get_content_type() == "text/plain":
        text = part.get_payload(decode=True).decode("utf-8", "replace")
        links = re.findall(r"https?://\S+/r/\S+", text)
        print("         " + (links[0] if links else "(no link found)"))
        break
PY
fi
for _ in $(seq 50); do curl -fsS "http://$LISTEN/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
if curl -fsS "http://$LISTEN/healthz" >/dev/null 2>&1; then
  echo "portal: http://$LISTEN (pid $(cat data/portal.pid); log data/portal.log; stop: kill \$(cat data/portal.pid))"
else
  echo "portal: did not answer on $LISTEN; see data/portal.log" >&2
  exit 1
fi
echo
echo "officers' queue (flagged cases; decide them in the UI: $BIN/console, officer o1):"
q=$($BIN/console queue --officer o1)
echo "${q:-  (none)}"
echo
$BIN/console status
$BIN/console audit verify
