//! The project's own synthetic scanned originals, for tests and the demo.
//!
//! [`generate`] writes `DIR/<case_id>/` folders shaped like the evaluation corpus — `front.jpg` +
//! `back.jpg` (citizen_id) or `page1.jpg`, `selfie.jpg`, `session.toml` — and `DIR/answers.jsonl`
//! with the true fields and the expected decision of every case. [`render_case`] makes one case
//! in memory. Everything is deterministic for a seed (and a given set of photos).

#![warn(missing_docs)]
// Drawing calls take positions, sizes and colours; per-channel loops index three arrays at once.
#![allow(clippy::too_many_arguments, clippy::needless_range_loop)]

pub mod canvas;
pub mod data;
pub mod docs;
pub mod marks;
pub mod mrz;
pub mod photos;
pub mod rng;
pub mod scan;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;
use time::{Date, Duration};

use crate::canvas::F;
use crate::data::Record;
use crate::docs::Alteration;
use crate::rng::Rng;
use crate::scan::{Profile, ScanInfo};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum SpecimenError {
    /// The DejaVu fonts are missing.
    #[error("fonts: {0}")]
    Fonts(String),
    /// Face photos are missing or unreadable.
    #[error("photos: {0}")]
    Photos(String),
    /// A bad option.
    #[error("{0}")]
    Options(String),
    /// Writing the output.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Encoding an image.
    #[error("image: {0}")]
    Image(#[from] image::ImageError),
}

/// Document types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// CCCD 2021 card (front and back).
    CitizenId,
    /// Giấy khai sinh.
    BirthCertificate,
    /// University degree.
    Diploma,
    /// Administrative decision.
    Decision,
}

impl DocType {
    /// All types.
    pub const ALL: [DocType; 4] = [
        DocType::CitizenId,
        DocType::BirthCertificate,
        DocType::Diploma,
        DocType::Decision,
    ];
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::CitizenId => "citizen_id",
            DocType::BirthCertificate => "birth_certificate",
            DocType::Diploma => "diploma",
            DocType::Decision => "decision",
        }
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocType {
    type Err = SpecimenError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| SpecimenError::Options(format!("unknown document type {s:?}")))
    }
}

/// What is (or is not) wrong with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// A good original, the holder's face.
    Valid,
    /// One MRZ check digit wrong (citizen_id).
    MrzChecksum,
    /// The MRZ disagrees with a printed field (citizen_id).
    MrzMismatch,
    /// Expiry date before today (citizen_id).
    Expired,
    /// A scan of a photocopy.
    Photocopy,
    /// A field erased and retyped.
    Altered,
    /// Too blurred or cut off.
    Unreadable,
    /// The selfie shows someone else (citizen_id: the only type whose portrait is compared).
    FaceMismatch,
    /// The selfie shows no face.
    NoFace,
}

impl Variant {
    /// All variants.
    pub const ALL: [Variant; 9] = [
        Variant::Valid,
        Variant::MrzChecksum,
        Variant::MrzMismatch,
        Variant::Expired,
        Variant::Photocopy,
        Variant::Altered,
        Variant::Unreadable,
        Variant::FaceMismatch,
        Variant::NoFace,
    ];
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Valid => "valid",
            Variant::MrzChecksum => "mrz_checksum",
            Variant::MrzMismatch => "mrz_mismatch",
            Variant::Expired => "expired",
            Variant::Photocopy => "photocopy",
            Variant::Altered => "altered",
            Variant::Unreadable => "unreadable",
            Variant::FaceMismatch => "face_mismatch",
            Variant::NoFace => "no_face",
        }
    }
    /// Whether the variant exists for a document type.
    pub fn applies_to(self, t: DocType) -> bool {
        match self {
            Variant::MrzChecksum
            | Variant::MrzMismatch
            | Variant::Expired
            | Variant::FaceMismatch => t == DocType::CitizenId,
            _ => true,
        }
    }
    /// Expected decision and reasons (main first).
    pub fn expected(self, t: DocType) -> (&'static str, Vec<&'static str>) {
        match self {
            Variant::Valid => ("issue", vec![]),
            Variant::MrzChecksum => ("flag", vec!["mrz_check_digit"]),
            Variant::MrzMismatch => ("flag", vec!["mrz_visual_mismatch"]),
            Variant::Expired => ("flag", vec!["document_expired"]),
            Variant::FaceMismatch => ("flag", vec!["face_mismatch"]),
            Variant::NoFace => ("flag", vec!["face_not_found"]),
            Variant::Unreadable => ("flag", vec!["low_quality"]),
            Variant::Photocopy => ("reject", vec!["not_an_original"]),
            Variant::Altered if t == DocType::CitizenId => {
                ("reject", vec!["altered_original", "mrz_visual_mismatch"])
            }
            Variant::Altered => ("reject", vec!["altered_original"]),
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = SpecimenError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| SpecimenError::Options(format!("unknown variant {s:?}")))
    }
}

/// Options of a run.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Seed: the same seed gives the same files.
    pub seed: u64,
    /// Types to make (all by default).
    pub types: Vec<DocType>,
    /// Variants to make (all by default; each only for the types it applies to).
    pub variants: Vec<Variant>,
    /// Cases per (type, variant).
    pub repeat: usize,
    /// "Today" for expiry and dates of issue.
    pub today: Date,
    /// `<dir>/<person>/<n>.jpg` face photos.
    pub photos_dir: PathBuf,
    /// Resolution factor (1.0 = realistic 200–600 dpi; tests use less for speed).
    pub dpi_scale: f32,
}

/// The photos folder: `TRUECOPY_PHOTOS`, else `.tools/photos` in the current folder or an
/// ancestor, else the workspace's.
pub fn default_photos_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("TRUECOPY_PHOTOS") {
        return PathBuf::from(p);
    }
    if let Ok(mut d) = std::env::current_dir() {
        loop {
            let c = d.join(".tools/photos");
            if c.is_dir() {
                return c;
            }
            if !d.pop() {
                break;
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/photos")
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            seed: 1,
            types: DocType::ALL.to_vec(),
            variants: Variant::ALL.to_vec(),
            repeat: 1,
            today: time::OffsetDateTime::now_utc().date(),
            photos_dir: default_photos_dir(),
            dpi_scale: 1.0,
        }
    }
}

/// Which files a case has.
#[derive(Debug, Clone, Serialize)]
pub struct CaseFiles {
    /// Scanned pages in order.
    pub pages: Vec<String>,
    /// The camera frame.
    pub selfie: String,
}

/// Who is on the portrait and the selfie.
#[derive(Debug, Clone, Serialize)]
pub struct FaceInfo {
    /// Whether the portrait is compared with the selfie (citizen_id); otherwise liveness only.
    pub applicable: bool,
    /// The holder's photo person.
    pub portrait_person: String,
    /// The holder's photo file (relative to the photos folder).
    pub portrait_photo: String,
    /// "person" or "no_face:wall"/"no_face:ceiling".
    pub selfie_kind: String,
    /// Who is on the selfie.
    pub selfie_person: Option<String>,
    /// Selfie source photo.
    pub selfie_photo: Option<String>,
    /// Whether selfie and portrait show the same person.
    pub same_person: bool,
}

/// One case as answers.jsonl records it.
#[derive(Debug, Clone, Serialize)]
pub struct SpecimenCase {
    /// Folder name.
    pub case_id: String,
    /// Type.
    pub document_type: DocType,
    /// Variant.
    pub variant: Variant,
    /// Files.
    pub files: CaseFiles,
    /// True values as printed (dates ISO 8601, NFC).
    pub fields: BTreeMap<String, String>,
    /// issue / flag / reject.
    pub expected_decision: String,
    /// Reason codes, main first.
    pub expected_reasons: Vec<String>,
    /// False when the scan is unreadable on purpose.
    pub fields_scorable: bool,
    /// Faces.
    pub face: FaceInfo,
    /// How each page was scanned.
    pub scan: BTreeMap<String, ScanInfo>,
    /// What was done for the variant.
    pub variant_info: serde_json::Value,
    /// The e-mail in session.toml.
    pub email: String,
    /// "Today" of the run.
    pub as_of: String,
}

/// A case with its files in memory.
#[derive(Debug, Clone)]
pub struct RenderedCase {
    /// Its answer line.
    pub case: SpecimenCase,
    /// (file name, JPEG bytes) of the pages.
    pub pages: Vec<(String, Vec<u8>)>,
    /// selfie.jpg bytes.
    pub selfie: Vec<u8>,
    /// session.toml text.
    pub session_toml: String,
}

/// One planned case: type, variant, repetition index.
pub type Planned = (DocType, Variant, usize);

/// The (type, variant) list a run makes, in order.
pub fn plan(opts: &GenerateOptions) -> Vec<(DocType, Variant, usize)> {
    let mut out = Vec::new();
    for t in &opts.types {
        for v in &opts.variants {
            if v.applies_to(*t) {
                for n in 0..opts.repeat.max(1) {
                    out.push((*t, *v, n));
                }
            }
        }
    }
    out
}

fn case_id(opts: &GenerateOptions, t: DocType, v: Variant, n: usize) -> String {
    let short = match t {
        DocType::CitizenId => "cccd",
        DocType::BirthCertificate => "birth",
        DocType::Diploma => "diploma",
        DocType::Decision => "decision",
    };
    format!(
        "s{}-{short}-{}-{}",
        opts.seed,
        v.as_str().replace('_', "-"),
        n + 1
    )
}

fn scaled_dpi(base: u32, opts: &GenerateOptions) -> u32 {
    ((base as f32 * opts.dpi_scale).round() as u32).clamp(40, 1200)
}

/// Renders one case in memory.
pub fn render_case(
    opts: &GenerateOptions,
    t: DocType,
    v: Variant,
    n: usize,
) -> Result<RenderedCase, SpecimenError> {
    let t0 = std::time::Instant::now();
    let timing = std::env::var_os("SPECIMENS_TIMING").is_some();
    let lap = |what: &str| {
        if timing {
            eprintln!("{t}/{v} {what}: {:?}", t0.elapsed())
        }
    };
    canvas::init_fonts()?;
    if !v.applies_to(t) {
        return Err(SpecimenError::Options(format!(
            "variant {v} does not apply to {t}"
        )));
    }
    let people = photos::people(&opts.photos_dir)?;
    let tag = (t as u64) << 40 | (v as u64) << 32 | n as u64;
    let mut rng = Rng::derive(opts.seed, tag);
    let today = opts.today;
    let mut rec = match t {
        DocType::CitizenId => data::citizen_id(&mut rng, today, v == Variant::Expired),
        DocType::BirthCertificate => data::birth_certificate(&mut rng, today),
        DocType::Diploma => data::diploma(&mut rng, today),
        DocType::Decision => data::decision(&mut rng, today),
    };
    // Faces.
    let (holder_name, holder_files) = rng.pick(&people).clone();
    let pi = rng.below(holder_files.len());
    let portrait_path = holder_files[pi].clone();
    let rel = |p: &Path| {
        p.strip_prefix(&opts.photos_dir)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let mut face = FaceInfo {
        applicable: t == DocType::CitizenId,
        portrait_person: holder_name.clone(),
        portrait_photo: rel(&portrait_path),
        selfie_kind: "person".into(),
        selfie_person: Some(holder_name.clone()),
        selfie_photo: None,
        same_person: true,
    };
    let selfie_img = match v {
        Variant::NoFace => {
            let (img, kind) = photos::no_face(&mut rng);
            face.selfie_kind = format!("no_face:{kind}");
            face.selfie_person = None;
            face.same_person = false;
            img
        }
        Variant::FaceMismatch => {
            let others: Vec<&(String, Vec<PathBuf>)> =
                people.iter().filter(|p| p.0 != holder_name).collect();
            if others.is_empty() {
                return Err(SpecimenError::Photos(format!(
                    "face_mismatch needs photos of two people under {}",
                    opts.photos_dir.display()
                )));
            }
            let other = rng.pick(&others);
            let path = rng.pick(&other.1).clone();
            face.selfie_person = Some(other.0.clone());
            face.selfie_photo = Some(rel(&path));
            face.same_person = false;
            photos::selfie(&path, &mut rng)?
        }
        _ => {
            let path = if holder_files.len() > 1 {
                let mut j = rng.below(holder_files.len() - 1);
                if j >= pi {
                    j += 1;
                }
                holder_files[j].clone()
            } else {
                portrait_path.clone()
            };
            face.selfie_photo = Some(rel(&path));
            photos::selfie(&path, &mut rng)?
        }
    };

    lap("selfie");
    // Variant-specific changes to what is printed.
    let mut info = serde_json::Map::new();
    let mut mrz_printed: [String; 3] = [
        rec.get("mrz_line1").into(),
        rec.get("mrz_line2").into(),
        rec.get("mrz_line3").into(),
    ];
    let mut alteration: Option<Alteration> = None;
    match v {
        Variant::MrzChecksum => {
            let (line, col, what) = *rng.pick(&mrz::CHECK_POSITIONS);
            let mut chars: Vec<char> = mrz_printed[line].chars().collect();
            let correct = chars[col].to_digit(10).unwrap_or(0);
            let wrong = (correct + rng.int(1, 9) as u32) % 10;
            chars[col] = char::from_digit(wrong, 10).unwrap_or('0');
            mrz_printed[line] = chars.into_iter().collect();
            info.insert("bad_check_digit".into(), what.into());
            info.insert("line".into(), (line + 1).into());
            info.insert("position".into(), (col + 1).into());
            info.insert("printed".into(), wrong.to_string().into());
            info.insert("correct".into(), correct.to_string().into());
        }
        Variant::MrzMismatch => {
            let mut m = mrz_data(&rec);
            let which = *rng.pick(&["date_of_birth", "full_name", "expiry_date"]);
            match which {
                "date_of_birth" => {
                    m.date_of_birth = shift_day(m.date_of_birth, &mut rng);
                    info.insert("mrz_value".into(), data::iso(m.date_of_birth).into());
                }
                "expiry_date" => {
                    m.expiry = data::add_years(m.expiry, *rng.pick(&[-5, 5, 10]));
                    info.insert("mrz_value".into(), data::iso(m.expiry).into());
                }
                _ => {
                    m.full_name = other_given_name(&rec.holder.name, rec.holder.male, &mut rng);
                    info.insert("mrz_value".into(), m.full_name.to_uppercase().into());
                }
            }
            info.insert("mismatch_field".into(), which.into());
            mrz_printed = mrz::lines(&m);
        }
        Variant::Altered => {
            let choices: &[&'static str] = match t {
                DocType::CitizenId => &["full_name", "date_of_birth", "expiry_date", "id_number"],
                DocType::BirthCertificate => &[
                    "full_name",
                    "date_of_birth",
                    "father_name",
                    "registration_date",
                ],
                DocType::Diploma => &["full_name", "date_of_birth", "classification"],
                DocType::Decision => &["full_name", "date_of_birth"],
            };
            let field = *rng.pick(choices);
            let original = rec.get(field).to_string();
            let new = altered_value(t, field, &rec, &mut rng);
            info.insert("altered_field".into(), field.into());
            info.insert("original_value".into(), original.into());
            info.insert("altered_value".into(), new.clone().into());
            let font = *rng.pick(&[F::Sans, F::Condensed, F::Mono, F::SerifItalic]);
            let (size, dy) = (rng.rangef(0.9, 1.08), rng.rangef(-0.3, 0.35));
            alteration = Some(Alteration {
                field,
                printed: docs::printed(field, &new),
                font,
                size,
                dy,
            });
            rec.set(field, new);
        }
        _ => {}
    }
    if t == DocType::CitizenId {
        rec.set("mrz_line1", mrz_printed[0].clone());
        rec.set("mrz_line2", mrz_printed[1].clone());
        rec.set("mrz_line3", mrz_printed[2].clone());
    }

    // Draw.
    let base_dpi = match t {
        DocType::CitizenId => *rng.pick(&[400, 450, 500, 600]),
        _ => *rng.pick(&[200, 250, 250, 300]),
    };
    let dpi = scaled_dpi(base_dpi, opts);
    let drawn = match t {
        DocType::CitizenId => {
            let portrait = photos::portrait(&portrait_path)?;
            docs::citizen_id(
                &rec,
                &mrz_printed,
                &portrait,
                dpi,
                &mut rng,
                alteration.as_ref(),
            )
        }
        DocType::BirthCertificate => {
            docs::birth_certificate(&rec, dpi, &mut rng, alteration.as_ref())
        }
        DocType::Diploma => docs::diploma(&rec, dpi, &mut rng, alteration.as_ref()),
        DocType::Decision => docs::decision(&rec, dpi, &mut rng, alteration.as_ref()),
    };
    lap("draw");
    let names: Vec<String> = if t == DocType::CitizenId {
        vec!["front.jpg".into(), "back.jpg".into()]
    } else {
        vec!["page1.jpg".into()]
    };
    let bad_page = rng.below(names.len());
    if v == Variant::Unreadable {
        info.insert("page".into(), names[bad_page].clone().into());
    }
    let mut pages = Vec::new();
    let mut scans = BTreeMap::new();
    for (i, (d, name)) in drawn.into_iter().zip(&names).enumerate() {
        if let Some(b) = d.altered_box {
            info.insert("page".into(), name.clone().into());
            info.insert("box_px".into(), serde_json::json!(b));
        }
        let profile = match v {
            Variant::Photocopy => Profile::Photocopy,
            Variant::Unreadable if i == bad_page => Profile::Unreadable,
            _ => Profile::Scan,
        };
        let (img, si) = scan::scan(d, dpi, profile, &mut rng);
        lap("scan");
        if let Some(defect) = &si.defect {
            info.insert("defect".into(), defect.clone().into());
        }
        pages.push((name.clone(), scan::jpeg(&img, si.jpeg_quality)?));
        lap("jpeg");
        scans.insert(name.clone(), si);
    }
    let selfie = scan::jpeg(&selfie_img, rng.int(80, 92) as u8)?;

    let email = format!(
        "{}.{}@example.com",
        mrz::transliterate(&rec.holder.name)
            .to_lowercase()
            .replace(' ', "."),
        rng.int(10, 99)
    );
    let (decision, reasons) = v.expected(t);
    let case = SpecimenCase {
        case_id: case_id(opts, t, v, n),
        document_type: t,
        variant: v,
        files: CaseFiles {
            pages: names,
            selfie: "selfie.jpg".into(),
        },
        fields: rec
            .fields
            .iter()
            .map(|(k, val)| ((*k).to_string(), nfc(val)))
            .collect(),
        expected_decision: decision.into(),
        expected_reasons: reasons.into_iter().map(String::from).collect(),
        fields_scorable: v != Variant::Unreadable,
        face,
        scan: scans,
        variant_info: serde_json::Value::Object(info),
        email: email.clone(),
        as_of: data::iso(today),
    };
    Ok(RenderedCase {
        case,
        pages,
        selfie,
        session_toml: format!("email = \"{email}\"\n"),
    })
}

fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

fn mrz_data(rec: &Record) -> mrz::MrzData {
    let parse = |s: &str| {
        Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .unwrap_or(Date::MIN)
    };
    mrz::MrzData {
        id_number: rec.get("id_number").into(),
        date_of_birth: parse(rec.get("date_of_birth")),
        sex: if rec.holder.male { 'M' } else { 'F' },
        expiry: parse(rec.get("expiry_date")),
        full_name: rec.holder.name.clone(),
    }
}

/// Another day in the same year (so the ID number's year digits still agree).
fn shift_day(d: Date, rng: &mut Rng) -> Date {
    loop {
        let nd = d + Duration::days(rng.int(-200, 200));
        if nd.year() == d.year() && nd != d {
            return nd;
        }
    }
}

fn other_given_name(name: &str, male: bool, rng: &mut Rng) -> String {
    loop {
        let other = data::name(rng, male);
        let given = other.rsplit(' ').next().unwrap_or("");
        let mut parts: Vec<&str> = name.split(' ').collect();
        if parts.last() == Some(&given) {
            continue;
        }
        if let Some(l) = parts.last_mut() {
            *l = given;
        }
        return parts.join(" ");
    }
}

fn altered_value(t: DocType, field: &str, rec: &Record, rng: &mut Rng) -> String {
    let parse = |s: &str| {
        Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .unwrap_or(Date::MIN)
    };
    let upper = matches!(t, DocType::CitizenId | DocType::BirthCertificate);
    match field {
        "date_of_birth" if t == DocType::CitizenId => {
            data::iso(shift_day(parse(rec.get(field)), rng))
        }
        "date_of_birth" => {
            let d = parse(rec.get(field));
            data::iso(data::add_years(d, *rng.pick(&[-3, -2, -1, 1, 2])))
        }
        "expiry_date" => data::iso(data::add_years(
            parse(rec.get(field)),
            *rng.pick(&[5, 10, 15]),
        )),
        "registration_date" => data::iso(parse(rec.get(field)) + Duration::days(rng.int(30, 400))),
        "id_number" => {
            let mut c: Vec<char> = rec.get(field).chars().collect();
            for _ in 0..2 {
                let i = rng.int(6, 11) as usize;
                let d = c[i].to_digit(10).unwrap_or(0);
                c[i] = char::from_digit((d + rng.int(1, 9) as u32) % 10, 10).unwrap_or('0');
            }
            c.into_iter().collect()
        }
        "classification" => {
            let cur = rec.get(field);
            let better = ["Xuất sắc", "Giỏi"]
                .into_iter()
                .find(|c| *c != cur)
                .unwrap_or("Giỏi");
            better.to_string()
        }
        "full_name" | "father_name" => {
            let male = if field == "father_name" {
                true
            } else {
                rec.holder.male
            };
            let n = other_given_name(&title_case(rec.get(field)), male, rng);
            if upper { n.to_uppercase() } else { n }
        }
        _ => rec.get(field).to_string(),
    }
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), SpecimenError> {
    std::fs::write(path, bytes).map_err(|source| SpecimenError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Generates every planned case under `out` and writes `out/answers.jsonl`.
pub fn generate(out: &Path, opts: &GenerateOptions) -> Result<Vec<SpecimenCase>, SpecimenError> {
    let mk = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|source| SpecimenError::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    mk(out)?;
    let plan = plan(opts);
    if plan.is_empty() {
        return Err(SpecimenError::Options(
            "no (type, variant) combination to generate".into(),
        ));
    }
    // Two workers: the machines this runs on have few cores and share them.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 2);
    let results: Vec<Result<SpecimenCase, SpecimenError>> = std::thread::scope(|s| {
        let chunks: Vec<Vec<(usize, Planned)>> = (0..workers)
            .map(|w| {
                plan.iter()
                    .copied()
                    .enumerate()
                    .filter(|(i, _)| i % workers == w)
                    .collect()
            })
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(i, (t, v, n))| {
                            let r = render_case(opts, t, v, n).and_then(|rc| {
                                let dir = out.join(&rc.case.case_id);
                                mk(&dir)?;
                                for (name, bytes) in &rc.pages {
                                    write(&dir.join(name), bytes)?;
                                }
                                write(&dir.join("selfie.jpg"), &rc.selfie)?;
                                write(&dir.join("session.toml"), rc.session_toml.as_bytes())?;
                                Ok(rc.case)
                            });
                            (i, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Result<SpecimenCase, SpecimenError>)> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    });
    let cases = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    if cases.len() != plan.len() {
        return Err(SpecimenError::Options("a worker thread failed".into()));
    }
    let mut lines = String::new();
    for c in &cases {
        lines.push_str(
            &serde_json::to_string(c).map_err(|e| SpecimenError::Options(e.to_string()))?,
        );
        lines.push('\n');
    }
    write(&out.join("answers.jsonl"), lines.as_bytes())?;
    Ok(cases)
}
