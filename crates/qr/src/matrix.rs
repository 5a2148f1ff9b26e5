//! The QR symbol as a module matrix, for the renderer.

use qrcode::{Color, EcLevel, QrCode, Version};
use serde::Serialize;

use crate::QrError;

/// Largest QR version the format allows (77 × 77 modules).
pub const MAX_QR_VERSION: u8 = 15;
/// Modules of light margin a renderer must leave around the symbol (ISO/IEC 18004).
pub const QUIET_ZONE_MODULES: usize = 4;
/// Inputs longer than this cannot fit any allowed version; refused before encoding.
const MAX_TEXT_LEN: usize = 1024;

/// Error correction level of a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QrEcLevel {
    /// Medium: about 15 % of codewords can be restored. What [`qr_matrix`] uses.
    M,
    /// Quartile: about 25 %.
    Q,
}

/// A QR symbol: `width` × `width` modules, row-major (`dark[y * width + x]`), `true` = dark.
/// The quiet zone is NOT included: leave [`QUIET_ZONE_MODULES`] light modules on every side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrMatrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// The QR version (1–40), from the width (`17 + 4 × version`).
    pub fn version(&self) -> u8 {
        u8::try_from(self.width.saturating_sub(17) / 4).unwrap_or(u8::MAX)
    }

    /// Whether module (`x`, `y`) is dark; `false` outside the symbol (the quiet zone).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark.get(y * self.width + x) == Some(&true)
    }
}

/// The symbol for `text` at error correction M, in the smallest version that holds it, in byte
/// mode (with the encoder's optimal mixing of numeric/alphanumeric segments). Errors with
/// [`QrError::TooLong`] when it needs more than version [`MAX_QR_VERSION`].
pub fn qr_matrix(text: &str) -> Result<QrMatrix, QrError> {
    qr_matrix_at(text, QrEcLevel::M)
}

/// As [`qr_matrix`], at a chosen error correction level.
pub fn qr_matrix_at(text: &str, level: QrEcLevel) -> Result<QrMatrix, QrError> {
    let too_long = || QrError::TooLong {
        bytes: text.len(),
        max_version: MAX_QR_VERSION,
    };
    if text.len() > MAX_TEXT_LEN {
        return Err(too_long());
    }
    let ec = match level {
        QrEcLevel::M => EcLevel::M,
        QrEcLevel::Q => EcLevel::Q,
    };
    let code = QrCode::with_error_correction_level(text.as_bytes(), ec).map_err(|e| match e {
        qrcode::types::QrError::DataTooLong => too_long(),
        other => QrError::Encode(other.to_string()),
    })?;
    match code.version() {
        Version::Normal(v) if (1..=i16::from(MAX_QR_VERSION)).contains(&v) => {}
        _ => return Err(too_long()),
    }
    let width = code.width();
    let dark: Vec<bool> = code
        .into_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    if dark.len() != width * width {
        return Err(QrError::Encode("unexpected module count".into()));
    }
    Ok(QrMatrix { width, dark })
}
