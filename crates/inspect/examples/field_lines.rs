//! Judge the value lines OCR located on ID-card fronts (`truecopy_inspect::line_patches`) over a
//! specimen set, and count what was found on altered and untouched lines. On the set's A4 cases
//! (`page1.jpg`) every line OCR read is judged as the pipeline does
//! (`truecopy_inspect::page_lines_verdict`, from its `line_boxes`), and pages are counted.
//!
//! `field_lines DIR OCR_DIR`: `DIR` as `truecopy-specimens generate` writes it (`answers.jsonl`,
//! `<case>/front.jpg`, `<case>/back.jpg` or `<case>/page1.jpg`); `OCR_DIR/<case>.json`, the
//! reading of each case's pages as `truecopy-ocr`'s `one` example prints it (its `field_boxes`,
//! `front_page`, `line_boxes`, `page_text`):
//!
//! ```sh
//! for c in DIR/s*/; do c=$(basename $c); p="DIR/$c/front.jpg DIR/$c/back.jpg"; \
//!   [ -e DIR/$c/page1.jpg ] && p=DIR/$c/page1.jpg; \
//!   OMP_THREAD_LIMIT=1 target/release/examples/one $p > OCR_DIR/$c.json; done
//! target/release/examples/field_lines DIR OCR_DIR
//! ```

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, ocr] = args.as_slice() else {
        eprintln!("usage: field_lines DIR OCR_DIR");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let answers = match std::fs::read_to_string(dir.join("answers.jsonl")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", dir.join("answers.jsonl").display());
            std::process::exit(2);
        }
    };
    // (altered lines found, altered lines located, altered lines not located,
    //  other lines found on altered cards, lines found on valid cards, valid cards)
    let mut t = [0usize; 6];
    // A4: (altered pages with a patch, altered pages, valid pages with a patch, valid pages)
    let mut a4t = [0usize; 4];
    for line in answers.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            eprintln!("bad answers line");
            continue;
        };
        let a4 = v["document_type"] != "citizen_id";
        let case = v["case_id"].as_str().unwrap_or_default();
        let valid = v["variant"] == "valid";
        let altered = v["variant_info"]["altered_field"].as_str();
        let reading = Path::new(ocr).join(format!("{case}.json"));
        let Some(o) = std::fs::read_to_string(&reading)
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        else {
            eprintln!("{}: no reading", reading.display());
            continue;
        };
        let page = match o["front_page"].as_u64() {
            _ if a4 => "page1.jpg",
            Some(1) => "back.jpg",
            _ => "front.jpg",
        };
        let img = match image::open(dir.join(case).join(page)) {
            Ok(i) => i.to_rgb8(),
            Err(e) => {
                eprintln!("{case}/{page}: {e}");
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
        if a4 {
            // Every line of the page, named by its text.
            let text = o["page_text"][0].as_str().unwrap_or_default();
            let lines: Vec<(&str, [u32; 4])> = o["line_boxes"][0]
                .as_array()
                .into_iter()
                .flatten()
                .zip(text.lines())
                .filter_map(|(b, t)| Some((t, rect(b)?)))
                .collect();
            let found = truecopy_inspect::page_lines_verdict(&img, &lines);
            let slot = if valid { 2 } else { 0 };
            a4t[slot] += usize::from(found.is_some());
            a4t[slot + 1] += 1;
            if let Some(v) = found {
                let page = if valid { "VALID PAGE" } else { "altered page" };
                println!("{case:<24} {page}: {}", v.detail);
            }
            continue;
        }
        let lines: Vec<(String, [u32; 4])> = o["field_boxes"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.as_str() != "title")
            .filter_map(|(k, b)| Some((k.clone(), rect(&b["rect"])?)))
            .collect();
        let rects: Vec<[u32; 4]> = lines.iter().map(|l| l.1).collect();
        let found = truecopy_inspect::line_patches(&img, &rects);
        t[5] += usize::from(valid);
        for ((name, _), p) in lines.iter().zip(found) {
            let is_altered = altered == Some(name.as_str());
            t[1] += usize::from(is_altered);
            if let Some(p) = p {
                let slot = if is_altered {
                    0
                } else if valid {
                    4
                } else {
                    3
                };
                t[slot] += 1;
                println!(
                    "{case:<20} {name:<14} {} patch {:?}: {:+.1} levels, pattern ×{:.2}, {} words",
                    if is_altered { "altered" } else { "UNTOUCHED" },
                    p.rect,
                    p.whiter,
                    p.pattern,
                    p.words
                );
            } else if is_altered {
                println!("{case:<20} {name:<14} altered line: nothing found");
            }
        }
        if let Some(a) = altered
            && !lines.iter().any(|l| l.0 == a)
        {
            t[2] += 1;
            println!("{case:<20} {a:<14} altered line not located by OCR");
        }
    }
    println!(
        "\naltered lines: {} of {} located found ({} not located); untouched lines found: {} on altered cards, {} on {} valid cards",
        t[0], t[1], t[2], t[3], t[4], t[5]
    );
    println!(
        "A4 pages with a patch on a line: {} of {} altered, {} of {} valid",
        a4t[0], a4t[1], a4t[2], a4t[3]
    );
}
