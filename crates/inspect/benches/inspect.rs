//! `cargo bench -p truecopy-inspect`: p50/p99 of `inspect_page` on synthetic scans (an A4 page at
//! 300 dpi, a card at 600 dpi), and on every `*.jpg` under `$INSPECT_BENCH_DIR` when set
//! (decoding excluded); and, beside them, of `line_patches` over five value lines of the card and
//! of `page_lines_verdict` over 35 text lines of the A4 page (as many as a certificate has) and of
//! `bold_values_verdict` over five label/value pairs on it.

use std::time::Instant;

use truecopy_inspect::synth::{Defect, Spec, scan};
use truecopy_inspect::{
    PageKind, bold_values_verdict, inspect_page, line_patches, page_lines_verdict,
};

fn main() {
    let mut sets: Vec<(String, image::RgbImage, PageKind)> = vec![
        (
            "A4 300 dpi".into(),
            scan(
                Spec {
                    card: false,
                    px_per_mm: 11.8,
                    rotation_deg: 1.2,
                    seed: 1,
                },
                Defect::None,
            ),
            PageKind::A4Page,
        ),
        (
            "card 600 dpi".into(),
            scan(
                Spec {
                    card: true,
                    px_per_mm: 23.6,
                    rotation_deg: -1.5,
                    seed: 2,
                },
                Defect::None,
            ),
            PageKind::IdCardFront,
        ),
    ];
    if let Ok(dir) = std::env::var("INSPECT_BENCH_DIR") {
        let mut files = Vec::new();
        collect(std::path::Path::new(&dir), &mut files);
        files.sort();
        for f in files.into_iter().filter(|f| !f.ends_with("selfie.jpg")) {
            if let Ok(img) = image::open(&f) {
                sets.push((f.display().to_string(), img.to_rgb8(), PageKind::A4Page));
            }
        }
    }
    let mut all = Vec::new();
    let mut cpu_all = Vec::new();
    for (name, img, kind) in &sets {
        let mut t = Vec::new();
        let runs = if sets.len() > 2 { 3 } else { 25 };
        let cpu0 = cpu_ms();
        for _ in 0..runs {
            let s = Instant::now();
            std::hint::black_box(inspect_page(std::hint::black_box(img), *kind));
            t.push(s.elapsed().as_secs_f64() * 1e3);
        }
        let cpu = (cpu_ms() - cpu0) / f64::from(runs);
        t.sort_by(f64::total_cmp);
        cpu_all.push(cpu);
        if sets.len() <= 2 {
            println!(
                "{name:<14} CPU time per call {cpu:.1} ms (independent of other load on the machine)"
            );
            println!(
                "{name:<14} {}×{}: p50 {:.1} ms, p99 {:.1} ms",
                img.width(),
                img.height(),
                pct(&t, 0.5),
                pct(&t, 0.99)
            );
        }
        all.extend(t);
    }
    if let Some((_, card, _)) = sets.get(1) {
        // Five value lines as OCR gives them on a card front (scan px, 600 dpi: 2.5 mm high).
        let lines: Vec<[u32; 4]> = (0..5)
            .map(|k| [600, 640 + k * 110, 1800, 700 + k * 110])
            .collect();
        let t = timed(|| {
            std::hint::black_box(line_patches(std::hint::black_box(card), &lines));
        });
        println!(
            "card 600 dpi   line_patches over {} value lines: p50 {:.1} ms, p99 {:.1} ms (beside inspect_page above)",
            lines.len(),
            pct(&t, 0.5),
            pct(&t, 0.99)
        );
    }
    if let Some((_, page, _)) = sets.first() {
        // 35 text lines across the A4 page as OCR gives them (scan px, 300 dpi: 4 mm high).
        let lines: Vec<(&str, [u32; 4])> = (0..35)
            .map(|k| ("text", [250, 300 + k * 85, 2200, 350 + k * 85]))
            .collect();
        let t = timed(|| {
            std::hint::black_box(page_lines_verdict(std::hint::black_box(page), &lines));
        });
        println!(
            "A4 300 dpi     page_lines_verdict over {} text lines: p50 {:.1} ms, p99 {:.1} ms (beside inspect_page above)",
            lines.len(),
            pct(&t, 0.5),
            pct(&t, 0.99)
        );
        // A birth certificate's five bold values, each after its label on its own line.
        let values: Vec<(&str, [u32; 4], [u32; 4])> = (0..5)
            .map(|k| {
                let y = 300 + k * 170;
                ("value", [250, y, 900, y + 50], [950, y, 2200, y + 50])
            })
            .collect();
        let t = timed(|| {
            std::hint::black_box(bold_values_verdict(std::hint::black_box(page), &values));
        });
        println!(
            "A4 300 dpi     bold_values_verdict over {} label/value pairs: p50 {:.2} ms, p99 {:.2} ms (beside inspect_page above)",
            values.len(),
            pct(&t, 0.5),
            pct(&t, 0.99)
        );
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all {} runs over {} pages: p50 {:.1} ms, p99 {:.1} ms",
        all.len(),
        sets.len(),
        pct(&all, 0.5),
        pct(&all, 0.99)
    );
}

/// 25 runs of `f`, ms each, sorted.
fn timed(mut f: impl FnMut()) -> Vec<f64> {
    let mut t: Vec<f64> = (0..25)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t
}

fn pct(t: &[f64], q: f64) -> f64 {
    t[((t.len() - 1) as f64 * q).round() as usize]
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "jpg") {
            out.push(p);
        }
    }
}

/// This thread's user + system CPU time in ms (Linux `/proc`, 10 ms ticks; 0 elsewhere).
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses): utime is the 14th, stime the 15th.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks * 10.0
}
