//! Province names and the titles of officials: closed lists, so the marks OCR drops or confuses
//! on them ("Khanh Hoa", "Hổ Chí Minh", "Cần Tho", "CHỦ TICH") are restored when the letters
//! read match exactly one entry. Values that match no entry are left as read.

use crate::text::fold_str;

/// The 63 provinces and centrally run cities, as printed on documents issued before the 2025
/// merger (the documents a citizen holds today still carry them).
const PROVINCES: &[&str] = &[
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hồ Chí Minh",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lạng Sơn",
    "Lào Cai",
    "Lâm Đồng",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
];

/// Words that may stand before a province's name ("tỉnh Bắc Ninh", "thành phố Hà Nội",
/// "TP. Hồ Chí Minh"), folded.
const BEFORE: &[&str] = &["tinh", "pho", "tp.", "tp"];

/// The words of officials' titles on administrative documents (Decree 30/2020 signature blocks).
const TITLE_WORDS: &[&str] = &[
    "PHÓ",
    "CHỦ",
    "TỊCH",
    "GIÁM",
    "ĐỐC",
    "TRƯỞNG",
    "BỘ",
    "THỨ",
    "HIỆU",
    "VIỆN",
    "CỤC",
    "TỔNG",
    "CHÁNH",
    "VĂN",
    "PHÒNG",
    "ÁN",
    "BAN",
    "KIỂM",
    "SÁT",
    "THANH",
    "TRA",
    "SỞ",
    "NHÂN",
    "DÂN",
    "ỦY",
    "HỘI",
    "ĐỒNG",
    "QUẢN",
    "TRỊ",
    "KHOA",
    "TƯ",
    "PHÁP",
    "HỘ",
];

/// The words that open an issuing agency's name, before the place it serves. Not "ĐỒNG",
/// "THÀNH", "VĂN", "TƯ" or "PHÓ": they share their letters with words of place names ("ĐÔNG ANH",
/// "THANH TRÌ", "VẠN NINH", "TỨ KỲ") or with "PHỐ".
const AGENCY_WORDS: &[&str] = &[
    "ỦY",
    "BAN",
    "NHÂN",
    "DÂN",
    "TỈNH",
    "PHỐ",
    "HUYỆN",
    "QUẬN",
    "PHƯỜNG",
    "XÃ",
    "THỊ",
    "TRẤN",
    "SỞ",
    "PHÁP",
    "BỘ",
    "CỤC",
    "TỔNG",
    "PHÒNG",
    "HỘI",
];

/// The administrative level that ends an agency's own words: the place's name follows.
const LEVELS: &[&str] = &["TỈNH", "PHỐ", "HUYỆN", "QUẬN", "PHƯỜNG", "XÃ", "TRẤN"];

/// The one entry of `list` whose letters (marks and case removed) are `s`'s.
fn unique<'a>(list: &[&'a str], s: &str) -> Option<&'a str> {
    let f = fold_str(s);
    let mut hits = list.iter().filter(|n| fold_str(n) == f);
    let one = hits.next()?;
    hits.all(|n| n == one).then_some(*one)
}

/// `right` in the case style of `read`: uppercase when `read` has no lowercase letter.
fn in_case_of(read: &str, right: &str) -> String {
    if read.chars().any(char::is_lowercase) {
        right.to_owned()
    } else {
        right.to_uppercase()
    }
}

/// An address (comma-separated components) or an agency's name with each province named at a
/// component's start or after "tỉnh"/"thành phố"/"TP." spelled as on the list.
pub(crate) fn restore_provinces(value: &str) -> String {
    value
        .split(',')
        .map(|part| {
            let words: Vec<&str> = part.split_whitespace().collect();
            for k in 0..words.len() {
                let after_prefix = k == 0 || BEFORE.contains(&fold_str(words[k - 1]).as_str());
                let name = words[k..].join(" ");
                if let (true, Some(p)) = (after_prefix, unique(PROVINCES, &name)) {
                    let lead = &part[..part.len() - part.trim_start().len()];
                    let mut out: Vec<String> = words[..k].iter().map(|w| (*w).to_owned()).collect();
                    out.push(in_case_of(&name, p));
                    return format!("{lead}{}", out.join(" "));
                }
            }
            part.to_owned()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// An official's title with each word restored from the title vocabulary ("PHÓ CHỦ TICH" →
/// "PHÓ CHỦ TỊCH"); a word on no list, or on two, is left as read.
pub(crate) fn restore_title(value: &str) -> String {
    restore_words(value, TITLE_WORDS)
}

/// An issuing agency ("ỦY BAN NHÂN DÂN TÍNH THÁI NGUYÊN"): its own words restored from the
/// agency vocabulary up to its administrative level ("TỈNH", "HUYỆN", …), the place's name after
/// that left as read except a province's.
pub(crate) fn restore_agency(value: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut words = value.split(' ');
    for w in words.by_ref() {
        let fixed = restore_words(w, AGENCY_WORDS);
        let level = LEVELS.contains(&fixed.to_uppercase().as_str());
        out.push(fixed);
        if level {
            break;
        }
    }
    out.extend(words.map(str::to_owned));
    restore_provinces(&out.join(" "))
}

fn restore_words(value: &str, vocab: &[&str]) -> String {
    value
        .split(' ')
        .map(|w| match unique(vocab, w) {
            Some(t) if w.chars().all(char::is_alphabetic) => in_case_of(w, t),
            _ => w.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_get_their_marks_back() {
        assert_eq!(
            restore_provinces("Dién An, Diên Khánh, Khanh Hoa"),
            "Dién An, Diên Khánh, Khánh Hòa"
        );
        assert_eq!(
            restore_provinces("Tân Thạnh Đông, Củ Chi, Hổ Chí Minh"),
            "Tân Thạnh Đông, Củ Chi, Hồ Chí Minh"
        );
        assert_eq!(
            restore_provinces("Bệnh viện Đa khoa tỉnh, tỉnh Thưa Thiên Huê"),
            "Bệnh viện Đa khoa tỉnh, tỉnh Thừa Thiên Huế"
        );
        assert_eq!(
            restore_provinces("phường Máy Tơ, quận Ngô Quyền, thành phố Hải Phong"),
            "phường Máy Tơ, quận Ngô Quyền, thành phố Hải Phòng"
        );
        assert_eq!(
            restore_provinces("XÃ AN BÌNH, CẦN THO"),
            "XÃ AN BÌNH, CẦN THƠ"
        );
    }

    #[test]
    fn anything_else_is_left_as_read() {
        for v in [
            "Ấp 2, Diên An, Diên Khánh, Khánh Hòa",
            "Số 2 ngõ 109 Hùng Vương, Phường 10",
            "Thôn Trung, Mỹ Khánh, Phong Điền",
            "ThitaThién Huế",
            "",
            ", ,",
        ] {
            assert_eq!(restore_provinces(v), v);
        }
        for p in PROVINCES {
            assert_eq!(restore_provinces(p), *p);
            assert_eq!(unique(PROVINCES, p), Some(*p), "{p} shares its letters");
        }
    }

    #[test]
    fn titles_get_their_marks_back() {
        assert_eq!(restore_title("PHÓ CHỦ TICH"), "PHÓ CHỦ TỊCH");
        assert_eq!(restore_title("PHO GIAM ĐÔC"), "PHÓ GIÁM ĐỐC");
        assert_eq!(restore_title("HIỆU TRUONG"), "HIỆU TRƯỞNG");
        assert_eq!(restore_title("CHỦ TỊCH"), "CHỦ TỊCH");
        // A word on no list, or with other characters, as read.
        assert_eq!(restore_title("CHU TICH X1"), "CHỦ TỊCH X1");
        assert_eq!(restore_title("GIÁM-ĐỐC"), "GIÁM-ĐỐC");
    }

    #[test]
    fn agencies_get_their_marks_back() {
        assert_eq!(
            restore_agency("ỦY BAN NHÂN DÂN TÍNH THÁI NGUYEN"),
            "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
        );
        assert_eq!(
            restore_agency("SỞ TƯ PHAP THÀNH PHÔ HÀ NỘI"),
            "SỞ TƯ PHÁP THÀNH PHỐ HÀ NỘI"
        );
        // The place's own name after the level is not an agency word.
        for v in [
            "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH",
            "ỦY BAN NHÂN DÂN HUYỆN THANH TRÌ",
            "ỦY BAN NHÂN DÂN HUYỆN VẠN NINH",
            "ỦY BAN NHÂN DÂN HUYỆN TỨ KỲ",
            "THANH TRA TỈNH NAM ĐỊNH",
        ] {
            assert_eq!(restore_agency(v), v);
        }
        assert_eq!(
            restore_agency("ỦY BAN NHÂN DÂN TỈNH THANH HOA"),
            "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"
        );
        assert_eq!(
            restore_agency("BỘ GIÁO DỤC VÀ ĐÀO TẠO"),
            "BỘ GIÁO DỤC VÀ ĐÀO TẠO"
        );
    }
}
