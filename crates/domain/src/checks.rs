//! The automated checks of a kiosk session, their stable reason codes, and routing.
//!
//! Routing is a pure function of the check results: issue only when every check passed; the
//! refusal grounds of Decree 23/2015 Art 22 (`not_an_original`, `altered_original`) reject; anything
//! else (a failed check, or one that could not be completed) goes to an officer.

use serde::{Deserialize, Serialize};

use crate::document::{Decision, string_enum};
use crate::grounds::RefusalGround;

string_enum! {
    /// Stable reason codes. Never rename one: stored cases, the console and API clients key on them.
    CheckCode {
        DocumentType => "document_type",
        MrzCheckDigit => "mrz_check_digit",
        MrzVisualMismatch => "mrz_visual_mismatch",
        IdNumberStructure => "id_number_structure",
        DocumentExpired => "document_expired",
        NotAnOriginal => "not_an_original",
        AlteredOriginal => "altered_original",
        LowQuality => "low_quality",
        FieldsIncomplete => "fields_incomplete",
        FaceNotFound => "face_not_found",
        FaceMismatch => "face_mismatch",
        LivenessFailed => "liveness_failed",
    }
}

string_enum! {
    /// `pass`: checked and fine. `fail`: checked and the problem is there. `unknown`: could not be
    /// decided by the machine (an officer must look). `skipped`: does not apply to this document.
    CheckStatus {
        Pass => "pass",
        Fail => "fail",
        Unknown => "unknown",
        Skipped => "skipped",
    }
}

impl CheckCode {
    /// A refusal ground (Decree 23/2015/ND-CP Art 20(1), Art 22): the automation refuses in writing.
    pub fn is_refusal_ground(self) -> bool {
        matches!(self, CheckCode::NotAnOriginal | CheckCode::AlteredOriginal)
    }

    /// The legal ground printed on a refusal slip (Vietnamese, English); see [`RefusalGround`].
    pub fn legal_ground(self) -> Option<(&'static str, &'static str)> {
        RefusalGround::from_check(self).map(RefusalGround::legal_text)
    }

    /// One line for citizens and officers (Vietnamese, English).
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            CheckCode::DocumentType => (
                "Không nhận dạng được loại giấy tờ",
                "The document type was not recognized",
            ),
            CheckCode::MrzCheckDigit => (
                "Số kiểm tra của dòng MRZ không đúng",
                "An MRZ check digit is wrong",
            ),
            CheckCode::MrzVisualMismatch => (
                "Dòng MRZ không khớp với thông tin in trên thẻ",
                "The MRZ disagrees with the printed fields",
            ),
            CheckCode::IdNumberStructure => (
                "Số định danh không đúng cấu trúc",
                "The ID number has an invalid structure",
            ),
            CheckCode::DocumentExpired => ("Giấy tờ đã hết hạn", "The document has expired"),
            CheckCode::NotAnOriginal => (
                "Giấy tờ xuất trình là bản sao, không phải bản chính",
                "The document presented is a copy, not an original",
            ),
            CheckCode::AlteredOriginal => (
                "Bản chính có dấu hiệu bị tẩy xóa, sửa chữa",
                "The original shows signs of erasure or alteration",
            ),
            CheckCode::LowQuality => (
                "Ảnh quét không đủ chất lượng (mờ, lóa, mất góc)",
                "The scan is of low quality (blurred, glare, cut off)",
            ),
            CheckCode::FieldsIncomplete => (
                "Không đọc được đủ các trường bắt buộc",
                "Required fields could not be read",
            ),
            CheckCode::FaceNotFound => ("Không tìm thấy khuôn mặt", "No face was found"),
            CheckCode::FaceMismatch => (
                "Khuôn mặt không khớp với ảnh trên thẻ",
                "The face does not match the card portrait",
            ),
            CheckCode::LivenessFailed => (
                "Không xác nhận được người thật trước camera",
                "Liveness could not be confirmed",
            ),
        }
    }
}

/// One check's result, as printed in `kiosk-agent process --json` and stored with the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub code: CheckCode,
    pub status: CheckStatus,
    /// One line naming what was found (values, scores), for officers. No secrets.
    pub detail: String,
}

impl Check {
    pub fn new(code: CheckCode, status: CheckStatus, detail: impl Into<String>) -> Self {
        Check {
            code,
            status,
            detail: detail.into(),
        }
    }
    pub fn pass(code: CheckCode, detail: impl Into<String>) -> Self {
        Self::new(code, CheckStatus::Pass, detail)
    }
    pub fn fail(code: CheckCode, detail: impl Into<String>) -> Self {
        Self::new(code, CheckStatus::Fail, detail)
    }
    pub fn unknown(code: CheckCode, detail: impl Into<String>) -> Self {
        Self::new(code, CheckStatus::Unknown, detail)
    }
    pub fn skipped(code: CheckCode, detail: impl Into<String>) -> Self {
        Self::new(code, CheckStatus::Skipped, detail)
    }
}

/// The routing rule. Returns the decision and its reasons, refusal grounds first.
///
/// `document_other` forces an officer even when every check passed (the `other` type).
pub fn route(checks: &[Check], document_other: bool) -> (Decision, Vec<CheckCode>) {
    let mut refusal: Vec<CheckCode> = Vec::new();
    let mut flags: Vec<CheckCode> = Vec::new();
    for c in checks {
        match c.status {
            CheckStatus::Pass | CheckStatus::Skipped => {}
            CheckStatus::Fail if c.code.is_refusal_ground() => push_once(&mut refusal, c.code),
            CheckStatus::Fail | CheckStatus::Unknown => push_once(&mut flags, c.code),
        }
    }
    if document_other {
        push_once(&mut flags, CheckCode::DocumentType);
    }
    if !refusal.is_empty() {
        refusal.extend(flags);
        return (Decision::Reject, refusal);
    }
    if !flags.is_empty() {
        return (Decision::Flag, flags);
    }
    if checks.is_empty() {
        // Nothing was checked: never issue on no evidence.
        return (Decision::Flag, vec![CheckCode::DocumentType]);
    }
    (Decision::Issue, Vec::new())
}

fn push_once(v: &mut Vec<CheckCode>, c: CheckCode) {
    if !v.contains(&c) {
        v.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pass_issues() {
        let checks = [
            Check::pass(CheckCode::MrzCheckDigit, ""),
            Check::skipped(CheckCode::FaceMismatch, ""),
        ];
        assert_eq!(route(&checks, false), (Decision::Issue, vec![]));
    }

    #[test]
    fn nothing_checked_never_issues() {
        assert_eq!(route(&[], false).0, Decision::Flag);
    }

    #[test]
    fn other_type_goes_to_an_officer() {
        let checks = [Check::pass(CheckCode::LowQuality, "")];
        assert_eq!(
            route(&checks, true),
            (Decision::Flag, vec![CheckCode::DocumentType])
        );
    }

    #[test]
    fn unknown_flags_and_refusal_grounds_reject_first() {
        let checks = [
            Check::unknown(CheckCode::FaceMismatch, ""),
            Check::fail(CheckCode::MrzVisualMismatch, ""),
            Check::fail(CheckCode::AlteredOriginal, ""),
        ];
        let (d, r) = route(&checks, false);
        assert_eq!(d, Decision::Reject);
        assert_eq!(
            r,
            vec![
                CheckCode::AlteredOriginal,
                CheckCode::FaceMismatch,
                CheckCode::MrzVisualMismatch
            ]
        );
    }

    #[test]
    fn only_refusal_grounds_have_legal_grounds() {
        for c in CheckCode::ALL {
            assert_eq!(c.legal_ground().is_some(), c.is_refusal_ground(), "{c}");
        }
    }
}
