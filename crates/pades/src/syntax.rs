//! A small, bounded PDF object parser and writer.
//!
//! Only what signing and verification need: direct objects, indirect objects (with stream
//! data located through `/Length`), and a writer that re-emits parsed objects with their
//! original tokens (names, strings and numbers keep their exact bytes), so rewriting a page
//! or catalog changes nothing but what is meant to change. Every function is bounded by the
//! input length and a nesting limit; malformed input gives `None`, never a panic.

use std::borrow::Cow;

/// Maximum nesting of arrays and dictionaries.
const MAX_DEPTH: usize = 64;

/// A parsed PDF object borrowing its tokens from the file.
#[derive(Debug, Clone)]
pub(crate) enum Obj<'a> {
    Null,
    Bool(bool),
    /// A number, with its original text.
    Num(&'a [u8]),
    /// A name without the leading `/`, as written (may contain `#xx` escapes).
    Name(&'a [u8]),
    /// A string token including its delimiters (`(...)` or `<...>`); `start` is its offset.
    Str {
        raw: &'a [u8],
        start: usize,
    },
    Array(Vec<Obj<'a>>),
    Dict(Dict<'a>),
    Ref(u32, u16),
    /// A stream: its dictionary and its raw (still encoded) data.
    Stream(Dict<'a>, &'a [u8]),
}

/// A dictionary, in file order. Keys are raw names without `/`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dict<'a>(pub(crate) Vec<(&'a [u8], Obj<'a>)>);

impl<'a> Dict<'a> {
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Obj<'a>> {
        self.0.iter().find(|(k, _)| name_eq(k, key)).map(|(_, v)| v)
    }

    /// Sets (replacing in place) or appends an entry.
    pub(crate) fn set(&mut self, key: &'a [u8], value: Obj<'a>) {
        match self.0.iter_mut().find(|(k, _)| name_eq(k, key)) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub(crate) fn name(&self, key: &[u8]) -> Option<Cow<'a, [u8]>> {
        match self.get(key) {
            Some(Obj::Name(n)) => Some(decode_name(n)),
            _ => None,
        }
    }

    pub(crate) fn has_name(&self, key: &[u8], value: &[u8]) -> bool {
        self.name(key).is_some_and(|n| n.as_ref() == value)
    }

    pub(crate) fn int(&self, key: &[u8]) -> Option<i64> {
        self.get(key).and_then(Obj::as_int)
    }

    pub(crate) fn reference(&self, key: &[u8]) -> Option<(u32, u16)> {
        match self.get(key) {
            Some(Obj::Ref(n, g)) => Some((*n, *g)),
            _ => None,
        }
    }
}

impl<'a> Obj<'a> {
    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Obj::Num(raw) => parse_int(raw),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Obj::Num(raw) => std::str::from_utf8(raw).ok()?.parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn as_dict(&self) -> Option<&Dict<'a>> {
        match self {
            Obj::Dict(d) | Obj::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Obj<'a>]> {
        match self {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The decoded bytes of a string object.
    pub(crate) fn string_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Obj::Str { raw, .. } => Some(decode_string(raw)),
            _ => None,
        }
    }

    /// A text string (UTF-16BE with BOM, UTF-8 with BOM, or PDFDocEncoding ≈ Latin-1).
    pub(crate) fn text(&self) -> Option<String> {
        self.string_bytes().map(|b| decode_text(&b))
    }
}

fn parse_int(raw: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(raw).ok()?;
    let s = s.strip_prefix('+').unwrap_or(s);
    s.parse().ok()
}

/// Decodes a PDF text string's bytes.
pub(crate) fn decode_text(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = b.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| char::from(c)).collect()
    }
}

/// Whether a raw name equals `want` (decoded).
pub(crate) fn name_eq(raw: &[u8], want: &[u8]) -> bool {
    if raw.contains(&b'#') {
        decode_name(raw).as_ref() == want
    } else {
        raw == want
    }
}

pub(crate) fn decode_name(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'#') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && i + 2 < raw.len()
            && let (Some(h), Some(l)) = (hex_val(raw[i + 1]), hex_val(raw[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    Cow::Owned(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes a string token (with delimiters) into its bytes.
pub(crate) fn decode_string(raw: &[u8]) -> Vec<u8> {
    match raw.first() {
        Some(b'<') => decode_hex_lenient(&raw[1..raw.len().saturating_sub(1).max(1)]),
        Some(b'(') => decode_literal(&raw[1..raw.len().saturating_sub(1).max(1)]),
        _ => Vec::new(),
    }
}

/// Hex digits to bytes, skipping whitespace; an odd final digit is followed by 0.
pub(crate) fn decode_hex_lenient(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut hi: Option<u8> = None;
    for &c in s {
        let Some(v) = hex_val(c) else { continue };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

fn decode_literal(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        match c {
            b'\\' => {
                let Some(&e) = s.get(i) else { break };
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'\r' => {
                        if s.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match s.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xff) as u8);
                    }
                    other => out.push(other),
                }
            }
            b'\r' => {
                if s.get(i) == Some(&b'\n') {
                    i += 1;
                }
                out.push(b'\n');
            }
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

pub(crate) fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_ws(c) && !is_delim(c)
}

/// A cursor over the file.
#[derive(Debug)]
pub(crate) struct Parser<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(buf: &'a [u8], pos: usize) -> Self {
        Parser { buf, pos }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub(crate) fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if is_ws(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Consumes `kw` if the next token is exactly that keyword.
    pub(crate) fn keyword(&mut self, kw: &[u8]) -> bool {
        let end = self.pos + kw.len();
        if self.buf.get(self.pos..end) == Some(kw)
            && self.buf.get(end).is_none_or(|&c| !is_regular(c))
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// An unsigned integer token.
    pub(crate) fn uint(&mut self) -> Option<u64> {
        let start = self.pos;
        let mut v: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
            self.pos += 1;
        }
        if self.pos == start || self.peek().is_some_and(is_regular) {
            self.pos = start;
            return None;
        }
        Some(v)
    }

    /// Parses one direct object (a reference `n g R` counts as one).
    pub(crate) fn object(&mut self) -> Option<Obj<'a>> {
        self.object_at_depth(0)
    }

    fn object_at_depth(&mut self, depth: usize) -> Option<Obj<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        let c = self.peek()?;
        match c {
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(is_regular) {
                    self.pos += 1;
                }
                Some(Obj::Name(&self.buf[start..self.pos]))
            }
            b'(' => self.literal_string(),
            b'<' => {
                if self.buf.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    let mut dict = Dict::default();
                    loop {
                        self.skip_ws();
                        match self.peek()? {
                            b'>' => {
                                if self.buf.get(self.pos + 1) == Some(&b'>') {
                                    self.pos += 2;
                                    return Some(Obj::Dict(dict));
                                }
                                return None;
                            }
                            b'/' => {
                                let Obj::Name(key) = self.object_at_depth(depth + 1)? else {
                                    return None;
                                };
                                let value = self.object_at_depth(depth + 1)?;
                                dict.0.push((key, value));
                            }
                            _ => return None,
                        }
                    }
                }
                let start = self.pos;
                self.pos += 1;
                loop {
                    let c = self.peek()?;
                    self.pos += 1;
                    if c == b'>' {
                        break;
                    }
                    if !(hex_val(c).is_some() || is_ws(c)) {
                        return None;
                    }
                }
                Some(Obj::Str {
                    raw: &self.buf[start..self.pos],
                    start,
                })
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Obj::Array(items));
                    }
                    items.push(self.object_at_depth(depth + 1)?);
                }
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    self.pos += 1;
                }
                let raw = &self.buf[start..self.pos];
                if self.peek().is_some_and(is_regular) {
                    return None;
                }
                // `n g R`?
                if raw.iter().all(u8::is_ascii_digit) {
                    let save = self.pos;
                    self.skip_ws();
                    if let Some(g) = self.uint() {
                        self.skip_ws();
                        if self.keyword(b"R")
                            && let (Some(n), Ok(g)) = (
                                parse_int(raw).and_then(|n| u32::try_from(n).ok()),
                                u16::try_from(g),
                            )
                        {
                            return Some(Obj::Ref(n, g));
                        }
                    }
                    self.pos = save;
                }
                if raw == b"+" || raw == b"-" || raw == b"." {
                    return None;
                }
                Some(Obj::Num(raw))
            }
            _ => {
                if self.keyword(b"true") {
                    Some(Obj::Bool(true))
                } else if self.keyword(b"false") {
                    Some(Obj::Bool(false))
                } else if self.keyword(b"null") {
                    Some(Obj::Null)
                } else {
                    None
                }
            }
        }
    }

    fn literal_string(&mut self) -> Option<Obj<'a>> {
        let start = self.pos;
        self.pos += 1;
        let mut level = 1usize;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'(' => level += 1,
                b')' => {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        if self.pos > self.buf.len() {
            return None;
        }
        Some(Obj::Str {
            raw: &self.buf[start..self.pos],
            start,
        })
    }

    /// Parses `num gen obj <object> [stream ... endstream]` at the cursor. `length_of`
    /// resolves an indirect `/Length`.
    pub(crate) fn indirect(
        &mut self,
        length_of: &dyn Fn(u32, u16) -> Option<usize>,
    ) -> Option<(u32, u16, Obj<'a>)> {
        self.skip_ws();
        let num = u32::try_from(self.uint()?).ok()?;
        self.skip_ws();
        let gen_ = u16::try_from(self.uint()?).ok()?;
        self.skip_ws();
        if !self.keyword(b"obj") {
            return None;
        }
        let obj = self.object()?;
        let save = self.pos;
        self.skip_ws();
        if let Obj::Dict(dict) = &obj
            && self.keyword(b"stream")
        {
            // stream keyword is followed by CRLF or LF (a lone CR is tolerated).
            if self.peek() == Some(b'\r') {
                self.pos += 1;
            }
            if self.peek() == Some(b'\n') {
                self.pos += 1;
            }
            let data_start = self.pos;
            let declared = match dict.get(b"Length") {
                Some(Obj::Ref(n, g)) => length_of(*n, *g),
                Some(o) => o.as_int().and_then(|v| usize::try_from(v).ok()),
                None => None,
            };
            let data_end = declared
                .and_then(|len| data_start.checked_add(len))
                .filter(|&end| end <= self.buf.len() && self.ends_stream_at(end))
                .or_else(|| {
                    find(self.buf, b"endstream", data_start)
                        .map(|e| trim_eol(self.buf, data_start, e))
                })?;
            self.pos = data_end;
            self.skip_ws();
            if !self.keyword(b"endstream") {
                return None;
            }
            let Obj::Dict(dict) = obj else { return None };
            return Some((
                num,
                gen_,
                Obj::Stream(dict, &self.buf[data_start..data_end]),
            ));
        }
        self.pos = save;
        Some((num, gen_, obj))
    }

    fn ends_stream_at(&self, end: usize) -> bool {
        let mut p = Parser::new(self.buf, end);
        p.skip_ws();
        p.keyword(b"endstream")
    }
}

/// End of stream data before `endstream` at `e`: drops one EOL marker.
fn trim_eol(buf: &[u8], start: usize, e: usize) -> usize {
    let mut end = e;
    if end > start && buf[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && buf[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

/// First occurrence of `needle` in `hay[from..]`.
pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..hay.len() - needle.len() + 1]
            .iter()
            .position(|&c| c == first)
        {
            None => return None,
            Some(p) => {
                let at = i + p;
                if &hay[at..at + needle.len()] == needle {
                    return Some(at);
                }
                i = at + 1;
            }
        }
    }
    None
}

/// Last occurrence of `needle` in `hay`.
pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| &hay[i..i + needle.len()] == needle)
}

// ---------------------------------------------------------------- writing

/// Appends the PDF syntax of `obj` (tokens as in the source).
pub(crate) fn write_obj(out: &mut Vec<u8>, obj: &Obj<'_>) {
    match obj {
        Obj::Null => out.extend_from_slice(b"null"),
        Obj::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Obj::Num(raw) => out.extend_from_slice(raw),
        Obj::Name(raw) => {
            out.push(b'/');
            out.extend_from_slice(raw);
        }
        Obj::Str { raw, .. } => out.extend_from_slice(raw),
        Obj::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_obj(out, item);
            }
            out.push(b']');
        }
        Obj::Dict(dict) => write_dict(out, dict),
        Obj::Ref(n, g) => {
            out.extend_from_slice(format!("{n} {g} R").as_bytes());
        }
        Obj::Stream(dict, data) => {
            write_dict(out, dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(data);
            out.extend_from_slice(b"\nendstream");
        }
    }
}

pub(crate) fn write_dict(out: &mut Vec<u8>, dict: &Dict<'_>) {
    out.extend_from_slice(b"<<");
    for (key, value) in &dict.0 {
        out.push(b'/');
        out.extend_from_slice(key);
        out.push(b' ');
        write_obj(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A PDF text string token: a literal for printable ASCII, else UTF-16BE hex with a BOM.
pub(crate) fn text_string(s: &str) -> Vec<u8> {
    if s.bytes().all(|c| (0x20..0x7f).contains(&c)) {
        let mut out = Vec::with_capacity(s.len() + 2);
        out.push(b'(');
        for c in s.bytes() {
            if matches!(c, b'(' | b')' | b'\\') {
                out.push(b'\\');
            }
            out.push(c);
        }
        out.push(b')');
        out
    } else {
        let mut out = String::with_capacity(4 + s.len() * 4);
        out.push_str("<FEFF");
        for unit in s.encode_utf16() {
            out.push_str(&format!("{unit:04X}"));
        }
        out.push('>');
        out.into_bytes()
    }
}

// ---------------------------------------------------------------- comparing

/// Semantic equality of two objects (numbers by value, names and strings decoded,
/// references by number; stream data byte for byte).
pub(crate) fn obj_eq(a: &Obj<'_>, b: &Obj<'_>) -> bool {
    match (a, b) {
        (Obj::Null, Obj::Null) => true,
        (Obj::Bool(x), Obj::Bool(y)) => x == y,
        (Obj::Num(x), Obj::Num(y)) => {
            x == y || matches!((a.as_f64(), b.as_f64()), (Some(p), Some(q)) if p == q)
        }
        (Obj::Name(x), Obj::Name(y)) => decode_name(x) == decode_name(y),
        (Obj::Str { raw: x, .. }, Obj::Str { raw: y, .. }) => {
            x == y || decode_string(x) == decode_string(y)
        }
        (Obj::Array(x), Obj::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| obj_eq(p, q))
        }
        (Obj::Dict(x), Obj::Dict(y)) => dict_eq_except(x, y, &[]),
        (Obj::Ref(n, g), Obj::Ref(m, h)) => n == m && g == h,
        (Obj::Stream(dx, x), Obj::Stream(dy, y)) => x == y && dict_eq_except(dx, dy, &[b"Length"]),
        _ => false,
    }
}

/// Keys (decoded) whose values differ between two dictionaries, ignoring `skip`.
pub(crate) fn changed_keys(a: &Dict<'_>, b: &Dict<'_>, skip: &[&[u8]]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut check = |key: &[u8]| {
        let k = decode_name(key);
        if skip.contains(&k.as_ref()) {
            return;
        }
        let same = match (a.get(&k), b.get(&k)) {
            (None, None) => true,
            (Some(x), Some(y)) => obj_eq(x, y),
            _ => false,
        };
        let name = String::from_utf8_lossy(&k).into_owned();
        if !same && !out.contains(&name) {
            out.push(name);
        }
    };
    for (k, _) in &a.0 {
        check(k);
    }
    for (k, _) in &b.0 {
        check(k);
    }
    out
}

pub(crate) fn dict_eq_except(a: &Dict<'_>, b: &Dict<'_>, skip: &[&[u8]]) -> bool {
    changed_keys(a, b, skip).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Obj<'_> {
        Parser::new(s.as_bytes(), 0).object().expect("parses")
    }

    #[test]
    fn parses_and_rewrites() {
        let src = "<</Type /Page /Kids [1 0 R 2 0 R] /N -1.5 /S (a\\)b) /H <4142> /B true /Z null /D <</X 3>>>>";
        let obj = parse(src);
        let d = obj.as_dict().unwrap();
        assert!(d.has_name(b"Type", b"Page"));
        assert_eq!(d.get(b"Kids").unwrap().as_array().unwrap().len(), 2);
        assert_eq!(d.get(b"S").unwrap().string_bytes().unwrap(), b"a)b");
        assert_eq!(d.get(b"H").unwrap().string_bytes().unwrap(), b"AB");
        let mut out = Vec::new();
        write_obj(&mut out, &obj);
        assert!(obj_eq(&obj, &parse(std::str::from_utf8(&out).unwrap())));
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "<<", "<</A", "[1 2", "(abc", "<4", "1 0", "/", "<<//>>", "-", "+.", "<<>",
        ] {
            let _ = Parser::new(s.as_bytes(), 0).object();
        }
        let deep = "[".repeat(10_000);
        assert!(Parser::new(deep.as_bytes(), 0).object().is_none());
    }

    #[test]
    fn text_strings() {
        assert_eq!(text_string("a(b)"), b"(a\\(b\\))".to_vec());
        assert_eq!(text_string("ạ"), b"<FEFF1EA1>".to_vec());
        assert_eq!(decode_text(&decode_string(b"<FEFF1EA1>")), "ạ");
    }
}
