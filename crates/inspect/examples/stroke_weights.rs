//! Measure the stroke weight of each value against its label (`truecopy_inspect::stroke_widths`)
//! over a specimen set's birth certificates, on the lines OCR located them on, and print the
//! ratios of untouched and retyped values per field.
//!
//! `stroke_weights DIR OCR_DIR`: `DIR` as `truecopy-specimens generate` writes it
//! (`answers.jsonl`, `<case>/page1.jpg`); `OCR_DIR/<case>.json`, the reading of each case's page
//! as `truecopy-ocr`'s `one` example prints it (its `label_value_boxes`):
//!
//! ```sh
//! for c in DIR/s*-birth-*/; do c=$(basename $c); \
//!   OMP_THREAD_LIMIT=1 target/release/examples/one DIR/$c/page1.jpg > OCR_DIR/$c.json; done
//! target/release/examples/stroke_weights DIR OCR_DIR
//! ```

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, ocr] = args.as_slice() else {
        eprintln!("usage: stroke_weights DIR OCR_DIR");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let Ok(answers) = std::fs::read_to_string(dir.join("answers.jsonl")) else {
        eprintln!("{}: cannot read", dir.join("answers.jsonl").display());
        std::process::exit(2);
    };
    // field → (untouched ratios, retyped ratios)
    let mut by: BTreeMap<String, (Vec<f32>, Vec<f32>)> = BTreeMap::new();
    for line in answers.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["document_type"] != "birth_certificate" {
            continue;
        }
        let case = v["case_id"].as_str().unwrap_or_default();
        let altered = v["variant_info"]["altered_field"].as_str();
        let Some(o) = std::fs::read_to_string(Path::new(ocr).join(format!("{case}.json")))
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        else {
            eprintln!("{case}: no reading");
            continue;
        };
        let img = match image::open(dir.join(case).join("page1.jpg")) {
            Ok(i) => i.to_rgb8(),
            Err(e) => {
                eprintln!("{case}: {e}");
                continue;
            }
        };
        let rect = |b: &serde_json::Value| -> Option<[u32; 4]> {
            let r: Vec<u32> = b
                .as_array()?
                .iter()
                .filter_map(|x| u32::try_from(x.as_u64()?).ok())
                .collect();
            <[u32; 4]>::try_from(r).ok()
        };
        for (field, b) in o["label_value_boxes"].as_object().into_iter().flatten() {
            let (Some(label), Some(value)) = (rect(&b["label"]), rect(&b["value"])) else {
                continue;
            };
            let Some((l, w)) = truecopy_inspect::stroke_widths(&img, label, value) else {
                println!("{case:<24} {field:<18} not measured");
                continue;
            };
            let retyped = altered == Some(field.as_str());
            let e = by.entry(field.clone()).or_default();
            if retyped { &mut e.1 } else { &mut e.0 }.push(w / l);
            println!(
                "{case:<24} {field:<18} {} label {l:.2} px, value {w:.2} px: ×{:.2}",
                if retyped { "RETYPED  " } else { "untouched" },
                w / l
            );
        }
    }
    let fmt = |v: &mut Vec<f32>| -> String {
        if v.is_empty() {
            return "-".to_owned();
        }
        v.sort_by(f32::total_cmp);
        format!(
            "{} lines, min ×{:.2}, median ×{:.2}, max ×{:.2}",
            v.len(),
            v[0],
            v[v.len() / 2],
            v[v.len() - 1]
        )
    };
    println!();
    for (field, (mut u, mut r)) in by {
        println!(
            "{field:<18} untouched: {}; retyped: {}",
            fmt(&mut u),
            fmt(&mut r)
        );
    }
}
