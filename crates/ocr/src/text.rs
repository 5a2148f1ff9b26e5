//! Text lines from tesseract's word boxes, label anchoring, and value parsing.

use unicode_normalization::UnicodeNormalization;

/// One word box from `get_tsv_text`.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub text: String,
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

/// A visual line segment: words of one tesseract line without a wide gap between them.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub text: String,
    /// `text` folded for matching: lowercase ASCII base letters, digits, `:` `/` `,` `.`, spaces.
    pub folded: Vec<char>,
    /// For each folded char, the index of its char in `text`.
    map: Vec<usize>,
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
    /// The word boxes the line was made of, left to right.
    pub words: Vec<Word>,
}

impl Line {
    /// One line of one word spanning the box (for tests of the field rules).
    #[cfg(test)]
    pub(crate) fn at(text: &str, x0: i32, y0: i32, x1: i32, y1: i32) -> Line {
        Line::of_words(&[(text, x0, x1)], y0, y1)
    }

    /// One line of words `(text, x0, x1)` between `y0` and `y1` (for tests of the field rules).
    #[cfg(test)]
    pub(crate) fn of_words(words: &[(&str, i32, i32)], y0: i32, y1: i32) -> Line {
        let ws: Vec<Word> = words
            .iter()
            .map(|&(text, x0, x1)| Word {
                text: text.to_owned(),
                x0,
                y0,
                x1,
                y1,
            })
            .collect();
        Line::new(&ws)
    }

    /// The line's box `[x0, y0, x1, y1]` (prepared raster px).
    pub(crate) fn rect(&self) -> [i32; 4] {
        [self.x0, self.y0, self.x1, self.y1]
    }

    fn new(words: &[Word]) -> Line {
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let text: String = text.nfc().collect();
        let mut folded = Vec::new();
        let mut map = Vec::new();
        for (i, c) in text.chars().enumerate() {
            if let Some(f) = fold(c) {
                folded.push(f);
                map.push(i);
            }
        }
        Line {
            text,
            folded,
            map,
            x0: words.iter().map(|w| w.x0).min().unwrap_or(0),
            y0: words.iter().map(|w| w.y0).min().unwrap_or(0),
            x1: words.iter().map(|w| w.x1).max().unwrap_or(0),
            y1: words.iter().map(|w| w.y1).max().unwrap_or(0),
            words: words.to_vec(),
        }
    }

    pub fn height(&self) -> i32 {
        (self.y1 - self.y0).max(1)
    }

    pub fn folded_str(&self) -> String {
        self.folded.iter().collect()
    }

    /// Position (in folded chars) of `key` (folded) in this line, after `from`.
    pub fn find(&self, key: &str, from: usize) -> Option<usize> {
        let k: Vec<char> = key.chars().collect();
        if k.is_empty() || self.folded.len() < k.len() {
            return None;
        }
        (from..=self.folded.len() - k.len()).find(|&i| self.folded[i..i + k.len()] == k[..])
    }

    /// The original text between folded positions `a` and `b`.
    pub fn slice(&self, a: usize, b: usize) -> String {
        let chars: Vec<char> = self.text.chars().collect();
        let start = self.map.get(a).copied().unwrap_or(chars.len());
        let end = if b >= self.map.len() {
            chars.len()
        } else {
            self.map[b]
        };
        chars[start.min(end)..end].iter().collect()
    }
}

/// Folds one character for label matching; `None` drops it.
pub(crate) fn fold(c: char) -> Option<char> {
    let base = truecopy_domain::mrz::fold_vietnamese(c)?;
    let l = base.to_ascii_lowercase();
    match l {
        'a'..='z' | '0'..='9' | ':' | '/' | ',' | '.' | ' ' => Some(l),
        _ if l.is_whitespace() => Some(' '),
        _ => None,
    }
}

/// Folds a whole string (for keys and searching).
pub(crate) fn fold_str(s: &str) -> String {
    s.nfc().filter_map(fold).collect()
}

/// The one entry of a closed `list` whose letters (marks and case removed) are `s`'s; `None`
/// when none is, or when two different entries are (those are never guessed).
pub(crate) fn unique<'a>(list: &[&'a str], s: &str) -> Option<&'a str> {
    let f = fold_str(s);
    let mut hits = list.iter().filter(|n| fold_str(n) == f);
    let one = hits.next()?;
    hits.all(|n| n == one).then_some(*one)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// `right` in the case style of `read`: uppercase when `read` has no lowercase letter.
pub(crate) fn in_case_of(read: &str, right: &str) -> String {
    if read.chars().any(char::is_lowercase) {
        right.to_owned()
    } else {
        right.to_uppercase()
    }
}

/// Word boxes of a TSV (level 5 rows): row index, box, text.
fn tsv_words(tsv: &str) -> Vec<(usize, [i32; 4], String)> {
    tsv.lines()
        .enumerate()
        .filter_map(|(i, row)| {
            let f: Vec<&str> = row.split('\t').collect();
            if f.len() < 12 || f[0] != "5" || f[11].trim().is_empty() {
                return None;
            }
            let n = |k: usize| f[k].parse::<i32>().unwrap_or(0);
            Some((
                i,
                [n(6), n(7), n(6) + n(8), n(7) + n(9)],
                f[11].trim().to_string(),
            ))
        })
        .collect()
}

/// Same letters, same case, ignoring Vietnamese tone and vowel marks.
pub(crate) fn same_base(a: &str, b: &str) -> bool {
    let key = |s: &str| -> Vec<(char, bool)> {
        s.nfc()
            .filter_map(|c| truecopy_domain::mrz::fold_vietnamese(c).map(|f| (f, c.is_uppercase())))
            .collect()
    };
    key(a) == key(b)
}

/// Takes the diacritics of a second, Vietnamese-only reading of the same image (the whole page,
/// or some of its lines read one by one). With `vie+eng` tesseract keeps the English model's
/// reading of a word whenever it scores a little better, and that model has no Vietnamese marks
/// (Hoàng → Hoang). A word of the second reading replaces the first's when they cover the same
/// stretch of the same line and differ only by marks. Boxes are compared horizontally: a line
/// read alone gets taller word boxes (marks, line height) than the page reading.
pub(crate) fn merge_diacritics(main: &str, vie: &str) -> String {
    let other = tsv_words(vie);
    let mut rows: Vec<String> = main.lines().map(str::to_string).collect();
    for (i, b, text) in tsv_words(main) {
        let best = other
            .iter()
            .map(|(_, o, t)| {
                let y_overlap = b[3].min(o[3]) - b[1].max(o[1]);
                let x_inter = (b[2].min(o[2]) - b[0].max(o[0])).max(0);
                let x_union = b[2].max(o[2]) - b[0].min(o[0]);
                let same_line = y_overlap * 2 >= (b[3] - b[1]).min(o[3] - o[1]).max(1);
                let iou = if same_line {
                    x_inter as f64 / x_union.max(1) as f64
                } else {
                    0.0
                };
                (iou, t)
            })
            .max_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((iou, t)) = best
            && iou > 0.5
            && *t != text
            && same_base(t, &text)
        {
            let mut f: Vec<&str> = rows[i].split('\t').collect();
            f[11] = t;
            rows[i] = f.join("\t");
        }
    }
    rows.join("\n")
}

/// A value of an hOCR attribute (`name='v'` or `name="v"`) in one tag.
fn hocr_attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(p) = tag[from..].find(name) {
        let at = from + p;
        from = at + name.len();
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = &tag[from..];
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let q = rest[1..].chars().next()?;
        if q != '\'' && q != '"' {
            return None;
        }
        let body = &rest[2..];
        return body.find(q).map(|e| &body[..e]);
    }
    None
}

/// `bbox x0 y0 x1 y1` of an hOCR `title`.
fn hocr_bbox(title: &str) -> Option<[i32; 4]> {
    let b = title
        .split(';')
        .find_map(|p| p.trim().strip_prefix("bbox "))?;
    let n: Vec<i32> = b
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    (n.len() == 4).then(|| [n[0], n[1], n[2], n[3]])
}

/// The text lines of a mixed-language reading worth reading again in `lang` alone: those with a
/// word that tesseract recognized in another language (hOCR `lang`, the word's own or else its
/// paragraph's) and that holds a letter able to carry a Vietnamese mark (a vowel or `d`). Words
/// read in `lang` already have their marks; the whole line is read again for the context.
pub(crate) fn reread_regions(hocr: &str, lang: &str) -> Vec<[i32; 4]> {
    let mut out: Vec<[i32; 4]> = Vec::new();
    let mut par_lang = String::new();
    // The open line: its box and whether it holds such a word.
    let mut line: Option<([i32; 4], bool)> = None;
    // The open word: whether its language differs, its text so far.
    let mut word: Option<(bool, String)> = None;
    let flush = |line: &mut Option<([i32; 4], bool)>, out: &mut Vec<[i32; 4]>| {
        if let Some((b, true)) = line.take() {
            out.push(b);
        }
    };
    let mut rest = hocr;
    while let Some(lt) = rest.find('<') {
        if let Some((_, text)) = word.as_mut() {
            text.push_str(&rest[..lt]);
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if tag.starts_with("/span") {
            if let Some((foreign, text)) = word.take()
                && foreign
                && text.chars().any(|c| {
                    matches!(
                        c.to_ascii_lowercase(),
                        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'd'
                    )
                })
                && let Some((_, wanted)) = line.as_mut()
            {
                *wanted = true;
            }
            continue;
        }
        let Some(class) = hocr_attr(tag, "class") else {
            continue;
        };
        match class {
            "ocr_par" => {
                flush(&mut line, &mut out);
                par_lang = hocr_attr(tag, "lang").unwrap_or_default().to_string();
            }
            "ocrx_word" => {
                let l = hocr_attr(tag, "lang").unwrap_or(&par_lang);
                word = Some((l != lang, String::new()));
            }
            c if c.starts_with("ocr_") => {
                flush(&mut line, &mut out);
                line = hocr_attr(tag, "title")
                    .and_then(hocr_bbox)
                    .map(|b| (b, false));
            }
            _ => {}
        }
    }
    flush(&mut line, &mut out);
    out
}

/// Parses tesseract TSV output into lines split at wide gaps, in reading order (top to bottom).
pub(crate) fn lines_from_tsv(tsv: &str) -> (Vec<Line>, f32) {
    let mut groups: Vec<((u32, u32, u32), Vec<Word>)> = Vec::new();
    let mut confs = Vec::new();
    for row in tsv.lines() {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let num = |i: usize| f[i].parse::<i32>().unwrap_or(0);
        let text = f[11].trim();
        if text.is_empty() {
            continue;
        }
        if let Ok(c) = f[10].parse::<f32>()
            && c >= 0.0
        {
            confs.push(c);
        }
        let key = (num(2) as u32, num(3) as u32, num(4) as u32);
        let w = Word {
            text: text.to_string(),
            x0: num(6),
            y0: num(7),
            x1: num(6) + num(8),
            y1: num(7) + num(9),
        };
        match groups.last_mut() {
            Some((k, ws)) if *k == key => ws.push(w),
            _ => groups.push((key, vec![w])),
        }
    }
    let mut lines = Vec::new();
    for (_, ws) in groups {
        let mut hs: Vec<i32> = ws.iter().map(|w| w.y1 - w.y0).collect();
        hs.sort_unstable();
        let h = hs[hs.len() / 2].max(1);
        let mut start = 0;
        for i in 1..=ws.len() {
            if i == ws.len() || ws[i].x0 - ws[i - 1].x1 > 2 * h {
                lines.push(Line::new(&ws[start..i]));
                start = i;
            }
        }
    }
    lines.sort_by_key(|l| (l.y0 + l.y1) / 2);
    let mean = if confs.is_empty() {
        0.0
    } else {
        confs.iter().sum::<f32>() / confs.len() as f32
    };
    (lines, mean)
}

/// Where a label was found: the line, and the folded position right after the label.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub line: usize,
    pub end: usize,
}

/// The first line (in reading order) carrying any of `keys` (folded).
pub(crate) fn find_label(lines: &[Line], keys: &[&str]) -> Option<Hit> {
    for (i, l) in lines.iter().enumerate() {
        // Bilingual labels ("Họ và tên / Full name:"): the value starts after the last part found.
        let best = keys
            .iter()
            .filter_map(|k| l.find(k, 0).map(|p| (p, p + k.chars().count())))
            .max_by_key(|x| x.1);
        if let Some((_, end)) = best {
            return Some(Hit { line: i, end });
        }
    }
    None
}

/// The value after a label on its line, up to the next of `stops` (folded labels) on that line.
pub(crate) fn value_after(line: &Line, end: usize, stops: &[&str]) -> String {
    let stop = stops
        .iter()
        .filter_map(|s| line.find(s, end))
        .min()
        .unwrap_or(line.folded.len());
    // The rest of a bilingual label ("/ Full name:"), possibly misread: skip to its colon.
    let mut start = end;
    let rest: String = line.folded[end..stop].iter().collect();
    if rest.trim_start().starts_with('/')
        && let Some(p) = rest.chars().take(24).position(|c| c == ':')
    {
        start = end + p + 1;
    }
    clean_value(&line.slice(start, stop))
}

/// Strips label punctuation and dotted leaders around a value.
pub(crate) fn clean_value(v: &str) -> String {
    // At the start: the label's colon, leaders and specks (a value starts with a letter, a
    // digit or an opening bracket).
    let v = v.trim_start_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '(' | '[')));
    // At the end: leaders, punctuation and specks (a printed value ends in a letter, a digit
    // or a closing bracket; a comma is kept for a value that wraps onto the next line).
    let v = v.trim_end_matches(|c: char| !(c.is_alphanumeric() || matches!(c, ')' | ']' | ',')));
    v.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// The next line below `i` that continues it: close below, starting near `x` (the value's
/// column), and carrying none of `labels`.
pub(crate) fn continuation(lines: &[Line], i: usize, x: i32, labels: &[&str]) -> Option<usize> {
    let l = &lines[i];
    let h = l.height();
    let mut best: Option<usize> = None;
    for (j, m) in lines.iter().enumerate() {
        if j == i || m.y0 <= l.y0 + h / 2 || m.y0 > l.y1 + 2 * h {
            continue;
        }
        if (m.x0 - x).abs() > 3 * h {
            continue;
        }
        if best.is_none_or(|b| m.y0 < lines[b].y0) {
            best = Some(j);
        }
    }
    let j = best?;
    let f = lines[j].folded_str();
    if labels.iter().any(|k| f.contains(k)) {
        return None;
    }
    Some(j)
}

/// The nearest line below line `i`, overlapping it horizontally.
pub(crate) fn line_below(lines: &[Line], i: usize, max_gap_lines: i32) -> Option<usize> {
    lines_below(lines, i, max_gap_lines, false)
        .into_iter()
        .next()
}

/// The lines below line `i` within `max_gap_lines` line heights, overlapping it horizontally,
/// nearest first. With `reaching_up`, also a taller line whose middle is under line `i`'s bottom
/// (a value whose line a fragment beside it stretched upwards).
pub(crate) fn lines_below(
    lines: &[Line],
    i: usize,
    max_gap_lines: i32,
    reaching_up: bool,
) -> Vec<usize> {
    let l = &lines[i];
    let h = l.height();
    let mut v: Vec<usize> = (0..lines.len())
        .filter(|&j| {
            let m = &lines[j];
            // Below: its top under the middle of line `i` (or, reaching up, its middle under
            // line `i`'s bottom).
            j != i
                && (m.y0 > l.y0 + h / 2 || reaching_up && (m.y0 + m.y1) / 2 > l.y1)
                && m.y0 <= l.y1 + max_gap_lines * h
                && m.x0 < l.x1 + h
                && m.x1 > l.x0 - h
        })
        .collect();
    v.sort_by_key(|&j| lines[j].y0);
    v
}

/// The digits of `s` alone, look-alikes mapped first (`digitize`).
pub(crate) fn digits_of(s: &str) -> String {
    digitize(s).chars().filter(char::is_ascii_digit).collect()
}

/// Digits with the usual OCR look-alikes mapped, for numeric tokens.
pub(crate) fn digitize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'O' | 'o' | 'D' | 'Q' => '0',
            'l' | 'I' | '|' | 'i' => '1',
            'S' => '5',
            'B' => '8',
            'Z' => '2',
            c => c,
        })
        .collect()
}

/// `s` with a slash read as a look-alike (`I`, `l`, `|`, `!`) restored where it separates the
/// parts of a date `dd/mm/yyyy` ("24I08I1995"); digitizing would make those look-alikes digits.
fn slashes_restored(s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    let slash = |x: char| matches!(x, '/' | 'I' | 'l' | '|' | '!');
    let digit = |x: char| x.is_ascii_digit();
    let mut i = 0;
    while i + 10 <= c.len() {
        let w = &c[i..i + 10];
        let shape = digit(w[0])
            && digit(w[1])
            && slash(w[2])
            && digit(w[3])
            && digit(w[4])
            && slash(w[5])
            && w[6..].iter().all(|&x| digit(x))
            && (i == 0 || !c[i - 1].is_alphanumeric())
            && c.get(i + 10).is_none_or(|x| !x.is_alphanumeric());
        if shape {
            c[i + 2] = '/';
            c[i + 5] = '/';
            i += 10;
        } else {
            i += 1;
        }
    }
    c.into_iter().collect()
}

/// A date `dd/mm/yyyy` (also `-` or `.`) or `ngày dd tháng mm năm yyyy` in `s`, as ISO 8601.
pub(crate) fn find_date(s: &str) -> Option<String> {
    let d = digitize(&slashes_restored(s));
    let chars: Vec<char> = d.chars().collect();
    for i in 0..chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            continue;
        }
        let rest: String = chars[i..].iter().collect();
        let parts: Vec<&str> = rest.splitn(4, ['/', '-', '.']).collect();
        if parts.len() >= 3 {
            let dd = parts[0].trim();
            let mm = parts[1].trim();
            let yyyy: String = parts[2]
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if let Some(iso) = iso(dd, mm, &yyyy) {
                return Some(iso);
            }
        }
    }
    // Words: ngày dd tháng mm năm yyyy.
    let f = fold_str(s);
    let p = f.find("ngay ")?;
    let toks: Vec<String> = f[p..].split_whitespace().map(digitize).collect();
    let get = |k: &str| {
        toks.iter()
            .position(|t| t == k)
            .and_then(|i| toks.get(i + 1))
            .map(|t| t.trim_matches(|c: char| !c.is_ascii_digit()).to_string())
    };
    iso(&get("ngay")?, &get("thang")?, &get("nam")?)
}

fn iso(dd: &str, mm: &str, yyyy: &str) -> Option<String> {
    let d: u32 = dd.parse().ok()?;
    let m: u32 = mm.parse().ok()?;
    let y: u32 = yyyy.parse().ok()?;
    if dd.len() > 2
        || mm.len() > 2
        || yyyy.len() != 4
        || !(1..=31).contains(&d)
        || !(1..=12).contains(&m)
        || !(1900..=2100).contains(&y)
    {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// A person's name line: 2–6 words, each starting with an uppercase letter, letters only.
pub(crate) fn looks_like_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=6).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '.')
        })
}

/// Title case of an uppercase Vietnamese phrase.
pub(crate) fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_slash_read_as_a_letter_still_separates_a_date() {
        assert_eq!(
            find_date("Date of birth: 24I08I1995"),
            Some("1995-08-24".into())
        );
        assert_eq!(find_date("24l08|1995"), Some("1995-08-24".into()));
        // Not a date's shape: letters stay letters.
        assert_eq!(slashes_restored("AB12I34I5678X"), "AB12I34I5678X");
    }

    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            find_date("Ngày sinh / Date of birth: 05/05/1981").as_deref(),
            Some("1981-05-05")
        );
        assert_eq!(
            find_date("Hà Tĩnh, ngày 08 tháng 8 năm 2026").as_deref(),
            Some("2026-08-08")
        );
        assert_eq!(find_date("O5/O5/2O41").as_deref(), Some("2041-05-05"));
        assert_eq!(find_date("no date"), None);
    }

    #[test]
    fn folding() {
        assert_eq!(
            fold_str("Họ, chữ đệm, tên người mẹ:"),
            "ho, chu dem, ten nguoi me:"
        );
    }

    #[test]
    fn diacritics_from_the_vietnamese_reading() {
        let row = |x: i32, t: &str| format!("5\t1\t1\t1\t1\t1\t{x}\t10\t80\t30\t90\t{t}");
        let main = [row(0, "Hoang"), row(100, "Dieu,"), row(200, "Date")].join("\n");
        let vie = [row(2, "Hoàng"), row(101, "Diệu."), row(200, "Dáte")].join("\n");
        let m = merge_diacritics(&main, &vie);
        let words: Vec<&str> = m.lines().map(|l| l.rsplit('\t').next().unwrap()).collect();
        // Marks are taken; a different reading (punctuation) is not.
        assert_eq!(words, ["Hoàng", "Dieu,", "Dáte"]);
        // A line read alone: taller boxes, same stretch of the line.
        let tall = "5\t1\t1\t1\t1\t1\t4\t0\t70\t55\t90\tHoàng";
        let m = merge_diacritics(&row(0, "Hoang"), tall);
        assert!(m.ends_with("\tHoàng"), "{m}");
        // The same word on another line is not taken.
        let below = "5\t1\t1\t1\t1\t1\t0\t60\t80\t30\t90\tHoàng";
        assert!(merge_diacritics(&row(0, "Hoang"), below).ends_with("\tHoang"));
        assert!(same_base("NGUYỄN", "NGUYEN") && !same_base("Nguyễn", "NGUYEN"));
    }

    #[test]
    fn regions_of_words_read_in_another_language() {
        let hocr = "<div class='ocr_page' title='bbox 0 0 900 500'>\n\
            <p class='ocr_par' id='par_1_1' lang='vie' title=\"bbox 10 10 800 120\">\n\
            <span class='ocr_line' id='line_1_1' title=\"bbox 10 10 800 50; baseline 0 -5\">\n\
            <span class='ocrx_word' id='word_1_1' title='bbox 10 10 90 50; x_wconf 96'>Họ</span>\n\
            <span class='ocrx_word' id='word_1_2' title='bbox 100 12 200 50; x_wconf 91' lang='eng'><strong>Full</strong></span>\n\
            <span class='ocrx_word' id='word_1_3' title='bbox 210 11 300 49; x_wconf 90' lang='eng'>name:</span>\n\
            </span>\n\
            <span class='ocr_line' id='line_1_2' title=\"bbox 10 60 800 120; baseline 0 -5\">\n\
            <span class='ocrx_word' id='word_1_4' title='bbox 10 60 90 120; x_wconf 96' lang='eng'>2026</span>\n\
            <span class='ocrx_word' id='word_1_5' title='bbox 100 60 200 120; x_wconf 96'>Nguyễn</span>\n\
            </span></p>\n\
            <p class='ocr_par' id='par_1_2' lang='eng' title=\"bbox 10 200 800 260\">\n\
            <span class='ocr_line' id='line_1_3' title=\"bbox 10 200 800 260; baseline 0 -5\">\n\
            <span class='ocrx_word' id='word_1_6' title='bbox 10 200 90 260; x_wconf 96'>Hoang</span>\n\
            <span class='ocrx_word' id='word_1_7' title='bbox 100 200 200 260; x_wconf 96' lang='vie'>Văn</span>\n\
            </span></p></div>";
        // Line 1 has English-read words; line 2 only digits and a Vietnamese word; line 3 is in an
        // English paragraph.
        assert_eq!(
            reread_regions(hocr, "vie"),
            vec![[10, 10, 800, 50], [10, 200, 800, 260]]
        );
    }
}
