//! `cargo bench -p truecopy-render --bench register`: p50/p99 of `render_register` for a
//! month of 30 and of 1000 lines, beside a baseline measured in the same run: the one-page
//! refusal slip (same fonts, same document set-up and save path).

use std::time::{Duration, Instant};

use truecopy_render::{RefusalReason, RefusalSlip, RegisterBook, RegisterRow};

fn book(n: usize) -> RegisterBook {
    RegisterBook {
        center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
        place: "Hà Nội".into(),
        year: 2026,
        month: 11,
        book: "01/2026-SCT/BS".into(),
        rows: (1..=n)
            .map(|i| RegisterRow {
                number: format!("{i:06}"),
                date: "05/11/2026".into(),
                code: "7K3M-QX2D-94HA-TR3W-E6BN-VP0C".into(),
                document: "Căn cước công dân".into(),
                signers: if i % 3 == 0 {
                    "Con dấu: Trung tâm Phục vụ hành chính công; ký: Chuyên viên Nguyễn Văn An (o1)"
                        .into()
                } else {
                    "Con dấu: Trung tâm Phục vụ hành chính công".into()
                },
                remarks: "Còn hiệu lực".into(),
            })
            .collect(),
        created: time::OffsetDateTime::now_utc(),
    }
}

fn slip() -> RefusalSlip {
    RefusalSlip {
        center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
        center_name_en: "Hanoi Public Administration Service Center".into(),
        place: "Hà Nội".into(),
        case_id: "0190d6a8-0000-7000-8000-000000000000".into(),
        document_vi: "Căn cước công dân".into(),
        document_en: "Citizen identity card".into(),
        received: "2026-11-05T02:00:00.000Z".into(),
        reasons: vec![RefusalReason {
            text_vi: "Bản chính bị tẩy xóa, sửa chữa".into(),
            text_en: "The original has been altered".into(),
            legal_ground: None,
        }],
        note: None,
        decided_by: "Chuyên viên: Nguyễn Văn An".into(),
        created: time::OffsetDateTime::now_utc(),
    }
}

fn measure(runs: usize, mut f: impl FnMut() -> usize) -> (Vec<Duration>, usize) {
    let size = f(); // warm-up (parses the embedded fonts once)
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times, size)
}

fn report(what: &str, (times, size): (Vec<Duration>, usize)) {
    let q = |f: f64| times[((times.len() - 1) as f64 * f).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{what:<34} PDF {:>5} KB, {} runs: p50 {:>7.2} ms, p99 {:>7.2} ms",
        size / 1024,
        times.len(),
        q(0.5),
        q(0.99)
    );
}

fn main() {
    let runs: usize = std::env::var("RENDER_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let s = slip();
    let small = book(30);
    let big = book(1000);
    report(
        "baseline: refusal slip (1 page)",
        measure(runs, || {
            truecopy_render::render_refusal_slip(&s)
                .expect("slip")
                .len()
        }),
    );
    report(
        "render_register, 30 lines",
        measure(runs, || {
            truecopy_render::render_register(&small)
                .expect("register")
                .len()
        }),
    );
    report(
        "render_register, 1000 lines",
        measure(runs.div_ceil(5), || {
            truecopy_render::render_register(&big)
                .expect("register")
                .len()
        }),
    );
}
