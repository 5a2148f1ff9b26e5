//! The grounds on which a certified copy is refused in writing, and the legal text printed for
//! each on the refusal slip.
//!
//! Decree 23/2015/ND-CP Art 22 lists the originals that cannot be the basis of a certified copy;
//! Art 20(1) requires the requester to present the original itself, so a copy presented as an
//! original is refused on that ground. An officer refuses only on one of these grounds: any other
//! problem (a poor scan, a face that does not match) is a re-scan or the officer's judgement, not a
//! refusal.
//!
//! The wording below is the project's reading of the decree and **has not been reviewed by a
//! lawyer**; the codes are stable, the texts may change after review.

use crate::checks::CheckCode;
use crate::document::string_enum;

string_enum! {
    /// Stable codes of the refusal grounds. Never rename one: stored refusals key on them.
    /// `not_an_original` and `altered_original` are also check codes (the kiosk refuses on them).
    RefusalGround {
        AlteredOriginal => "altered_original",
        DamagedOriginal => "damaged_original",
        SecretOrNoCopy => "secret_or_no_copy",
        UnlawfulContent => "unlawful_content",
        NotLegalized => "not_legalized",
        SelfMadeUncertified => "self_made_uncertified",
        NotAnOriginal => "not_an_original",
    }
}

impl RefusalGround {
    /// The ground a failed kiosk check refuses on, if it is one.
    pub fn from_check(code: CheckCode) -> Option<Self> {
        match code {
            CheckCode::AlteredOriginal => Some(RefusalGround::AlteredOriginal),
            CheckCode::NotAnOriginal => Some(RefusalGround::NotAnOriginal),
            _ => None,
        }
    }

    /// The provision, e.g. "Art. 22(1)", as printed beside the ground.
    pub fn provision(self) -> &'static str {
        match self {
            RefusalGround::AlteredOriginal => "Art. 22(1)",
            RefusalGround::DamagedOriginal => "Art. 22(2)",
            RefusalGround::SecretOrNoCopy => "Art. 22(3)",
            RefusalGround::UnlawfulContent => "Art. 22(4)",
            RefusalGround::NotLegalized => "Art. 22(5)",
            RefusalGround::SelfMadeUncertified => "Art. 22(6)",
            RefusalGround::NotAnOriginal => "Art. 20(1)",
        }
    }

    /// The legal ground printed on the refusal slip (Vietnamese, English).
    pub fn legal_text(self) -> (&'static str, &'static str) {
        match self {
            RefusalGround::AlteredOriginal => (
                "Khoản 1 Điều 22 Nghị định 23/2015/NĐ-CP: bản chính bị tẩy xóa, sửa chữa, thêm, bớt nội dung không hợp lệ",
                "Decree 23/2015/ND-CP Art. 22(1): the original has been erased, altered, or had content added or removed unlawfully",
            ),
            RefusalGround::DamagedOriginal => (
                "Khoản 2 Điều 22 Nghị định 23/2015/NĐ-CP: bản chính bị hư hỏng, cũ nát, không xác định được nội dung",
                "Decree 23/2015/ND-CP Art. 22(2): the original is damaged or worn so that its content cannot be determined",
            ),
            RefusalGround::SecretOrNoCopy => (
                "Khoản 3 Điều 22 Nghị định 23/2015/NĐ-CP: bản chính đóng dấu mật hoặc ghi rõ không được sao chụp",
                "Decree 23/2015/ND-CP Art. 22(3): the original bears a secrecy stamp or states that it must not be copied",
            ),
            RefusalGround::UnlawfulContent => (
                "Khoản 4 Điều 22 Nghị định 23/2015/NĐ-CP: bản chính có nội dung trái pháp luật, đạo đức xã hội",
                "Decree 23/2015/ND-CP Art. 22(4): the original's content is unlawful or contrary to social morality",
            ),
            RefusalGround::NotLegalized => (
                "Khoản 5 Điều 22 Nghị định 23/2015/NĐ-CP: bản chính do cơ quan nước ngoài cấp chưa được hợp pháp hóa lãnh sự",
                "Decree 23/2015/ND-CP Art. 22(5): the original was issued abroad and has not been consularly legalized",
            ),
            RefusalGround::SelfMadeUncertified => (
                "Khoản 6 Điều 22 Nghị định 23/2015/NĐ-CP: giấy tờ do cá nhân tự lập, không có xác nhận và chứng thực của cơ quan có thẩm quyền",
                "Decree 23/2015/ND-CP Art. 22(6): a document drawn up by an individual without confirmation or certification by a competent authority",
            ),
            RefusalGround::NotAnOriginal => (
                "Khoản 1 Điều 20 Nghị định 23/2015/NĐ-CP: người yêu cầu chứng thực phải xuất trình bản chính; giấy tờ xuất trình là bản sao",
                "Decree 23/2015/ND-CP Art. 20(1): the requester must present the original; the document presented is itself a copy",
            ),
        }
    }

    /// One line for citizens and officers (Vietnamese, English).
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            RefusalGround::AlteredOriginal => CheckCode::AlteredOriginal.text(),
            RefusalGround::NotAnOriginal => CheckCode::NotAnOriginal.text(),
            RefusalGround::DamagedOriginal => (
                "Bản chính hư hỏng, không đọc được nội dung",
                "The original is damaged and cannot be read",
            ),
            RefusalGround::SecretOrNoCopy => (
                "Bản chính có dấu mật hoặc ghi không được sao chụp",
                "The original is secret or marked not to be copied",
            ),
            RefusalGround::UnlawfulContent => (
                "Bản chính có nội dung trái pháp luật",
                "The original's content is unlawful",
            ),
            RefusalGround::NotLegalized => (
                "Giấy tờ nước ngoài chưa hợp pháp hóa lãnh sự",
                "A foreign document not consularly legalized",
            ),
            RefusalGround::SelfMadeUncertified => (
                "Giấy tờ tự lập, không được xác nhận",
                "A self-made document without certification",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kiosk_refuses_only_on_its_two_grounds_and_with_the_same_codes() {
        for c in CheckCode::ALL {
            match RefusalGround::from_check(*c) {
                Some(g) => {
                    assert!(c.is_refusal_ground(), "{c}");
                    assert_eq!(g.as_str(), c.as_str());
                }
                None => assert!(!c.is_refusal_ground(), "{c}"),
            }
        }
    }

    #[test]
    fn every_ground_cites_its_provision_in_both_languages() {
        for g in RefusalGround::ALL {
            let (vi, en) = g.legal_text();
            let p = g.provision();
            let (art, clause) = p
                .trim_start_matches("Art. ")
                .trim_end_matches(')')
                .split_once('(')
                .unwrap();
            assert!(
                vi.starts_with(&format!("Khoản {clause} Điều {art} ")),
                "{g}: {vi}"
            );
            assert!(en.contains(p), "{g}: {en}");
            assert!(!g.text().0.is_empty() && !g.text().1.is_empty());
        }
    }

    #[test]
    fn codes_round_trip() {
        for g in RefusalGround::ALL {
            assert_eq!(g.as_str().parse::<RefusalGround>(), Ok(*g));
        }
        assert!("face_mismatch".parse::<RefusalGround>().is_err());
    }
}
