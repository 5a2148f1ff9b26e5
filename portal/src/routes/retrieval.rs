//! Retrieval links from the e-mail: `GET /r/{token}` (a page offering the PDF) and
//! `GET /r/{token}/copy.pdf`. Expired link, revoked link and revoked copy are three different
//! answers.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use truecopy_domain::{CopyState, IdCode};
use truecopy_mail::TokenProblem;
use truecopy_registry::{PublicCopy, RegistryError};

use super::Ctx;
use super::copies::copy_json;
use crate::error::{ApiError, PageError};
use crate::html::esc;
use crate::state::Shared;

/// Checks the token, the link's record and the copy; returns the copy when all is well.
async fn resolve(state: &Shared, token: &str) -> Result<PublicCopy, ApiError> {
    let claims = state.tokens.verify(token).map_err(|p| match p {
        TokenProblem::Expired => ApiError::LinkExpired,
        TokenProblem::Invalid => ApiError::LinkInvalid,
    })?;
    let code = IdCode::parse(&claims.sub).map_err(|_| ApiError::LinkInvalid)?;
    let jti = claims.jti.clone();
    let link = state
        .with_registry(move |reg| match reg.get_email_link(&jti) {
            Ok(l) => Ok(l),
            Err(RegistryError::NotFound { .. }) => Err(ApiError::LinkInvalid),
            Err(e) => Err(ApiError::internal("get_email_link", e)),
        })
        .await?;
    if link.copy_code != code.as_str() {
        return Err(ApiError::LinkInvalid);
    }
    if link.revoked_at.is_some() {
        return Err(ApiError::LinkRevoked);
    }
    let pc = state
        .public_copy(&code)
        .await?
        .ok_or(ApiError::LinkInvalid)?;
    if pc.copy.state == CopyState::Revoked {
        return Err(ApiError::CopyRevoked);
    }
    Ok(pc)
}

pub async fn page(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
    let pc = resolve(&state, &token).await.map_err(|e| ctx.err(e))?;
    let c = copy_json(&state, &pc, None);
    let body = format!(
        "<section class=\"verdict valid\" id=\"verdict\" data-verdict=\"VALID\"><h1>{h}</h1><p>{p}</p>\
         <p><a id=\"download\" href=\"/r/{token}/copy.pdf\" download>{dl}</a></p></section>\
         <dl class=\"facts\"><dt>{lc}</dt><dd>{code}</dd><dt>{ln}</dt><dd>{num}</dd><dt>{ld}</dt><dd>{date}</dd></dl>\
         <p>{note}</p>",
        h = ctx.t(
            "Bản sao điện tử của Quý công dân",
            "Your electronic certified copy"
        ),
        p = ctx.t(
            "Bản sao có hiệu lực. Tải tệp PDF đã ký số:",
            "The copy is valid. Download the signed PDF:"
        ),
        token = esc(&token),
        dl = ctx.t("Tải bản sao (PDF)", "Download the copy (PDF)"),
        lc = ctx.t("Mã bản sao", "Copy code"),
        code = esc(&c.code),
        ln = ctx.t("Số chứng thực", "Register number"),
        num = esc(&c.register_number),
        ld = ctx.t("Ngày chứng thực", "Date of certification"),
        date = esc(&c.issue_date),
        note = ctx.t("Không chia sẻ liên kết này.", "Do not share this link."),
    );
    Ok(Html(
        ctx.page(ctx.t("Tải bản sao", "Download the copy"), &body),
    ))
}

pub async fn pdf(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let pc = resolve(&state, &token).await.map_err(|e| ctx.err(e))?;
    let bytes = state
        .blobs
        .get(&pc.copy.pdf_blob)
        .await
        .map_err(|e| ctx.err(ApiError::internal("pdf blob", e)))?;
    let name = format!("ban-sao-{}.pdf", pc.copy.code.as_str());
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
