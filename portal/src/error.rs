//! The one error type of the web portal, with stable snake_case codes, and the one place where
//! it becomes a response: an HTML page in the reader's language, or JSON for `/api`. Internals
//! (database, blob store, process errors) are logged here and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::html;
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The code has the wrong length or a character codes never use.
    MalformedCode,
    /// The check character does not match: a typing mistake, found before any lookup.
    MistypedCode,
    /// A well-formed code that is not in the register.
    UnknownCode,
    /// No such page or resource.
    NotFound,
    /// Too many lookups from this client; retry after a while.
    RateLimited,
    /// The request body is larger than allowed (uploads: 20 MB).
    PayloadTooLarge,
    /// The upload is not a PDF.
    NotAPdf,
    /// The form or request is malformed (e.g. no file field).
    BadRequest,
    /// A retrieval link that is malformed or forged.
    LinkInvalid,
    /// A retrieval link past its expiry.
    LinkExpired,
    /// A retrieval link revoked by an officer (the copy may still be valid).
    LinkRevoked,
    /// The copy itself was revoked; it is no longer offered.
    CopyRevoked,
    /// A page image that cannot be produced for this copy.
    PageUnavailable,
    /// The database or storage is not answering; nothing is wrong with the request.
    Unavailable,
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code.
    #[schema(example = "mistyped_code")]
    pub error: &'static str,
    /// English explanation.
    pub message: &'static str,
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedCode => "malformed_code",
            ApiError::MistypedCode => "mistyped_code",
            ApiError::UnknownCode => "unknown_code",
            ApiError::NotFound => "not_found",
            ApiError::RateLimited => "rate_limited",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::NotAPdf => "not_a_pdf",
            ApiError::BadRequest => "bad_request",
            ApiError::LinkInvalid => "link_invalid",
            ApiError::LinkExpired => "link_expired",
            ApiError::LinkRevoked => "link_revoked",
            ApiError::CopyRevoked => "copy_revoked",
            ApiError::PageUnavailable => "page_unavailable",
            ApiError::Unavailable => "service_unavailable",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MalformedCode
            | ApiError::MistypedCode
            | ApiError::BadRequest
            | ApiError::LinkInvalid => StatusCode::BAD_REQUEST,
            ApiError::UnknownCode | ApiError::NotFound | ApiError::PageUnavailable => {
                StatusCode::NOT_FOUND
            }
            ApiError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotAPdf => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::LinkExpired | ApiError::LinkRevoked | ApiError::CopyRevoked => {
                StatusCode::GONE
            }
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// (title, explanation) in Vietnamese and English.
    fn texts(&self) -> [(&'static str, &'static str); 2] {
        match self {
            ApiError::MalformedCode => [
                (
                    "Mã không đúng định dạng",
                    "Mã bản sao gồm 24 ký tự (chữ và số), ví dụ 7K3M-QX2D-94HA-TR3W-E6BN-VP0C. Vui lòng kiểm tra lại.",
                ),
                (
                    "Malformed code",
                    "A copy's code has 24 letters and digits, e.g. 7K3M-QX2D-94HA-TR3W-E6BN-VP0C. Please check it.",
                ),
            ],
            ApiError::MistypedCode => [
                (
                    "Mã bị gõ sai",
                    "Ký tự kiểm tra không khớp: mã đã bị gõ hoặc đọc sai. Vui lòng so lại với mã in trên bản sao.",
                ),
                (
                    "Mistyped code",
                    "The check character does not match: the code was mistyped or misread. Please compare it with the code printed on the copy.",
                ),
            ],
            ApiError::UnknownCode => [
                (
                    "Không tìm thấy bản sao",
                    "Không có bản sao nào mang mã này trong sổ chứng thực.",
                ),
                ("Unknown copy", "No copy with this code is in the register."),
            ],
            ApiError::NotFound => [
                ("Không tìm thấy trang", "Địa chỉ này không tồn tại."),
                ("Page not found", "There is nothing at this address."),
            ],
            ApiError::RateLimited => [
                ("Quá nhiều yêu cầu", "Vui lòng thử lại sau ít phút."),
                ("Too many requests", "Please try again in a few minutes."),
            ],
            ApiError::PayloadTooLarge => [
                ("Tệp quá lớn", "Chỉ nhận tệp PDF tối đa 20 MB."),
                ("File too large", "Only PDF files up to 20 MB are accepted."),
            ],
            ApiError::NotAPdf => [
                (
                    "Không phải tệp PDF",
                    "Vui lòng tải lên bản sao điện tử ở định dạng PDF.",
                ),
                (
                    "Not a PDF",
                    "Please upload the electronic copy as a PDF file.",
                ),
            ],
            ApiError::BadRequest => [
                (
                    "Yêu cầu không hợp lệ",
                    "Biểu mẫu gửi lên không đúng. Vui lòng chọn tệp và gửi lại.",
                ),
                (
                    "Bad request",
                    "The form was not filled in correctly. Please choose a file and submit again.",
                ),
            ],
            ApiError::LinkInvalid => [
                (
                    "Liên kết không hợp lệ",
                    "Liên kết này không đúng hoặc không đầy đủ. Hãy mở lại liên kết trong thư, sao chép đầy đủ.",
                ),
                (
                    "Invalid link",
                    "This link is wrong or incomplete. Open the link from the e-mail again, copying it whole.",
                ),
            ],
            ApiError::LinkExpired => [
                (
                    "Liên kết đã hết hạn",
                    "Liên kết tải bản sao đã quá thời hạn. Bản sao vẫn có thể còn hiệu lực; hãy liên hệ Trung tâm để nhận liên kết mới.",
                ),
                (
                    "Link expired",
                    "This download link has expired. The copy itself may still be valid; contact the center for a new link.",
                ),
            ],
            ApiError::LinkRevoked => [
                (
                    "Liên kết đã bị hủy",
                    "Liên kết tải này đã bị cán bộ hủy. Bản sao vẫn có thể còn hiệu lực; hãy liên hệ Trung tâm.",
                ),
                (
                    "Link revoked",
                    "This download link was revoked by an officer. The copy itself may still be valid; contact the center.",
                ),
            ],
            ApiError::CopyRevoked => [
                (
                    "Bản sao đã bị thu hồi",
                    "Bản sao này đã bị thu hồi theo quyết định hủy bỏ và không còn giá trị sử dụng.",
                ),
                (
                    "Copy revoked",
                    "This copy was revoked by a cancellation decision and is no longer valid.",
                ),
            ],
            ApiError::PageUnavailable => [
                ("Không có ảnh trang", "Không hiển thị được trang này."),
                ("Page image unavailable", "This page cannot be shown."),
            ],
            ApiError::Unavailable => [
                (
                    "Dịch vụ tạm thời gián đoạn",
                    "Vui lòng thử lại sau ít phút.",
                ),
                (
                    "Service temporarily unavailable",
                    "Please try again in a few minutes.",
                ),
            ],
        }
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        let [vi, en] = self.texts();
        lang.t(vi.0, en.0)
    }

    pub fn message(&self, lang: Lang) -> &'static str {
        let [vi, en] = self.texts();
        lang.t(vi.1, en.1)
    }

    /// Logs an internal problem and hides it behind `service_unavailable`.
    pub fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
        tracing::error!(what, error = %e, "internal error");
        ApiError::Unavailable
    }

    /// As JSON (the API routes).
    pub fn json(self) -> Response {
        let body = ErrorBody {
            error: self.code(),
            message: self.message(Lang::En),
        };
        let mut r = (self.status(), Json(body)).into_response();
        if self == ApiError::RateLimited {
            r.headers_mut()
                .insert("retry-after", axum::http::HeaderValue::from_static("60"));
        }
        r
    }

    /// As an HTML page in `lang` (the pages).
    pub fn page(self, lang: Lang, path: &str, query: Option<&str>) -> Response {
        let css = match self {
            ApiError::CopyRevoked => "revoked",
            ApiError::UnknownCode | ApiError::LinkExpired | ApiError::LinkRevoked => "unknown",
            _ => "failed",
        };
        let body = format!(
            "<section class=\"verdict {css}\" id=\"error\" data-error=\"{code}\"><h1>{title}</h1><p>{msg}</p></section>\
             <p><a href=\"/?lang={lc}\">{back}</a></p>",
            code = self.code(),
            title = html::esc(self.title(lang)),
            msg = html::esc(self.message(lang)),
            lc = lang.code(),
            back = lang.t("Kiểm tra một bản sao khác", "Check another copy"),
        );
        let mut r = (
            self.status(),
            Html(html::page(lang, self.title(lang), path, query, &body)),
        )
            .into_response();
        if self == ApiError::RateLimited {
            r.headers_mut()
                .insert("retry-after", axum::http::HeaderValue::from_static("60"));
        }
        r
    }
}

/// An error of an API route: rendered as JSON.
#[derive(Debug)]
pub struct JsonError(pub ApiError);

impl From<ApiError> for JsonError {
    fn from(e: ApiError) -> Self {
        JsonError(e)
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        self.0.json()
    }
}

/// An error of a page: rendered as HTML in the reader's language.
#[derive(Debug)]
pub struct PageError {
    pub err: ApiError,
    pub lang: Lang,
    pub path: String,
    pub query: Option<String>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.err.page(self.lang, &self.path, self.query.as_deref())
    }
}
