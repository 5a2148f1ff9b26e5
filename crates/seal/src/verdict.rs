//! Verdicts of the verifier, in the spirit of EU DSS: every check ends `PASSED`, `FAILED` or
//! `INDETERMINATE`, with stable snake_case reason codes saying why. Shared by the PDF verifier
//! and the QR-payload verifier, by the `portal verify` CLI and by the portal.

use serde::Serialize;

/// The overall or per-signature outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Every check passed.
    Passed,
    /// Something is proven wrong (tampered bytes, bad signature, forged payload).
    Failed,
    /// Nothing is proven wrong, but something could not be established (unknown signer, missing
    /// trust anchor, unsupported algorithm).
    Indeterminate,
}

impl Verdict {
    /// The worse of two verdicts: FAILED beats INDETERMINATE beats PASSED.
    pub fn and(self, other: Verdict) -> Verdict {
        use Verdict::*;
        match (self, other) {
            (Failed, _) | (_, Failed) => Failed,
            (Indeterminate, _) | (_, Indeterminate) => Indeterminate,
            _ => Passed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "PASSED",
            Verdict::Failed => "FAILED",
            Verdict::Indeterminate => "INDETERMINATE",
        }
    }
}

/// Why a verdict is not PASSED. Codes are stable: the portal and scripts match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    // ---- the input itself
    /// Not a PDF, or a PDF too broken to read.
    NotAPdf,
    /// Larger than the verifier accepts.
    TooLarge,
    /// A PDF without any signature.
    NotSigned,
    /// A PDF that is not a truecopy copy (no identification code found).
    NotATruecopyDocument,
    /// A PDF whose structure the verifier does not read (e.g. cross-reference streams, as
    /// written by tools that re-save files): nothing is proven wrong, nothing established.
    UnsupportedStructure,
    // ---- one PDF signature
    /// The bytes the signature covers do not hash to the signed digest.
    DigestMismatch,
    /// The cryptographic signature does not verify with the signer's key.
    SignatureInvalid,
    /// The signature dictionary or CMS structure is malformed (bad /ByteRange, bad DER…).
    SignatureMalformed,
    /// The signer's certificate does not chain to a configured trust root.
    UntrustedSigner,
    /// The signer's certificate was not valid at signing time or has expired.
    CertificateExpired,
    /// An algorithm the verifier does not support.
    UnsupportedAlgorithm,
    /// Content was changed by an incremental update appended after this signature
    /// (page content, images, other objects than a further signature).
    ModifiedAfterSigning,
    /// The signature does not cover the whole file up to its own revision.
    IncompleteCoverage,
    // ---- the QR payload
    /// The QR text is not a truecopy URL or token, or the token is truncated.
    QrMalformed,
    /// The token's signature does not verify.
    QrSignatureInvalid,
    /// The token is signed by a key the verifier does not know.
    QrUnknownKey,
    /// The token verifies but disagrees with the document or URL it came with.
    QrMismatch,
    // ---- the register (online checks: portal)
    /// The copy was revoked by a cancellation decision.
    Revoked,
    /// The identification code is not in the register.
    UnknownCode,
}

impl Reason {
    /// The verdict a reason implies on its own.
    pub fn verdict(self) -> Verdict {
        use Reason::*;
        match self {
            UntrustedSigner | UnsupportedAlgorithm | UnsupportedStructure | QrUnknownKey
            | NotATruecopyDocument | UnknownCode => Verdict::Indeterminate,
            _ => Verdict::Failed,
        }
    }

    pub fn code(self) -> &'static str {
        use Reason::*;
        match self {
            NotAPdf => "not_a_pdf",
            TooLarge => "too_large",
            NotSigned => "not_signed",
            NotATruecopyDocument => "not_a_truecopy_document",
            UnsupportedStructure => "unsupported_structure",
            DigestMismatch => "digest_mismatch",
            SignatureInvalid => "signature_invalid",
            SignatureMalformed => "signature_malformed",
            UntrustedSigner => "untrusted_signer",
            CertificateExpired => "certificate_expired",
            UnsupportedAlgorithm => "unsupported_algorithm",
            ModifiedAfterSigning => "modified_after_signing",
            IncompleteCoverage => "incomplete_coverage",
            QrMalformed => "qr_malformed",
            QrSignatureInvalid => "qr_signature_invalid",
            QrUnknownKey => "qr_unknown_key",
            QrMismatch => "qr_mismatch",
            Revoked => "revoked",
            UnknownCode => "unknown_code",
        }
    }

    /// Plain Vietnamese, for the portal.
    pub fn text_vi(self) -> &'static str {
        use Reason::*;
        match self {
            NotAPdf => "Tệp không phải là PDF hoặc bị hỏng.",
            TooLarge => "Tệp quá lớn.",
            NotSigned => "Tệp không có chữ ký số.",
            NotATruecopyDocument => "Tệp không phải là bản sao điện tử do Trung tâm cấp.",
            UnsupportedStructure => {
                "Cấu trúc tệp PDF không được hỗ trợ (tệp có thể đã được lưu lại bằng phần mềm khác)."
            }
            DigestMismatch => "Nội dung đã bị thay đổi sau khi ký.",
            SignatureInvalid => "Chữ ký số không hợp lệ.",
            SignatureMalformed => "Chữ ký số bị lỗi cấu trúc.",
            UntrustedSigner => "Không xác định được cơ quan ký (chứng thư không được tin cậy).",
            CertificateExpired => "Chứng thư số đã hết hạn hoặc chưa có hiệu lực khi ký.",
            UnsupportedAlgorithm => "Thuật toán ký không được hỗ trợ.",
            ModifiedAfterSigning => "Tệp đã bị sửa đổi sau khi ký (thêm hoặc thay trang).",
            IncompleteCoverage => "Chữ ký không bao phủ toàn bộ tệp.",
            QrMalformed => "Mã QR không đúng định dạng hoặc bị cắt.",
            QrSignatureInvalid => "Chữ ký trong mã QR không hợp lệ.",
            QrUnknownKey => "Mã QR được ký bằng khóa không xác định.",
            QrMismatch => "Mã QR không khớp với bản sao.",
            Revoked => "Bản sao đã bị thu hồi.",
            UnknownCode => "Không tìm thấy mã bản sao trong sổ chứng thực.",
        }
    }

    /// Plain English.
    pub fn text_en(self) -> &'static str {
        use Reason::*;
        match self {
            NotAPdf => "The file is not a PDF or is damaged.",
            TooLarge => "The file is too large.",
            NotSigned => "The file carries no digital signature.",
            NotATruecopyDocument => "The file is not an electronic certified copy issued here.",
            UnsupportedStructure => {
                "The PDF's structure is not supported (it may have been re-saved by another program)."
            }
            DigestMismatch => "The content was changed after signing.",
            SignatureInvalid => "The digital signature is invalid.",
            SignatureMalformed => "The digital signature is malformed.",
            UntrustedSigner => "The signer could not be established (certificate not trusted).",
            CertificateExpired => "The certificate was expired or not yet valid at signing time.",
            UnsupportedAlgorithm => "The signature algorithm is not supported.",
            ModifiedAfterSigning => {
                "The file was modified after signing (pages added or replaced)."
            }
            IncompleteCoverage => "The signature does not cover the whole file.",
            QrMalformed => "The QR code is malformed or truncated.",
            QrSignatureInvalid => "The signature in the QR code is invalid.",
            QrUnknownKey => "The QR code is signed with an unknown key.",
            QrMismatch => "The QR code does not match the copy.",
            Revoked => "The copy has been revoked.",
            UnknownCode => "No copy with this code is in the register.",
        }
    }
}

/// The verdict of a list of reasons (PASSED when empty).
pub fn verdict_of(reasons: &[Reason]) -> Verdict {
    reasons
        .iter()
        .fold(Verdict::Passed, |v, r| v.and(r.verdict()))
}
