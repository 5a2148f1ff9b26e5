#!/usr/bin/env python3
"""Run every case folder of a set (the evaluation corpus, or our own specimens) through
`kiosk-agent process --json`, write one result line per case, and score it.

    python3 scripts/score.py --cases DIR/cases-or-DIR --answers DIR/answers.jsonl \
        --results target/score/results.jsonl [--agent target/release/kiosk-agent] [--scorer ../shared/score_corpus.py]

A case folder holds front.jpg + back.jpg (ID card) or page*.jpg, and selfie.jpg. The scorer wants
`case_id` = folder name; the register's case id is kept as `register_case_id`.
Run it from a directory with keys, database and kiosk K01 set up (scripts/run.sh does that).
"""
import argparse, json, os, subprocess, sys, time


def pages_of(folder):
    names = sorted(os.listdir(folder))
    if "front.jpg" in names:
        return [os.path.join(folder, "front.jpg"), os.path.join(folder, "back.jpg")]
    return [os.path.join(folder, n) for n in names
            if n.lower().endswith((".jpg", ".jpeg", ".png")) and not n.startswith("selfie")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True)
    ap.add_argument("--answers", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--agent", default="target/release/kiosk-agent")
    ap.add_argument("--scorer", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "score_corpus.py"))
    ap.add_argument("--out", default="data/score-out")
    a = ap.parse_args()
    ids = [json.loads(l)["case_id"] for l in open(a.answers, encoding="utf-8") if l.strip()]
    os.makedirs(os.path.dirname(os.path.abspath(a.results)), exist_ok=True)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with open(a.results, "w", encoding="utf-8") as out:
        for cid in ids:
            folder = os.path.join(a.cases, cid)
            cmd = [a.agent, "process", "--json", "--out", a.out]
            selfie = os.path.join(folder, "selfie.jpg")
            if os.path.exists(selfie):
                cmd += ["--selfie", selfie]
            cmd += pages_of(folder)
            t = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if p.returncode != 0:
                print(f"{cid}: exit {p.returncode}: {p.stderr.strip()[-300:]}", file=sys.stderr)
                continue
            r = json.loads(p.stdout)
            r["register_case_id"] = r["case_id"]
            r["case_id"] = cid
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            print(f"{cid}: {r['document_type']} {r['decision']} {','.join(r['reasons'])} ({time.time()-t:.1f}s)", file=sys.stderr)
    return subprocess.call([sys.executable, a.scorer, "--answers", a.answers, "--results", a.results])


if __name__ == "__main__":
    sys.exit(main())
