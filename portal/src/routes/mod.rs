//! The routes, one module per resource.

pub mod copies;
pub mod home;
pub mod keys;
pub mod ops;
pub mod retrieval;
pub mod verify;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;

/// What a page needs of its request: the language and where it is (for the language switch).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub path: String,
    pub query: Option<String>,
}

impl Ctx {
    pub fn err(&self, err: ApiError) -> PageError {
        PageError {
            err,
            lang: self.lang,
            path: self.path.clone(),
            query: self.query.clone(),
        }
    }

    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.t(vi, en)
    }

    pub fn page(&self, title: &str, body: &str) -> String {
        crate::html::page(self.lang, title, &self.path, self.query.as_deref(), body)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Ctx, Self::Rejection> {
        Ok(Ctx {
            lang: Lang::detect(parts.uri.query(), &parts.headers),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
        })
    }
}

/// Reads `name` from a query string (values here are base64url or codes: no decoding needed
/// beyond `+` and `%2D`-style escapes, which a token never contains).
pub fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
}
