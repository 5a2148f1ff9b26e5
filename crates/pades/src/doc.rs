//! The revision structure of a PDF: the chain of classic cross-reference sections from the
//! last `startxref` back through `/Prev`, each with its trailer and the byte offset where its
//! revision ends (`%%EOF`). Objects are read lazily through the xref offsets.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::syntax::{Dict, Obj, Parser, find, is_ws, rfind};

/// At most this many cross-reference sections are followed.
const MAX_SECTIONS: usize = 512;
/// How far before the end of the file `startxref` is looked for first.
const TAIL: usize = 2048;

/// One cross-reference entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    InUse { offset: usize, gen_: u16 },
    Free,
}

/// One revision: an xref section, its trailer, and where the revision ends.
#[derive(Debug)]
pub(crate) struct Revision<'a> {
    /// Offset of the `xref` keyword.
    pub(crate) xref_offset: usize,
    pub(crate) entries: HashMap<u32, Entry>,
    /// Object numbers in file order of the section (for stable reports).
    pub(crate) order: Vec<u32>,
    pub(crate) trailer: Dict<'a>,
    /// Offset just after this revision's `%%EOF`, when found.
    pub(crate) eof_end: Option<usize>,
    /// `eof_end` plus the end-of-line marker that follows it.
    pub(crate) end: usize,
}

/// Why a file cannot be read as a PDF with classic cross-reference tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocError {
    NotAPdf(&'static str),
    /// The file uses a cross-reference stream (PDF 1.5 compressed xref).
    XrefStream,
}

/// A PDF's revisions, oldest first.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) revs: Vec<Revision<'a>>,
    /// Some section's trailer has `/XRefStm` (a hybrid-reference file).
    pub(crate) hybrid: bool,
    /// Bytes parsed by [`Doc::get`] so far (bounds the work on hostile files).
    work: Cell<usize>,
}

impl<'a> Doc<'a> {
    pub(crate) fn parse(buf: &'a [u8]) -> Result<Self, DocError> {
        let head = &buf[..buf.len().min(1024)];
        if find(head, b"%PDF-", 0).is_none() {
            return Err(DocError::NotAPdf("no %PDF- header"));
        }
        let tail_start = buf.len().saturating_sub(TAIL);
        let sx = rfind(&buf[tail_start..], b"startxref")
            .map(|p| p + tail_start)
            .or_else(|| rfind(buf, b"startxref"))
            .ok_or(DocError::NotAPdf("no startxref"))?;
        let mut p = Parser::new(buf, sx + b"startxref".len());
        p.skip_ws();
        let mut offset = p
            .uint()
            .and_then(|v| usize::try_from(v).ok())
            .ok_or(DocError::NotAPdf("bad startxref"))?;

        let mut sections: Vec<Revision<'a>> = Vec::new();
        let mut seen = HashSet::new();
        let mut hybrid = false;
        loop {
            if sections.len() >= MAX_SECTIONS || !seen.insert(offset) {
                return Err(DocError::NotAPdf(
                    "cross-reference chain loops or is too long",
                ));
            }
            let rev = parse_section(buf, offset)?;
            hybrid |= rev.trailer.get(b"XRefStm").is_some();
            let prev = match rev.trailer.get(b"Prev") {
                None => None,
                Some(o) => Some(
                    o.as_int()
                        .and_then(|v| usize::try_from(v).ok())
                        .ok_or(DocError::NotAPdf("bad /Prev"))?,
                ),
            };
            sections.push(rev);
            match prev {
                Some(p) => offset = p,
                None => break,
            }
        }
        // Newest first now. A section placed before an older one (linearized files: the
        // first-page section points to the main one) belongs to the same revision.
        let mut revs: Vec<Revision<'a>> = Vec::new();
        for sec in sections.into_iter().rev() {
            match revs.last_mut() {
                Some(last) if sec.xref_offset < last.xref_offset => {
                    for (n, e) in sec.entries {
                        if last.entries.insert(n, e).is_none() {
                            last.order.push(n);
                        }
                    }
                    last.trailer = sec.trailer;
                    last.end = last.end.max(sec.end);
                }
                _ => revs.push(sec),
            }
        }
        Ok(Doc {
            buf,
            revs,
            hybrid,
            work: Cell::new(0),
        })
    }

    /// The newest entry for `num` in revisions `0..=upto`.
    pub(crate) fn entry(&self, num: u32, upto: usize) -> Option<Entry> {
        self.revs[..=upto.min(self.revs.len() - 1)]
            .iter()
            .rev()
            .find_map(|r| r.entries.get(&num).copied())
    }

    /// Whether `num` is an object in use as of revision `upto`.
    pub(crate) fn in_use(&self, num: u32, upto: usize) -> bool {
        matches!(self.entry(num, upto), Some(Entry::InUse { .. }))
    }

    /// Reads object `num` as of revision `upto`.
    pub(crate) fn get(&self, num: u32, upto: usize) -> Option<Obj<'a>> {
        self.get_at_depth(num, upto, 0)
    }

    fn get_at_depth(&self, num: u32, upto: usize, depth: usize) -> Option<Obj<'a>> {
        if depth > 2 {
            return None;
        }
        let Entry::InUse { offset, gen_ } = self.entry(num, upto)? else {
            return None;
        };
        if offset >= self.buf.len() {
            return None;
        }
        let length_of = |n: u32, _g: u16| {
            self.get_at_depth(n, upto, depth + 1)?
                .as_int()
                .and_then(|v| usize::try_from(v).ok())
        };
        let mut parser = Parser::new(self.buf, offset);
        let parsed = parser.indirect(&length_of);
        self.work.set(
            self.work
                .get()
                .saturating_add(parser.pos.saturating_sub(offset)),
        );
        let (n, g, obj) = parsed?;
        (n == num && g == gen_).then_some(obj)
    }

    /// Whether object reads have parsed several times the file's size already.
    pub(crate) fn over_budget(&self) -> bool {
        self.work.get() > self.buf.len().saturating_mul(8).saturating_add(1 << 20)
    }

    /// Follows a reference (a few levels at most); other objects are returned as they are.
    pub(crate) fn resolve(&self, obj: &Obj<'a>, upto: usize) -> Option<Obj<'a>> {
        let mut cur = obj.clone();
        for _ in 0..4 {
            match cur {
                Obj::Ref(n, _) => cur = self.get(n, upto)?,
                other => return Some(other),
            }
        }
        None
    }

    /// The dictionary `obj` is or points to.
    pub(crate) fn dict(&self, obj: &Obj<'a>, upto: usize) -> Option<Dict<'a>> {
        match self.resolve(obj, upto)? {
            Obj::Dict(d) | Obj::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    /// The array `obj` is or points to.
    pub(crate) fn array(&self, obj: &Obj<'a>, upto: usize) -> Option<Vec<Obj<'a>>> {
        match self.resolve(obj, upto)? {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The document catalog as of revision `upto`, with its reference.
    pub(crate) fn catalog(&self, upto: usize) -> Option<((u32, u16), Dict<'a>)> {
        let root = self.revs.get(upto)?.trailer.reference(b"Root")?;
        let dict = self.dict(&Obj::Ref(root.0, root.1), upto)?;
        Some((root, dict))
    }

    /// The highest object number in use anywhere, plus one, or the trailer's `/Size`.
    pub(crate) fn size(&self) -> u32 {
        let declared = self
            .revs
            .iter()
            .filter_map(|r| r.trailer.int(b"Size"))
            .filter_map(|v| u32::try_from(v).ok())
            .max()
            .unwrap_or(0);
        let used = self
            .revs
            .iter()
            .flat_map(|r| r.entries.keys())
            .max()
            .map_or(0, |m| m.saturating_add(1));
        declared.max(used)
    }
}

fn parse_section(buf: &[u8], offset: usize) -> Result<Revision<'_>, DocError> {
    if offset >= buf.len() {
        return Err(DocError::NotAPdf(
            "cross-reference offset beyond the end of the file",
        ));
    }
    let mut p = Parser::new(buf, offset);
    p.skip_ws();
    if !p.keyword(b"xref") {
        // `n g obj` here means a cross-reference stream.
        let mut q = Parser::new(buf, offset);
        q.skip_ws();
        if q.uint().is_some()
            && {
                q.skip_ws();
                q.uint().is_some()
            }
            && {
                q.skip_ws();
                q.keyword(b"obj")
            }
        {
            return Err(DocError::XrefStream);
        }
        return Err(DocError::NotAPdf(
            "startxref does not point to a cross-reference table",
        ));
    }
    let mut entries = HashMap::new();
    let mut order = Vec::new();
    loop {
        p.skip_ws();
        if p.keyword(b"trailer") {
            break;
        }
        let bad = DocError::NotAPdf("malformed cross-reference table");
        let start = p.uint().ok_or(bad.clone())?;
        p.skip_ws();
        let count = p.uint().ok_or(bad.clone())?;
        // Each entry takes at least 18 bytes: refuse impossible counts up front.
        let remaining = (buf.len() - p.pos) as u64;
        if count > remaining / 18 + 1 {
            return Err(bad);
        }
        for i in 0..count {
            p.skip_ws();
            let off = p.uint().ok_or(bad.clone())?;
            p.skip_ws();
            let gen_ = p.uint().ok_or(bad.clone())?;
            p.skip_ws();
            let kind = p.peek().ok_or(bad.clone())?;
            p.pos += 1;
            let num = start
                .checked_add(i)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(bad.clone())?;
            let entry = match kind {
                b'n' => Entry::InUse {
                    offset: usize::try_from(off).map_err(|_| bad.clone())?,
                    gen_: u16::try_from(gen_).map_err(|_| bad.clone())?,
                },
                b'f' => Entry::Free,
                _ => return Err(bad),
            };
            if entries.insert(num, entry).is_none() {
                order.push(num);
            }
        }
    }
    let trailer = match p.object() {
        Some(Obj::Dict(d)) => d,
        _ => return Err(DocError::NotAPdf("malformed trailer")),
    };
    let trailer_end = p.pos;
    // `startxref n %%EOF` normally follows; skip white space only (`%` starts `%%EOF`).
    let skip = |p: &mut Parser<'_>| {
        while p.peek().is_some_and(is_ws) {
            p.pos += 1;
        }
    };
    let mut eof_end = None;
    skip(&mut p);
    if p.keyword(b"startxref") {
        skip(&mut p);
        let _ = p.uint();
        skip(&mut p);
        if buf.get(p.pos..p.pos + 5) == Some(b"%%EOF") {
            eof_end = Some(p.pos + 5);
        }
    }
    if eof_end.is_none() {
        let window = &buf[trailer_end..buf.len().min(trailer_end + 1024)];
        eof_end = find(window, b"%%EOF", 0).map(|i| trailer_end + i + 5);
    }
    let end = match eof_end {
        Some(e) => {
            let mut end = e;
            if buf.get(end) == Some(&b'\r') {
                end += 1;
            }
            if buf.get(end) == Some(&b'\n') {
                end += 1;
            }
            end
        }
        None => trailer_end,
    };
    Ok(Revision {
        xref_offset: offset,
        entries,
        order,
        trailer,
        eof_end,
        end,
    })
}
