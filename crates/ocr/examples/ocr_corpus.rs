//! Reads every case of an evaluation corpus and prints per-field accuracy and per-page times,
//! beside the bare `tesseract` CLI on the same pages.
//!
//! `OMP_THREAD_LIMIT=1 cargo run -p truecopy-ocr --release --example ocr_corpus -- /work/shared/corpus [--cli]`

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use truecopy_ocr::{OcrConfig, OcrEngine};
use unicode_normalization::UnicodeNormalization;

fn norm(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).ok_or("usage: corpus DIR [--cli] [--verbose]")?);
    let cli = args.iter().any(|a| a == "--cli");
    let verbose = args.iter().any(|a| a == "--verbose");
    let mut engine = OcrEngine::new(&OcrConfig::default())?;
    let answers = std::fs::read_to_string(dir.join("answers.jsonl"))?;
    let mut stats: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let (mut ours, mut bare, mut npages) = (0.0f64, 0.0f64, 0u32);
    let mut type_ok = 0;
    let mut n = 0;
    for line in answers.lines().filter(|l| !l.trim().is_empty()) {
        let a: serde_json::Value = serde_json::from_str(line)?;
        let case = a["case_id"].as_str().unwrap_or_default();
        let files: Vec<String> = a["files"]["pages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let paths: Vec<_> = files
            .iter()
            .map(|f| dir.join("cases").join(case).join(f))
            .collect();
        let t = Instant::now();
        let pages: Vec<image::RgbImage> = paths
            .iter()
            .map(|p| image::open(p).map(|i| i.to_rgb8()))
            .collect::<Result<_, _>>()?;
        let r = engine.read(&pages)?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        ours += ms;
        npages += pages.len() as u32;
        let mut bare_ms = 0.0;
        if cli {
            for p in &paths {
                let t = Instant::now();
                Command::new("tesseract")
                    .arg(p)
                    .arg("-")
                    .args(["-l", "vie+eng"])
                    .env("OMP_THREAD_LIMIT", "1")
                    .output()?;
                bare_ms += t.elapsed().as_secs_f64() * 1e3;
            }
            bare += bare_ms;
        }
        n += 1;
        let want_type = a["document_type"].as_str().unwrap_or_default();
        type_ok += (r.document_type.as_str() == want_type) as u32;
        let mut wrong = Vec::new();
        if a["fields_scorable"].as_bool().unwrap_or(true) {
            for (k, v) in a["fields"].as_object().into_iter().flatten() {
                let Some(truth) = v.as_str() else { continue };
                let got = r.fields.get(k).map(|s| norm(s)).unwrap_or_default();
                let ok = got == norm(truth);
                let e = stats.entry(format!("{want_type}.{k}")).or_default();
                e.0 += 1;
                e.1 += ok as u32;
                if !ok {
                    wrong.push(format!("{k}: got {got:?} want {truth:?}"));
                }
            }
        }
        println!(
            "{case} {want_type:<17} -> {:<17} {ms:7.0} ms ({} pages){} timings {:?}",
            r.document_type.as_str(),
            pages.len(),
            if cli {
                format!(", bare tesseract {bare_ms:.0} ms")
            } else {
                String::new()
            },
            r.timings_ms
                .iter()
                .map(|(k, v)| format!("{k}={v:.0}"))
                .collect::<Vec<_>>()
        );
        if verbose {
            for w in &wrong {
                println!("    {w}");
            }
            if let Some(m) = &r.mrz {
                println!(
                    "    mrz raw {:?} failed {:?}",
                    m.raw_lines,
                    m.checks
                        .iter()
                        .filter(|c| !c.ok)
                        .map(|c| c.field)
                        .collect::<Vec<_>>()
                );
            }
        }
    }
    println!("\nper-field accuracy:");
    let (mut tn, mut tok) = (0, 0);
    for (k, (c, ok)) in &stats {
        println!("  {k:<45} {ok:>3}/{c:<3} {:.3}", *ok as f64 / *c as f64);
        tn += c;
        tok += ok;
    }
    println!(
        "  {:<45} {tok:>3}/{tn:<3} {:.4}",
        "ALL",
        tok as f64 / tn.max(1) as f64
    );
    println!("document type: {type_ok}/{n}");
    println!(
        "time per page (incl. JPEG decode): ours {:.0} ms",
        ours / npages as f64
    );
    if cli {
        println!(
            "bare tesseract CLI per page: {:.0} ms; ratio {:.2}",
            bare / npages as f64,
            ours / bare
        );
    }
    Ok(())
}
