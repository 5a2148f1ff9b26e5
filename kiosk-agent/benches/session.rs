//! One citizen session through the whole pipeline, per stage, beside the bare `tesseract` CLI
//! (`vie+eng`, `OMP_THREAD_LIMIT=1`) on the same pages, in the same run.
//!
//! Sessions: the project's own specimens, `valid` of every type (ID cards are two pages), so
//! each session runs to the end (issue: render + seal + register). Prints p50/p99 per stage and
//! of the total, and the ratio of the total to bare tesseract on the same pages.
//!
//! Run: `cargo bench -p kiosk-agent --bench session` (env SESSIONS, default 24 = 6 per type).
//! Needs the assets of scripts/fetch-assets.sh and tesseract's vie+eng data.

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use truecopy_specimens::{DocType, GenerateOptions, Variant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(&v, 50.0), percentile(&v, 99.0))
}

fn pages_of(dir: &Path) -> Vec<PathBuf> {
    let front = dir.join("front.jpg");
    if front.exists() {
        return vec![front, dir.join("back.jpg")];
    }
    vec![dir.join("page1.jpg")]
}

fn main() {
    if kiosk_agent::ensure_omp_thread_limit().is_some() {
        std::process::exit(2);
    }
    let sessions: usize = std::env::var("SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tools = root.join(".tools");
    let dir = tempfile::tempdir().expect("tmp");
    let per_type = sessions.div_ceil(4).max(1);
    let opts = GenerateOptions {
        seed: 2026,
        types: vec![
            DocType::CitizenId,
            DocType::BirthCertificate,
            DocType::Diploma,
            DocType::Decision,
        ],
        variants: vec![Variant::Valid],
        repeat: per_type,
        today: truecopy_domain::cccd::vietnam_date(time::OffsetDateTime::now_utc()),
        photos_dir: tools.join("photos"),
        dpi_scale: 1.0,
    };
    let spec = dir.path().join("spec");
    let cases = truecopy_specimens::generate(&spec, &opts).expect("specimens");

    // A kiosk: dev keys, a SQLite register with kiosk K01, the real engines.
    truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
        dir: dir.path().join("keys/dev"),
        center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
        officers: vec![],
        force: false,
    })
    .expect("dev pki");
    let env: Vec<(String, String)> = vec![
        (
            "DATABASE_URL".into(),
            format!("sqlite://{}", dir.path().join("data/t.sqlite3").display()),
        ),
        (
            "TRUECOPY_BLOBS__URL".into(),
            format!("file://{}", dir.path().join("data/blobs").display()),
        ),
        (
            "TRUECOPY_KEYS__DIR".into(),
            dir.path().join("keys/dev").display().to_string(),
        ),
        (
            "TRUECOPY_KIOSK__ORT_LIBRARY".into(),
            tools
                .join("onnxruntime/libonnxruntime.so.1.31.1")
                .display()
                .to_string(),
        ),
        (
            "TRUECOPY_KIOSK__FACE_MODELS_DIR".into(),
            tools.join("models/face").display().to_string(),
        ),
    ];
    let cfg = truecopy_config::Config::load_from(None, &env).expect("config");
    let mut reg = truecopy_runtime::open_registry(&cfg).expect("registry");
    truecopy_tests::fixtures::seed(&mut reg);
    drop(reg);
    let mut agent = kiosk_agent::open_agent(&cfg, None).expect("agent");
    let today = truecopy_domain::cccd::vietnam_date(time::OffsetDateTime::now_utc());
    let out = dir.path().join("out");

    let mut bare = Vec::new();
    let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut ratio = Vec::new();
    let mut decisions: BTreeMap<String, usize> = BTreeMap::new();
    for c in cases.iter().take(sessions) {
        let case_dir = spec.join(&c.case_id);
        let pages = pages_of(&case_dir);
        // Baseline: bare tesseract CLI on the same pages.
        let t = Instant::now();
        for p in &pages {
            let o = Command::new("tesseract")
                .arg(p)
                .arg("-")
                .args(["-l", "vie+eng"])
                .env("OMP_THREAD_LIMIT", "1")
                .output()
                .expect("tesseract CLI (apt tesseract-ocr)");
            assert!(o.status.success(), "tesseract failed on {}", p.display());
        }
        let bare_ms = t.elapsed().as_secs_f64() * 1e3;
        bare.push(bare_ms);

        // Ours: decode + pipeline + register + render + seal.
        let t = Instant::now();
        let session = kiosk_agent::input::load(&pages, Some(&case_dir.join("selfie.jpg")), None)
            .expect("load");
        let decode_ms = t.elapsed().as_secs_f64() * 1e3;
        let r = agent.process(&session, None, &out, today).expect("process");
        let total = t.elapsed().as_secs_f64() * 1e3;
        *decisions.entry(r.decision.to_string()).or_default() += 1;
        stages.entry("decode".into()).or_default().push(decode_ms);
        for k in [
            "ocr", "inspect", "checks", "face", "record", "render", "sign", "act",
        ] {
            if let Some(v) = r.timings_ms.get(k) {
                stages.entry(k.into()).or_default().push(*v);
            }
        }
        stages.entry("total".into()).or_default().push(total);
        ratio.push(total / bare_ms);
    }
    println!(
        "sessions {} ({:?}), {} pages per ID card, 1 per A4 document",
        bare.len(),
        decisions,
        2
    );
    let (b50, b99) = stats(bare.clone());
    println!(
        "{:<28} p50 {b50:>8.1} ms  p99 {b99:>8.1} ms",
        "baseline: tesseract CLI"
    );
    for (k, v) in &stages {
        let (p50, p99) = stats(v.clone());
        println!(
            "{:<28} p50 {p50:>8.1} ms  p99 {p99:>8.1} ms  (n={})",
            format!("ours: {k}"),
            v.len()
        );
    }
    let (r50, r99) = stats(ratio);
    println!(
        "{:<28} p50 {r50:>8.2}×    p99 {r99:>8.2}×   (goal ≤ 1.2×)",
        "total / bare tesseract"
    );
}
