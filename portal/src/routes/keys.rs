//! `/.well-known/truecopy-keys`: the trust material offline verifiers need.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use bytes::Bytes;
use truecopy_config::Config;

use crate::state::Shared;

/// Builds the document once at start-up: a JWKS (`keys`: the QR key(s) and the retrieval token
/// key, ES256) with `qr_kids`/`token_kids` saying which is which, and the PEM certificates of
/// the CA (the trust root for PDF signatures) and the agency seal.
pub fn build(cfg: &Config) -> Result<Bytes, String> {
    let qr_pem = truecopy_seal::load_public_key_pem(&cfg.keys.qr_pub).map_err(|e| e.to_string())?;
    let token_pem =
        truecopy_seal::load_public_key_pem(&cfg.keys.token_pub).map_err(|e| e.to_string())?;
    let qr = truecopy_qr::QrKeys::from_public_pems(&[&qr_pem]).map_err(|e| e.to_string())?;
    let token = truecopy_qr::QrKeys::from_public_pems(&[&token_pem]).map_err(|e| e.to_string())?;
    let mut keys: Vec<serde_json::Value> = Vec::new();
    for set in [&qr, &token] {
        if let Some(arr) = set.to_jwks().get("keys").and_then(|k| k.as_array()) {
            keys.extend(arr.iter().cloned());
        }
    }
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let doc = serde_json::json!({
        "keys": keys,
        "qr_kids": qr.kids(),
        "token_kids": token.kids(),
        "ca_certificate_pem": read(&cfg.keys.ca_cert)?,
        "seal_certificate_pem": read(&cfg.keys.seal_cert)?,
    });
    serde_json::to_vec_pretty(&doc)
        .map(Bytes::from)
        .map_err(|e| e.to_string())
}

#[utoipa::path(
    get,
    path = "/.well-known/truecopy-keys",
    responses((status = 200, description = "JWKS of the QR and retrieval-token keys, with `qr_kids`, `token_kids`, `ca_certificate_pem` and `seal_certificate_pem`", content_type = "application/json")),
    tag = "keys"
)]
pub async fn get(State(state): State<Shared>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        state.keys_doc.clone(),
    )
}
