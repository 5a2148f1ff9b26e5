//! PAdES baseline B-B signing as an incremental update.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use truecopy_seal::Signer;

use crate::cms_sig;
use crate::doc::{Doc, DocError};
use crate::error::PadesError;
use crate::syntax::{Dict, Obj, text_string, write_dict, write_obj};

/// Width reserved between `[` and `]` of the `/ByteRange` placeholder.
const BYTE_RANGE_WIDTH: usize = 60;
/// Default space reserved for the CMS signature (bytes of DER; twice that in hex).
pub const DEFAULT_RESERVE: usize = 8192;
/// Bytes copied and hashed at a time.
const COPY_CHUNK: usize = 64 * 1024;
/// Widget annotation flags: Print (4) + Locked (128).
const WIDGET_FLAGS: &str = "132";

/// How to sign: field name, signing time and the optional descriptive entries of the
/// signature dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// Name of the new signature field (`/T`); unique in the document, no `.`.
    pub field_name: String,
    /// The signing time written as `/M` (PAdES keeps it out of the CMS).
    pub signing_time: OffsetDateTime,
    /// `/Name`: the signer's name as displayed.
    pub name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact: Option<String>,
    /// Bytes reserved for the DER CMS signature (the `/Contents` hex string is twice that).
    pub reserve: usize,
}

impl SignOptions {
    /// Options for field `field_name`, signed now, with the default reserve.
    pub fn new(field_name: impl Into<String>) -> Self {
        SignOptions {
            field_name: field_name.into(),
            ..SignOptions::default()
        }
    }

    /// Sets the signing time.
    #[must_use]
    pub fn at(mut self, signing_time: OffsetDateTime) -> Self {
        self.signing_time = signing_time;
        self
    }
}

impl Default for SignOptions {
    /// Field `Signature1`, signing time now (UTC), no descriptive entries, 8 KiB reserve.
    fn default() -> Self {
        SignOptions {
            field_name: "Signature1".into(),
            signing_time: OffsetDateTime::now_utc(),
            name: None,
            reason: None,
            location: None,
            contact: None,
            reserve: DEFAULT_RESERVE,
        }
    }
}

/// A PDF date: `D:YYYYMMDDHHmmSS+HH'mm'`.
pub(crate) fn pdf_date(t: OffsetDateTime) -> String {
    let off = t.offset();
    let (h, m, _) = off.as_hms();
    let tz = if off.is_utc() {
        "Z".to_string()
    } else {
        let sign = if off.is_negative() { '-' } else { '+' };
        format!("{sign}{:02}'{:02}'", h.unsigned_abs(), m.unsigned_abs())
    };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{tz}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn doc_error(e: DocError) -> PadesError {
    match e {
        DocError::NotAPdf(why) => PadesError::NotAPdf(why.into()),
        DocError::XrefStream => PadesError::Unsupported(
            "the file uses a cross-reference stream; only classic xref tables are signed (re-save it without object streams)"
                .into(),
        ),
    }
}

fn malformed(what: &str) -> PadesError {
    PadesError::NotAPdf(what.into())
}

/// Signs `pdf` with `signer` as a PAdES baseline B-B signature appended as an incremental
/// update: the input bytes are kept as they are, so earlier signatures stay valid.
///
/// Adds a signature dictionary (`/ETSI.CAdES.detached`), a hidden signature widget on the
/// first page, and the `/AcroForm` (keeping existing fields, `/SigFlags 3`). Reads only the
/// cross-reference tables and the objects it rewrites. Files with cross-reference streams
/// or encryption give [`PadesError::Unsupported`].
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    opts: &SignOptions,
) -> Result<Vec<u8>, PadesError> {
    validate(opts)?;
    let doc = Doc::parse(pdf).map_err(doc_error)?;
    if doc.hybrid {
        return Err(PadesError::Unsupported(
            "hybrid-reference file (/XRefStm); re-save it with a classic cross-reference table"
                .into(),
        ));
    }
    let top = doc.revs.len() - 1;
    let trailer = &doc.revs[top].trailer;
    if trailer.get(b"Encrypt").is_some() {
        return Err(PadesError::Unsupported("encrypted PDF".into()));
    }
    let prev_xref = doc.revs[top].xref_offset;

    // The objects to rewrite: catalog, first page, AcroForm.
    let ((root_num, root_gen), catalog) = doc
        .catalog(top)
        .ok_or_else(|| malformed("document catalog not found"))?;
    let (page_num, page_gen, page) = first_page(&doc, &catalog, top)?;
    let (acroform_ref, acroform) = match catalog.get(b"AcroForm") {
        Some(Obj::Ref(n, g)) => (
            Some((*n, *g)),
            doc.dict(&Obj::Ref(*n, *g), top)
                .ok_or_else(|| malformed("/AcroForm not found"))?,
        ),
        Some(Obj::Dict(d)) => (None, d.clone()),
        _ => (None, Dict::default()),
    };
    let mut fields = match acroform.get(b"Fields") {
        Some(f) => doc
            .array(f, top)
            .ok_or_else(|| malformed("/AcroForm /Fields is not an array"))?,
        None => Vec::new(),
    };
    for field in &fields {
        if let Some(d) = doc.dict(field, top)
            && d.get(b"T").and_then(Obj::text).as_deref() == Some(opts.field_name.as_str())
        {
            return Err(PadesError::FieldExists(opts.field_name.clone()));
        }
    }
    let mut annots = match page.get(b"Annots") {
        Some(a) => doc
            .array(a, top)
            .ok_or_else(|| malformed("page /Annots is not an array"))?,
        None => Vec::new(),
    };

    // New object numbers.
    let size = doc.size();
    let sig_num = size;
    let widget_num = size + 1;
    let (af_num, af_gen, new_size) = match acroform_ref {
        Some((n, g)) => (n, g, size + 2),
        None => (size + 2, 0, size + 3),
    };

    let base = pdf.len();
    let mut upd: Vec<u8> = Vec::with_capacity(opts.reserve * 2 + 4096);
    if !matches!(pdf.last(), Some(b'\n' | b'\r')) {
        upd.push(b'\n');
    }
    let mut xref: Vec<(u32, u16, usize)> = Vec::with_capacity(5);

    // 1. The signature dictionary.
    xref.push((sig_num, 0, base + upd.len()));
    upd.extend_from_slice(format!("{sig_num} 0 obj\n<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ").as_bytes());
    upd.extend_from_slice(&text_string(&pdf_date(opts.signing_time)));
    for (key, value) in [
        ("Name", &opts.name),
        ("Reason", &opts.reason),
        ("Location", &opts.location),
        ("ContactInfo", &opts.contact),
    ] {
        if let Some(v) = value {
            upd.extend_from_slice(format!(" /{key} ").as_bytes());
            upd.extend_from_slice(&text_string(v));
        }
    }
    upd.extend_from_slice(b" /ByteRange [");
    let byte_range_at = upd.len();
    upd.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
    upd.extend_from_slice(b"] /Contents ");
    let contents_start = base + upd.len();
    upd.push(b'<');
    upd.extend(std::iter::repeat_n(b'0', opts.reserve * 2));
    upd.push(b'>');
    let contents_end = base + upd.len();
    upd.extend_from_slice(b">>\nendobj\n");

    // 2. The hidden signature widget (merged field and annotation).
    xref.push((widget_num, 0, base + upd.len()));
    upd.extend_from_slice(
        format!("{widget_num} 0 obj\n<</Type /Annot /Subtype /Widget /FT /Sig /T ").as_bytes(),
    );
    upd.extend_from_slice(&text_string(&opts.field_name));
    upd.extend_from_slice(
        format!(
            " /V {sig_num} 0 R /F {WIDGET_FLAGS} /Rect [0 0 0 0] /P {page_num} {page_gen} R>>\nendobj\n"
        )
        .as_bytes(),
    );

    // 3. The AcroForm, keeping its fields.
    fields.push(Obj::Ref(widget_num, 0));
    let mut af = acroform;
    af.set(b"Fields", Obj::Array(fields));
    af.set(b"SigFlags", Obj::Num(b"3"));
    xref.push((af_num, af_gen, base + upd.len()));
    write_indirect(&mut upd, af_num, af_gen, &af);

    // 4. The catalog, pointing to the AcroForm (and declaring the PAdES extension).
    let mut cat = catalog;
    cat.set(b"AcroForm", Obj::Ref(af_num, af_gen));
    if cat.get(b"Extensions").is_none() {
        cat.set(
            b"Extensions",
            Obj::Dict(Dict(vec![(
                b"ESIC",
                Obj::Dict(Dict(vec![
                    (b"BaseVersion", Obj::Name(b"1.7")),
                    (b"ExtensionLevel", Obj::Num(b"2")),
                ])),
            )])),
        );
    }
    if cat.get(b"Version").is_none() && header_version(pdf) < (1, 7) {
        cat.set(b"Version", Obj::Name(b"1.7"));
    }
    xref.push((root_num, root_gen, base + upd.len()));
    write_indirect(&mut upd, root_num, root_gen, &cat);

    // 5. The first page, with the widget in /Annots.
    annots.push(Obj::Ref(widget_num, 0));
    let mut pg = page;
    pg.set(b"Annots", Obj::Array(annots));
    xref.push((page_num, page_gen, base + upd.len()));
    write_indirect(&mut upd, page_num, page_gen, &pg);

    // Cross-reference section and trailer.
    let xref_offset = base + upd.len();
    xref.sort_unstable_by_key(|e| e.0);
    upd.extend_from_slice(b"xref\n");
    let mut i = 0;
    while i < xref.len() {
        let mut j = i + 1;
        while j < xref.len() && xref[j].0 == xref[j - 1].0 + 1 {
            j += 1;
        }
        upd.extend_from_slice(format!("{} {}\n", xref[i].0, j - i).as_bytes());
        for &(_, g, off) in &xref[i..j] {
            upd.extend_from_slice(format!("{off:010} {g:05} n\r\n").as_bytes());
        }
        i = j;
    }
    upd.extend_from_slice(
        format!("trailer\n<</Size {new_size} /Root {root_num} {root_gen} R").as_bytes(),
    );
    for key in [&b"Info"[..], b"ID"] {
        if let Some(v) = trailer.get(key) {
            upd.push(b' ');
            upd.push(b'/');
            upd.extend_from_slice(key);
            upd.push(b' ');
            write_obj(&mut upd, v);
        }
    }
    upd.extend_from_slice(
        format!(" /Prev {prev_xref}>>\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes(),
    );

    // Fill in /ByteRange, then copy and hash in one pass (each chunk is hashed while it is
    // still in cache), sign, fill in /Contents.
    let total = base + upd.len();
    let range = format!("0 {contents_start} {contents_end} {}", total - contents_end);
    if range.len() > BYTE_RANGE_WIDTH {
        return Err(PadesError::Unsupported("file too large".into()));
    }
    upd[byte_range_at..byte_range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut out = Vec::with_capacity(total);
    let mut h = Sha256::new();
    for chunk in pdf.chunks(COPY_CHUNK) {
        out.extend_from_slice(chunk);
        h.update(chunk);
    }
    h.update(&upd[..contents_start - base]);
    h.update(&upd[contents_end - base..]);
    out.extend_from_slice(&upd);
    let digest = h.finalize();
    let cms = cms_sig::build(signer, &digest)?;
    if cms.len() > opts.reserve {
        return Err(PadesError::ReserveTooSmall {
            needed: cms.len(),
            reserve: opts.reserve,
        });
    }
    let hex = hex::encode_upper(&cms);
    out[contents_start + 1..contents_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

fn validate(opts: &SignOptions) -> Result<(), PadesError> {
    let name = opts.field_name.as_str();
    if name.trim().is_empty() || name.contains('.') || name.chars().any(char::is_control) {
        return Err(PadesError::InvalidOption(format!(
            "field name {name:?} must be non-empty, without '.' or control characters"
        )));
    }
    if !(1024..=1 << 20).contains(&opts.reserve) {
        return Err(PadesError::InvalidOption(format!(
            "reserve {} must be between 1024 and 1048576 bytes",
            opts.reserve
        )));
    }
    Ok(())
}

fn write_indirect(out: &mut Vec<u8>, num: u32, gen_: u16, dict: &Dict<'_>) {
    out.extend_from_slice(format!("{num} {gen_} obj\n").as_bytes());
    write_dict(out, dict);
    out.extend_from_slice(b"\nendobj\n");
}

/// `(major, minor)` of the `%PDF-x.y` header, `(1, 0)` when unreadable.
fn header_version(pdf: &[u8]) -> (u8, u8) {
    let head = &pdf[..pdf.len().min(1024)];
    crate::syntax::find(head, b"%PDF-", 0)
        .and_then(|i| {
            let v = head.get(i + 5..i + 8)?;
            (v[0].is_ascii_digit() && v[1] == b'.' && v[2].is_ascii_digit())
                .then(|| (v[0] - b'0', v[2] - b'0'))
        })
        .unwrap_or((1, 0))
}

/// The first leaf of the page tree.
fn first_page<'a>(
    doc: &Doc<'a>,
    catalog: &Dict<'a>,
    top: usize,
) -> Result<(u32, u16, Dict<'a>), PadesError> {
    let mut node = catalog
        .reference(b"Pages")
        .ok_or_else(|| malformed("catalog has no /Pages reference"))?;
    for _ in 0..32 {
        let dict = doc
            .dict(&Obj::Ref(node.0, node.1), top)
            .ok_or_else(|| malformed("page tree node not found"))?;
        let is_page = dict.has_name(b"Type", b"Page")
            || (dict.get(b"Kids").is_none() && !dict.has_name(b"Type", b"Pages"));
        if is_page {
            return Ok((node.0, node.1, dict));
        }
        let kids = dict
            .get(b"Kids")
            .and_then(|k| doc.array(k, top))
            .ok_or_else(|| malformed("page tree node without /Kids"))?;
        node = match kids.first() {
            Some(Obj::Ref(n, g)) => (*n, *g),
            _ => return Err(malformed("the document has no pages")),
        };
    }
    Err(malformed("page tree too deep"))
}
