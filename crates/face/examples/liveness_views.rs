//! Print, for each camera frame given, the largest face's box, the share of the frame's height it
//! fills, and its liveness probability by view (`Area`, mirrored, `SquareArea`, mirrored) and
//! their mean (the engine's), so a low score can be traced to its framing.
//!
//! `cargo run --release -p truecopy-face --example liveness_views -- FRAME...` (from the
//! workspace root, after `scripts/fetch-assets.sh`).

use truecopy_face::{FaceConfig, FaceEngine, LivenessCrop};

fn main() {
    let mut engine = match FaceEngine::load(&FaceConfig::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    for f in std::env::args().skip(1) {
        let img = match image::open(&f) {
            Ok(i) => i.to_rgb8(),
            Err(e) => {
                eprintln!("{f}: {e}");
                continue;
            }
        };
        let faces = match engine.detect(&img) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{f}: {e}");
                continue;
            }
        };
        let Some(face) = faces.first() else {
            println!("{f}: no face");
            continue;
        };
        let [x0, y0, x1, y1] = face.bbox;
        let mut views = Vec::new();
        for (crop, mirror) in [
            (LivenessCrop::Area, false),
            (LivenessCrop::Area, true),
            (LivenessCrop::SquareArea, false),
            (LivenessCrop::SquareArea, true),
        ] {
            match engine.liveness_view(&img, face, crop, mirror) {
                Ok(p) => views.push(p),
                Err(e) => eprintln!("{f}: {e}"),
            }
        }
        let mean = views.iter().sum::<f32>() / views.len().max(1) as f32;
        println!(
            "{f}: box {:.0}×{:.0} at ({x0:.0}, {y0:.0}) in {}×{}, {:.0} % of the height; views {}; mean {mean:.3}",
            x1 - x0,
            y1 - y0,
            img.width(),
            img.height(),
            100.0 * (y1 - y0) / img.height() as f32,
            views
                .iter()
                .map(|p| format!("{p:.3}"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
}
