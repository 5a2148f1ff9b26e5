//! Province names, officials' titles and the openings of agencies' names: closed lists, so the
//! marks OCR drops or confuses on them ("Khanh Hoa", "Hổ Chí Minh", "PHÓ CHỦ TICH", "ỦY BAN NHÂN
//! DÂN TÍNH") are restored when the letters read match exactly one entry, as a whole phrase
//! (single words are too ambiguous: "ĐÔNG"/"ĐỒNG", "TỨ"/"TƯ"). Anything else is left as read.

use crate::text::{fold_str, in_case_of, unique};

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

/// Officials' titles on administrative documents (Decree 30/2020 signature blocks), whole.
/// "THỦ TRƯỞNG" and "THỨ TRƯỞNG" share their letters: neither is ever guessed.
const TITLES: &[&str] = &[
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "HIỆU TRƯỞNG",
    "PHÓ HIỆU TRƯỞNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "THỦ TRƯỞNG",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "TỔNG CỤC TRƯỞNG",
    "PHÓ TỔNG CỤC TRƯỞNG",
    "VIỆN TRƯỞNG",
    "PHÓ VIỆN TRƯỞNG",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "CHÁNH ÁN",
    "PHÓ CHÁNH ÁN",
    "CHÁNH THANH TRA",
    "PHÓ CHÁNH THANH TRA",
];

/// How an issuing agency's name opens, up to the administrative level of the place it serves
/// (the place's own name follows and is not restored, except a province's).
const AGENCY_OPENINGS: &[&str] = &[
    "ỦY BAN NHÂN DÂN TỈNH",
    "ỦY BAN NHÂN DÂN THÀNH PHỐ",
    "ỦY BAN NHÂN DÂN HUYỆN",
    "ỦY BAN NHÂN DÂN QUẬN",
    "ỦY BAN NHÂN DÂN THỊ XÃ",
    "ỦY BAN NHÂN DÂN XÃ",
    "ỦY BAN NHÂN DÂN PHƯỜNG",
    "ỦY BAN NHÂN DÂN THỊ TRẤN",
    "SỞ TƯ PHÁP TỈNH",
    "SỞ TƯ PHÁP THÀNH PHỐ",
    "PHÒNG TƯ PHÁP HUYỆN",
    "PHÒNG TƯ PHÁP QUẬN",
];

/// An address's parts are separated by commas; a semicolon in one is a comma misread (its dot
/// above taken for a second mark).
pub(crate) fn commas_restored(value: &str) -> String {
    value.replace(';', ",")
}

/// The province named by an address's last component, or by any component's words after
/// "tỉnh"/"thành phố"/"TP." (a district or commune may share a province's letters — "Quang
/// Bình", "Phù Yên" — but never stands last or after those words).
pub(crate) fn restore_provinces(value: &str) -> String {
    let parts: Vec<&str> = value.split(',').collect();
    let last = parts.iter().rposition(|p| !p.trim().is_empty());
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let words: Vec<&str> = part.split_whitespace().collect();
            for k in 0..words.len() {
                let after_prefix = k > 0 && BEFORE.contains(&fold_str(words[k - 1]).as_str());
                let last_whole = k == 0 && Some(i) == last;
                if !(after_prefix || last_whole) {
                    continue;
                }
                let name = words[k..].join(" ");
                if let Some(p) = unique(PROVINCES, &name) {
                    let lead = &part[..part.len() - part.trim_start().len()];
                    let mut out: Vec<String> = words[..k].iter().map(|w| (*w).to_owned()).collect();
                    out.push(keep_or_restore(&name, p));
                    return format!("{lead}{}", out.join(" "));
                }
            }
            (*part).to_owned()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `right` in `read`'s case, unless `read` is already `right` with the older placement of the
/// tone mark ("Hoà" for "Hòa"), which is as correct and is kept as printed.
fn keep_or_restore(read: &str, right: &str) -> String {
    let fixed = in_case_of(read, right);
    if one_tone_placement(read) == one_tone_placement(&fixed) {
        read.to_owned()
    } else {
        fixed
    }
}

/// `s` in lowercase with the tone mark of "oa", "oe", "uy" on the first vowel (the older
/// placement), so that the two spellings compare equal.
fn one_tone_placement(s: &str) -> String {
    const OLD_NEW: &[(&str, &str)] = &[
        ("oà", "òa"),
        ("oá", "óa"),
        ("oả", "ỏa"),
        ("oã", "õa"),
        ("oạ", "ọa"),
        ("oè", "òe"),
        ("oé", "óe"),
        ("oẻ", "ỏe"),
        ("oẽ", "õe"),
        ("oẹ", "ọe"),
        ("uỳ", "ùy"),
        ("uý", "úy"),
        ("uỷ", "ủy"),
        ("uỹ", "ũy"),
        ("uỵ", "ụy"),
    ];
    let mut out = s.to_lowercase();
    for (old, new) in OLD_NEW {
        out = out.replace(new, old);
    }
    out
}

/// An official's title restored when the whole value is one title on the list, marks aside
/// ("PHÓ CHỦ TICH" → "PHÓ CHỦ TỊCH"); anything else as read.
pub(crate) fn restore_title(value: &str) -> String {
    match unique(TITLES, value.trim()) {
        Some(t) => in_case_of(value, t),
        None => value.to_owned(),
    }
}

/// An issuing agency ("ỦY BAN NHÂN DÂN TÍNH THÁI NGUYÊN"): its opening, up to the place's
/// administrative level, restored from the list of openings; then a province after it.
pub(crate) fn restore_agency(value: &str) -> String {
    let words: Vec<&str> = value.split_whitespace().collect();
    let best = AGENCY_OPENINGS
        .iter()
        .filter_map(|o| {
            let n = o.split_whitespace().count();
            (words.len() > n && fold_str(&words[..n].join(" ")) == fold_str(o)).then_some((o, n))
        })
        .max_by_key(|(_, n)| *n);
    let Some((opening, n)) = best else {
        return value.to_owned();
    };
    let rest = words[n..].join(" ");
    let place = match unique(PROVINCES, &rest) {
        Some(p) => keep_or_restore(&rest, p),
        None => rest,
    };
    format!("{} {place}", in_case_of(&words[..n].join(" "), opening))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semicolon_between_an_addresss_parts_is_a_comma() {
        assert_eq!(
            restore_provinces(&commas_restored("Xóm 3; Kiến An, Chợ Mới, An Giang")),
            "Xóm 3, Kiến An, Chợ Mới, An Giang"
        );
        assert_eq!(commas_restored("Tổ 5, Nhơn Ái"), "Tổ 5, Nhơn Ái");
    }

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
    fn districts_sharing_a_provinces_letters_and_other_spellings_are_left_as_read() {
        for v in [
            // Districts and towns whose letters are a province's, not last.
            "Quang Bình, Hà Giang",
            "Thạnh Hóa, Long An",
            "Phù Yên, Sơn La",
            "Kiến Giang, Lệ Thủy, Quảng Bình",
            // The older placement of the tone mark is as correct.
            "Ninh Hòa, Khánh Hoà",
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
    fn whole_titles_get_their_marks_back() {
        assert_eq!(restore_title("PHÓ CHỦ TICH"), "PHÓ CHỦ TỊCH");
        assert_eq!(restore_title("PHO GIAM ĐÔC"), "PHÓ GIÁM ĐỐC");
        assert_eq!(restore_title("HIỆU TRUONG"), "HIỆU TRƯỞNG");
        assert_eq!(restore_title("CHỦ TỊCH"), "CHỦ TỊCH");
        for v in [
            // Two titles share these letters: never guessed.
            "THU TRUONG",
            // Not a whole title on the list, or a name in capitals: as read.
            "BÍ THƯ",
            "ỦY VIÊN",
            "GIÁM ĐỐC CÔNG AN TỈNH",
            "CHỦ TỊCH UBND QUẬN 1",
            "HỒ VĂN AN",
            "",
        ] {
            assert_eq!(restore_title(v), v);
        }
        for t in TITLES {
            assert_eq!(restore_title(t), *t);
        }
    }

    #[test]
    fn agencies_get_their_opening_and_province_back() {
        assert_eq!(
            restore_agency("ỦY BAN NHÂN DÂN TÍNH THÁI NGUYEN"),
            "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
        );
        assert_eq!(
            restore_agency("SỞ TƯ PHAP THÀNH PHÔ HÀ NỘI"),
            "SỞ TƯ PHÁP THÀNH PHỐ HÀ NỘI"
        );
        assert_eq!(
            restore_agency("ỦY BAN NHÂN DÂN TỈNH THANH HOA"),
            "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"
        );
        for v in [
            // The place's own name after the level is not restored (unless a province).
            "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH",
            "ỦY BAN NHÂN DÂN HUYỆN THANH TRÌ",
            "ỦY BAN NHÂN DÂN HUYỆN VẠN NINH",
            "ỦY BAN NHÂN DÂN QUẬN BÌNH THẠNH",
            "ỦY BAN NHÂN DÂN HUYỆN TỨ KỲ",
            // Other agencies: as read.
            "THANH TRA TỈNH NAM ĐỊNH",
            "TRƯỜNG THPT TRẦN PHÚ",
            "TRƯỜNG TRUNG HỌC PHỔ THÔNG",
            "BAN QUẢN LÝ DỰ ÁN",
            "CỤC THI HÀNH ÁN DÂN SỰ",
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            "BỘ GIÁO DỤC VÀ ĐÀO TẠO",
            "ỦY BAN NHÂN DÂN",
            "",
        ] {
            assert_eq!(restore_agency(v), v);
        }
    }
}
