//! Classification from titles and keywords, and field extraction anchored on printed labels.

use std::collections::BTreeMap;

use truecopy_domain::DocumentType;

use crate::text::{
    Line, clean_value, continuation, digitize, digits_of, find_date, find_label, fold_str,
    line_below, lines_below, looks_like_name, title_case, value_after,
};

/// Classifies from the folded text of all pages: titles weigh 3, supporting keywords 1.
pub(crate) fn classify(folded: &str) -> DocumentType {
    let rules: [(DocumentType, &[(&str, u32)]); 4] = [
        (
            DocumentType::CitizenId,
            &[
                ("can cuoc cong dan", 3),
                ("citizen identity card", 3),
                ("idvnm", 3),
                ("date of expiry", 1),
                ("place of residence", 1),
                ("personal identification", 1),
                ("index finger", 1),
            ],
        ),
        (
            DocumentType::BirthCertificate,
            &[
                ("giay khai sinh", 3),
                ("noi dang ky khai sinh", 1),
                ("nguoi me", 1),
                ("nguoi cha", 1),
            ],
        ),
        (
            DocumentType::Diploma,
            &[
                ("bang tot nghiep", 3),
                ("degree of bachelor", 3),
                ("xep loai tot nghiep", 1),
                ("hieu truong", 1),
                ("so vao so cap bang", 1),
            ],
        ),
        (
            DocumentType::Decision,
            &[
                ("quyet dinh", 3),
                ("can cu", 1),
                ("dieu 1", 1),
                ("noi nhan", 1),
            ],
        ),
    ];
    let mut scores: Vec<(DocumentType, u32)> = rules
        .iter()
        .map(|(t, keys)| {
            (
                *t,
                keys.iter()
                    .filter(|(k, _)| folded.contains(k))
                    .map(|(_, w)| w)
                    .sum(),
            )
        })
        .collect();
    scores.sort_by_key(|s| std::cmp::Reverse(s.1));
    let (best, s) = scores[0];
    if s < 3 || scores[1].1 == s {
        return DocumentType::Other;
    }
    best
}

type Fields = BTreeMap<String, String>;

/// Number of printed labels known for a type.
pub(crate) fn label_count(t: DocumentType) -> usize {
    match t {
        DocumentType::BirthCertificate => BC_LABELS.len(),
        DocumentType::Diploma => DIPLOMA_LABELS.len(),
        _ => 0,
    }
}

/// How many of a document type's printed labels a reading found (0 for types without a list):
/// tells a reading whose layout analysis lost the body.
pub(crate) fn label_hits(t: DocumentType, lines: &[Line]) -> usize {
    let labels: &[&str] = match t {
        DocumentType::BirthCertificate => BC_LABELS,
        DocumentType::Diploma => DIPLOMA_LABELS,
        _ => &[],
    };
    labels
        .iter()
        .filter(|k| lines.iter().any(|l| l.find(k, 0).is_some()))
        .count()
}

fn put(f: &mut Fields, k: &str, v: Option<String>) {
    if let Some(v) = v {
        // A comma kept for a possible continuation line ends no value.
        let v = v.trim_end_matches([',', ' ']);
        if !v.is_empty() {
            f.insert(k.to_string(), v.to_string());
        }
    }
}

/// Value of a label: on its line after the label (up to a stop label), else the line below.
fn labelled(
    lines: &[Line],
    keys: &[&str],
    stops: &[&str],
    below: bool,
) -> Option<(String, usize, i32)> {
    let hit = find_label(lines, keys)?;
    let l = &lines[hit.line];
    let v = value_after(l, hit.end, stops);
    if !v.is_empty() {
        // x of the value: approximate by the line's extent proportionally.
        let frac = hit.end as f32 / l.folded.len().max(1) as f32;
        let x = l.x0 + ((l.x1 - l.x0) as f32 * frac) as i32;
        return Some((v, hit.line, x));
    }
    if !below {
        return None;
    }
    let j = line_below(lines, hit.line, 2)?;
    let v = clean_value(&lines[j].text);
    (!v.is_empty()).then_some((v, j, lines[j].x0))
}

/// Appends wrapped continuation lines (at most two) to a value.
fn with_continuation(lines: &[Line], v: (String, usize, i32), x: i32, labels: &[&str]) -> String {
    let (mut s, mut i, _) = v;
    for _ in 0..2 {
        match continuation(lines, i, x, labels) {
            Some(j) => {
                s = format!("{s} {}", clean_value(&lines[j].text));
                i = j;
            }
            None => break,
        }
    }
    s
}

/// A place or an authority never ends in a long number ("Phường 12" does, in two digits): a
/// last word of five or more characters, three or more of them digits, is the background read
/// as text.
fn without_trailing_number(v: &str) -> String {
    let mut words: Vec<&str> = v.split_whitespace().collect();
    while words.len() > 1
        && words.last().is_some_and(|w| {
            w.chars().count() >= 5 && w.chars().filter(char::is_ascii_digit).count() >= 3
        })
    {
        words.pop();
    }
    words.join(" ")
}

fn sex_of(v: &str) -> Option<String> {
    let f = fold_str(v);
    let w = f.split_whitespace().next()?;
    match w {
        "nam" | "m" | "male" => Some("Nam".into()),
        // "Nữ" in bold: its "ữ" is read "O" or "ir" ("Nam" never loses a letter that way).
        "nu" | "no" | "nir" | "f" | "female" => Some("Nữ".into()),
        _ => None,
    }
}

const CCCD_LABELS: &[&str] = &[
    "ho va ten",
    "full name",
    "ngay sinh",
    "date of birth",
    "gioi tinh",
    "quoc tich",
    "nationality",
    "que quan",
    "place of origin",
    "noi thuong tru",
    "place of residence",
    "co gia tri",
    "date of expiry",
    "dac diem",
    "personal identification",
];

/// The labels of the CCCD's number ("Số / No.:"), folded.
const ID_NUMBER_LABELS: &[&str] = &["no.:", "no:", "no.", "so /"];

/// The 12 digits of a CCCD number read from `text` (look-alikes mapped), if it holds exactly 12.
pub(crate) fn id_number_digits(text: &str) -> Option<String> {
    let d = digits_of(text);
    (d.len() == 12).then_some(d)
}

/// Where the CCCD's number is printed, as `[x0, y0, x1, y1]` on the page: from the first word
/// after the "Số / No." label holding three or more digits to the end of that line, with a
/// margin of half a line height. `None` when the label or any digits after it are not found.
pub(crate) fn id_number_box(front: &[Line]) -> Option<[i32; 4]> {
    let h = find_label(front, ID_NUMBER_LABELS)?;
    let l = &front[h.line];
    let first = l.words.iter().find(|w| digits_of(&w.text).len() >= 3)?;
    let pad = l.height() / 2;
    Some([first.x0 - pad, l.y0 - pad / 2, l.x1 + pad, l.y1 + pad / 2])
}

/// The CCCD fields the MRZ repeats, and where each was read on the front: the box
/// `[x0, y0, x1, y1]` of the line its value came from, so a correction patch found on the scan
/// can be laid over the field it would have changed. A field whose line is not found has no box.
/// Also `title`: the card's title line ("CĂN CƯỚC [CÔNG DÂN]"); above it the card prints only
/// its fixed header (motto, emblem, QR code), none of the holder's data.
pub(crate) fn card_field_lines(front: &[Line], f: &Fields) -> BTreeMap<&'static str, [i32; 4]> {
    let mut out = BTreeMap::new();
    if let Some(id) = f.get("id_number") {
        let b = front
            .iter()
            .find(|l| digits_of(&l.text).contains(id.as_str()))
            .map(Line::rect)
            .or_else(|| id_number_box(front));
        if let Some(b) = b {
            out.insert("id_number", b);
        }
    }
    if let Some(name) = f.get("full_name").map(|v| fold_str(v))
        && let Some(l) = front
            .iter()
            .find(|l| fold_str(&l.text).contains(name.trim()))
    {
        out.insert("full_name", l.rect());
    }
    for key in ["date_of_birth", "expiry_date"] {
        if let Some(d) = f.get(key)
            && let Some(l) = front
                .iter()
                .find(|l| find_date(&l.text).as_ref() == Some(d))
        {
            out.insert(key, l.rect());
        }
    }
    if f.contains_key("sex")
        && let Some(h) = find_label(front, &["sex", "gioi tinh"])
    {
        out.insert("sex", front[h.line].rect());
    }
    if let Some(h) = find_label(front, &["can cuoc"]) {
        out.insert("title", front[h.line].rect());
    }
    out
}

/// Birth certificate fields the form prints bold after a regular label on their own line, with
/// the label keys they are found by (as [`birth_certificate`] finds them).
pub(crate) const BC_BOLD_VALUES: [(&str, &[&str]); 5] = [
    (
        "full_name",
        &[
            "ho, chu dem, ten:",
            "ho chu dem ten:",
            "ho, chu dem, ten :",
            "dem, ten:",
            "dem ten:",
        ],
    ),
    (
        "date_of_birth",
        &["ngay, thang, nam sinh", "thang, nam sinh"],
    ),
    ("mother_name", &["ten nguoi me"]),
    ("father_name", &["ten nguoi cha"]),
    (
        "registration_date",
        &["nam dang ky", "ngay, thang, nam dang"],
    ),
];

/// Characters a form prints as a fill line after a value ("14/07/1986.........."), which OCR
/// reads as words or glues to the value's last word.
const LEADER: [char; 4] = ['.', '…', '_', '·'];

/// The value's words after a label's colon, up to where the form's fill line starts: a word of
/// leader characters only ends the value; a word with leader characters glued to its end is
/// kept, its box cut to its share of characters before them (digits and letters are wider than
/// dots, so the cut falls on or before the leader: it never takes the leader's ink in).
fn value_words(words: &[crate::text::Word]) -> Vec<crate::text::Word> {
    let mut out = Vec::new();
    for w in words {
        let chars: Vec<char> = w.text.chars().collect();
        let core = chars
            .iter()
            .rposition(|c| !LEADER.contains(c))
            .map_or(0, |i| i + 1);
        if !chars[..core].iter().any(|c| c.is_alphanumeric()) {
            break;
        }
        let cut = core < chars.len();
        let mut kept = w.clone();
        if cut {
            kept.x1 = w.x0 + ((w.x1 - w.x0) as i64 * core as i64 / chars.len() as i64) as i32;
        }
        out.push(kept);
        if cut {
            break;
        }
    }
    out
}

/// For each field of `fields` (name, label keys): where its label and its value were read on
/// the label's line, `(label, value)` boxes in the reading's px. The label is the line's words
/// up to the first one holding a colon, the value the words after it up to the form's fill
/// line (`value_words`); a line without a colon, or no value after it, gives nothing.
pub(crate) fn label_value_boxes(
    lines: &[Line],
    fields: &[(&'static str, &[&str])],
) -> BTreeMap<&'static str, ([i32; 4], [i32; 4])> {
    let union = |ws: &[crate::text::Word]| -> Option<[i32; 4]> {
        let first = ws.first()?;
        Some(
            ws.iter()
                .fold([first.x0, first.y0, first.x1, first.y1], |b, w| {
                    [
                        b[0].min(w.x0),
                        b[1].min(w.y0),
                        b[2].max(w.x1),
                        b[3].max(w.y1),
                    ]
                }),
        )
    };
    let mut out = BTreeMap::new();
    for &(field, keys) in fields {
        let Some(h) = find_label(lines, keys) else {
            continue;
        };
        let words = &lines[h.line].words;
        let Some(k) = words.iter().position(|w| w.text.contains(':')) else {
            continue;
        };
        let value = value_words(&words[k + 1..]);
        if let (Some(label), Some(value)) = (union(&words[..=k]), union(&value)) {
            out.insert(field, (label, value));
        }
    }
    out
}

pub(crate) fn citizen_id(front: &[Line], back: &[Line]) -> Fields {
    let mut f = Fields::new();
    // The 12-digit number: the digits after "Số / No." (look-alikes mapped), else any token of 12.
    let after_label = find_label(front, ID_NUMBER_LABELS)
        .and_then(|h| id_number_digits(&front[h.line].slice(h.end, usize::MAX)));
    let id = after_label.or_else(|| {
        front.iter().find_map(|l| {
            l.text
                .split_whitespace()
                .map(|t| digitize(t.trim_matches(|c: char| !c.is_alphanumeric())))
                .find(|t| t.len() == 12 && t.chars().all(|c| c.is_ascii_digit()))
        })
    });
    put(&mut f, "id_number", id);
    // The name is printed on the line under its label; a same-line value must look like one.
    let name = find_label(front, &["full name", "ho va ten"]).and_then(|h| {
        let v = value_after(&front[h.line], h.end, &[]);
        if v.split_whitespace().count() >= 2 && is_upper(&v) {
            return Some(v);
        }
        // The nearest name-like line below: a fragment of the portrait or its border read as
        // text ("Le") may come first, on its own or before the name.
        lines_below(front, h.line, 2, true)
            .into_iter()
            .take(3)
            .map(|j| without_leading_fragment(&clean_value(&front[j].text)))
            .find(|v| mostly_upper(v))
    });
    put(&mut f, "full_name", name);
    put(
        &mut f,
        "date_of_birth",
        find_label(front, &["date of birth", "ngay sinh"]).and_then(|h| {
            find_date(&front[h.line].slice(h.end, usize::MAX))
                .or_else(|| line_below(front, h.line, 2).and_then(|j| find_date(&front[j].text)))
        }),
    );
    put(
        &mut f,
        "sex",
        labelled(
            front,
            &["sex", "gioi tinh"],
            &["quoc tich", "nationality"],
            false,
        )
        .and_then(|v| sex_of(&v.0)),
    );
    put(
        &mut f,
        "nationality",
        labelled(front, &["nationality"], &[], false).map(|v| v.0),
    );
    put(
        &mut f,
        "place_of_origin",
        labelled(front, &["place of origin", "que quan"], &[], true).map(|v| v.0),
    );
    if let Some(hit) = find_label(front, &["place of residence", "noi thuong tru"]) {
        let l = &front[hit.line];
        let v = value_after(l, hit.end, &[]);
        let s = if v.is_empty() {
            line_below(front, hit.line, 2).map(|j| {
                with_continuation(
                    front,
                    (clean_value(&front[j].text), j, 0),
                    front[j].x0,
                    CCCD_LABELS,
                )
            })
        } else {
            Some(with_continuation(
                front,
                (v, hit.line, 0),
                l.x0,
                CCCD_LABELS,
            ))
        };
        put(&mut f, "place_of_residence", s);
    }
    put(
        &mut f,
        "expiry_date",
        find_label(front, &["date of expiry", "co gia tri den", "co gia tri"])
            .and_then(|h| {
                find_date(&front[h.line].slice(h.end, usize::MAX)).or_else(|| {
                    let mut i = h.line;
                    for _ in 0..3 {
                        i = line_below(front, i, 3)?;
                        if let Some(d) = find_date(&front[i].text) {
                            return Some(d);
                        }
                    }
                    None
                })
            })
            .or_else(|| expiry_under_portrait(front)),
    );
    put(
        &mut f,
        "issue_date",
        find_label(
            back,
            &[
                "date, month, year",
                "ngay, thang, nam",
                "date month year",
                "month, year",
            ],
        )
        .and_then(|h| find_date(&back[h.line].slice(h.end, usize::MAX))),
    );
    f
}

const BC_LABELS: &[&str] = &[
    "ho, chu dem, ten",
    "ngay, thang, nam sinh",
    "ghi bang chu",
    "gioi tinh",
    "dan toc",
    "quoc tich",
    "noi sinh",
    "que quan",
    "nam sinh",
    "noi cu tru",
    "noi dang ky",
    "ngay, thang, nam dang ky",
    "nguoi ky",
];

pub(crate) fn birth_certificate(lines: &[Line]) -> Fields {
    let mut f = Fields::new();
    let stops = BC_LABELS;
    let lab = |keys: &[&str]| labelled(lines, keys, stops, false);
    // Registration number: "Số: 123/2020" at the top, before the title (the form's
    // background pattern may put a few lines of noise above it).
    let title = lines
        .iter()
        .position(|l| l.folded_str().contains("giay khai sinh"))
        .filter(|&t| t < 16)
        .map_or(6, |t| (t + 1).max(6));
    put(
        &mut f,
        "registration_number",
        lines.iter().take(title).find_map(|l| {
            let p = l
                .find("so:", 0)
                .filter(|&p| p == 0 || l.folded[p - 1] == ' ')?;
            let v = value_after(l, p + 3, &[]);
            v.split_whitespace().next().map(str::to_string)
        }),
    );
    put(
        &mut f,
        "full_name",
        // The bold "chữ" is often read "chir"; "đệm, tên:" with its colon is on this line only
        // (the parents' labels go on "tên người …", the signer's hint "tên, chức vụ").
        lab(&[
            "ho, chu dem, ten:",
            "ho chu dem ten:",
            "ho, chu dem, ten :",
            "dem, ten:",
            "dem ten:",
        ])
        .map(|v| v.0),
    );
    put(
        &mut f,
        "date_of_birth",
        find_label(lines, &["ngay, thang, nam sinh", "thang, nam sinh"])
            .and_then(|h| find_date(&lines[h.line].slice(h.end, usize::MAX))),
    );
    put(
        &mut f,
        "date_of_birth_words",
        lab(&["ghi bang chu"]).map(|v| {
            // Wrapped words continue at the form's left margin, under the label.
            let x = lines[v.1].x0;
            number_words(&with_continuation(lines, v, x, BC_LABELS))
        }),
    );
    put(
        &mut f,
        "sex",
        lab(&["gioi tinh"]).and_then(|v| sex_of(&v.0)),
    );
    put(&mut f, "ethnicity", lab(&["dan toc"]).map(|v| v.0));
    put(&mut f, "nationality", lab(&["quoc tich"]).map(|v| v.0));
    put(
        &mut f,
        "place_of_birth",
        lab(&["noi sinh"]).map(|v| {
            let x = lines[v.1].x0;
            with_continuation(lines, v, x, BC_LABELS)
        }),
    );
    put(&mut f, "mother_name", lab(&["ten nguoi me"]).map(|v| v.0));
    put(&mut f, "father_name", lab(&["ten nguoi cha"]).map(|v| v.0));
    put(
        &mut f,
        "registration_authority",
        lab(&["noi dang ky khai sinh", "noi dang ky"]).map(|v| {
            let x = lines[v.1].x0;
            without_trailing_number(&with_continuation(lines, v, x, BC_LABELS))
        }),
    );
    put(
        &mut f,
        "registration_date",
        find_label(lines, &["nam dang ky", "ngay, thang, nam dang"])
            .and_then(|h| find_date(&lines[h.line].slice(h.end, usize::MAX))),
    );
    put(
        &mut f,
        "signer_name",
        signer_below(lines, &["nguoi ky giay khai sinh", "nguoi ky"]),
    );
    f
}

/// The words of a date written out ("Ngày mười chín tháng ba năm một nghìn chín trăm chín
/// mươi tư") come from a closed list: a word one letter away from exactly one word of the list
/// ("tw" for "tư") is that word. Only done when it opens with "Ngày" and most words are
/// already on the list (it is a date in words); words that could be two list words ("mưoi":
/// mười or mươi) stay as read.
fn number_words(v: &str) -> String {
    const WORDS: &[&str] = &[
        "ngày", "tháng", "năm", "một", "mốt", "hai", "ba", "bốn", "tư", "lăm", "sáu", "bảy", "bẩy",
        "tám", "chín", "mười", "mươi", "nghìn", "ngàn", "trăm", "linh", "lẻ", "không",
    ];
    let words: Vec<&str> = v.split_whitespace().collect();
    let known = |w: &str| WORDS.contains(&w.to_lowercase().as_str());
    let opens = words.first().is_some_and(|w| fold_str(w) == "ngay");
    if words.len() < 4 || !opens || words.iter().filter(|w| known(w)).count() * 5 < words.len() * 3
    {
        return v.to_owned();
    }
    let one_away = |w: &str| -> Option<&'static str> {
        let lw: Vec<char> = w.to_lowercase().chars().collect();
        let mut near = WORDS.iter().filter(|c| {
            let c: Vec<char> = c.chars().collect();
            crate::text::edit_distance(&lw, &c) == 1
        });
        let one = near.next()?;
        near.next().is_none().then_some(*one)
    };
    words
        .iter()
        .map(|w| {
            if known(w) || !w.chars().all(char::is_alphabetic) {
                return (*w).to_owned();
            }
            match one_away(w) {
                Some(c) if w.starts_with(char::is_uppercase) => {
                    let mut cs = c.chars();
                    cs.next()
                        .map(|f| f.to_uppercase().chain(cs).collect())
                        .unwrap_or_default()
                }
                Some(c) => c.to_owned(),
                None => (*w).to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The signer: the lowest name-like line below the signature heading.
fn signer_below(lines: &[Line], heading: &[&str]) -> Option<String> {
    let h = find_label(lines, heading)?;
    let top = lines[h.line].y1;
    let cx = (lines[h.line].x0 + lines[h.line].x1) / 2;
    let w = lines[h.line].x1 - lines[h.line].x0;
    lines
        .iter()
        .filter(|l| l.y0 > top && (l.x0 + l.x1) / 2 > cx - w && (l.x0 + l.x1) / 2 < cx + w)
        .filter(|l| looks_like_name(&strip_degree(&clean_value(&l.text))))
        .filter(|l| {
            !l.text
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        })
        .max_by_key(|l| l.y0)
        .map(|l| clean_value(&l.text))
}

/// Drops academic prefixes (`PGS.TS.`, `TS.`) before a name check.
fn strip_degree(s: &str) -> String {
    s.split_whitespace()
        .filter(|w| {
            !(w.ends_with('.') && w.chars().filter(|c| c.is_uppercase()).count() >= 2
                || *w == "TS.")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_honorific(s: &str) -> String {
    let t = s.trim();
    for p in ["Ông ", "Bà ", "Ong ", "Ba ", "Mr ", "Ms "] {
        if let Some(r) = t.strip_prefix(p) {
            return r.trim().to_string();
        }
    }
    t.to_string()
}

const DIPLOMA_LABELS: &[&str] = &[
    "nganh",
    "cho:",
    "ngay sinh",
    "xep loai",
    "hinh thuc",
    "so hieu",
    "so vao so",
];

pub(crate) fn diploma(lines: &[Line], page_width: i32) -> Fields {
    let mut f = Fields::new();
    let lab = |keys: &[&str]| labelled(lines, keys, DIPLOMA_LABELS, false).map(|v| v.0);
    // University: the line under HIỆU TRƯỞNG in the Vietnamese heading; its official name when
    // the list of universities has it; otherwise as printed when in mixed case (its own
    // capitals: "Trường Đại học Hàng hải Việt Nam" is not "Hàng Hải"), and when in capitals
    // written the usual way ("Trường Đại học Cần Thơ"): right for proper names, a guess for the rest.
    put(
        &mut f,
        "university",
        lines
            .iter()
            .find(|l| {
                l.folded_str().starts_with("truong dai hoc")
                    || l.folded_str().starts_with("truong ")
            })
            .map(|l| university_name(&clean_value(&l.text))),
    );
    put(
        &mut f,
        "full_name",
        lab(&["cho:", "cho :"]).map(|v| strip_honorific(&v)),
    );
    put(
        &mut f,
        "date_of_birth",
        find_label(lines, &["ngay sinh"])
            .and_then(|h| find_date(&lines[h.line].slice(h.end, usize::MAX))),
    );
    put(&mut f, "major", lab(&["nganh:", "nganh :", "nganh"]));
    put(&mut f, "classification", classification(lines));
    put(&mut f, "serial_number", lab(&["so hieu"]));
    put(
        &mut f,
        "register_number",
        lab(&["so vao so cap bang", "cap bang"]),
    );
    put(
        &mut f,
        "issue_date",
        lines
            .iter()
            .find(|l| {
                let s = l.folded_str();
                s.contains(", ngay ") && s.contains("thang")
            })
            .and_then(|l| find_date(&l.text)),
    );
    // The signature block of the Vietnamese (right) half: the lowest name-like line below the
    // place-and-date line ("…, ngày … tháng … năm …"), above the serial number.
    let date_y = lines
        .iter()
        .find(|l| {
            let s = l.folded_str();
            s.contains(", ngay ") && s.contains("thang")
        })
        .map(|l| l.y1);
    if let Some(top) = date_y {
        let s = lines
            .iter()
            .filter(|l| l.y0 > top && (l.x0 + l.x1) / 2 > page_width / 2)
            .filter(|l| {
                let t = clean_value(&l.text);
                looks_like_name(&strip_degree(&t))
                    && !is_upper(&t)
                    && !fold_str(&t).starts_with("so ")
            })
            .max_by_key(|l| l.y0)
            .map(|l| clean_value(&l.text));
        put(&mut f, "signer_name", s);
    }
    f
}

/// The degree classifications of the Vietnamese grading scale (Circular 08/2021/TT-BGDĐT).
const CLASSIFICATIONS: &[&str] = &["Xuất sắc", "Giỏi", "Khá", "Trung bình khá", "Trung bình"];

/// The degree's classification: a closed list, so the value after "Xếp loại tốt nghiệp:" is
/// taken with its marks from the list. When the label's line was split by OCR (its value read
/// on a neighbouring line, the label cut short), the nearest line within two of the label that
/// ends in ": <classification>" gives it; anything else is left unread for the officer.
fn classification(lines: &[Line]) -> Option<String> {
    let on_list = |v: &str| crate::text::unique(CLASSIFICATIONS, v).map(str::to_owned);
    let hit = find_label(lines, &["xep loai tot nghiep", "xep loai"])?;
    let v = value_after(&lines[hit.line], hit.end, DIPLOMA_LABELS);
    if let Some(c) = on_list(&v) {
        return Some(c);
    }
    let tail = |l: &Line| {
        let t = clean_value(&l.text);
        let (_, after) = t.rsplit_once(':')?;
        on_list(after.trim())
    };
    let i = hit.line;
    [i + 1, i.wrapping_sub(1), i + 2, i.wrapping_sub(2)]
        .into_iter()
        .filter_map(|j| lines.get(j))
        .find_map(tail)
}

/// The expiry date when its label was misread: the card prints it alone under the portrait,
/// left of the column of labelled fields and below the date of birth, and no other date is
/// there. `None` unless exactly one such date is found.
fn expiry_under_portrait(front: &[Line]) -> Option<String> {
    let dob = find_label(front, &["date of birth", "ngay sinh"])?;
    let column_x = front[dob.line].x0;
    let below_y = front[dob.line].y1;
    let mut dates = front
        .iter()
        .filter(|l| l.y0 > below_y && l.x1 <= column_x)
        .filter_map(|l| find_date(&l.text));
    let one = dates.next()?;
    dates.next().is_none().then_some(one)
}

/// A name printed in capitals with a short mixed-case fragment before it ("Le LÊ THANH TUẤN":
/// the portrait's edge read as text): the fragment dropped when at least two words in capitals
/// follow.
fn without_leading_fragment(v: &str) -> String {
    let words: Vec<&str> = v.split_whitespace().collect();
    let caps = |w: &str| {
        w.chars().any(char::is_alphabetic)
            && w.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
    };
    // A real family name read with a lowercase mark ("Võ THỊ SÁU") is kept: only a fragment
    // that repeats the next word ("Le LÊ") or is no family name ("Dy") is dropped.
    let fragment = |first: &str, next: &str| {
        fold_str(first) == fold_str(next) || !crate::names::is_family_name(first)
    };
    match words.split_first() {
        Some((first, rest))
            if first.chars().count() <= 3
                && first.chars().any(char::is_lowercase)
                && rest.len() >= 2
                && rest.iter().all(|w| caps(w))
                && fragment(first, rest[0]) =>
        {
            rest.join(" ")
        }
        _ => v.to_owned(),
    }
}

/// A name line in capitals, allowing an OCR slip or two.
fn mostly_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    let up = letters.iter().filter(|c| c.is_uppercase()).count();
    letters.len() >= 4 && up * 10 >= letters.len() * 8 && s.split_whitespace().count() >= 2
}

/// A university's name: its official spelling when the list knows it
/// ([`crate::universities`]); otherwise kept as read in mixed case, and written the usual way
/// when in capitals.
fn university_name(v: &str) -> String {
    if let Some(official) = crate::universities::official_university(v) {
        official.to_owned()
    } else if is_upper(v) {
        title_case(v).replacen("Đại Học", "Đại học", 1)
    } else {
        v.to_owned()
    }
}

fn is_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())
}

/// The issuing agency from the heading lines above "Số:". Decree 30/2020 prints the directly
/// superior agency (e.g. "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA") above the issuing one ("SỞ Y TẾ"): the
/// issuing agency starts at the last line that opens with the name of a kind of agency. A name
/// wrapped over two lines ("ỦY BAN NHÂN DÂN" / "TỈNH HÀ TĨNH") stays whole.
fn issuing_agency(heading: &[String]) -> Option<String> {
    const KINDS: &[&str] = &[
        "so ",
        "phong ",
        "cuc ",
        "chi cuc ",
        "tong cuc ",
        "vu ",
        "ban ",
        "truong ",
        "vien ",
        "benh vien ",
        "trung tam ",
        "cong an ",
        "uy ban nhan dan ",
        "van phong ",
        "thanh tra ",
        "kho bac ",
        "chi nhanh ",
    ];
    if heading.is_empty() {
        return None;
    }
    let start = (1..heading.len())
        .rev()
        .find(|&k| {
            let f = fold_str(&heading[k]);
            KINDS.iter().any(|kind| f.starts_with(kind))
        })
        .unwrap_or(0);
    Some(heading[start..].join(" "))
}

pub(crate) fn decision(lines: &[Line], page_width: i32) -> Fields {
    let mut f = Fields::new();
    let so = lines.iter().position(|l| {
        l.find("so:", 0)
            .is_some_and(|p| p == 0 || l.folded[p - 1] == ' ')
    });
    if let Some(i) = so {
        let l = &lines[i];
        let p = l.find("so:", 0).unwrap_or(0);
        put(
            &mut f,
            "document_number",
            value_after(l, p + 3, &[])
                .split_whitespace()
                .next()
                .map(str::to_string),
        );
        // Issuing agency: the uppercase lines above "Số:" in its column.
        let cx = (l.x0 + l.x1) / 2;
        // Lines of the left heading may be merged with the national motto on the right.
        let agency: Vec<String> = lines[..i]
            .iter()
            .filter_map(|m| {
                let cut = ["cong hoa", "doc lap"]
                    .iter()
                    .filter_map(|k| m.find(k, 0))
                    .min();
                let (text, x1) = match cut {
                    Some(p) => {
                        let frac = p as f32 / m.folded.len().max(1) as f32;
                        (
                            clean_value(&m.slice(0, p)),
                            m.x0 + ((m.x1 - m.x0) as f32 * frac) as i32,
                        )
                    }
                    None => (clean_value(&m.text), m.x1),
                };
                (((m.x0 + x1) / 2 - cx).abs() < page_width / 6 && is_upper(&text)).then_some(text)
            })
            .collect();
        put(&mut f, "issuing_agency", issuing_agency(&agency));
    }
    // Place and date: "Hà Tĩnh, ngày 08 tháng 8 năm 2026".
    if let Some(l) = lines.iter().find(|l| {
        let s = l.folded_str();
        s.contains(", ngay ") && s.contains(" thang ") && s.contains(" nam ")
    }) {
        let p = l.find(", ngay", 0).unwrap_or(0);
        put(&mut f, "place", Some(clean_value(&l.slice(0, p))));
        put(&mut f, "issue_date", find_date(&l.slice(p, usize::MAX)));
    }
    if !f.contains_key("document_number") {
        // "Số:" misread: the number itself has the Decree 30 form 123/QĐ-XXX.
        let n = lines.iter().take(8).find_map(|l| {
            l.text.split_whitespace().find(|w| {
                let fw = fold_str(w);
                fw.contains("/qd") && fw.starts_with(|c: char| c.is_ascii_digit())
            })
        });
        put(&mut f, "document_number", n.map(clean_value));
    }
    // Title (trích yếu): "Về việc ..." in the upper half, down to the next uppercase line; else
    // the lines under the first QUYẾT ĐỊNH heading.
    let ve_viec = lines.iter().take(lines.len() / 2 + 1).position(|l| {
        let s = l.folded_str();
        s.starts_with("ve viec") || s.starts_with("v/v")
    });
    if let Some(i) = ve_viec {
        let mut parts = vec![clean_value(&lines[i].text)];
        let mut k = i;
        while let Some(j) = line_below(lines, k, 2) {
            let t = clean_value(&lines[j].text);
            if is_upper(&t) || fold_str(&t).starts_with("can cu") || parts.len() >= 3 {
                break;
            }
            parts.push(t);
            k = j;
        }
        put(&mut f, "title", Some(parts.join(" ")));
    } else if let Some(h) = lines
        .iter()
        .position(|l| l.folded_str().trim().trim_end_matches(':') == "quyet dinh")
    {
        let mut parts = Vec::new();
        let mut i = h;
        while let Some(j) = line_below(lines, i, 2) {
            let t = clean_value(&lines[j].text);
            if is_upper(&t) || fold_str(&t).starts_with("can cu") || parts.len() >= 3 {
                break;
            }
            parts.push(t);
            i = j;
        }
        put(
            &mut f,
            "title",
            (!parts.is_empty()).then(|| parts.join(" ")),
        );
    }
    // The person: "Ông|Bà NAME, sinh ngày dd/mm/yyyy" in the body.
    let body = lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = body.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if matches!(*w, "Ông" | "Bà" | "Ong") {
            let mut name = Vec::new();
            let mut rest = None;
            for (k, t) in words[i + 1..].iter().enumerate().take(6) {
                let bare = t.trim_end_matches(',');
                if !bare.chars().next().is_some_and(char::is_uppercase) {
                    break;
                }
                name.push(bare);
                if t.ends_with(',') {
                    rest = Some(i + 1 + k + 1);
                    break;
                }
            }
            let Some(r) = rest else { continue };
            if name.len() < 2 {
                continue;
            }
            let tail = words[r..(r + 6).min(words.len())].join(" ");
            if fold_str(&tail).starts_with("sinh ngay") {
                put(&mut f, "full_name", Some(name.join(" ")));
                put(&mut f, "date_of_birth", find_date(&tail));
                break;
            }
        }
    }
    // Signature block: right half, below the body ("Nơi nhận").
    let base = lines
        .iter()
        .position(|l| fold_str(&l.text).starts_with("noi nhan"))
        .map(|i| lines[i].y0)
        .unwrap_or(i32::MAX);
    let right: Vec<&Line> = lines
        .iter()
        .filter(|l| l.y1 >= base && l.x0 > page_width / 2 - page_width / 10)
        .collect();
    let title = right
        .iter()
        .filter(|l| is_upper(&l.text))
        .filter(|l| {
            !["kt.", "tm.", "tl.", "q.", "kt ", "tm "]
                .iter()
                .any(|p| fold_str(&l.text).starts_with(p))
        })
        .max_by_key(|l| l.y0);
    // "KT. CHỦ TỊCH" above the title: a deputy signs on the head's behalf (Decree 30/2020,
    // Appendix I), so a title read as the head's own lost its "PHÓ" (often under the seal).
    let title_top = title.map_or(i32::MIN, |l| l.y0);
    let on_behalf = right.iter().filter(|l| l.y0 < title_top).find_map(|l| {
        let f = fold_str(&l.text);
        ["kt.", "kt "]
            .iter()
            .find_map(|p| f.strip_prefix(p))
            .map(|rest| rest.trim().to_owned())
    });
    let title = title.map(|l| {
        let t = clean_value(&l.text);
        match &on_behalf {
            // A minister's deputy is a "THỨ TRƯỞNG", not a "PHÓ BỘ TRƯỞNG".
            Some(head) if head == "bo truong" && fold_str(&t) == *head => "THỨ TRƯỞNG".to_owned(),
            Some(head) if !head.is_empty() && fold_str(&t) == *head => format!("PHÓ {t}"),
            _ => t,
        }
    });
    put(&mut f, "signer_title", title);
    let name = right
        .iter()
        .filter(|l| looks_like_name(&clean_value(&l.text)) && !is_upper(&l.text))
        .max_by_key(|l| l.y0);
    put(&mut f, "signer_name", name.map(|l| clean_value(&l.text)));
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_misread_nu_is_still_a_sex() {
        for (read, want) in [
            ("Nữ", Some("Nữ")),
            ("NO", Some("Nữ")),
            ("Nir", Some("Nữ")),
            ("Nam", Some("Nam")),
            ("Na", None),
            ("N", None),
        ] {
            assert_eq!(sex_of(read).as_deref(), want, "{read}");
        }
    }

    #[test]
    fn a_bold_values_label_and_value_are_the_words_either_side_of_its_colon() {
        let lines = [
            Line::of_words(
                &[
                    ("Họ,", 100, 150),
                    ("chữ", 160, 210),
                    ("đệm,", 220, 280),
                    ("tên:", 290, 340),
                    ("LÊ", 360, 400),
                    ("VĂN", 410, 480),
                    ("AN", 490, 530),
                ],
                200,
                240,
            ),
            Line::of_words(
                &[
                    ("Ngày,", 100, 170),
                    ("tháng,", 180, 260),
                    ("năm", 270, 320),
                    ("sinh", 330, 380),
                ],
                300,
                340,
            ),
            Line::of_words(
                &[
                    ("Họ,", 100, 150),
                    ("chữ", 160, 210),
                    ("đệm,", 220, 280),
                    ("tên", 290, 340),
                ],
                400,
                440,
            ),
            Line::of_words(
                &[
                    ("tên", 100, 150),
                    ("người", 160, 220),
                    ("cha:", 230, 280),
                    ("_....", 290, 360),
                ],
                500,
                540,
            ),
            // The form's dotted fill line after the value, read as words or glued to the value.
            Line::of_words(
                &[
                    ("tên", 100, 150),
                    ("người", 160, 220),
                    ("mẹ:", 230, 280),
                    ("TRẦN", 300, 380),
                    ("THỦY", 390, 470),
                    ("..........", 480, 600),
                    ("(ghi", 610, 660),
                ],
                600,
                640,
            ),
            Line::of_words(
                &[
                    ("Ngày,", 100, 170),
                    ("tháng,", 180, 260),
                    ("năm", 270, 320),
                    ("đăng", 330, 380),
                    ("ký:", 390, 430),
                    ("10/09/1986..........", 450, 850),
                    ("........", 870, 990),
                ],
                700,
                740,
            ),
        ];
        let boxes = label_value_boxes(&lines, &BC_BOLD_VALUES);
        assert_eq!(
            boxes.get("full_name"),
            Some(&([100, 200, 340, 240], [360, 200, 530, 240]))
        );
        // The value ends where the fill line starts; a word of dots glued to the value is cut
        // to the share of its characters before them (10 of 20 → half its width).
        assert_eq!(
            boxes.get("mother_name"),
            Some(&([100, 600, 280, 640], [300, 600, 470, 640]))
        );
        assert_eq!(
            boxes.get("registration_date"),
            Some(&([100, 700, 430, 740], [450, 700, 650, 740]))
        );
        // No colon on the line (OCR lost it), or nothing after it but the fill line: not split.
        assert_eq!(boxes.get("date_of_birth"), None);
        assert_eq!(boxes.get("father_name"), None);
        assert_eq!(boxes.len(), 3, "{boxes:?}");
    }

    #[test]
    fn the_card_numbers_box_starts_at_its_digits_and_ends_with_its_line() {
        let front = [
            Line::at("CĂN CƯỚC CÔNG DÂN", 400, 300, 1100, 350),
            Line::of_words(
                &[
                    ("sø/No:", 420, 560),
                    ("(4808", 600, 760),
                    ("0739191", 770, 1010),
                ],
                380,
                420,
            ),
            Line::at("Họ và tên / Full name:", 420, 440, 800, 470),
        ];
        // A digit lost in the page's reading: 11 digits are not a number; its box is read again.
        assert_eq!(citizen_id(&front, &[]).get("id_number"), None);
        // Half a line height (40 px) of margin: 20 px left and right, 10 px above and below.
        assert_eq!(id_number_box(&front), Some([580, 370, 1030, 430]));
        assert_eq!(
            id_number_digits("O48080739191").as_deref(),
            Some("048080739191")
        );
        assert_eq!(id_number_digits("48080739191"), None);
        assert_eq!(id_number_digits("0480807391911"), None);
        // No label, or nothing number-like after it: no box.
        assert_eq!(id_number_box(&front[2..]), None);
        let blank = [Line::of_words(
            &[("Số", 420, 470), ("/", 480, 490), ("No.:", 500, 560)],
            380,
            420,
        )];
        assert_eq!(id_number_box(&blank), None);
    }

    #[test]
    fn a_classification_is_one_of_the_scale_even_when_its_label_is_split() {
        let page = |v: &[&str]| -> Vec<Line> {
            v.iter()
                .enumerate()
                .map(|(i, t)| Line::at(t, 100, 100 + 40 * i as i32, 900, 130 + 40 * i as i32))
                .collect()
        };
        let f = diploma(
            &page(&[
                "Ngày sinh: 30/05/1996",
                "Xếp loại tốt nghiệp: Trung binh khá",
            ]),
            1200,
        );
        assert_eq!(
            f.get("classification").map(String::as_str),
            Some("Trung bình khá")
        );
        let f = diploma(
            &page(&[
                "Degree classification: Average",
                "ép: Trung bình",
                "Xếp loại tốt ng!",
                "Mode of study: Full-time",
            ]),
            1200,
        );
        assert_eq!(
            f.get("classification").map(String::as_str),
            Some("Trung bình")
        );
        // Not a classification: left unread.
        let f = diploma(&page(&["Xếp loại tốt nghiệp: tốt ng"]), 1200);
        assert_eq!(f.get("classification"), None);
    }

    #[test]
    fn a_date_in_words_takes_its_words_from_the_list() {
        assert_eq!(
            number_words("Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tw"),
            "Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tư"
        );
        assert_eq!(
            number_words("Ngày hai tháng tư năm hai nghìn khong trăm"),
            "Ngày hai tháng tư năm hai nghìn không trăm"
        );
        // "Ngàv" is one letter from both "ngày" and "ngàn": as read.
        assert_eq!(
            number_words("Ngàv hai tháng tư năm hai nghìn"),
            "Ngàv hai tháng tư năm hai nghìn"
        );
        // One letter from both "mươi" and "mười": as read.
        assert_eq!(
            number_words("Ngày mười tháng ba năm hai nghìn không trăm mưoi"),
            "Ngày mười tháng ba năm hai nghìn không trăm mưoi"
        );
        assert_eq!(
            number_words("Ngày ba mươi tháng sau nam hai nghin hai mươi tư"),
            "Ngày ba mươi tháng sáu năm hai nghìn hai mươi tư"
        );
        // Not a date in words: untouched.
        assert_eq!(number_words("Bệnh viện Đa khoa tw"), "Bệnh viện Đa khoa tw");
    }

    #[test]
    fn an_authority_sheds_a_number_read_from_the_background() {
        assert_eq!(
            without_trailing_number(
                "Ủy ban nhân dân phường Máy Tơ, thành phố Hải Phòng 2208612501247"
            ),
            "Ủy ban nhân dân phường Máy Tơ, thành phố Hải Phòng"
        );
        assert_eq!(
            without_trailing_number("Ủy ban nhân dân Phường 12, Quận 3"),
            "Ủy ban nhân dân Phường 12, Quận 3"
        );
    }

    #[test]
    fn a_registration_number_is_found_above_the_title_under_noise() {
        let mut v: Vec<Line> = (0..8)
            .map(|i| Line::at("cẽ..-ẽẻẽ", 100, 20 * i, 300, 20 * i + 15))
            .collect();
        v.push(Line::at("Số: 467/1996", 100, 200, 300, 230));
        v.push(Line::at("GIẤY KHAI SINH", 400, 300, 800, 340));
        let f = birth_certificate(&v);
        assert_eq!(
            f.get("registration_number").map(String::as_str),
            Some("467/1996")
        );
    }

    #[test]
    fn a_birth_certificate_name_is_found_when_its_label_is_misread() {
        let v = vec![
            Line::at("GIẤY KHAI SINH", 400, 100, 800, 140),
            Line::at("Họ, chir đệm, tên: MAI PHƯƠNG LAN", 100, 200, 900, 230),
            Line::at(
                "Họ, chữ đệm, tên người mẹ: VÕ KHÁNH MAI",
                100,
                500,
                900,
                530,
            ),
            Line::at(
                "Họ, chữ đệm, tên người cha: MAI HỮU BÌNH",
                100,
                600,
                900,
                630,
            ),
            Line::at("(Ký, ghi rõ họ, chữ đệm, tên, chức vụ", 500, 900, 900, 930),
        ];
        let f = birth_certificate(&v);
        assert_eq!(
            f.get("full_name").map(String::as_str),
            Some("MAI PHƯƠNG LAN")
        );
        assert_eq!(
            f.get("mother_name").map(String::as_str),
            Some("VÕ KHÁNH MAI")
        );
        // Without the child's line, neither a parent's nor the signer's hint is taken for it.
        let f = birth_certificate(&v[2..]);
        assert_eq!(f.get("full_name"), None);
    }

    #[test]
    fn each_field_the_mrz_repeats_is_placed_on_the_line_it_was_read_from() {
        let front = [
            Line::at("CĂN CƯỚC CÔNG DÂN", 400, 300, 1100, 350),
            Line::at("Số / No.: 001088452906", 420, 380, 1010, 420),
            Line::at("Họ và tên / Full name:", 420, 440, 800, 470),
            Line::at("Le NGUYỄN VĂN AN", 400, 480, 900, 520),
            Line::at("Ngày sinh / Date of birth: 12/03/1988", 420, 540, 1000, 570),
            Line::at(
                "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
                420,
                590,
                1300,
                620,
            ),
            Line::at("Có giá trị đến: 12/03/2028", 100, 900, 380, 930),
        ];
        let f = citizen_id(&front, &[]);
        assert_eq!(f.get("sex").map(String::as_str), Some("Nam"), "{f:?}");
        let boxes = card_field_lines(&front, &f);
        let at = |i: usize| front[i].rect();
        assert_eq!(boxes.get("id_number"), Some(&at(1)));
        assert_eq!(boxes.get("full_name"), Some(&at(3)));
        assert_eq!(boxes.get("date_of_birth"), Some(&at(4)));
        assert_eq!(boxes.get("sex"), Some(&at(5)));
        assert_eq!(boxes.get("expiry_date"), Some(&at(6)));
        assert_eq!(boxes.get("title"), Some(&at(0)));
        // A value no line holds (the number came from the second reading of its box): that box.
        let mut g = f.clone();
        g.insert("id_number".to_owned(), "001088452907".to_owned());
        assert_eq!(
            card_field_lines(&front, &g).get("id_number"),
            id_number_box(&front).as_ref()
        );
        // No field read, no field's box (the title is the card's own).
        assert_eq!(
            card_field_lines(&front, &Fields::new())
                .into_keys()
                .collect::<Vec<_>>(),
            ["title"]
        );
        assert!(card_field_lines(&front[1..], &Fields::new()).is_empty());
    }

    #[test]
    fn a_card_name_sheds_a_fragment_of_the_portrait() {
        assert_eq!(
            without_leading_fragment("Le LÊ THANH TUẤN"),
            "LÊ THANH TUẤN"
        );
        assert_eq!(without_leading_fragment("LÊ THANH TUẤN"), "LÊ THANH TUẤN");
        assert_eq!(
            without_leading_fragment("Dy LÊ THANH TUẤN"),
            "LÊ THANH TUẤN"
        );
        // A family name whose capital mark was read in lowercase stays.
        assert_eq!(without_leading_fragment("Võ THỊ SÁU"), "Võ THỊ SÁU");
        assert_eq!(without_leading_fragment("Lê VĂN AN"), "Lê VĂN AN");
        // A name in mixed case is not cut.
        assert_eq!(without_leading_fragment("Lê Thanh Tuấn"), "Lê Thanh Tuấn");
        let front = vec![
            Line::at("Họ và tên / Full name:", 300, 400, 700, 430),
            Line::at("Le", 250, 445, 290, 470),
            Line::at("LÊ THANH TUẤN", 310, 450, 600, 480),
        ];
        let f = citizen_id(&front, &[]);
        assert_eq!(
            f.get("full_name").map(String::as_str),
            Some("LÊ THANH TUẤN")
        );
        // The fragment read into the name's line makes it reach up beside the label.
        let front = vec![
            Line::at("Họ và tên / Full name:", 347, 325, 516, 340),
            Line::at("Le LÊ THANH TUẤN", 265, 329, 575, 374),
        ];
        let f = citizen_id(&front, &[]);
        assert_eq!(
            f.get("full_name").map(String::as_str),
            Some("LÊ THANH TUẤN")
        );
    }

    #[test]
    fn an_expiry_date_under_the_portrait_is_found_without_its_label() {
        let mut front = vec![
            Line::at("Ngày sinh / Date of birth: 24/07/2010", 346, 392, 665, 411),
            Line::at("có ph đến:", 125, 498, 229, 515),
            Line::at("Ngoc nọ,", 125, 522, 220, 536),
            Line::at(
                "Nơi thường trú / Place of residence: Thôn",
                346,
                524,
                892,
                547,
            ),
            Line::at("24/07/2035", 121, 544, 233, 582),
        ];
        let f = citizen_id(&front, &[]);
        assert_eq!(f.get("expiry_date").map(String::as_str), Some("2035-07-24"));
        // Two dates there: neither is taken.
        front.push(Line::at("01/01/2030", 121, 600, 233, 630));
        let f = citizen_id(&front, &[]);
        assert_eq!(f.get("expiry_date"), None);
    }

    #[test]
    fn a_university_keeps_its_own_capitals() {
        assert_eq!(
            university_name("Trường Đại học Hàng hải Việt Nam"),
            "Trường Đại học Hàng hải Việt Nam"
        );
        assert_eq!(
            university_name("TRƯỜNG ĐẠI HỌC CẦN THƠ"),
            "Trường Đại học Cần Thơ"
        );
    }

    #[test]
    fn a_deputy_signing_on_the_heads_behalf_keeps_pho() {
        let block = |title: &str, kt: bool| {
            let mut v = vec![
                Line::at("Nơi nhận:", 100, 1000, 300, 1030),
                Line::at("TM. ỦY BAN NHÂN DÂN", 700, 1000, 1100, 1030),
            ];
            if kt {
                v.push(Line::at("KT. CHỦ TỊCH", 750, 1040, 1050, 1070));
            }
            v.push(Line::at(title, 750, 1080, 1050, 1110));
            v.push(Line::at("Lê Gia Sơn", 780, 1250, 1020, 1280));
            decision(&v, 1200)
        };
        // The "PHÓ" lost under the seal comes back from the "KT." line above.
        let f = block("CHỦ TỊCH", true);
        assert_eq!(
            f.get("signer_title").map(String::as_str),
            Some("PHÓ CHỦ TỊCH")
        );
        assert_eq!(f.get("signer_name").map(String::as_str), Some("Lê Gia Sơn"));
        let f = block("PHÓ CHỦ TỊCH", true);
        assert_eq!(
            f.get("signer_title").map(String::as_str),
            Some("PHÓ CHỦ TỊCH")
        );
        // The head signing in person: as read.
        let f = block("CHỦ TỊCH", false);
        assert_eq!(f.get("signer_title").map(String::as_str), Some("CHỦ TỊCH"));
    }

    #[test]
    fn the_issuing_agency_is_below_its_superior() {
        assert_eq!(
            issuing_agency(&lines(&["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "SỞ Y TẾ"])).as_deref(),
            Some("SỞ Y TẾ")
        );
        assert_eq!(
            issuing_agency(&lines(&[
                "UBND HUYỆN ĐÔNG ANH",
                "ỦY BAN NHÂN DÂN XÃ VÂN HÀ"
            ]))
            .as_deref(),
            Some("ỦY BAN NHÂN DÂN XÃ VÂN HÀ")
        );
        // One agency whose name wraps: kept whole.
        assert_eq!(
            issuing_agency(&lines(&["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"])).as_deref(),
            Some("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH")
        );
        assert_eq!(
            issuing_agency(&lines(&["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"])).as_deref(),
            Some("ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN")
        );
        assert_eq!(issuing_agency(&[]), None);
    }
}
