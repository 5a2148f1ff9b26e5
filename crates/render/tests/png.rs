//! PNG scans: passed through (grey, RGB, palette) or decoded (alpha, 16 bits), checked by
//! rasterizing the result with poppler.

mod common;

use std::process::Command;

use truecopy_render::{PageImage, RenderError, render_copy};

const W: u32 = 900;
const H: u32 = 600;

fn png_bytes(
    color: png::ColorType,
    depth: png::BitDepth,
    pixel: &[u8],
    palette: Option<&[u8]>,
    ppm: Option<u32>,
) -> Vec<u8> {
    let row_bytes = match depth {
        png::BitDepth::One => (W as usize).div_ceil(8),
        _ => W as usize * pixel.len(),
    };
    let mut data = Vec::with_capacity(row_bytes * H as usize);
    for _ in 0..H {
        let mut row = Vec::with_capacity(row_bytes);
        while row.len() < row_bytes {
            row.extend_from_slice(pixel);
        }
        row.truncate(row_bytes);
        data.extend_from_slice(&row);
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, W, H);
        enc.set_color(color);
        enc.set_depth(depth);
        if let Some(p) = palette {
            enc.set_palette(p.to_vec());
        }
        if let Some(ppm) = ppm {
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: ppm,
                yppu: ppm,
                unit: png::Unit::Meter,
            }));
        }
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&data).unwrap();
    }
    out
}

/// Renders one PNG page and returns the RGB colour near the scan's top-left corner.
fn corner_colour(png_file: Vec<u8>) -> [u8; 3] {
    let pdf = render_copy(&common::input(vec![PageImage {
        bytes: png_file,
        dpi: None,
    }]))
    .expect("render");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let check = Command::new("qpdf")
        .args(["--check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("No syntax or stream encoding errors"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let prefix = dir.path().join("c");
    let st = Command::new("pdftoppm")
        .args(["-r", "72", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(st.success());
    let img = image::open(dir.path().join("c.png")).unwrap().to_rgb8();
    img.get_pixel(6, 6).0
}

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 3)
}

const PPM_300: Option<u32> = Some(11_811);

#[test]
fn pass_through_rgb_grey_and_palette() {
    use png::{BitDepth as D, ColorType as C};
    let c = corner_colour(png_bytes(C::Rgb, D::Eight, &[200, 30, 30], None, PPM_300));
    assert!(close(c, [200, 30, 30]), "{c:?}");
    let c = corner_colour(png_bytes(C::Grayscale, D::Eight, &[90], None, PPM_300));
    assert!(close(c, [90, 90, 90]), "{c:?}");
    let c = corner_colour(png_bytes(C::Grayscale, D::One, &[0], None, PPM_300));
    assert!(close(c, [0, 0, 0]), "{c:?}");
    let pal = [10, 120, 200, 255, 255, 255];
    let c = corner_colour(png_bytes(C::Indexed, D::Eight, &[0], Some(&pal), PPM_300));
    assert!(close(c, [10, 120, 200]), "{c:?}");
    let c = corner_colour(png_bytes(C::Indexed, D::One, &[0], Some(&pal), PPM_300));
    assert!(close(c, [10, 120, 200]), "{c:?}");
}

#[test]
fn decoded_alpha_and_sixteen_bits() {
    use png::{BitDepth as D, ColorType as C};
    let c = corner_colour(png_bytes(
        C::Rgba,
        D::Eight,
        &[0, 0, 255, 128],
        None,
        PPM_300,
    ));
    assert!(close(c, [127, 127, 255]), "{c:?}");
    let c = corner_colour(png_bytes(
        C::Rgb,
        D::Sixteen,
        &[200, 200, 30, 30, 30, 30],
        None,
        PPM_300,
    ));
    assert!(close(c, [200, 30, 30]), "{c:?}");
}

#[test]
fn png_density_and_corruption() {
    use png::{BitDepth as D, ColorType as C};
    use truecopy_render::{DensitySource, scan_info};
    let f = png_bytes(C::Rgb, D::Eight, &[1, 2, 3], None, PPM_300);
    let i = scan_info(&PageImage {
        bytes: f.clone(),
        dpi: None,
    })
    .unwrap();
    assert_eq!(i.density_source, DensitySource::Phys);
    assert!((i.dpi_x - 300.0).abs() < 0.01);

    let none = png_bytes(C::Rgb, D::Eight, &[1, 2, 3], None, None);
    let i = scan_info(&PageImage {
        bytes: none,
        dpi: None,
    })
    .unwrap();
    assert_eq!(i.density_source, DensitySource::Assumed);

    // 200 dpi is 7874.0157 pixels per metre: 7874 must still count as 200.
    let i = scan_info(&PageImage {
        bytes: png_bytes(C::Rgb, D::Eight, &[1, 2, 3], None, Some(7874)),
        dpi: None,
    });
    assert!(i.is_ok(), "{i:?}");

    let low = png_bytes(C::Rgb, D::Eight, &[1, 2, 3], None, Some(3937));
    let e = render_copy(&common::input(vec![PageImage {
        bytes: low,
        dpi: None,
    }]))
    .unwrap_err();
    assert!(matches!(e, RenderError::ResolutionTooLow { .. }), "{e}");

    let mut bad = f.clone();
    let idat = bad.windows(4).position(|w| w == b"IDAT").unwrap();
    bad[idat + 10] ^= 0x55;
    let e = render_copy(&common::input(vec![PageImage {
        bytes: bad,
        dpi: None,
    }]))
    .unwrap_err();
    assert!(
        matches!(e, RenderError::CorruptImage { format: "PNG", .. }),
        "{e}"
    );

    for cut in [8, 20, 40, f.len() - 5] {
        let e = render_copy(&common::input(vec![PageImage {
            bytes: f[..cut].to_vec(),
            dpi: None,
        }]))
        .unwrap_err();
        assert!(
            matches!(e, RenderError::CorruptImage { format: "PNG", .. }),
            "cut {cut}: {e}"
        );
    }
}
