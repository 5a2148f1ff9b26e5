//! Run the inspection over an evaluation set laid out as `cases/<case>/{front,back,page1}.jpg`
//! (or `<case>/…`, as `crates/specimens` writes it) with `answers.jsonl` (`case_id`, `variant`), and print per-page figures, per-variant results
//! and the false positives.
//!
//! `cargo run -p truecopy-inspect --release --example inspect_corpus -- DIR [--verbose]`

use std::collections::BTreeMap;
use std::path::Path;

use truecopy_inspect::{Finding, PageKind, inspect_page};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: corpus DIR [--verbose]");
        std::process::exit(2);
    };
    let verbose = args.any(|a| a == "--verbose");
    let dir = Path::new(&dir);
    let answers = match std::fs::read_to_string(dir.join("answers.jsonl")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", dir.join("answers.jsonl").display());
            std::process::exit(2);
        }
    };
    // variant -> (cases, quality fails, copy fails, alteration fails, any unknown)
    // `DIR/cases/<case>/` (the evaluation corpus) or `DIR/<case>/` (crates/specimens output).
    let cases = if dir.join("cases").is_dir() {
        dir.join("cases")
    } else {
        dir.to_path_buf()
    };
    let mut table: BTreeMap<String, [usize; 8]> = BTreeMap::new();
    let mut false_pos = Vec::new();
    let mut missed = Vec::new();
    let mut times = Vec::new();
    for line in answers.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("bad answers line: {e}");
                continue;
            }
        };
        let case = v["case_id"].as_str().unwrap_or_default().to_string();
        let variant = v["variant"].as_str().unwrap_or_default().to_string();
        let doc = v["document_type"].as_str().unwrap_or_default();
        let pages: Vec<String> = v["files"]["pages"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let mut found = [Finding::Pass; 3];
        for page in &pages {
            let kind = match (doc, page.as_str()) {
                ("citizen_id", "back.jpg") => PageKind::IdCardBack,
                ("citizen_id", _) => PageKind::IdCardFront,
                _ => PageKind::A4Page,
            };
            let path = cases.join(&case).join(page);
            let img = match image::open(&path) {
                Ok(i) => i.to_rgb8(),
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    continue;
                }
            };
            let r = inspect_page(&img, kind);
            times.push(r.timings_ms);
            for (slot, f) in
                found
                    .iter_mut()
                    .zip([r.quality.finding, r.copy.finding, r.alteration.finding])
            {
                *slot = worst(*slot, f);
            }
            if verbose {
                println!("{case} {variant:<13} {page:<10} {:6.1} ms", r.timings_ms);
                println!(
                    "    quality    {:?}: {}",
                    r.quality.finding, r.quality.detail
                );
                println!("    copy       {:?}: {}", r.copy.finding, r.copy.detail);
                println!(
                    "    alteration {:?}: {}",
                    r.alteration.finding, r.alteration.detail
                );
            }
        }
        let row = table.entry(variant.clone()).or_default();
        row[0] += 1;
        let expect = match variant.as_str() {
            "unreadable" => Some(0),
            "photocopy" => Some(1),
            "altered" => Some(2),
            _ => None,
        };
        for (i, f) in found.iter().enumerate() {
            match f {
                Finding::Fail => row[1 + i] += 1,
                Finding::Unknown => row[4 + i] += 1,
                Finding::Pass => {}
            }
            let name = ["low_quality", "not_an_original", "altered_original"][i];
            if expect != Some(i) && *f != Finding::Pass {
                false_pos.push(format!("{case} ({variant}): {name} {f:?}"));
            }
            if expect == Some(i) && *f != Finding::Fail {
                missed.push(format!("{case} ({variant}): {name} {f:?}"));
            }
        }
        if expect.is_some_and(|i| found[i] == Finding::Fail) {
            row[7] += 1;
        }
    }
    println!(
        "\n{:<14} {:>5} | {:>17} | {:>17} | {:>17} | {:>8}",
        "variant", "cases", "low_quality F/U", "not_an_orig F/U", "altered F/U", "caught"
    );
    for (variant, r) in &table {
        println!(
            "{variant:<14} {:>5} | {:>8}/{:<8} | {:>8}/{:<8} | {:>8}/{:<8} | {:>8}",
            r[0], r[1], r[4], r[2], r[5], r[3], r[6], r[7]
        );
    }
    println!(
        "\nfalse positives (non-pass where the variant does not call for it): {}",
        false_pos.len()
    );
    for f in &false_pos {
        println!("  {f}");
    }
    println!("missed (expected Fail): {}", missed.len());
    for m in &missed {
        println!("  {m}");
    }
    times.sort_by(f64::total_cmp);
    if !times.is_empty() {
        let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "\ninspect_page over {} pages: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            times.len(),
            p(0.5),
            p(0.99),
            p(1.0)
        );
    }
}

fn worst(a: Finding, b: Finding) -> Finding {
    match (a, b) {
        (Finding::Fail, _) | (_, Finding::Fail) => Finding::Fail,
        (Finding::Unknown, _) | (_, Finding::Unknown) => Finding::Unknown,
        _ => Finding::Pass,
    }
}
