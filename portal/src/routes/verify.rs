//! Verifying an uploaded PDF: the form's `POST /verify` (HTML) and `POST /api/v1/verify` (JSON).
//! The issue-3 verifier checks every signature; a copy that verifies is then looked up in the
//! register (revoked → FAILED, unknown → INDETERMINATE).

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header;
use axum::response::Html;
use bytes::Bytes;
use serde::Serialize;
use truecopy_domain::{CopyState, IdCode};
use truecopy_seal::{Reason, verdict_of};
use utoipa::ToSchema;

use super::Ctx;
use super::copies::ReasonJson;
use crate::error::{ApiError, ErrorBody, JsonError, PageError};
use crate::html::esc;
use crate::state::Shared;

/// Largest accepted upload.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatureJson {
    pub field: String,
    pub signer_subject: String,
    pub signer_organization: Option<String>,
    /// The signer's certificate chains to the agency's trust root.
    pub trusted: bool,
    /// The signed bytes are unchanged.
    pub intact: bool,
    pub signing_time: Option<String>,
    pub verdict: String,
    pub reasons: Vec<ReasonJson>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerifyJson {
    /// PASSED, FAILED or INDETERMINATE, including the register's answer.
    pub verdict: String,
    pub reasons: Vec<ReasonJson>,
    pub code: Option<String>,
    pub register_number: Option<String>,
    /// VALID, REVOKED or UNKNOWN when the file names a code.
    pub register_status: Option<String>,
    pub signatures: Vec<SignatureJson>,
}

/// Reads the PDF from a multipart form (field `file`) or a raw `application/pdf` body.
async fn read_upload(req: Request) -> Result<Bytes, ApiError> {
    let too_big = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_UPLOAD + 64 * 1024);
    if too_big {
        return Err(ApiError::PayloadTooLarge);
    }
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = if ctype.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|_| ApiError::BadRequest)?;
        let mut found = None;
        loop {
            match mp.next_field().await {
                Ok(Some(f)) if f.name() == Some("file") => {
                    found = Some(f.bytes().await.map_err(|e| {
                        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                            ApiError::PayloadTooLarge
                        } else {
                            ApiError::BadRequest
                        }
                    })?);
                    break;
                }
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(ApiError::PayloadTooLarge);
                }
                Err(_) => return Err(ApiError::BadRequest),
            }
        }
        found.ok_or(ApiError::BadRequest)?
    } else if ctype.starts_with("application/pdf") || ctype.starts_with("application/octet-stream")
    {
        axum::body::to_bytes(req.into_body(), MAX_UPLOAD + 1)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?
    } else {
        return Err(ApiError::BadRequest);
    };
    if bytes.len() > MAX_UPLOAD {
        return Err(ApiError::PayloadTooLarge);
    }
    if bytes.is_empty() {
        return Err(ApiError::BadRequest);
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(ApiError::NotAPdf);
    }
    Ok(bytes)
}

async fn verify(state: &Shared, bytes: Bytes) -> Result<VerifyJson, ApiError> {
    let st = state.clone();
    let report = tokio::task::spawn_blocking(move || st.verifier.verify_pdf(&bytes))
        .await
        .map_err(|e| ApiError::internal("verify join", e))?;
    let mut reasons = report.reasons.clone();
    let mut register_status = None;
    if let Some(code) = report.code.as_deref().and_then(|c| IdCode::parse(c).ok()) {
        match state.public_copy(&code).await? {
            Some(pc) if pc.copy.state == CopyState::Revoked => {
                register_status = Some("REVOKED".to_string());
                reasons.push(Reason::Revoked);
            }
            Some(_) => register_status = Some("VALID".to_string()),
            None => {
                register_status = Some("UNKNOWN".to_string());
                reasons.push(Reason::UnknownCode);
            }
        }
    }
    let verdict = report.verdict.and(verdict_of(&reasons));
    Ok(VerifyJson {
        verdict: verdict.as_str().into(),
        reasons: reasons.into_iter().map(ReasonJson::from).collect(),
        code: report.code.clone(),
        register_number: report.register_number.clone(),
        register_status,
        signatures: report
            .pdf
            .signatures
            .iter()
            .map(|s| SignatureJson {
                field: s.field.clone(),
                signer_subject: s.signer_subject.clone(),
                signer_organization: s.signer_organization.clone(),
                trusted: s.trusted,
                intact: s.intact,
                signing_time: s.signing_time.clone(),
                verdict: s.verdict.as_str().into(),
                reasons: s.reasons.iter().copied().map(ReasonJson::from).collect(),
            })
            .collect(),
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/verify",
    request_body(content_type = "application/pdf", description = "The PDF (≤ 20 MB), as the body or as the `file` field of a multipart/form-data form", content = Vec<u8>),
    responses(
        (status = 200, description = "The verifier's report (verdict PASSED, FAILED or INDETERMINATE)", body = VerifyJson),
        (status = 400, description = "bad_request", body = ErrorBody),
        (status = 413, description = "payload_too_large", body = ErrorBody),
        (status = 415, description = "not_a_pdf", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody),
    ),
    tag = "verify"
)]
pub async fn api_verify(
    State(state): State<Shared>,
    req: Request,
) -> Result<Json<VerifyJson>, JsonError> {
    let bytes = read_upload(req).await?;
    Ok(Json(verify(&state, bytes).await?))
}

pub async fn page_verify(
    State(state): State<Shared>,
    ctx: Ctx,
    req: Request,
) -> Result<Html<String>, PageError> {
    let bytes = read_upload(req).await.map_err(|e| ctx.err(e))?;
    let v = verify(&state, bytes).await.map_err(|e| ctx.err(e))?;
    let (class, head) = match v.verdict.as_str() {
        "PASSED" => ("valid", ctx.t("✔ TỆP HỢP LỆ", "✔ FILE VALID")),
        "FAILED" => ("failed", ctx.t("✖ TỆP KHÔNG HỢP LỆ", "✖ FILE NOT VALID")),
        _ => (
            "indeterminate",
            ctx.t("? KHÔNG XÁC ĐỊNH", "? INDETERMINATE"),
        ),
    };
    let mut b = format!(
        "<section class=\"verdict {class}\" id=\"verdict\" data-verdict=\"{v}\"><h1>{head}</h1><ul>",
        v = esc(&v.verdict)
    );
    if v.reasons.is_empty() {
        b.push_str(&format!(
            "<li>{}</li>",
            ctx.t(
                "Mọi chữ ký số đều hợp lệ, nội dung không bị thay đổi, bản sao có trong sổ chứng thực.",
                "Every digital signature is valid, the content is unchanged and the copy is in the register."
            )
        ));
    }
    for r in &v.reasons {
        b.push_str(&format!(
            "<li><code>{}</code> {}</li>",
            esc(&r.code),
            esc(ctx.lang.t(&r.text_vi, &r.text_en))
        ));
    }
    b.push_str("</ul></section><dl class=\"facts\">");
    if let Some(c) = &v.code {
        b.push_str(&format!(
            "<dt>{}</dt><dd><a href=\"/c/{}?lang={}\">{}</a></dd>",
            ctx.t("Mã bản sao", "Copy code"),
            esc(&c.replace('-', "")),
            ctx.lang.code(),
            esc(c)
        ));
    }
    if let Some(n) = &v.register_number {
        b.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>",
            ctx.t("Số chứng thực", "Register number"),
            esc(n)
        ));
    }
    if let Some(s) = &v.register_status {
        b.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>",
            ctx.t("Trạng thái trong sổ", "Register status"),
            esc(s)
        ));
    }
    b.push_str(&format!(
        "</dl><h2>{}</h2><table id=\"signatures\"><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        ctx.t("Chữ ký số", "Digital signatures"),
        ctx.t("Người ký", "Signer"),
        ctx.t("Toàn vẹn", "Intact"),
        ctx.t("Tin cậy", "Trusted"),
        ctx.t("Kết quả", "Result"),
    ));
    let yes_no = |b: bool| {
        if b {
            ctx.t("có", "yes")
        } else {
            ctx.t("không", "no")
        }
    };
    for (i, s) in v.signatures.iter().enumerate() {
        let class = match s.verdict.as_str() {
            "PASSED" => "ok",
            "FAILED" => "bad",
            _ => "warn",
        };
        let why: Vec<String> = s
            .reasons
            .iter()
            .map(|r| esc(ctx.lang.t(&r.text_vi, &r.text_en)))
            .collect();
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{} {}</td></tr>",
            i + 1,
            esc(&s.signer_subject),
            yes_no(s.intact),
            yes_no(s.trusted),
            esc(&s.verdict),
            why.join(" ")
        ));
    }
    b.push_str("</table>");
    b.push_str(&super::home::forms(&ctx, ""));
    let title = match v.verdict.as_str() {
        "PASSED" => ctx.t("Tệp hợp lệ", "File valid"),
        "FAILED" => ctx.t("Tệp không hợp lệ", "File not valid"),
        _ => ctx.t("Không xác định", "Indeterminate"),
    };
    Ok(Html(ctx.page(title, &b)))
}
