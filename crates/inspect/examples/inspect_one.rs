//! Inspect the given scans as A4 pages and print the three verdicts:
//! `cargo run -p truecopy-inspect --release --example inspect_one -- FILE...`

use truecopy_inspect::{PageKind, inspect_page};

fn main() {
    for f in std::env::args().skip(1) {
        match image::open(&f) {
            Ok(img) => {
                let r = inspect_page(&img.to_rgb8(), PageKind::A4Page);
                println!(
                    "{f}: {:.1} ms\n  quality {:?}: {}\n  copy {:?}: {}\n  alteration {:?}: {}",
                    r.timings_ms,
                    r.quality.finding,
                    r.quality.detail,
                    r.copy.finding,
                    r.copy.detail,
                    r.alteration.finding,
                    r.alteration.detail
                );
            }
            Err(e) => eprintln!("{f}: {e}"),
        }
    }
}
