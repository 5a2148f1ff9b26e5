//! `cargo bench -p truecopy-render`: p50/p99 of `render_copy` on the 2-page specimen
//! (an A4 300 dpi JPEG and an ID card JPEG).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("RENDER_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let (input, a4, card) = common::two_page_input();
    // Warm-up: parses the embedded fonts once.
    let pdf = truecopy_render::render_copy(&input).expect("render");
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let pdf = truecopy_render::render_copy(&input).expect("render");
            let d = t.elapsed();
            std::hint::black_box(pdf);
            d
        })
        .collect();
    times.sort();
    let q = |f: f64| times[((times.len() - 1) as f64 * f).round() as usize];
    println!(
        "render_copy, 2 pages (A4 JPEG {} KB + ID card JPEG {} KB) -> PDF {} KB (overhead {} KB), {runs} runs: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        a4.len() / 1024,
        card.len() / 1024,
        pdf.len() / 1024,
        (pdf.len() - a4.len() - card.len()) / 1024,
        q(0.5).as_secs_f64() * 1e3,
        q(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}
