//! The start page: type a code, or upload a PDF.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use truecopy_domain::IdCode;

use super::Ctx;
use crate::error::{ApiError, PageError};
use crate::html::{self, esc};
use crate::state::Shared;

pub async fn index(ctx: Ctx) -> Html<String> {
    Html(ctx.page(ctx.t("Kiểm tra bản sao", "Check a copy"), &forms(&ctx, "")))
}

pub fn forms(ctx: &Ctx, typed: &str) -> String {
    format!(
        "<h1>{h}</h1><p>{intro}</p>\
         <form method=\"get\" action=\"/lookup\" id=\"code-form\"><input type=\"hidden\" name=\"lang\" value=\"{lc}\">\
         <label for=\"code\">{lcode}</label><br><input type=\"text\" id=\"code\" name=\"code\" value=\"{typed}\" \
         maxlength=\"64\" autocomplete=\"off\" placeholder=\"7K3M-QX2D-94HA-TR3W-E6BN-VP0C\"> \
         <button type=\"submit\">{check}</button></form>\
         <form method=\"post\" action=\"/verify?lang={lc}\" enctype=\"multipart/form-data\" id=\"upload-form\">\
         <label for=\"file\">{lfile}</label><br><input type=\"file\" id=\"file\" name=\"file\" accept=\"application/pdf\"> \
         <button type=\"submit\">{verify}</button></form>",
        h = ctx.t("Kiểm tra bản sao điện tử có chứng thực", "Check an electronic certified copy"),
        intro = ctx.t(
            "Quét mã QR trên bản sao, nhập mã bản sao, hoặc tải lên tệp PDF để kiểm tra chữ ký số.",
            "Scan the QR code on the copy, type the copy's code, or upload the PDF file to check its digital signatures."
        ),
        lc = ctx.lang.code(),
        lcode = ctx.t("Mã bản sao (24 ký tự)", "Copy code (24 characters)"),
        typed = esc(typed),
        check = ctx.t("Kiểm tra", "Check"),
        lfile = ctx.t("Tệp PDF của bản sao (tối đa 20 MB)", "The copy's PDF file (at most 20 MB)"),
        verify = ctx.t("Kiểm tra tệp", "Verify file"),
    )
}

#[derive(Debug, Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    code: String,
}

/// The code form: a good code goes to its page; a bad one is answered here, before any lookup.
pub async fn lookup(ctx: Ctx, Query(f): Query<LookupForm>) -> Result<Response, PageError> {
    match IdCode::parse(f.code.trim()) {
        Ok(code) => Ok(
            Redirect::to(&format!("/c/{}?lang={}", code.as_str(), ctx.lang.code())).into_response(),
        ),
        Err(e) => {
            let err = if e == truecopy_domain::CodeError::Mistyped {
                ApiError::MistypedCode
            } else {
                ApiError::MalformedCode
            };
            let body = format!(
                "<section class=\"verdict mistyped\" id=\"verdict\" data-verdict=\"{v}\"><h1>{t}</h1><p>{m}</p></section>{f}",
                v = if err == ApiError::MistypedCode {
                    "MISTYPED"
                } else {
                    "MALFORMED"
                },
                t = esc(err.title(ctx.lang)),
                m = esc(err.message(ctx.lang)),
                f = forms(&ctx, &f.code),
            );
            Ok((err.status(), Html(ctx.page(err.title(ctx.lang), &body))).into_response())
        }
    }
}

pub async fn css(State(_): State<Shared>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        html::CSS,
    )
}
