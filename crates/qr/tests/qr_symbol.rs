//! The QR symbol: size budget, and decoding by an independent reader (zbarimg).

mod common;

use std::path::Path;
use std::process::Command;

use common::{DevKeys, example_signer, payload, public_url};
use truecopy_domain::{DocumentType, RegisterNumber};
use truecopy_qr::{
    MAX_CENTER_LEN, MAX_QR_VERSION, QUIET_ZONE_MODULES, QrEcLevel, QrError, QrMatrix, QrPayload,
    qr_matrix, qr_matrix_at, qr_text,
};

const ZBARIMG: &str = "/usr/bin/zbarimg";

/// The doc's example URL (deterministic: fixed key, RFC 6979 signatures).
fn realistic_text() -> String {
    let p = payload();
    let jws = example_signer().sign(&p).expect("sign");
    qr_text(&public_url(), &p, &jws)
}

/// Writes the symbol as an 8-bit grayscale PNG, `size` × `size` pixels including a 4-module
/// quiet zone, sampling modules nearest-neighbour: each pixel takes the module under its centre
/// (modules may be fractional pixels).
fn write_png(m: &QrMatrix, size: u32, path: &Path) {
    let modules = m.width + 2 * QUIET_ZONE_MODULES;
    let size_us = size as usize;
    let nearest = |p: usize| (2 * p + 1) * modules / (2 * size_us);
    let mut pixels = vec![255u8; size_us * size_us];
    for py in 0..size_us {
        let my = nearest(py);
        for px in 0..size_us {
            let mx = nearest(px);
            let dark = mx >= QUIET_ZONE_MODULES
                && my >= QUIET_ZONE_MODULES
                && m.is_dark(mx - QUIET_ZONE_MODULES, my - QUIET_ZONE_MODULES);
            if dark {
                pixels[py * size_us + px] = 0;
            }
        }
    }
    let file = std::fs::File::create(path).expect("create png");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), size, size);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().expect("png header");
    w.write_image_data(&pixels).expect("png data");
    w.finish().expect("png finish");
}

/// What zbarimg reads from the file, `None` when it finds no code.
fn zbar(path: &Path) -> Option<String> {
    assert!(
        Path::new(ZBARIMG).exists(),
        "{ZBARIMG} is missing: run scripts/setup.sh (package zbar-tools)"
    );
    let out = Command::new(ZBARIMG)
        .arg("--raw")
        .arg("-q")
        .arg(path)
        .output()
        .expect("run zbarimg");
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).expect("utf8");
    Some(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

#[test]
fn realistic_url_fits_version_15_at_m() {
    let text = realistic_text();
    let m = qr_matrix(&text).expect("fits");
    let q = qr_matrix_at(&text, QrEcLevel::Q);
    println!(
        "QR text: {} bytes; EC M → version {} ({} modules); EC Q → {}",
        text.len(),
        m.version(),
        m.width,
        match &q {
            Ok(q) => format!("version {}", q.version()),
            Err(e) => e.to_string(),
        }
    );
    println!("{text}");
    assert!(m.version() <= MAX_QR_VERSION);
    assert_eq!(m.width, 17 + 4 * usize::from(m.version()));
    assert_eq!(m.dark.len(), m.width * m.width);
    // The finder pattern's corner modules are dark, its separator light.
    assert!(m.is_dark(0, 0) && m.is_dark(6, 6) && !m.is_dark(7, 7));
    assert!(!m.is_dark(m.width, 0));
}

#[test]
fn worst_case_payload_budget() {
    // Longest fields: 7-digit register sequence, book 99, longest type name, longest center.
    let k = DevKeys::new();
    let signer = k.signer();
    let p = QrPayload::new(
        common::code(),
        RegisterNumber::new(2026, 99, 1_234_567),
        DocumentType::BirthCertificate,
        "2026-12-31",
        "X".repeat(MAX_CENTER_LEN),
        &[[7u8; 32]; 3],
    );
    let jws = signer.sign(&p).expect("sign");
    // The longest public URL that still fits, for the worst payload.
    let mut longest = 0;
    for extra in 0..80 {
        let host = format!("https://saoy{}.hanoi.gov.vn", "x".repeat(extra));
        let url = url::Url::parse(&host).expect("url");
        let text = qr_text(&url, &p, &jws);
        match qr_matrix(&text) {
            Ok(_) => longest = host.len(),
            Err(QrError::TooLong { bytes, .. }) => {
                println!(
                    "worst-case payload: token {} bytes; public_url up to {longest} characters \
                     fits version {MAX_QR_VERSION}-M; {} characters ({bytes}-byte text) does not",
                    jws.len(),
                    host.len()
                );
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(longest >= 30, "{longest}");
}

#[test]
fn too_long_is_an_error() {
    let text = format!("https://saoy.hanoi.gov.vn/c/X?t={}", "a".repeat(420));
    assert!(matches!(
        qr_matrix(&text),
        Err(QrError::TooLong {
            max_version: 15,
            ..
        })
    ));
    assert!(matches!(
        qr_matrix(&"a".repeat(100_000)),
        Err(QrError::TooLong { .. })
    ));
    assert_eq!(qr_matrix("hi").map(|m| m.version()).ok(), Some(1));
}

#[test]
fn zbarimg_decodes_the_png_exactly() {
    let text = realistic_text();
    let m = qr_matrix(&text).expect("fits");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("qr.png");
    let modules = m.width + 2 * QUIET_ZONE_MODULES;
    let size = u32::try_from(6 * modules).expect("size");
    write_png(&m, size, &path);
    assert_eq!(zbar(&path).as_deref(), Some(text.as_str()));
}

#[test]
fn zbarimg_decodes_a_30mm_print_at_150_dpi() {
    // 30 mm at 150 dpi ≈ 177 px for the symbol with its quiet zone.
    let text = realistic_text();
    let dir = tempfile::tempdir().expect("tempdir");
    for (level, name) in [(QrEcLevel::M, "M"), (QrEcLevel::Q, "Q")] {
        let Ok(m) = qr_matrix_at(&text, level) else {
            println!("EC {name}: does not fit");
            continue;
        };
        let modules = m.width + 2 * QUIET_ZONE_MODULES;
        let path = dir.path().join(format!("qr-{name}.png"));
        let decodes = |size: u32| {
            write_png(&m, size, &path);
            zbar(&path).as_deref() == Some(text.as_str())
        };
        let at_177 = decodes(177);
        // Every size from 1 px per module to 240 px: which decode?
        let lowest = u32::try_from(modules).expect("modules");
        let sizes: Vec<u32> = (lowest..=240).collect();
        let ok: Vec<u32> = sizes.iter().copied().filter(|&s| decodes(s)).collect();
        let failing: Vec<u32> = sizes.iter().copied().filter(|s| !ok.contains(s)).collect();
        let all_from = sizes
            .iter()
            .rev()
            .take_while(|s| ok.contains(s))
            .last()
            .copied()
            .unwrap_or(0);
        let mm = |px: u32| f64::from(px) * 25.4 / 150.0;
        println!(
            "EC {name}: version {}, {modules} modules with quiet zone; 177 px (30 mm @150 dpi, \
             {:.2} px/module): {}; smallest decoding {} px ({:.1} mm); every size decodes from \
             {all_from} px ({:.1} mm, {:.2} px/module) to 240 px; failing sizes: {failing:?}",
            m.version(),
            177.0 / modules as f64,
            if at_177 { "decodes" } else { "FAILS" },
            ok.first().copied().unwrap_or(0),
            mm(ok.first().copied().unwrap_or(0)),
            mm(all_from),
            f64::from(all_from) / modules as f64,
        );
        if level == QrEcLevel::M {
            assert!(at_177, "the 30 mm / 150 dpi rendering must decode");
        }
    }
}
