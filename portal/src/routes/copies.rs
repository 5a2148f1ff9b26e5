//! Copies: the QR's target `/c/{code}` (verdict page), its page images, and
//! `/api/v1/copies/{code}`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use truecopy_domain::{CodeError, CopyState, IdCode};
use truecopy_qr::QrPayload;
use truecopy_registry::PublicCopy;
use truecopy_seal::{Reason, Verdict};
use utoipa::ToSchema;

use super::{Ctx, query_param};
use crate::error::{ApiError, ErrorBody, JsonError, PageError};
use crate::html::{esc, esc_into};
use crate::state::{AppState, Shared};

/// Parses a code as typed or scanned; the check character is verified before any lookup.
pub fn parse_code(raw: &str) -> Result<IdCode, ApiError> {
    IdCode::parse(raw).map_err(|e| match e {
        CodeError::Mistyped => ApiError::MistypedCode,
        _ => ApiError::MalformedCode,
    })
}

/// The status of a copy in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CopyStatus {
    /// Issued and not revoked (a pending revocation request does not change this).
    Valid,
    /// Revoked by a confirmed cancellation decision.
    Revoked,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CenterJson {
    pub name: String,
    pub name_en: String,
    pub short_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignerJson {
    /// `seal` (the agency) or `officer`.
    pub role: String,
    pub subject: String,
    pub signed_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevocationJson {
    pub revoked_at: String,
    pub decision_number: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonJson {
    /// Stable snake_case reason code (see `truecopy_seal::Reason`).
    pub code: String,
    pub text_vi: String,
    pub text_en: String,
}

impl From<Reason> for ReasonJson {
    fn from(r: Reason) -> Self {
        ReasonJson {
            code: r.code().into(),
            text_vi: r.text_vi().into(),
            text_en: r.text_en().into(),
        }
    }
}

/// The result of checking the QR token (`t`) that came with the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenCheckJson {
    /// PASSED, FAILED or INDETERMINATE.
    pub verdict: String,
    pub reasons: Vec<ReasonJson>,
}

/// A copy as the register knows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CopyJson {
    /// The identification code, grouped.
    pub code: String,
    pub status: CopyStatus,
    pub center: CenterJson,
    /// snake_case document type.
    pub document_type: String,
    pub document_type_vi: String,
    pub document_type_en: String,
    /// Day of issue in Vietnam, YYYY-MM-DD.
    pub issue_date: String,
    /// RFC 3339 UTC.
    pub issued_at: String,
    /// Compact register number, e.g. `000123/Q01/2026-SCT/BS`.
    pub register_number: String,
    /// The holder's name, masked ("NGUYỄN V. A."); the ID number is never shown.
    pub holder_name: Option<String>,
    /// Scanned pages (the PDF has one more: the certification statement).
    pub page_count: usize,
    pub signers: Vec<SignerJson>,
    pub revocation: Option<RevocationJson>,
    pub qr_token: Option<TokenCheckJson>,
}

/// "NGUYỄN VĂN AN" → "NGUYỄN V. A.": the family name whole, the other names as initials.
pub fn mask_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let mut out = first.to_string();
    for w in words {
        if let Some(c) = w.chars().next() {
            out.push(' ');
            out.extend(c.to_uppercase());
            out.push('.');
        }
    }
    out
}

/// The day of issue in Vietnam (UTC+7).
pub fn issue_date(issued_at: &str) -> String {
    truecopy_domain::timefmt::parse(issued_at)
        .map(|t| {
            let d = t.to_offset(time::macros::offset!(+7)).date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        })
        .unwrap_or_else(|_| issued_at.chars().take(10).collect())
}

/// Checks the QR token against the keys and against what the register holds.
pub fn check_token(
    state: &AppState,
    code: &IdCode,
    copy: &PublicCopy,
    token: &str,
) -> TokenCheckJson {
    let text = format!(
        "{}/c/{}?t={}",
        state.cfg.public_url.as_str().trim_end_matches('/'),
        code.as_str(),
        token
    );
    let report = state.verifier.verify_qr(&text);
    let mut reasons = report.reasons.clone();
    let mut verdict = report.verdict;
    if let Some(p) = &report.payload
        && !payload_matches(p, copy, &state.cfg.center.short_id)
    {
        reasons.push(Reason::QrMismatch);
        verdict = verdict.and(Verdict::Failed);
    }
    TokenCheckJson {
        verdict: verdict.as_str().into(),
        reasons: reasons.into_iter().map(ReasonJson::from).collect(),
    }
}

fn payload_matches(p: &QrPayload, copy: &PublicCopy, center: &str) -> bool {
    let c = &copy.copy;
    let digests: Option<Vec<[u8; 32]>> = c
        .page_sha256
        .iter()
        .map(|h| {
            hex::decode(h)
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok())
        })
        .collect();
    p.code == c.code
        && p.register_number == c.register_number
        && p.document_type == c.document_type
        && p.center == center
        && p.issue_date == issue_date(&c.issued_at)
        && p.page_count as usize == c.page_sha256.len()
        && digests.is_some_and(|d| QrPayload::pages_digest_of(&d) == p.pages_digest)
}

pub fn copy_json(state: &AppState, pc: &PublicCopy, token: Option<TokenCheckJson>) -> CopyJson {
    let c = &pc.copy;
    let status = if c.state == CopyState::Revoked {
        CopyStatus::Revoked
    } else {
        CopyStatus::Valid
    };
    CopyJson {
        code: c.code.grouped(),
        status,
        center: CenterJson {
            name: state.cfg.center.name.clone(),
            name_en: state.cfg.center.name_en.clone(),
            short_id: state.cfg.center.short_id.clone(),
        },
        document_type: c.document_type.as_str().into(),
        document_type_vi: c.document_type.name_vi().into(),
        document_type_en: c.document_type.name_en().into(),
        issue_date: issue_date(&c.issued_at),
        issued_at: c.issued_at.clone(),
        register_number: c.register_number.to_string(),
        holder_name: c.holder_name.as_deref().map(mask_name),
        page_count: c.page_sha256.len(),
        signers: pc
            .signatures
            .iter()
            .map(|s| SignerJson {
                role: s.role.clone(),
                subject: s.signer_subject.clone(),
                signed_at: s.signed_at.clone(),
            })
            .collect(),
        revocation: pc.revocation.as_ref().map(|r| RevocationJson {
            revoked_at: r.confirmed_at.clone().unwrap_or_default(),
            decision_number: r.decision_number.clone(),
            reason: r.reason.clone(),
        }),
        qr_token: token,
    }
}

/// Looks a copy up: `Err(UnknownCode)` when it is not in the register.
async fn lookup(state: &AppState, raw: &str, query: Option<&str>) -> Result<CopyJson, ApiError> {
    let code = parse_code(raw)?;
    let pc = state
        .public_copy(&code)
        .await?
        .ok_or(ApiError::UnknownCode)?;
    let token = query_param(query, "t").map(|t| check_token(state, &code, &pc, t));
    Ok(copy_json(state, &pc, token))
}

#[utoipa::path(
    get,
    path = "/api/v1/copies/{code}",
    params(
        ("code" = String, Path, description = "Identification code (hyphens, spaces and case ignored)"),
        ("t" = Option<String>, Query, description = "The QR's signed token, to be checked as well"),
    ),
    responses(
        (status = 200, description = "The copy is in the register (VALID or REVOKED)", body = CopyJson),
        (status = 400, description = "malformed_code or mistyped_code (decided before any lookup)", body = ErrorBody),
        (status = 404, description = "unknown_code", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody),
    ),
    tag = "copies"
)]
pub async fn api_get(
    State(state): State<Shared>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<CopyJson>, JsonError> {
    Ok(Json(lookup(&state, &code, query.as_deref()).await?))
}

/// The verdict page.
pub async fn page(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    match lookup(&state, &raw, ctx.query.as_deref()).await {
        Ok(c) => Ok(Html(render_copy(&ctx, &c)).into_response()),
        Err(e @ (ApiError::MistypedCode | ApiError::MalformedCode | ApiError::UnknownCode)) => {
            let (class, verdict) = match e {
                ApiError::UnknownCode => ("unknown", "UNKNOWN"),
                ApiError::MistypedCode => ("mistyped", "MISTYPED"),
                _ => ("mistyped", "MALFORMED"),
            };
            let body = format!(
                "<section class=\"verdict {class}\" id=\"verdict\" data-verdict=\"{verdict}\"><h1>{t}</h1><p>{m}</p>\
                 <p>{lcode}: <code>{raw}</code></p></section>{forms}",
                t = esc(e.title(ctx.lang)),
                m = esc(e.message(ctx.lang)),
                lcode = ctx.t("Mã đã nhập", "Code entered"),
                raw = esc(&raw.chars().take(64).collect::<String>()),
                forms = super::home::forms(&ctx, ""),
            );
            Ok((e.status(), Html(ctx.page(e.title(ctx.lang), &body))).into_response())
        }
        Err(e) => Err(ctx.err(e)),
    }
}

fn fact(out: &mut String, label: &str, value: &str) {
    out.push_str("<dt>");
    esc_into(out, label);
    out.push_str("</dt><dd>");
    esc_into(out, value);
    out.push_str("</dd>");
}

pub fn render_copy(ctx: &Ctx, c: &CopyJson) -> String {
    let lang = ctx.lang;
    let mut b = String::with_capacity(4096);
    match c.status {
        CopyStatus::Valid => {
            for part in [
                "<section class=\"verdict valid\" id=\"verdict\" data-verdict=\"VALID\"><h1>✔ ",
                ctx.t("BẢN SAO HỢP LỆ", "VALID COPY"),
                "</h1><p>",
                ctx.t(
                    "Bản sao này có trong sổ chứng thực và chưa bị thu hồi. Hãy so sánh bản in với các trang dưới đây.",
                    "This copy is in the register and has not been revoked. Compare the printout with the pages below.",
                ),
                "</p></section>",
            ] {
                b.push_str(part);
            }
        }
        CopyStatus::Revoked => {
            let r = c.revocation.clone().unwrap_or(RevocationJson {
                revoked_at: String::new(),
                decision_number: String::new(),
                reason: String::new(),
            });
            b.push_str(&format!(
                "<section class=\"verdict revoked\" id=\"verdict\" data-verdict=\"REVOKED\">\
                 <p class=\"stamp\">{stamp}</p><h1>✖ {h}</h1><p><strong>{warn}</strong></p><dl class=\"facts\">",
                stamp = ctx.t("ĐÃ THU HỒI", "REVOKED"),
                h = ctx.t("BẢN SAO ĐÃ BỊ THU HỒI — KHÔNG CÒN GIÁ TRỊ", "THIS COPY HAS BEEN REVOKED — NO LONGER VALID"),
                warn = ctx.t(
                    "Không sử dụng bản sao này. Nó đã bị hủy bỏ theo quyết định dưới đây.",
                    "Do not accept this copy. It was cancelled by the decision below."
                ),
            ));
            fact(&mut b, ctx.t("Ngày thu hồi", "Revoked on"), &r.revoked_at);
            fact(&mut b, ctx.t("Số quyết định hủy bỏ", "Cancellation decision"), &r.decision_number);
            fact(&mut b, ctx.t("Lý do", "Reason"), &r.reason);
            b.push_str("</dl></section>");
        }
    }
    if let Some(t) = &c.qr_token {
        let (class, label) = match t.verdict.as_str() {
            "PASSED" => (
                "ok",
                ctx.t(
                    "Chữ ký trong mã QR hợp lệ và khớp với sổ chứng thực.",
                    "The QR code's signature is valid and matches the register.",
                ),
            ),
            "FAILED" => (
                "bad",
                ctx.t(
                    "Mã QR KHÔNG hợp lệ: có thể bị giả mạo.",
                    "The QR code is NOT valid: it may be forged.",
                ),
            ),
            _ => (
                "warn",
                ctx.t(
                    "Không xác minh được mã QR.",
                    "The QR code could not be verified.",
                ),
            ),
        };
        b.push_str(&format!(
            "<section id=\"qr-check\" data-verdict=\"{v}\"><h2>{h}</h2><p class=\"{class}\">{label}</p><ul>",
            v = esc(&t.verdict),
            h = ctx.t("Mã QR", "QR code"),
        ));
        for r in &t.reasons {
            b.push_str(&format!(
                "<li><code>{}</code> {}</li>",
                esc(&r.code),
                esc(lang.t(&r.text_vi, &r.text_en))
            ));
        }
        b.push_str("</ul></section>");
    }
    b.push_str("<h2>");
    b.push_str(ctx.t("Thông tin bản sao", "About the copy"));
    b.push_str("</h2><dl class=\"facts\" id=\"facts\">");
    fact(&mut b, ctx.t("Mã bản sao", "Copy code"), &c.code);
    fact(
        &mut b,
        ctx.t("Cơ quan chứng thực", "Certifying center"),
        lang.t(&c.center.name, &c.center.name_en),
    );
    fact(
        &mut b,
        ctx.t("Loại giấy tờ", "Document type"),
        lang.t(&c.document_type_vi, &c.document_type_en),
    );
    fact(
        &mut b,
        ctx.t("Ngày chứng thực", "Date of certification"),
        &c.issue_date,
    );
    fact(
        &mut b,
        ctx.t("Số chứng thực", "Register number"),
        &c.register_number,
    );
    if let Some(h) = &c.holder_name {
        fact(&mut b, ctx.t("Người yêu cầu", "Holder"), h);
    }
    let mut signers = String::new();
    for (i, s) in c.signers.iter().enumerate() {
        let role = if s.role == "seal" {
            ctx.t("con dấu cơ quan", "agency seal")
        } else {
            ctx.t("cán bộ", "officer")
        };
        if i > 0 {
            signers.push_str("; ");
        }
        for part in [s.subject.as_str(), " (", role, ")"] {
            signers.push_str(part);
        }
    }
    fact(&mut b, ctx.t("Người ký", "Signed by"), &signers);
    b.push_str("</dl>");
    if c.status == CopyStatus::Valid {
        b.push_str("<h2>");
        b.push_str(ctx.t("Các trang đã chứng thực", "Certified pages"));
        b.push_str("</h2><div class=\"pages\">");
        let code: String = c.code.chars().filter(|&ch| ch != '-').collect();
        let alt = ctx.t("Trang", "Page");
        for n in 1..=c.page_count + 1 {
            let n = n.to_string();
            for part in [
                "<figure><img src=\"/c/",
                &code,
                "/pages/",
                &n,
                "\" alt=\"",
                alt,
                " ",
                &n,
                "\"><figcaption>",
                alt,
                " ",
                &n,
                "</figcaption></figure>",
            ] {
                b.push_str(part);
            }
        }
        b.push_str("</div>");
    }
    let title = match c.status {
        CopyStatus::Valid => ctx.t("Bản sao hợp lệ", "Valid copy"),
        CopyStatus::Revoked => ctx.t("Bản sao đã bị thu hồi", "Revoked copy"),
    };
    ctx.page(title, &b)
}

/// Page `n` of the stored PDF as PNG, rendered on demand with pdftoppm (100 dpi) and cached
/// in memory. Only for copies that are not revoked.
pub async fn page_image(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((raw, n)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    let code = parse_code(&raw).map_err(|e| ctx.err(e))?;
    let Some(pc) = state.public_copy(&code).await.map_err(|e| ctx.err(e))? else {
        // A miss costs the client a lookup, so images cannot be used to enumerate codes.
        return Err(ctx.err(ApiError::UnknownCode));
    };
    let c = &pc.copy;
    if c.state == CopyState::Revoked || n == 0 || n as usize > c.page_sha256.len() + 1 {
        return Err(ctx.err(ApiError::PageUnavailable));
    }
    let key = (c.pdf_sha256.clone(), n);
    let png = match state.pages.get(&key) {
        Some(p) => p,
        None => {
            let pdf = state.blobs.get(&c.pdf_blob).await.map_err(|e| {
                tracing::warn!(code = %code, error = %e, "stored PDF unavailable");
                ctx.err(ApiError::PageUnavailable)
            })?;
            let png = render_page(pdf, n).await.map_err(|e| {
                tracing::warn!(code = %code, page = n, error = %e, "page rendering failed");
                ctx.err(ApiError::PageUnavailable)
            })?;
            state.pages.put(key, png.clone());
            png
        }
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        png,
    )
        .into_response())
}

async fn render_page(pdf: Bytes, n: u32) -> Result<Bytes, String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::io::AsyncWriteExt;
    static SEQ: AtomicU64 = AtomicU64::new(0);
    // pdftoppm reads the PDF from stdin but writes its PNG to a file.
    let root = std::env::temp_dir().join(format!(
        "truecopy-portal-page-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let png_path = root.with_extension("png");
    let mut child = tokio::process::Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "100",
            "-f",
            &n.to_string(),
            "-l",
            &n.to_string(),
            "-singlefile",
            "-",
        ])
        .arg(&root)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("pdftoppm: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = tokio::spawn(async move {
        let _ = stdin.write_all(&pdf).await;
    });
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait())
        .await
        .map_err(|_| "pdftoppm timed out".to_string())?
        .map_err(|e| format!("pdftoppm: {e}"))?;
    let _ = writer.await;
    let png = tokio::fs::read(&png_path).await;
    let _ = tokio::fs::remove_file(&png_path).await;
    let png = png.map_err(|e| format!("pdftoppm wrote no image ({status}): {e}"))?;
    if !status.success() || !png.starts_with(b"\x89PNG") {
        return Err(format!("pdftoppm exited with {status}"));
    }
    Ok(Bytes::from(png))
}
