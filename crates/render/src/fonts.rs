//! The embedded Vietnamese font subsets (TruecopySans = DejaVu Sans subset, see
//! `scripts/make-font-subset.sh` and `assets/LICENSE-DejaVu.txt`), text clean-up and width
//! measurement.

use std::io::Write as _;
use std::sync::OnceLock;

use printpdf::ParsedFont;
use unicode_normalization::UnicodeNormalization as _;

pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../assets/TruecopySans.ttf");
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../assets/TruecopySans-Bold.ttf");

/// One parsed face plus its font program already Flate-compressed, so a render does not
/// recompress ~60 KB of font per face every time.
#[derive(Debug)]
pub(crate) struct Face {
    pub(crate) parsed: ParsedFont,
    pub(crate) program: &'static [u8],
    pub(crate) program_deflated: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct Faces {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();

/// Parses the embedded fonts once per process.
pub(crate) fn faces() -> Result<&'static Faces, String> {
    FACES
        .get_or_init(|| {
            Ok(Faces {
                regular: load(REGULAR_TTF, "TruecopySans")?,
                bold: load(BOLD_TTF, "TruecopySans-Bold")?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn load(program: &'static [u8], name: &str) -> Result<Face, String> {
    let mut warnings = Vec::new();
    let mut parsed = ParsedFont::from_bytes(program, 0, &mut warnings)
        .ok_or_else(|| format!("embedded font {name} does not parse"))?;
    parsed.font_name = Some(name.to_owned());
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(program)
        .and_then(|()| enc.finish())
        .map(|program_deflated| Face {
            parsed,
            program,
            program_deflated,
        })
        .map_err(|e| format!("compressing embedded font {name}: {e}"))
}

impl Face {
    /// Advance width of `text` at `size` points. `text` must already be [`clean`]ed.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let upm = f32::from(self.parsed.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .and_then(|g| self.parsed.get_glyph_width(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 / upm * size
    }

    /// Greedy word wrap into lines no wider than `avail` points at `size`. Words longer
    /// than a line are split by characters.
    pub(crate) fn wrap(&self, text: &str, size: f32, avail: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= avail {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if self.width(word, size) <= avail {
                line = word.to_owned();
            } else {
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, size) > avail && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// NFC-normalizes `text` (the font has precomposed Vietnamese letters and printpdf does no
/// mark positioning), turns control characters and runs of whitespace into one space, and
/// replaces characters the subset lacks with `?` (never silently dropping them).
pub(crate) fn clean(face: &Face, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfc() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if face.parsed.lookup_glyph_index(c as u32).is_some() {
            out.push(c);
        } else {
            out.push('?');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_are_in_both_faces() {
        let f = faces().unwrap();
        let s = "Chứng thực bản sao này đúng với bản chính. ĐỘC LẬP Ơ Ư ơ ư ỹ Ỹ ₫ — “”";
        for face in [&f.regular, &f.bold] {
            assert_eq!(clean(face, s), s);
        }
    }

    #[test]
    fn decomposed_input_is_composed() {
        let f = faces().unwrap();
        // "Hà Nội" written with combining marks.
        let decomposed = "Ha\u{300} No\u{302}\u{323}i";
        assert_eq!(clean(&f.regular, decomposed), "Hà Nội");
    }

    #[test]
    fn unknown_characters_become_question_marks() {
        let f = faces().unwrap();
        assert_eq!(clean(&f.regular, "a\u{4E2D}b\n\tc"), "a?b c");
    }

    #[test]
    fn wrap_respects_width() {
        let f = faces().unwrap();
        let lines = f
            .regular
            .wrap("một hai ba bốn năm sáu bảy tám chín mười", 10.0, 60.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(f.regular.width(l, 10.0) <= 60.0, "{l}");
        }
    }
}
