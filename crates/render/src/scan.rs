//! Reading the scans' headers and turning each scan into a PDF image XObject.
//!
//! JPEGs are never decoded: the original bytes become the stream of a `/DCTDecode` image.
//! Only the marker segments up to the start of scan are parsed (size, components, density),
//! and the end-of-image marker must be present after the scan data (a truncated upload is
//! refused). PNGs whose pixel format PDF's Flate predictor can take directly (non-interlaced
//! grey at 1/2/4/8 bits, RGB at 8 bits, palette) are passed through the same way: the
//! concatenated IDAT data becomes a `/FlateDecode` stream with `/Predictor 15`, after every
//! chunk CRC has been checked. Other PNGs (alpha, 16 bits, interlaced) are decoded, composited
//! on white and stored Flate-compressed — lossless either way.

use std::collections::BTreeMap;
use std::io::Write as _;

use printpdf::{DictItem, ExternalStream};

/// What is wrong with an image, before the page number is attached.
#[derive(Debug)]
pub(crate) enum ScanError {
    Unknown,
    Corrupt(&'static str, String),
    Unsupported(&'static str, String),
}

fn corrupt(format: &'static str, reason: impl Into<String>) -> ScanError {
    ScanError::Corrupt(format, reason.into())
}

fn unsupported(format: &'static str, reason: impl Into<String>) -> ScanError {
    ScanError::Unsupported(format, reason.into())
}

/// Where the resolution came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DensitySource {
    /// `PageImage::dpi` was given.
    Caller,
    /// JFIF APP0 density.
    Jfif,
    /// Exif XResolution / YResolution.
    Exif,
    /// PNG pHYs chunk.
    Phys,
    /// Nothing in the file: 300 dpi was assumed.
    Assumed,
}

/// A parsed scan, ready to become an image XObject.
#[derive(Debug)]
pub(crate) struct Scan {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Pixels per inch horizontally and vertically as declared by the file (not yet
    /// overridden or defaulted).
    pub(crate) density: Option<(f32, f32, DensitySource)>,
    /// Exif orientation (1–8; 1 = stored upright). PDF ignores Exif, so the renderer turns
    /// the image itself.
    pub(crate) orientation: u8,
    pub(crate) stream: ExternalStream,
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Scan, ScanError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        parse_jpeg(bytes)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        parse_png(bytes)
    } else if bytes.len() < 3 && (bytes == [0xFF] || bytes == [0xFF, 0xD8]) {
        Err(corrupt("JPEG", "truncated in the header"))
    } else if !bytes.is_empty() && PNG_SIGNATURE.starts_with(bytes) {
        Err(corrupt("PNG", "truncated in the signature"))
    } else {
        Err(ScanError::Unknown)
    }
}

fn name(n: &str) -> DictItem {
    DictItem::Name(n.as_bytes().to_vec())
}

fn int(v: impl Into<i64>) -> DictItem {
    DictItem::Int(v.into())
}

fn image_dict(
    width: u32,
    height: u32,
    color_space: DictItem,
    bits: u8,
    filter: &str,
) -> BTreeMap<String, DictItem> {
    BTreeMap::from([
        ("Type".to_owned(), name("XObject")),
        ("Subtype".to_owned(), name("Image")),
        ("Width".to_owned(), int(width)),
        ("Height".to_owned(), int(height)),
        ("ColorSpace".to_owned(), color_space),
        ("BitsPerComponent".to_owned(), int(bits)),
        ("Filter".to_owned(), name(filter)),
    ])
}

// ---------------------------------------------------------------------------------------
// JPEG

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn parse_jpeg(b: &[u8]) -> Result<Scan, ScanError> {
    const F: &str = "JPEG";
    let mut i = 2;
    let mut sof: Option<(u32, u32, u8)> = None;
    let mut jfif: Option<(f32, f32)> = None;
    let mut exif = Exif::default();
    let mut adobe = false;
    let scan_start = loop {
        if i >= b.len() {
            return Err(corrupt(F, "truncated before the image data"));
        }
        if b[i] != 0xFF {
            return Err(corrupt(F, format!("no marker at offset {i}")));
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&marker) = b.get(i) else {
            return Err(corrupt(F, "truncated before the image data"));
        };
        i += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD8 => return Err(corrupt(F, "start-of-image marker inside the header")),
            0xD9 => return Err(corrupt(F, "end of image before any image data")),
            _ => {}
        }
        let len = usize::from(be16(b, i).ok_or_else(|| corrupt(F, "truncated in the header"))?);
        if len < 2 {
            return Err(corrupt(F, format!("bad segment length at offset {i}")));
        }
        let seg = b
            .get(i + 2..i + len)
            .ok_or_else(|| corrupt(F, "truncated in the header"))?;
        match marker {
            0xE0 if seg.starts_with(b"JFIF\0") && seg.len() >= 12 => {
                let (x, y) = (be16(seg, 8).unwrap_or(0), be16(seg, 10).unwrap_or(0));
                let per_inch = match seg[7] {
                    1 => Some(1.0),
                    2 => Some(2.54),
                    _ => None, // 0: aspect ratio only
                };
                if let Some(k) = per_inch.filter(|_| x > 0 && y > 0) {
                    jfif = Some((f32::from(x) * k, f32::from(y) * k));
                }
            }
            0xE1 if seg.starts_with(b"Exif\0\0") => exif = exif_info(&seg[6..]).unwrap_or_default(),
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            0xC0..=0xC2 => {
                if seg.len() < 6 {
                    return Err(corrupt(F, "short frame header"));
                }
                let (precision, h, w, nc) = (seg[0], be16(seg, 1), be16(seg, 3), seg[5]);
                let (h, w) = (u32::from(h.unwrap_or(0)), u32::from(w.unwrap_or(0)));
                if precision != 8 {
                    return Err(unsupported(F, format!("{precision}-bit samples")));
                }
                if w == 0 || h == 0 {
                    return Err(unsupported(F, "image height given after the scan (DNL)"));
                }
                if !matches!(nc, 1 | 3 | 4) {
                    return Err(unsupported(F, format!("{nc} colour components")));
                }
                if seg.len() < 6 + 3 * usize::from(nc) {
                    return Err(corrupt(F, "short frame header"));
                }
                sof = Some((w, h, nc));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(unsupported(
                    F,
                    "lossless, hierarchical or arithmetic-coded JPEG (PDF readers need baseline or progressive)",
                ));
            }
            0xDA => break i + len,
            _ => {}
        }
        i += len;
    };
    let (width, height, components) =
        sof.ok_or_else(|| corrupt(F, "no frame header before the image data"))?;
    // Entropy-coded data cannot contain FF D9 (0xFF is stuffed as FF 00), so an end-of-image
    // marker after the scan start means the file was not cut short.
    if !b[scan_start.min(b.len())..]
        .windows(2)
        .rev()
        .any(|w| w == [0xFF, 0xD9])
    {
        return Err(corrupt(F, "truncated: no end-of-image marker"));
    }
    let color_space = match components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    let mut dict = image_dict(width, height, name(color_space), 8, "DCTDecode");
    if components == 4 && adobe {
        // Adobe CMYK JPEGs (Photoshop) store inverted values.
        dict.insert(
            "Decode".to_owned(),
            DictItem::Array([1, 0, 1, 0, 1, 0, 1, 0].into_iter().map(int).collect()),
        );
    }
    let density = jfif
        .map(|(x, y)| (x, y, DensitySource::Jfif))
        .or(exif.density.map(|(x, y)| (x, y, DensitySource::Exif)));
    Ok(Scan {
        width,
        height,
        density,
        orientation: exif.orientation,
        stream: ExternalStream {
            dict,
            content: b.to_vec(),
            compress: false,
        },
    })
}

/// What IFD0 of an Exif block says about density and orientation.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Exif {
    density: Option<(f32, f32)>,
    orientation: u8,
}

impl Default for Exif {
    fn default() -> Self {
        Exif {
            density: None,
            orientation: 1,
        }
    }
}

/// XResolution / YResolution / ResolutionUnit / Orientation from IFD0 of an Exif TIFF block.
fn exif_info(t: &[u8]) -> Option<Exif> {
    let le = match t.get(..4)? {
        [b'I', b'I', 42, 0] => true,
        [b'M', b'M', 0, 42] => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let a: [u8; 2] = t.get(at..at + 2)?.try_into().ok()?;
        Some(if le {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let a: [u8; 4] = t.get(at..at + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    };
    let rational = |at: usize| -> Option<f32> {
        let off = usize::try_from(u32_at(at)?).ok()?;
        let (num, den) = (u32_at(off)?, u32_at(off + 4)?);
        (den != 0 && num != 0).then(|| num as f32 / den as f32)
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    let (mut x, mut y, mut unit, mut orientation) = (None, None, 2u16, 1u8);
    for k in 0..count.min(512) {
        let e = ifd + 2 + 12 * k;
        match u16_at(e)? {
            0x011A => x = rational(e + 8),
            0x011B => y = rational(e + 8),
            0x0128 => unit = u16_at(e + 8)?,
            0x0112 => {
                orientation = u16_at(e + 8)
                    .and_then(|o| u8::try_from(o).ok())
                    .filter(|o| (1..=8).contains(o))
                    .unwrap_or(1);
            }
            _ => {}
        }
    }
    let k = match unit {
        2 => Some(1.0),
        3 => Some(2.54),
        _ => None, // 1: no absolute unit
    };
    let density = k.zip(x).map(|(k, x)| (x * k, y.unwrap_or(x) * k));
    Some(Exif {
        density,
        orientation,
    })
}

// ---------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Decoding bound for the PNGs that cannot be passed through (bytes of decoded pixels).
const PNG_DECODE_LIMIT: usize = 768 << 20;

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn parse_png(b: &[u8]) -> Result<Scan, ScanError> {
    const F: &str = "PNG";
    let mut i = PNG_SIGNATURE.len();
    let mut ihdr: Option<[u8; 13]> = None;
    let mut density = None;
    let mut palette: Option<&[u8]> = None;
    let mut idat: Vec<&[u8]> = Vec::new();
    loop {
        let len = be32(b, i).ok_or_else(|| corrupt(F, "truncated"))?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= 0x7FFF_FFFF)
            .ok_or_else(|| corrupt(F, "bad chunk length"))?;
        let kind = b.get(i + 4..i + 8).ok_or_else(|| corrupt(F, "truncated"))?;
        let data = b
            .get(i + 8..i + 8 + len)
            .ok_or_else(|| corrupt(F, "truncated"))?;
        let crc = be32(b, i + 8 + len).ok_or_else(|| corrupt(F, "truncated"))?;
        let mut hasher = flate2::Crc::new();
        hasher.update(kind);
        hasher.update(data);
        if hasher.sum() != crc {
            return Err(corrupt(
                F,
                format!(
                    "checksum mismatch in {} chunk",
                    String::from_utf8_lossy(kind)
                ),
            ));
        }
        if ihdr.is_none() && kind != b"IHDR" {
            return Err(corrupt(F, "first chunk is not IHDR"));
        }
        match kind {
            b"IHDR" => {
                ihdr = Some(
                    data.try_into()
                        .map_err(|_| corrupt(F, "IHDR is not 13 bytes"))?,
                );
            }
            b"pHYs" if data.len() == 9 && data[8] == 1 => {
                let (x, y) = (be32(data, 0).unwrap_or(0), be32(data, 4).unwrap_or(0));
                if x > 0 && y > 0 {
                    density = Some((x as f32 * 0.0254, y as f32 * 0.0254, DensitySource::Phys));
                }
            }
            b"PLTE" => palette = Some(data),
            b"IDAT" => idat.push(data),
            b"IEND" => break,
            _ => {}
        }
        i += 12 + len;
    }
    let h = ihdr.ok_or_else(|| corrupt(F, "no IHDR"))?;
    let (width, height) = (be32(&h, 0).unwrap_or(0), be32(&h, 4).unwrap_or(0));
    let (depth, color, interlace) = (h[8], h[9], h[12]);
    if width == 0 || height == 0 {
        return Err(corrupt(F, "zero width or height"));
    }
    if h[10] != 0 || h[11] != 0 || interlace > 1 {
        return Err(corrupt(
            F,
            "unknown compression, filter or interlace method",
        ));
    }
    if idat.is_empty() {
        return Err(corrupt(F, "no image data"));
    }
    let pass_through = interlace == 0
        && match color {
            0 | 3 => matches!(depth, 1 | 2 | 4 | 8),
            2 => depth == 8,
            _ => false,
        };
    let stream = if pass_through {
        let (space, colors) = match color {
            0 => (name("DeviceGray"), 1),
            2 => (name("DeviceRGB"), 3),
            _ => {
                let pal = palette.ok_or_else(|| corrupt(F, "palette image without PLTE"))?;
                if pal.is_empty() || pal.len() % 3 != 0 || pal.len() > 768 {
                    return Err(corrupt(F, "bad PLTE"));
                }
                let space = DictItem::Array(vec![
                    name("Indexed"),
                    name("DeviceRGB"),
                    int(i64::try_from(pal.len() / 3 - 1).unwrap_or(0)),
                    DictItem::String {
                        data: pal.to_vec(),
                        literal: false,
                    },
                ]);
                (space, 1)
            }
        };
        let mut dict = image_dict(width, height, space, depth, "FlateDecode");
        dict.insert(
            "DecodeParms".to_owned(),
            DictItem::Dict {
                map: BTreeMap::from([
                    ("Predictor".to_owned(), int(15)),
                    ("Colors".to_owned(), int(colors)),
                    ("BitsPerComponent".to_owned(), int(depth)),
                    ("Columns".to_owned(), int(width)),
                ]),
            },
        );
        let mut content = Vec::with_capacity(idat.iter().map(|d| d.len()).sum());
        for d in idat {
            content.extend_from_slice(d);
        }
        ExternalStream {
            dict,
            content,
            compress: false,
        }
    } else {
        decode_png(b, width, height)?
    };
    Ok(Scan {
        width,
        height,
        density,
        orientation: 1,
        stream,
    })
}

/// Decodes a PNG PDF cannot take as is, composites alpha on white, stores it Flate-compressed.
fn decode_png(b: &[u8], width: u32, height: u32) -> Result<ExternalStream, ScanError> {
    const F: &str = "PNG";
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(b),
        png::Limits {
            bytes: PNG_DECODE_LIMIT,
        },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| png_error(&e))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(|e| png_error(&e))?;
    buf.truncate(info.buffer_size());
    let (channels, gray) = match info.color_type {
        png::ColorType::Grayscale => (1, true),
        png::ColorType::GrayscaleAlpha => (2, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (4, false),
        png::ColorType::Indexed => return Err(unsupported(F, "palette not expanded")),
    };
    if info.bit_depth != png::BitDepth::Eight || info.width != width || info.height != height {
        return Err(unsupported(F, "unexpected decoded format"));
    }
    let out_channels = if gray { 1 } else { 3 };
    let pixels = if channels == out_channels {
        buf
    } else {
        // Drop alpha by compositing on white paper.
        let mut out = Vec::with_capacity(buf.len() / channels * out_channels);
        for px in buf.chunks_exact(channels) {
            let a = u16::from(px[channels - 1]);
            for &c in &px[..out_channels] {
                let v = (u16::from(c) * a + 255 * (255 - a) + 127) / 255;
                out.push(u8::try_from(v).unwrap_or(255));
            }
        }
        out
    };
    let mut enc = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(pixels.len() / 4),
        flate2::Compression::default(),
    );
    let content = enc
        .write_all(&pixels)
        .and_then(|()| enc.finish())
        .map_err(|e| corrupt(F, format!("compressing: {e}")))?;
    let space = if gray { "DeviceGray" } else { "DeviceRGB" };
    Ok(ExternalStream {
        dict: image_dict(width, height, name(space), 8, "FlateDecode"),
        content,
        compress: false,
    })
}

fn png_error(e: &png::DecodingError) -> ScanError {
    match e {
        png::DecodingError::LimitsExceeded => unsupported("PNG", "too large to decode"),
        other => corrupt("PNG", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal_jpeg_header(jfif_units: u8, density: u16) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        // APP0 JFIF
        v.extend_from_slice(&[0xFF, 0xE0, 0, 16]);
        v.extend_from_slice(b"JFIF\0\x01\x02");
        v.push(jfif_units);
        v.extend_from_slice(&density.to_be_bytes());
        v.extend_from_slice(&density.to_be_bytes());
        v.extend_from_slice(&[0, 0]);
        // SOF0: 8 bit, 20 x 10, 3 components
        v.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8, 0, 10, 0, 20, 3]);
        v.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        // SOS
        v.extend_from_slice(&[0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
        v.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56]);
        v
    }

    #[test]
    fn jpeg_header_is_read_without_decoding() {
        let mut j = minimal_jpeg_header(1, 300);
        j.extend_from_slice(&[0xFF, 0xD9]);
        let s = parse(&j).unwrap();
        assert_eq!((s.width, s.height), (20, 10));
        assert_eq!(s.density, Some((300.0, 300.0, DensitySource::Jfif)));
        assert_eq!(s.stream.content, j);
        assert_eq!(s.stream.dict["Filter"], name("DCTDecode"));
        assert_eq!(s.stream.dict["ColorSpace"], name("DeviceRGB"));
    }

    #[test]
    fn jfif_dots_per_cm_and_aspect_only() {
        let mut j = minimal_jpeg_header(2, 118);
        j.extend_from_slice(&[0xFF, 0xD9]);
        let (x, _, _) = parse(&j).unwrap().density.unwrap();
        assert!((x - 299.72).abs() < 0.01);
        let mut j = minimal_jpeg_header(0, 1);
        j.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(parse(&j).unwrap().density, None);
    }

    #[test]
    fn truncated_jpeg_is_corrupt() {
        let j = minimal_jpeg_header(1, 300);
        assert!(matches!(parse(&j), Err(ScanError::Corrupt("JPEG", _))));
        for cut in [3, 10, 25, 40] {
            assert!(
                matches!(parse(&j[..cut]), Err(ScanError::Corrupt("JPEG", _))),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn exif_density_both_byte_orders() {
        // Little-endian TIFF with XResolution = 600/1, unit inch.
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x1A, 0x01, 5, 0, 1, 0, 0, 0]);
        t.extend_from_slice(&38u32.to_le_bytes());
        t.extend_from_slice(&[0x28, 0x01, 3, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&600u32.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        assert_eq!(
            exif_info(&t),
            Some(Exif {
                density: Some((600.0, 600.0)),
                orientation: 1
            })
        );
        assert_eq!(exif_info(b"MM\0*\0\0\0\x08\0\0"), Some(Exif::default()));
        assert_eq!(exif_info(b"MM\0*\0\0\0\x08"), None);
    }

    #[test]
    fn not_an_image() {
        assert!(matches!(parse(b"hello world"), Err(ScanError::Unknown)));
        assert!(matches!(parse(b""), Err(ScanError::Unknown)));
        assert!(matches!(
            parse(&PNG_SIGNATURE[..5]),
            Err(ScanError::Corrupt("PNG", _))
        ));
    }
}
