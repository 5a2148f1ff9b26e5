//! Calibration and timing bench: `cargo bench -p truecopy-face`.
//!
//! Prints same-person and different-person cosine scores on the real photos in `.tools/photos`
//! (photo against photo, and synthetic ID card against camera-sized frame), the threshold that
//! separates them, liveness scores on the real photos, and per-stage timings p50/p99.
//!
//! `LIVENESS_PHOTOS=/dir cargo bench -p truecopy-face --bench calibrate` adds a liveness section:
//! every `.jpg`/`.png` in `/dir` fitted into a 720×960 frame, every detected face scored with each
//! [`LivenessCrop`] (the engine's and the model reference code's), and the same for a synthetic
//! card scan made from each photo's largest face (print-like, should stay low).

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;

use truecopy_face::{DetectedFace, FaceEngine, LIVENESS_CROP, LivenessCrop, cosine};

fn summary(name: &str, v: &[f32]) {
    let mut s = v.to_vec();
    s.sort_by(f32::total_cmp);
    let mean = s.iter().sum::<f32>() / s.len().max(1) as f32;
    println!(
        "{name:<34} n={:<3} min={:.3} mean={:.3} max={:.3}",
        s.len(),
        s.first().copied().unwrap_or(f32::NAN),
        mean,
        s.last().copied().unwrap_or(f32::NAN)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing to a harness=false bench.
    let cfg = common::config();
    let mut engine = FaceEngine::load(&cfg).unwrap_or_else(|e| panic!("{e}"));
    let photos = common::all_photos();
    println!(
        "photos: {}",
        photos
            .iter()
            .map(|(p, f)| format!(
                "{p}/{}",
                f.file_name().unwrap_or_default().to_string_lossy()
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );

    // 1. Photo against photo (selfie-sized frames).
    let mut frames = Vec::new();
    for (person, path) in &photos {
        let frame = common::selfie_frame(&common::load(path));
        let emb = engine.embedding(&frame).unwrap_or_else(|e| panic!("{e}"));
        let Some((face, e)) = emb else {
            println!("no face: {}", path.display());
            continue;
        };
        let full = common::load(path);
        let full_face = engine
            .detect(&full)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .next();
        frames.push((
            person.clone(),
            path.clone(),
            frame,
            face,
            e,
            full,
            full_face,
        ));
    }
    let (mut same, mut diff) = (Vec::new(), Vec::new());
    println!("\n# photo vs photo (cosine)");
    for i in 0..frames.len() {
        for j in i + 1..frames.len() {
            let s = cosine(&frames[i].4, &frames[j].4);
            let tag = if frames[i].0 == frames[j].0 {
                "same"
            } else {
                "diff"
            };
            println!(
                "  {tag} {:>22} {:>22} {s:.3}",
                short(&frames[i].1),
                short(&frames[j].1)
            );
            if tag == "same" {
                same.push(s)
            } else {
                diff.push(s)
            }
        }
    }

    // 2. Synthetic ID card (portrait at 600 dpi) against another photo as the selfie.
    let (mut card_same, mut card_diff) = (Vec::new(), Vec::new());
    let mut stage: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    println!("\n# card portrait vs selfie frame (cosine, compare())");
    for a in &frames {
        let Some(face) = &a.6 else { continue };
        let card = common::synthetic_card(&a.5, face);
        for b in &frames {
            if a.1 == b.1 {
                continue;
            }
            let out = engine
                .compare(&card, &b.2, true)
                .unwrap_or_else(|e| panic!("{e}"));
            for (k, v) in &out.timings_ms {
                stage.entry(k.clone()).or_default().push(*v);
            }
            let Some(s) = out.score else {
                println!(
                    "  no score: card {} selfie {} ({out:?})",
                    short(&a.1),
                    short(&b.1)
                );
                continue;
            };
            let tag = if a.0 == b.0 { "same" } else { "diff" };
            println!(
                "  {tag} card {:>17} selfie {:>17} {s:.3}",
                short(&a.1),
                short(&b.1)
            );
            if tag == "same" {
                card_same.push(s)
            } else {
                card_diff.push(s)
            }
        }
    }

    println!("\n# score distributions");
    summary("photo vs photo, same person", &same);
    summary("photo vs photo, different", &diff);
    summary("card vs selfie, same person", &card_same);
    summary("card vs selfie, different", &card_diff);
    let all_same: Vec<f32> = same.iter().chain(&card_same).copied().collect();
    let all_diff: Vec<f32> = diff.iter().chain(&card_diff).copied().collect();
    let lo = all_diff.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let hi = all_same.iter().copied().fold(f32::INFINITY, f32::min);
    println!(
        "max different = {lo:.3}, min same = {hi:.3}, midpoint = {:.3}",
        (lo + hi) / 2.0
    );
    println!(
        "configured match threshold = {:.3}",
        engine.match_threshold()
    );

    // 3. Liveness on the real photos as camera frames.
    println!("\n# liveness (probability of class live) on real photos as camera frames");
    let mut live = Vec::new();
    for f in &frames {
        let p = engine.liveness(&f.2).unwrap_or_else(|e| panic!("{e}"));
        println!(
            "  {:>22} {}",
            short(&f.1),
            p.map_or("no face".into(), |p| format!("{p:.3}"))
        );
        live.extend(p);
    }
    summary("liveness, real photos", &live);
    // Reference only: the synthetic card scan is a print-like image, not a presentation attack.
    let mut card_live = Vec::new();
    for f in &frames {
        if let Some(face) = &f.6 {
            let card = common::synthetic_card(&f.5, face);
            card_live.extend(engine.liveness(&card).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    summary("liveness, synthetic card scans", &card_live);
    println!(
        "configured liveness threshold = {:.3} ({LIVENESS_CROP:?} crop)",
        engine.liveness_threshold()
    );
    if let Some(dir) = std::env::var_os("LIVENESS_PHOTOS") {
        liveness_crops(&mut engine, std::path::Path::new(&dir));
    }

    // 4. Timings: repeat one card-vs-selfie session.
    if let (Some(a), Some(b)) = (frames.first(), frames.get(1))
        && let Some(face) = &a.6
    {
        let card = common::synthetic_card(&a.5, face);
        for _ in 0..30 {
            let out = engine
                .compare(&card, &b.2, true)
                .unwrap_or_else(|e| panic!("{e}"));
            for (k, v) in out.timings_ms {
                stage.entry(k).or_default().push(v);
            }
        }
    }
    println!(
        "\n# timings per stage, ms (card 2300x1600 + selfie frame; detect includes resampling)"
    );
    for (k, mut v) in stage {
        v.sort_by(f64::total_cmp);
        println!(
            "  {k:<22} n={:<4} p50={:>7.1} p99={:>7.1}",
            v.len(),
            common::percentile(&v, 50.0),
            common::percentile(&v, 99.0)
        );
    }
}

/// The views scored per face: the four crops, then Area and SquareArea mirrored.
const VIEWS: [(LivenessCrop, bool); 6] = [
    (LivenessCrop::Area, false),
    (LivenessCrop::CvLinear, false),
    (LivenessCrop::SquareArea, false),
    (LivenessCrop::Reference, false),
    (LivenessCrop::Area, true),
    (LivenessCrop::SquareArea, true),
];
/// Column names: one per view, then the averages of [`averaged`].
const COLUMNS: [&str; 9] = ["a", "b", "c", "d", "a'", "c'", "a+a'", "c+c'", "a+a'+c+c'"];

/// The scores of [`VIEWS`] followed by the averaged ensembles.
fn averaged(v: &[f32]) -> Vec<f32> {
    let mean = |ix: &[usize]| ix.iter().map(|&i| v[i]).sum::<f32>() / ix.len() as f32;
    let mut out = v.to_vec();
    out.push(mean(&[0, 4]));
    out.push(mean(&[2, 5]));
    out.push(mean(&[0, 4, 2, 5]));
    out
}

/// Shares of the frame's height the largest face is zoomed to: a citizen far from the camera to
/// one leaning in (at 0.75 the box × 2.7 the liveness model reads is far larger than the frame).
const ZOOMS: [f32; 4] = [0.30, 0.45, 0.60, 0.75];

/// The largest face the engine finds on `img`, if any.
fn largest_face(engine: &mut FaceEngine, img: &image::RgbImage) -> Option<DetectedFace> {
    engine
        .detect(img)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .next()
}

/// One printed row of scores (every view, then the means).
fn row(s: &[f32]) -> String {
    s.iter().map(|v| format!(" {v:>9.3}")).collect()
}

/// The liveness of `face` on `img` zoomed to each of [`ZOOMS`], one printed row per zoom.
fn zoomed_scores(
    engine: &mut FaceEngine,
    img: &image::RgbImage,
    face: &DetectedFace,
    label: &str,
) -> Vec<Vec<f32>> {
    let mut out = Vec::new();
    for share in ZOOMS {
        let Some(z) = common::zoomed_frame(img, face, share) else {
            continue;
        };
        let Some(zf) = largest_face(engine, &z) else {
            println!("  {label:<23} zoom {share:.2} no face");
            continue;
        };
        let s = score(engine, &z, &zf);
        println!("  {label:<23} zoom {share:.2}{:>10}{}", "", row(&s));
        out.push(s);
    }
    out
}

/// Liveness of every face on the photos in `dir` (720×960 frames, and the same photos zoomed so
/// the largest face fills each of [`ZOOMS`] of the frame height) and of a synthetic card scan of
/// each (made from its largest face), with every view and ensemble, side by side.
fn liveness_crops(engine: &mut FaceEngine, dir: &std::path::Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|f| {
            matches!(
                f.extension().and_then(|e| e.to_str()),
                Some("jpg" | "jpeg" | "png")
            )
        })
        .collect();
    files.sort();
    println!(
        "\n# liveness by view: a = Area (box as detected, area-averaged), b = CvLinear (box as \
         detected, whole-pixel ROI, OpenCV INTER_LINEAR), c = SquareArea (reference square box, \
         area-averaged), d = Reference (square box, whole-pixel ROI, INTER_LINEAR), ' = mirrored, \
         x+y = mean of the views"
    );
    let header: String = COLUMNS.iter().map(|c| format!(" {c:>9}")).collect();
    println!("  {:<28} {:>4} {:>9}{header}", "photo", "face", "box px");
    let (mut largest, mut all, mut zoomed, mut cards, mut close_cards) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sources: Vec<(String, image::RgbImage)> = Vec::new();
    for f in &files {
        let full = common::load(f);
        let frame = common::selfie_frame(&full);
        let faces = engine.detect(&frame).unwrap_or_else(|e| panic!("{e}"));
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if faces.is_empty() {
            println!("  {name:<28} no face");
        }
        for (i, face) in faces.iter().enumerate() {
            let s = score(engine, &frame, face);
            println!(
                "  {name:<28} {i:>4} {:>9}{}",
                format!(
                    "{:.0}x{:.0}",
                    face.bbox[2] - face.bbox[0],
                    face.bbox[3] - face.bbox[1]
                ),
                row(&s)
            );
            if i == 0 {
                largest.push(s.clone());
            }
            all.push(s);
        }
        if let Some(face) = largest_face(engine, &full) {
            zoomed.extend(zoomed_scores(engine, &full, &face, &name));
        }
        sources.push((name, full));
    }
    println!("\n# liveness of synthetic card scans (print-like, should stay low)");
    for (name, full) in &sources {
        let Some(face) = largest_face(engine, full) else {
            continue;
        };
        let card = common::synthetic_card(full, &face);
        let Some(cf) = largest_face(engine, &card) else {
            println!("  card {name:<23} no face");
            continue;
        };
        let s = score(engine, &card, &cf);
        println!("  card {name:<23} {:>14}{}", "", row(&s));
        cards.push(s);
        // The card held up close to the camera: its portrait fills the frame as a citizen's
        // face does when they stand near (a print presented to the camera).
        close_cards.extend(zoomed_scores(engine, &card, &cf, &format!("card {name}")));
    }
    println!(
        "\n# liveness distributions; 'ranked' = share of (genuine face, card) pairs where the \
         genuine face scores higher"
    );
    for (set, v) in [
        ("largest face per photo", &largest),
        ("every detected face", &all),
        ("zoomed largest face", &zoomed),
        ("synthetic card scans", &cards),
        ("card portraits zoomed", &close_cards),
    ] {
        for (k, tag) in COLUMNS.iter().enumerate() {
            let mut x: Vec<f64> = v.iter().map(|s| s[k] as f64).collect();
            x.sort_by(f64::total_cmp);
            let below = |t: f64| x.iter().filter(|&&p| p < t).count();
            // Against the cards as scanned and against the cards held up close.
            let ranked = |against: &[Vec<f32>], tag: &str| -> String {
                if std::ptr::eq(v, &cards) || std::ptr::eq(v, &close_cards) || against.is_empty() {
                    return String::new();
                }
                let pairs = x.len() * against.len();
                let right = x
                    .iter()
                    .flat_map(|g| against.iter().map(move |c| (*g, c[k] as f64)))
                    .filter(|(g, c)| g > c)
                    .count();
                format!(" {tag}={:.2}", right as f64 / pairs.max(1) as f64)
            };
            let ranked = ranked(&cards, "ranked") + &ranked(&close_cards, "ranked_close");
            println!(
                "  {set:<24} {tag:<9} n={:<3} min={:.3} p10={:.3} median={:.3} max={:.3} <0.25:{} <0.10:{} <0.05:{}{ranked}",
                x.len(),
                x.first().copied().unwrap_or(f64::NAN),
                common::percentile(&x, 10.0),
                common::percentile(&x, 50.0),
                x.last().copied().unwrap_or(f64::NAN),
                below(0.25),
                below(0.10),
                below(0.05)
            );
        }
    }
}

/// The liveness of `face` on `img` with each of [`VIEWS`], then the ensembles.
fn score(engine: &mut FaceEngine, img: &image::RgbImage, face: &DetectedFace) -> Vec<f32> {
    let v: Vec<f32> = VIEWS
        .iter()
        .map(|&(c, m)| {
            engine
                .liveness_view(img, face, c, m)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    averaged(&v)
}

fn short(p: &std::path::Path) -> String {
    let parent = p
        .parent()
        .and_then(|d| d.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "{parent}/{}",
        p.file_name().unwrap_or_default().to_string_lossy()
    )
}
