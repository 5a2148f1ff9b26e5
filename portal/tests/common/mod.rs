//! Shared by the portal's HTTP, mail and browser tests: a dev PKI, a configuration over a test
//! database and a blob directory, real issued copies (rendered, sealed, stored), and requests
//! against the router.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response};
use bytes::Bytes;
use portal::state::{ServeOptions, Shared};
use tower::ServiceExt;
use truecopy_certify::{CopyFacts, Issuer, ScanPage, center_certifier};
use truecopy_config::Config;
use truecopy_domain::{Decision, IdCode};
use truecopy_registry::{BlobStore, CopyRecord, NewSignature, Registry, RenderedCopy};
use truecopy_seal::DevPkiOptions;
use truecopy_tests::TestDb;
use truecopy_tests::fixtures::{auto_issue, checked_case, seed};
use truecopy_tests::specimens::{a4_scan_jpeg, id_card_jpeg};

pub const PUBLIC_URL: &str = "https://saoy.hanoi.gov.vn";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub cfg: Config,
    pub issuer: Issuer,
    pub rt: tokio::runtime::Runtime,
}

/// A copy issued for a test: its record, the signed PDF and the QR's text.
pub struct Issued {
    pub copy: CopyRecord,
    pub pdf: Vec<u8>,
    pub qr_text: String,
}

impl Issued {
    pub fn code(&self) -> &str {
        self.copy.code.as_str()
    }
    /// The QR token (`t`).
    pub fn token(&self) -> &str {
        self.qr_text
            .split("?t=")
            .nth(1)
            .expect("token in the QR text")
    }
}

impl Env {
    pub fn new(db: &TestDb) -> Env {
        Env::with(db, &[])
    }

    pub fn with(db: &TestDb, extra: &[(&str, &str)]) -> Env {
        let dir = tempfile::tempdir().expect("tmp");
        truecopy_seal::init_dev_pki(&DevPkiOptions {
            dir: dir.path().join("keys"),
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            officers: vec![],
            force: false,
        })
        .expect("dev pki");
        let mut env: Vec<(String, String)> = vec![
            (
                "TRUECOPY_KEYS__DIR".into(),
                dir.path().join("keys").display().to_string(),
            ),
            ("TRUECOPY_PORTAL__PUBLIC_URL".into(), PUBLIC_URL.into()),
            ("DATABASE_URL".into(), db.url_string()),
            (
                "TRUECOPY_BLOBS__URL".into(),
                format!("file://{}", dir.path().join("blobs").display()),
            ),
        ];
        for (k, v) in extra {
            env.push((k.to_string(), v.to_string()));
        }
        let cfg = Config::load_from(None, &env).expect("config");
        let issuer = Issuer::from_config(&cfg).expect("issuer");
        let mut reg = db.registry();
        seed(&mut reg);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        Env {
            dir,
            cfg,
            issuer,
            rt,
        }
    }

    pub fn blobs(&self) -> BlobStore {
        BlobStore::open(&self.cfg.blobs).expect("blobs")
    }

    /// Issues a real copy (two scans, sealed) through the register.
    pub fn issue(&self, reg: &mut Registry) -> Issued {
        let case = checked_case(reg, Decision::Issue);
        let blobs = self.blobs();
        let mut out: Option<(Vec<u8>, String)> = None;
        let copy = reg
            .issue_copy(&auto_issue(&case.id), |ctx| {
                let facts = CopyFacts {
                    code: ctx.code.clone(),
                    register_number: ctx.register_number,
                    document_type: ctx.case.document_type.expect("type"),
                    issued_at: truecopy_domain::timefmt::parse(&ctx.issued_at).expect("time"),
                    certifier: center_certifier(self.issuer.center()),
                };
                let pages = vec![
                    ScanPage {
                        bytes: a4_scan_jpeg(1),
                        dpi: None,
                    },
                    ScanPage {
                        bytes: id_card_jpeg(2),
                        dpi: None,
                    },
                ];
                let issued = self
                    .issuer
                    .issue(&facts, &pages)
                    .map_err(std::io::Error::other)?;
                let key = self
                    .rt
                    .block_on(blobs.put(Bytes::from(issued.pdf.clone())))
                    .map_err(std::io::Error::other)?;
                out = Some((issued.pdf.clone(), issued.qr_text.clone()));
                Ok::<_, std::io::Error>(RenderedCopy {
                    pdf_blob: key,
                    pdf_sha256: issued.pdf_sha256.clone(),
                    page_sha256: issued.page_sha256.clone(),
                    signatures: issued
                        .signatures
                        .iter()
                        .map(|s| NewSignature {
                            role: s.role.clone(),
                            officer_id: s.officer_id.clone(),
                            signer_subject: s.signer_subject.clone(),
                            certificate_sha256: s.certificate_sha256.clone(),
                        })
                        .collect(),
                })
            })
            .expect("issue");
        let (pdf, qr_text) = out.expect("rendered");
        Issued { copy, pdf, qr_text }
    }

    pub fn state(&self, opts: ServeOptions) -> Shared {
        let _g = self.rt.enter();
        portal::app::build_state(self.cfg.clone(), &opts).expect("portal state")
    }

    pub fn app(&self) -> App<'_> {
        self.app_with(ServeOptions {
            lookups_per_minute: 0,
            db_connections: 4,
        })
    }

    pub fn app_with(&self, opts: ServeOptions) -> App<'_> {
        App {
            router: portal::app::router(self.state(opts)),
            rt: &self.rt,
        }
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.dir.path().join("keys")
    }
}

pub struct App<'a> {
    pub router: axum::Router,
    pub rt: &'a tokio::runtime::Runtime,
}

/// A response read whole.
pub struct Got {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Bytes,
}

impl Got {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl App<'_> {
    pub fn send(&self, req: Request<Body>) -> Got {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp: Response<Body> = router.oneshot(req).await.expect("infallible");
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("body");
            Got {
                status,
                headers,
                body,
            }
        })
    }

    pub fn get(&self, uri: &str) -> Got {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
    }

    pub fn get_lang(&self, uri: &str, accept_language: &str) -> Got {
        self.send(
            Request::get(uri)
                .header("accept-language", accept_language)
                .body(Body::empty())
                .expect("request"),
        )
    }

    /// Uploads `bytes` as the `file` field of a multipart form.
    pub fn upload(&self, uri: &str, bytes: &[u8]) -> Got {
        let boundary = "----truecopyTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"copy.pdf\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(uri)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("content-length", body.len())
                .body(Body::from(body))
                .expect("request"),
        )
    }
}

/// A random well-formed code that is not in the register.
pub fn unknown_code() -> IdCode {
    IdCode::generate(&mut rand_core::OsRng)
}

/// The code with its check character replaced by another valid character: mistyped.
pub fn mistyped(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'X' { 'Y' } else { 'X' };
    let s: String = chars.into_iter().collect();
    assert!(matches!(
        IdCode::parse(&s),
        Err(truecopy_domain::CodeError::Mistyped)
    ));
    s
}

/// Revokes a copy with two officers (request by o1, confirm by o2).
pub fn revoke(reg: &mut Registry, code: &IdCode) {
    reg.request_revocation(
        code,
        "123/QĐ-TTPVHCC",
        "Cấp nhầm hồ sơ / issued in error",
        "o1",
    )
    .expect("request revocation");
    reg.confirm_revocation(code, "o2")
        .expect("confirm revocation");
}

pub fn arc<T>(t: T) -> Arc<T> {
    Arc::new(t)
}
