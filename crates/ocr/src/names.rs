//! Vietnamese family names: the marks OCR most often gets wrong on a name ("NGUYÊN" for
//! "NGUYỄN", "HƯỲNH" for "HUỲNH") are restored from the short list of family names, which
//! differ from one another by their letters, not by their marks alone.

use crate::text::{in_case_of, unique};

/// Common Vietnamese family names. Two that share their letters (Đoàn, Doãn) are never guessed.
const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Trương", "Cao", "Lâm", "Phùng", "Tô",
    "Tạ", "Lương", "Đào", "Đoàn", "Vương", "Triệu", "Hà", "Lưu", "Kiều", "Thái", "Tăng", "La",
    "Quách", "Chu", "Tống", "Khúc", "Hàn", "Diệp", "Thân", "Mạc", "Nông", "Phí", "Lục", "Âu",
    "Tiêu", "Cù", "Nghiêm", "Châu", "Thạch", "Đàm", "Giang", "Khổng", "Lạc", "Ninh", "Quan", "Tôn",
    "Văn", "Viên", "Doãn", "Kim", "Lã", "Mẫn", "Ông", "Yên",
];

/// Whether `w` is a listed family name, marks and case aside.
pub(crate) fn is_family_name(w: &str) -> bool {
    let f = crate::text::fold_str(w);
    FAMILY_NAMES.iter().any(|n| crate::text::fold_str(n) == f)
}

/// `name` with its family name's marks restored from the list, in the name's own case (an
/// uppercase name stays uppercase). Academic prefixes ("PGS.TS.") before it are kept; a first
/// word already spelled as on the list, or on no list entry, is left as read.
pub(crate) fn restore_family_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some(k) = words.iter().position(|w| !w.ends_with('.')) else {
        return name.to_owned();
    };
    let w = words[k];
    if w.chars().count() < 2 || !w.chars().all(char::is_alphabetic) {
        return name.to_owned();
    }
    let Some(right) = unique(FAMILY_NAMES, w) else {
        return name.to_owned();
    };
    let fixed = in_case_of(w, right);
    if fixed == w {
        return name.to_owned();
    }
    let mut out: Vec<String> = words.iter().map(|s| (*s).to_owned()).collect();
    out[k] = fixed;
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_get_their_marks_back() {
        assert_eq!(restore_family_name("NGUYÊN MINH QUÂN"), "NGUYỄN MINH QUÂN");
        assert_eq!(restore_family_name("NGUYẼN ANH MINH"), "NGUYỄN ANH MINH");
        assert_eq!(restore_family_name("HƯỲNH HỮU HUY"), "HUỲNH HỮU HUY");
        assert_eq!(restore_family_name("Nguyên Văn An"), "Nguyễn Văn An");
        assert_eq!(
            restore_family_name("PGS.TS. Trinh Hữu Toàn"),
            "PGS.TS. Trịnh Hữu Toàn"
        );
        // Only the family name; given names are many and ambiguous ("HAI" may be "HẢI").
        assert_eq!(restore_family_name("NGUYỄN QUỐC HAI"), "NGUYỄN QUỐC HAI");
        // Not a listed family name, or not a word: as read.
        assert_eq!(restore_family_name("XYZ MINH"), "XYZ MINH");
        assert_eq!(restore_family_name("NGU"), "NGU");
        assert_eq!(restore_family_name("Tr[In Khánh"), "Tr[In Khánh");
        assert_eq!(restore_family_name(""), "");
    }

    #[test]
    fn a_listed_name_is_never_changed_and_shared_letters_change_nothing() {
        for n in FAMILY_NAMES {
            assert_eq!(restore_family_name(n), *n);
            assert_eq!(restore_family_name(&n.to_uppercase()), n.to_uppercase());
        }
        // Đoàn and Doãn share their letters: neither is guessed.
        assert_eq!(restore_family_name("DOAN VĂN AN"), "DOAN VĂN AN");
    }
}
