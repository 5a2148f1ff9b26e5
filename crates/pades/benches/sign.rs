//! `cargo bench -p truecopy-pades --bench sign`: p50/p99 of `sign_pdf` (whole call: parse,
//! update, SHA-256 over ~2 MB, ECDSA P-256 seal signature, CMS) and of `verify_pdf`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use time::OffsetDateTime;
use truecopy_pades::{SignOptions, TrustStore, sign_pdf, verify_pdf};

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort_unstable();
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    (at(0.50), at(0.99))
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let pdf = common::make_pdf(2 << 20);
    let pki = common::Pki::new();
    let seal = pki.seal();
    let opts = SignOptions::new("seal").at(OffsetDateTime::now_utc());
    println!("input PDF: {} bytes, {runs} runs", pdf.len());

    // The floor: SHA-256 over the input alone (the signature must hash every byte).
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let d = <sha2::Sha256 as sha2::Digest>::digest(&pdf);
        std::hint::black_box(d);
        times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!("sha256     p50 {p50:>10.3?}  p99 {p99:>10.3?}  (floor: hashing the input only)");

    // Copying the input into a fresh buffer (allocation and page faults included).
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let mut v = Vec::with_capacity(pdf.len() + 20_000);
        v.extend_from_slice(&pdf);
        std::hint::black_box(&v);
        drop(v);
        times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!("copy       p50 {p50:>10.3?}  p99 {p99:>10.3?}  (fresh 2 MB buffer)");

    // One ECDSA signature (the signer alone).
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(truecopy_seal::Signer::sign(&seal, b"signed attributes").unwrap());
        times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!("signer     p50 {p50:>10.3?}  p99 {p99:>10.3?}  (one ECDSA P-256 signature)");

    let mut times = Vec::with_capacity(runs);
    let mut signed = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        signed = sign_pdf(&pdf, &seal, &opts).expect("sign");
        times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!("sign_pdf   p50 {p50:>10.3?}  p99 {p99:>10.3?}");

    // The same on a small PDF: everything but the hashing of a large input.
    let small = common::make_pdf(0);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(sign_pdf(&small, &seal, &opts).expect("sign"));
        times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!(
        "sign_pdf   p50 {p50:>10.3?}  p99 {p99:>10.3?}  ({} byte PDF: fixed cost)",
        small.len()
    );

    let trust = TrustStore::from_pem_files(&[pki.ca()]).expect("trust store");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.min(200) {
        let t = Instant::now();
        let report = verify_pdf(&signed, &trust, OffsetDateTime::now_utc());
        times.push(t.elapsed());
        assert_eq!(report.verdict.as_str(), "PASSED", "{report:?}");
    }
    let (p50, p99) = percentiles(times);
    println!("verify_pdf p50 {p50:>10.3?}  p99 {p99:>10.3?}");
}
