//! Reading one citizen's session from files: the pages of ONE original and the camera frame,
//! bounded in size, decoded once.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use image::RgbImage;

/// At most this many pages in a session (the two sides of a card, a few A4 pages).
pub const MAX_PAGES: usize = 20;
/// At most this many bytes per file (a 600 dpi colour A4 JPEG is ~5–15 MB).
pub const MAX_FILE_BYTES: u64 = 40 << 20;
/// At most this many pixels on a side once decoded.
pub const MAX_SIDE: u32 = 20_000;
/// Decoding may allocate at most this much.
pub const MAX_ALLOC: u64 = 512 << 20;

/// Why a session cannot be processed at all. Nothing is written when this happens.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("no pages: give the scanned pages of one original (e.g. front.jpg back.jpg)")]
    NoPages,
    #[error("{count} pages: at most {MAX_PAGES} pages of one original per session")]
    TooManyPages { count: usize },
    #[error("{}: {problem}", path.display())]
    Page { path: PathBuf, problem: String },
}

/// A decoded page, with the bytes as captured (they go into the blob store and the copy as is).
#[derive(Debug)]
pub struct Page {
    pub name: String,
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
    pub image: RgbImage,
}

/// The camera frame: absent, or unusable (with why), or decoded.
#[derive(Debug)]
pub enum Selfie {
    Absent,
    Unusable { bytes: Vec<u8>, problem: String },
    Frame { bytes: Vec<u8>, image: RgbImage },
}

#[derive(Debug)]
pub struct Session {
    pub pages: Vec<Page>,
    pub selfie: Selfie,
    pub email: Option<String>,
}

/// Reads a file, refusing more than `MAX_FILE_BYTES` without reading it all.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_FILE_BYTES {
        return Err(format!(
            "{len} bytes: at most {} MiB per file; rescan at a lower resolution (300 dpi is enough)",
            MAX_FILE_BYTES >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("more than {} MiB", MAX_FILE_BYTES >> 20));
    }
    Ok(bytes)
}

/// Decodes JPEG or PNG with limits on size and allocation. Never panics on bad input.
pub fn decode(bytes: &[u8]) -> Result<(RgbImage, &'static str), String> {
    if bytes.is_empty() {
        return Err("the file is empty (0 bytes)".into());
    }
    let format = image::guess_format(bytes).map_err(|_| "not a JPEG or PNG image".to_string())?;
    let media_type = match format {
        image::ImageFormat::Jpeg => "image/jpeg",
        image::ImageFormat::Png => "image/png",
        other => {
            return Err(format!(
                "{other:?} images are not accepted: scan as JPEG or PNG"
            ));
        }
    };
    if format == image::ImageFormat::Jpeg && !jpeg_complete(bytes) {
        return Err("truncated JPEG (no end-of-image marker): the transfer from the scanner was cut; scan again".into());
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| "the image decoder failed on this file".to_string())?
        .map_err(|e| match e {
            image::ImageError::Limits(_) => format!(
                "larger than {MAX_SIDE} px on a side or {} MiB decoded: rescan at 300 dpi",
                MAX_ALLOC >> 20
            ),
            other => format!("unreadable or truncated image ({other})"),
        })?;
    if img.width() < 64 || img.height() < 64 {
        return Err(format!(
            "{}×{} px is too small to be a scan",
            img.width(),
            img.height()
        ));
    }
    Ok((img.to_rgb8(), media_type))
}

/// A complete JPEG ends with the EOI marker (some writers pad a few bytes after it).
fn jpeg_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Loads a session. Page problems are errors (there is nothing to certify); selfie problems
/// are carried along so the pipeline can decide with a reason (`face_not_found`).
pub fn load(
    pages: &[PathBuf],
    selfie: Option<&Path>,
    email: Option<String>,
) -> Result<Session, InputError> {
    if pages.is_empty() {
        return Err(InputError::NoPages);
    }
    if pages.len() > MAX_PAGES {
        return Err(InputError::TooManyPages { count: pages.len() });
    }
    let mut out = Vec::with_capacity(pages.len());
    for path in pages {
        let err = |problem: String| InputError::Page {
            path: path.clone(),
            problem,
        };
        let bytes = read_bounded(path).map_err(err)?;
        let (image, media_type) = decode(&bytes).map_err(err)?;
        out.push(Page {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes,
            media_type,
            image,
        });
    }
    let selfie = match selfie {
        None => Selfie::Absent,
        Some(path) => match read_bounded(path) {
            Err(problem) => Selfie::Unusable {
                bytes: Vec::new(),
                problem,
            },
            Ok(bytes) => match decode(&bytes) {
                Ok((image, _)) => Selfie::Frame { bytes, image },
                Err(problem) => Selfie::Unusable { bytes, problem },
            },
        },
    };
    Ok(Session {
        pages: out,
        selfie,
        email: email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()),
    })
}
