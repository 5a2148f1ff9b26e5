//! What an incremental update changed, compared with the revision before it.
//!
//! Allowed (what a further signature adds): new signature dictionaries, new hidden signature
//! fields/widgets, the catalog rewritten with a new or extended `/AcroForm` (and `/Version`,
//! `/Extensions`, `/DSS`), a page rewritten whose only change is a longer `/Annots` array
//! holding hidden signature widgets, and objects rewritten without any change. Anything else
//! is reported with a short description: changed page entries (`/Contents`, `/Resources`,
//! ...), new pages or page-tree nodes, replaced objects (images, fonts, streams), deleted
//! objects, removed or non-signature form fields, visible signature widgets (they can
//! overlay page content), a changed document information dictionary.

use std::collections::HashSet;

use crate::doc::{Doc, Entry};
use crate::syntax::{Dict, Obj, changed_keys, is_ws, obj_eq};

/// Catalog entries a further signature may add or change.
const CATALOG_ALLOWED: &[&[u8]] = &[b"AcroForm", b"Version", b"Extensions", b"DSS"];
/// AcroForm entries a further signature may add or change.
const ACROFORM_ALLOWED: &[&[u8]] = &[b"Fields", b"SigFlags", b"DA", b"DR", b"NeedAppearances"];
/// Objects compared over all revisions at most; beyond that a revision is reported as a whole.
pub(crate) const MAX_OBJECTS: usize = 100_000;

/// Descriptions of the changes revision `r` (≥ 1) makes to revision `r - 1` that a further
/// signature does not explain. Empty when the update only adds a signature. `budget` is the
/// number of objects that may still be compared (shared by all revisions).
pub(crate) fn revision_changes(doc: &Doc<'_>, r: usize, budget: &mut usize) -> Vec<String> {
    let prev = r - 1;
    let mut out: Vec<String> = Vec::new();
    let mut handled: HashSet<u32> = HashSet::new();

    // Catalog and AcroForm.
    let old_root = doc.revs[prev].trailer.reference(b"Root");
    let new_root = doc.revs[r].trailer.reference(b"Root");
    if old_root != new_root {
        out.push("document catalog replaced".into());
    }
    match (doc.catalog(prev), doc.catalog(r)) {
        (Some((_, old_cat)), Some(((root_num, _), new_cat))) => {
            if old_root == new_root {
                handled.insert(root_num);
            }
            for key in changed_keys(&old_cat, &new_cat, CATALOG_ALLOWED) {
                out.push(format!("catalog entry /{key} changed"));
            }
            acroform_changes(doc, prev, r, &old_cat, &new_cat, &mut handled, &mut out);
        }
        _ => out.push("document catalog unreadable".into()),
    }

    // Document information dictionary.
    let old_info = doc.revs[prev].trailer.get(b"Info");
    let new_info = doc.revs[r].trailer.get(b"Info");
    let old_info_dict = old_info.and_then(|o| doc.dict(o, prev));
    let new_info_dict = new_info.and_then(|o| doc.dict(o, r));
    let same_info = match (&old_info_dict, &new_info_dict) {
        (None, None) => true,
        (Some(a), Some(b)) => changed_keys(a, b, &[]).is_empty(),
        _ => false,
    };
    if !same_info {
        out.push("document information dictionary changed".into());
    }
    if let Some(Obj::Ref(n, _)) = new_info
        && (!doc.in_use(*n, prev) || matches!(old_info, Some(Obj::Ref(m, _)) if m == n))
    {
        handled.insert(*n);
    }

    // Every object of the update.
    let rev = &doc.revs[r];
    for &num in &rev.order {
        if *budget == 0 || doc.over_budget() {
            out.push("too many changed objects to analyse".into());
            break;
        }
        *budget -= 1;
        if num == 0 || handled.contains(&num) {
            continue;
        }
        let existed = doc.in_use(num, prev);
        match rev.entries.get(&num) {
            Some(Entry::Free) | None => {
                if existed {
                    out.push(format!("object {num} deleted"));
                }
            }
            Some(Entry::InUse { .. }) => {
                let Some(new) = doc.get(num, r) else {
                    out.push(format!("object {num} unreadable"));
                    continue;
                };
                if !existed {
                    if let Some(d) = new.as_dict() {
                        if d.has_name(b"Type", b"Page") {
                            out.push(format!("page added (object {num})"));
                        } else if d.has_name(b"Type", b"Pages") {
                            out.push(format!("page tree node added (object {num})"));
                        } else if is_sig_field(d) && visible(d) {
                            out.push(format!("visible signature field added (object {num})"));
                        }
                    }
                    continue;
                }
                let Some(old) = doc.get(num, prev) else {
                    out.push(format!("object {num} replaced"));
                    continue;
                };
                if obj_eq(&old, &new) {
                    continue;
                }
                object_changes(doc, r, num, &old, &new, &mut out);
            }
        }
    }
    out.dedup();
    out
}

/// A rewritten object that existed before.
fn object_changes(
    doc: &Doc<'_>,
    r: usize,
    num: u32,
    old: &Obj<'_>,
    new: &Obj<'_>,
    out: &mut Vec<String>,
) {
    let prev = r - 1;
    match (old, new) {
        (Obj::Dict(o), Obj::Dict(n))
            if o.has_name(b"Type", b"Page") && n.has_name(b"Type", b"Page") =>
        {
            for key in changed_keys(o, n, &[b"Annots"]) {
                out.push(format!("page object {num}: /{key} changed"));
            }
            let old_annots = o
                .get(b"Annots")
                .and_then(|a| doc.array(a, prev))
                .unwrap_or_default();
            let new_annots = n
                .get(b"Annots")
                .and_then(|a| doc.array(a, r))
                .unwrap_or_default();
            if let Some(problem) = only_hidden_signatures_added(doc, r, &old_annots, &new_annots) {
                out.push(format!("page object {num}: {problem}"));
            }
        }
        (Obj::Array(o), Obj::Array(n)) => {
            if let Some(problem) = only_hidden_signatures_added(doc, r, o, n) {
                out.push(format!("array object {num}: {problem}"));
            }
        }
        (Obj::Dict(o), Obj::Dict(n)) if is_sig_field(o) && is_sig_field(n) => {
            let filled = o.get(b"V").is_none();
            let keys = changed_keys(o, n, &[b"V", b"AP"]);
            if !keys.is_empty() || !filled || visible(n) {
                out.push(format!("signature field {num} changed"));
            }
        }
        _ => out.push(format!("{} replaced (object {num})", describe(old))),
    }
}

/// `None` when `new` is `old` plus hidden signature widgets, else what is wrong.
fn only_hidden_signatures_added(
    doc: &Doc<'_>,
    r: usize,
    old: &[Obj<'_>],
    new: &[Obj<'_>],
) -> Option<String> {
    if old.iter().any(|o| !new.iter().any(|n| obj_eq(o, n))) {
        return Some("annotation removed".into());
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| obj_eq(o, n))) {
        match doc.dict(n, r) {
            Some(d) if is_sig_field(&d) && !visible(&d) => {}
            Some(d) if is_sig_field(&d) => return Some("visible signature field added".into()),
            _ => return Some("annotation added".into()),
        }
    }
    None
}

fn acroform_changes(
    doc: &Doc<'_>,
    prev: usize,
    r: usize,
    old_cat: &Dict<'_>,
    new_cat: &Dict<'_>,
    handled: &mut HashSet<u32>,
    out: &mut Vec<String>,
) {
    let old_af = old_cat.get(b"AcroForm");
    let new_af = new_cat.get(b"AcroForm");
    let old_af_num = match old_af {
        Some(Obj::Ref(n, _)) => Some(*n),
        _ => None,
    };
    let old_d = old_af.and_then(|o| doc.dict(o, prev)).unwrap_or_default();
    let Some(new_obj) = new_af else {
        if old_af.is_some() {
            out.push("form removed".into());
        }
        return;
    };
    if let Obj::Ref(n, _) = new_obj
        && (!doc.in_use(*n, prev) || old_af_num == Some(*n))
    {
        handled.insert(*n);
    }
    let Some(new_d) = doc.dict(new_obj, r) else {
        out.push("form unreadable".into());
        return;
    };
    for key in changed_keys(&old_d, &new_d, ACROFORM_ALLOWED) {
        out.push(format!("form entry /{key} changed"));
    }
    let old_fields_ref = match old_d.get(b"Fields") {
        Some(Obj::Ref(n, _)) => Some(*n),
        _ => None,
    };
    if let Some(Obj::Ref(n, _)) = new_d.get(b"Fields")
        && (!doc.in_use(*n, prev) || old_fields_ref == Some(*n))
    {
        handled.insert(*n);
    }
    let old_fields = old_d
        .get(b"Fields")
        .and_then(|f| doc.array(f, prev))
        .unwrap_or_default();
    let new_fields = new_d
        .get(b"Fields")
        .and_then(|f| doc.array(f, r))
        .unwrap_or_default();
    if old_fields
        .iter()
        .any(|o| !new_fields.iter().any(|n| obj_eq(o, n)))
    {
        out.push("form field removed".into());
    }
    for n in new_fields
        .iter()
        .filter(|n| !old_fields.iter().any(|o| obj_eq(o, n)))
    {
        match doc.dict(n, r) {
            Some(d) if is_sig_field(&d) => {}
            _ => out.push("non-signature form field added".into()),
        }
    }
}

/// A signature field (possibly merged with its widget).
fn is_sig_field(d: &Dict<'_>) -> bool {
    d.has_name(b"FT", b"Sig")
}

/// Whether a widget has a visible area (non-empty /Rect, not hidden).
fn visible(d: &Dict<'_>) -> bool {
    let flags = d.int(b"F").unwrap_or(0);
    if flags & (2 | 32) != 0 {
        return false;
    }
    let Some(rect) = d.get(b"Rect").and_then(Obj::as_array) else {
        return false;
    };
    let v: Vec<f64> = rect.iter().filter_map(Obj::as_f64).collect();
    v.len() == 4 && (v[2] - v[0]).abs() > 0.0 && (v[3] - v[1]).abs() > 0.0
}

fn describe(obj: &Obj<'_>) -> String {
    let Some(d) = obj.as_dict() else {
        return "object".into();
    };
    let ty = d
        .name(b"Subtype")
        .or_else(|| d.name(b"Type"))
        .map(|n| String::from_utf8_lossy(&n).into_owned());
    match (obj, ty.as_deref()) {
        (Obj::Stream(..), Some("Image")) => "image".into(),
        (Obj::Stream(..), Some("Form")) => "form XObject".into(),
        (Obj::Stream(..), Some(t)) => format!("{t} stream"),
        (Obj::Stream(..), None) => "stream".into(),
        (_, Some("Pages")) => "page tree node".into(),
        (_, Some(t)) => format!("{t} object"),
        (_, None) => "dictionary".into(),
    }
}

/// Non-blank bytes after the end of the last revision.
pub(crate) fn trailing_data(doc: &Doc<'_>) -> Option<String> {
    let end = doc.revs.last()?.end;
    let extra = doc.buf.get(end..)?;
    let n = extra.iter().filter(|&&c| !is_ws(c)).count();
    (n > 0).then(|| format!("{n} bytes of unrecognised data after the last revision"))
}
