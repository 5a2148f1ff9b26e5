//! Official names of Vietnamese universities. A degree prints its university in capitals
//! ("TRƯỜNG ĐẠI HỌC KINH TẾ QUỐC DÂN"); the name as the institution writes it ("Trường Đại học
//! Kinh tế Quốc dân": capitals on the first syllable of each part and on place names, by the
//! rules of Decree 30/2020, Appendix II) cannot be derived from the capitals, so it is looked up
//! here. The list holds the public universities most degrees come from; it is compiled in, so
//! a university missing from it (the Ministry of Education and Training publishes the full
//! register) is added here, in code, and until then keeps the title-cased reading. A
//! reading matches an entry when its letters, marks removed, differ from the entry's by at most
//! one character per twelve of the name after "Trường Đại học" (at least one), and from no
//! other entry as little.

use crate::text::{edit_distance as distance, fold_str};

/// Official names, as the institutions write them.
const UNIVERSITIES: &[&str] = &[
    // Hà Nội
    "Trường Đại học Bách khoa Hà Nội",
    "Trường Đại học Kinh tế Quốc dân",
    "Trường Đại học Ngoại thương",
    "Trường Đại học Sư phạm Hà Nội",
    "Trường Đại học Sư phạm Hà Nội 2",
    "Trường Đại học Luật Hà Nội",
    "Trường Đại học Y Hà Nội",
    "Trường Đại học Dược Hà Nội",
    "Trường Đại học Thương mại",
    "Trường Đại học Xây dựng Hà Nội",
    "Trường Đại học Giao thông vận tải",
    "Trường Đại học Thủy lợi",
    "Trường Đại học Mỏ - Địa chất",
    "Trường Đại học Công đoàn",
    "Trường Đại học Lao động - Xã hội",
    "Trường Đại học Kiến trúc Hà Nội",
    "Trường Đại học Mở Hà Nội",
    "Trường Đại học Hà Nội",
    "Trường Đại học Điện lực",
    "Trường Đại học Công nghiệp Hà Nội",
    "Trường Đại học Lâm nghiệp",
    "Trường Đại học Văn hóa Hà Nội",
    "Trường Đại học Mỹ thuật Việt Nam",
    "Trường Đại học Y tế công cộng",
    "Trường Đại học Tài nguyên và Môi trường Hà Nội",
    "Trường Đại học Thủ đô Hà Nội",
    "Trường Đại học Sân khấu - Điện ảnh Hà Nội",
    "Trường Đại học Khoa học Tự nhiên",
    "Trường Đại học Khoa học Xã hội và Nhân văn",
    "Trường Đại học Công nghệ",
    "Trường Đại học Ngoại ngữ",
    "Trường Đại học Kinh tế",
    "Trường Đại học Giáo dục",
    // Thành phố Hồ Chí Minh
    "Trường Đại học Kinh tế Thành phố Hồ Chí Minh",
    "Trường Đại học Sư phạm Thành phố Hồ Chí Minh",
    "Trường Đại học Luật Thành phố Hồ Chí Minh",
    "Trường Đại học Y Dược Thành phố Hồ Chí Minh",
    "Trường Đại học Ngân hàng Thành phố Hồ Chí Minh",
    "Trường Đại học Sư phạm Kỹ thuật Thành phố Hồ Chí Minh",
    "Trường Đại học Mở Thành phố Hồ Chí Minh",
    "Trường Đại học Nông Lâm Thành phố Hồ Chí Minh",
    "Trường Đại học Công nghiệp Thành phố Hồ Chí Minh",
    "Trường Đại học Giao thông vận tải Thành phố Hồ Chí Minh",
    "Trường Đại học Kiến trúc Thành phố Hồ Chí Minh",
    "Trường Đại học Tôn Đức Thắng",
    "Trường Đại học Bách khoa",
    "Trường Đại học Quốc tế",
    // Elsewhere
    "Trường Đại học Cần Thơ",
    "Trường Đại học Y Dược Cần Thơ",
    "Trường Đại học Vinh",
    "Trường Đại học Nha Trang",
    "Trường Đại học Hàng hải Việt Nam",
    "Trường Đại học Hải Phòng",
    "Trường Đại học Đà Lạt",
    "Trường Đại học Quy Nhơn",
    "Trường Đại học Tây Nguyên",
    "Trường Đại học Hồng Đức",
    "Trường Đại học An Giang",
    "Trường Đại học Đồng Tháp",
    "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
    "Trường Đại học Y Dược Thái Bình",
    "Trường Đại học Tây Bắc",
    "Trường Đại học Hùng Vương",
    "Trường Đại học Trà Vinh",
];

/// The key of the words every entry opens with.
const PREFIX: &str = "truong dai hoc ";

/// Letters and digits only, marks and case removed, words separated by one space.
fn key(s: &str) -> Vec<char> {
    let f: String = fold_str(s)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    f.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// The official name `read` stands for, when one entry is clearly it (see the module's note).
pub(crate) fn official_university(read: &str) -> Option<&'static str> {
    let k = key(read);
    if k.len() < 10 {
        return None;
    }
    let mut scored: Vec<(usize, &'static str)> = UNIVERSITIES
        .iter()
        .map(|u| (distance(&k, &key(u)), *u))
        .collect();
    scored.sort_by_key(|s| s.0);
    let (best, name) = scored[0];
    // Edits allowed: one per twelve characters of the part that tells universities apart (after
    // "truong dai hoc"), at least one: "Hải Dương" is not "Hải Phòng" two edits away.
    let own = key(name).len().saturating_sub(PREFIX.len());
    let allowed = (own / 12).max(1);
    let runner_up = scored.get(1).map_or(usize::MAX, |s| s.0);
    (best <= allowed && runner_up > best).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_and_slips_find_the_official_name() {
        assert_eq!(
            official_university("TRƯỜNG ĐẠI HỌC KINH TẾ QUỐC DÂN"),
            Some("Trường Đại học Kinh tế Quốc dân")
        );
        // Marks lost and a letter misread.
        assert_eq!(
            official_university("TRUONG ĐẠI HQC CẦN THƠ"),
            Some("Trường Đại học Cần Thơ")
        );
        assert_eq!(
            official_university("Truong Đại học Bách Khoa Hà Nội"),
            Some("Trường Đại học Bách khoa Hà Nội")
        );
        assert_eq!(
            official_university("TRƯỜNG ĐẠI HỌC MỎ - ĐỊA CHẤT"),
            Some("Trường Đại học Mỏ - Địa chất")
        );
    }

    #[test]
    fn near_names_and_unknown_names_are_not_guessed() {
        // Not on the list: no entry is close enough.
        assert_eq!(official_university("TRƯỜNG ĐẠI HỌC KHÁNH HÒA"), None);
        // "Sư phạm Hà Nội" and "Sư phạm Hà Nội 2" are one character apart: a reading between
        // them matches the one it equals, never the other.
        assert_eq!(
            official_university("TRƯỜNG ĐẠI HỌC SƯ PHẠM HÀ NỘI 2"),
            Some("Trường Đại học Sư phạm Hà Nội 2")
        );
        assert_eq!(
            official_university("TRƯỜNG ĐẠI HỌC SƯ PHẠM HÀ NỘI"),
            Some("Trường Đại học Sư phạm Hà Nội")
        );
        // Two slips in a short name are too many.
        assert_eq!(official_university("TRUONG DAI HQC VLNH"), None);
        // A university not on the list, two letters from one that is: not taken for it.
        assert_eq!(official_university("TRƯỜNG ĐẠI HỌC HẢI DƯƠNG"), None);
        assert_eq!(official_university("short"), None);
    }

    #[test]
    fn the_list_has_no_near_twins_but_the_numbered_one() {
        for (i, a) in UNIVERSITIES.iter().enumerate() {
            for b in &UNIVERSITIES[i + 1..] {
                let d = distance(&key(a), &key(b));
                assert!(d >= 2 || b.ends_with(" 2"), "{a} / {b}: {d}");
            }
        }
    }
}
