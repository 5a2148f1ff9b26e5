//! Render + sign a 2-page copy (a 300 dpi A4 scan of ~2 MB and an ID-card scan).
//!
//! Prints p50/p99 of: the whole issue (render + seal), render alone, the sign step alone
//! (`sign_pdf` on the same unsigned PDF), and — in the same run, as the baseline — pyHanko
//! signing that same unsigned PDF (stock, and with the signature size reserved), through
//! `benches/pyhanko_sign.py` in the project's `.tools/venv`.
//!
//! Run: `cargo bench -p truecopy-certify --bench issue` (env RUNS, PYHANKO_RUNS to change counts).

#![allow(clippy::print_stdout)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rand_core::OsRng;
use time::OffsetDateTime;
use truecopy_certify::{CopyFacts, Issuer, ScanPage, center_certifier};
use truecopy_domain::{DocumentType, IdCode, RegisterNumber};
use truecopy_pades::SignOptions;
use truecopy_tests::specimens::{a4_scan_jpeg, id_card_jpeg};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn report(label: &str, mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&ms, 50.0), percentile(&ms, 99.0));
    println!(
        "{label:<34} runs {:>5}  p50 {p50:>9.3} ms  p99 {p99:>9.3} ms",
        ms.len()
    );
    (p50, p99)
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let py_runs: usize = std::env::var("PYHANKO_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().expect("tmp");
    let keys = dir.path().join("keys");
    truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
        dir: keys.clone(),
        center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
        officers: vec![],
        force: false,
    })
    .expect("dev pki");
    let cfg = truecopy_config::Config::load_from(
        None,
        &[("TRUECOPY_KEYS__DIR".to_string(), keys.display().to_string())],
    )
    .expect("config");
    let issuer = Issuer::from_config(&cfg).expect("issuer");
    let pages = vec![
        ScanPage {
            bytes: a4_scan_jpeg(1),
            dpi: None,
        },
        ScanPage {
            bytes: id_card_jpeg(2),
            dpi: None,
        },
    ];
    let scan_bytes: usize = pages.iter().map(|p| p.bytes.len()).sum();
    let facts = CopyFacts {
        code: IdCode::generate(&mut OsRng),
        register_number: RegisterNumber::new(2026, 1, 1),
        document_type: DocumentType::CitizenId,
        issued_at: OffsetDateTime::now_utc(),
        certifier: center_certifier(issuer.center()),
    };
    let rendered = issuer.render(&facts, &pages).expect("render");
    let unsigned = rendered.unsigned.clone();
    println!(
        "specimen: A4 scan {} KB + ID card {} KB; unsigned PDF {} KB; QR version {}",
        pages[0].bytes.len() / 1024,
        pages[1].bytes.len() / 1024,
        unsigned.len() / 1024,
        rendered.qr_version
    );
    println!("(scans total {} KB)", scan_bytes / 1024);

    // Warm-up.
    for _ in 0..10 {
        issuer.issue(&facts, &pages).expect("issue");
    }
    let mut total = Vec::with_capacity(runs);
    let mut render = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let copy = issuer.issue(&facts, &pages).expect("issue");
        total.push(t.elapsed().as_secs_f64() * 1000.0);
        render.push(copy.render_ms);
    }
    let opts = SignOptions::new("Bench").at(facts.issued_at);
    let mut sign = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let signed =
            truecopy_pades::sign_pdf(&unsigned, issuer.seal_signer(), &opts).expect("sign");
        sign.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(signed);
    }
    // Where render time goes: the QR symbol and the page digests, measured alone.
    let mut qr_ms = Vec::with_capacity(runs.min(300));
    let mut digest_ms = Vec::with_capacity(runs.min(300));
    for _ in 0..runs.min(300) {
        let t = Instant::now();
        std::hint::black_box(truecopy_qr::qr_matrix(&rendered.qr_text).expect("qr"));
        qr_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        for p in &pages {
            std::hint::black_box(<sha2::Sha256 as sha2::Digest>::digest(&p.bytes));
        }
        digest_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("== truecopy (this build)");
    let (total_p50, _) = report("render + sign (issue)", total);
    report("  render alone (incl. QR, digests)", render);
    report("    QR symbol (qr_matrix)", qr_ms);
    report("    page SHA-256 digests", digest_ms);
    let (sign_p50, _) = report("  sign step alone (sign_pdf)", sign);

    println!("== baseline: pyHanko on the same unsigned PDF, same run");
    let unsigned_path = dir.path().join("unsigned.pdf");
    std::fs::write(&unsigned_path, &unsigned).expect("write");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".tools/venv/bin/python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/pyhanko_sign.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&unsigned_path)
        .arg(keys.join("seal.key.pem"))
        .arg(keys.join("seal.cert.pem"))
        .arg(py_runs.to_string())
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value =
                serde_json::from_slice(&o.stdout).expect("pyhanko bench json");
            for label in ["stock", "reserved"] {
                let p50 = v[label]["p50_ms"].as_f64().unwrap_or(f64::NAN);
                let p99 = v[label]["p99_ms"].as_f64().unwrap_or(f64::NAN);
                println!(
                    "{:<34} runs {:>5}  p50 {p50:>9.3} ms  p99 {p99:>9.3} ms   ours is {:.0}x faster (p50)",
                    format!("pyHanko sign_pdf ({label})"),
                    py_runs,
                    p50 / sign_p50
                );
            }
        }
        Ok(o) => println!(
            "pyHanko baseline FAILED: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!(
            "pyHanko baseline not run: {} ({e}); run `bash scripts/setup.sh`",
            python.display()
        ),
    }
    println!(
        "goals: sign step <= 1 ms p50 ({}), render + sign <= 20 ms p50 ({})",
        if sign_p50 <= 1.0 { "met" } else { "NOT met" },
        if total_p50 <= 20.0 { "met" } else { "NOT met" }
    );
}
