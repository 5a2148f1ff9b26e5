//! Test harness: fresh databases on both backends.
//!
//! - SQLite: a file in a temporary directory.
//! - PostgreSQL: a new database created on the server named by `TEST_DATABASE_URL` (the README's
//!   test command sets it, starting a throwaway cluster where none runs) and dropped afterwards.
//!   Without `TEST_DATABASE_URL` a PostgreSQL test FAILS with the reason: it is never skipped.
//!
//! [`both_backends!`] writes a test once and runs it on each backend, as `<name>::sqlite` and
//! `<name>::postgres`, so the test output shows both.

use std::path::PathBuf;

pub mod smtp;
pub mod specimens;
pub mod validators;

use diesel::PgConnection;
use diesel::prelude::*;
use rand_core::{OsRng, RngCore};
use truecopy_config::DatabaseUrl;

/// A database that exists for one test.
#[derive(Debug)]
pub enum TestDb {
    Sqlite {
        dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "TEST_DATABASE_URL";

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("data").join("truecopy.sqlite3");
        TestDb::Sqlite { dir, path }
    }

    pub fn postgres() -> TestDb {
        let admin_url = std::env::var(PG_ENV).unwrap_or_else(|_| {
            panic!(
                "{PG_ENV} is not set, so the PostgreSQL half of this test cannot run. \
                 Run the README's test command (make test), which provides a server, or set \
                 {PG_ENV}=postgres://postgres@127.0.0.1:5432/test"
            )
        });
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("cannot connect to {PG_ENV}: {e}"));
        let mut raw = [0u8; 8];
        OsRng.fill_bytes(&mut raw);
        let name = format!("truecopy_t_{}", hex::encode(raw));
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let mut u = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        u.set_path(&format!("/{name}"));
        TestDb::Postgres {
            admin_url,
            name,
            url: u.to_string(),
        }
    }

    pub fn url(&self) -> DatabaseUrl {
        match self {
            TestDb::Sqlite { path, .. } => DatabaseUrl::Sqlite(path.clone()),
            TestDb::Postgres { url, .. } => DatabaseUrl::Postgres(url.clone()),
        }
    }

    /// The URL as a string, for `DATABASE_URL` of a child process.
    pub fn url_string(&self) -> String {
        match self {
            TestDb::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            TestDb::Postgres { url, .. } => url.clone(),
        }
    }

    /// A working directory that lives as long as the database (SQLite's temp dir, or a new one).
    pub fn scratch_dir(&self) -> Option<&std::path::Path> {
        match self {
            TestDb::Sqlite { dir, .. } => Some(dir.path()),
            TestDb::Postgres { .. } => None,
        }
    }

    pub fn registry(&self) -> truecopy_registry::Registry {
        truecopy_registry::Registry::open(&self.url()).expect("open the test registry")
    }

    /// Runs raw SQL on the database, bypassing the registry (to play the intruder in tests).
    pub fn execute_raw(&self, sql: &str) -> usize {
        let mut conn =
            truecopy_registry::DbConnection::open(&self.url()).expect("open a raw connection");
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("raw SQL failed: {sql}: {e}"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// Writes a test once and runs it on SQLite and on PostgreSQL.
///
/// ```text
/// both_backends! {
///     fn migrations_round_trip(db) { let mut reg = db.registry(); /* … */ }
/// }
/// ```
#[macro_export]
macro_rules! both_backends {
    ($(fn $name:ident($db:ident) $body:block)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                fn body($db: &$crate::TestDb) $body
                #[test]
                fn sqlite() {
                    body(&$crate::TestDb::sqlite());
                }
                #[test]
                fn postgres() {
                    body(&$crate::TestDb::postgres());
                }
            }
        )+
    };
}

/// Records the tests build on.
pub mod fixtures {
    use truecopy_domain::IdCode;
    use truecopy_domain::{CaseEvent, DocumentType};
    use truecopy_registry::{
        CaseRecord, CheckOutcome, IssueContext, IssueRequest, NewCase, NewOfficer, NewSignature,
        PageRef, Registry, RenderedCopy,
    };

    pub const KIOSK: &str = "K01";

    /// A kiosk and two officers.
    pub fn seed(reg: &mut Registry) {
        reg.add_kiosk(KIOSK, "Kiosk 1", "Hà Đông", "test")
            .expect("kiosk");
        for (id, name) in [("o1", "Nguyễn Văn An"), ("o2", "Trần Thị Bình")] {
            reg.add_officer(
                &NewOfficer {
                    id: id.into(),
                    full_name: name.into(),
                    title: "Chuyên viên".into(),
                    certificate_pem: None,
                },
                "test",
            )
            .expect("officer");
        }
    }

    pub fn page(n: u32) -> PageRef {
        let sha = hex::encode([n as u8; 32]);
        PageRef {
            blob: sha.clone(),
            sha256: sha,
            media_type: "image/jpeg".into(),
            bytes: 1000 + u64::from(n),
        }
    }

    /// A case whose checks were recorded with the given decision.
    pub fn checked_case(reg: &mut Registry, decision: truecopy_domain::Decision) -> CaseRecord {
        let c = reg
            .create_case(
                &NewCase {
                    kiosk_id: KIOSK.into(),
                    pages: vec![page(1), page(2)],
                    selfie_blob: None,
                    email: None,
                    session_key: None,
                },
                "kiosk:K01",
            )
            .expect("case");
        let mut fields = serde_json::Map::new();
        fields.insert("full_name".into(), "NGUYỄN VĂN A".into());
        reg.record_checks(
            &c.id,
            &CheckOutcome {
                document_type: Some(DocumentType::CitizenId),
                fields,
                checks: serde_json::Value::Array(vec![]),
                face: None,
                decision: Some(decision),
                reasons: vec![],
            },
            "kiosk:K01",
        )
        .expect("checks")
    }

    pub fn auto_issue(case_id: &str) -> IssueRequest {
        IssueRequest {
            case_id: case_id.into(),
            event: CaseEvent::AutoIssue,
            expected_version: None,
            actor: "kiosk:K01".into(),
            officer_id: None,
            register_book: 1,
            holder_name: Some("NGUYỄN VĂN A".into()),
        }
    }

    /// Stands in for the PDF renderer (issue 3) where the register, not the PDF, is under test:
    /// a deterministic byte string naming code and number.
    pub fn placeholder_render(ctx: &IssueContext) -> Result<RenderedCopy, std::io::Error> {
        let body = format!("{} {}", ctx.code, ctx.register_number);
        let sha = truecopy_registry::blobs::sha256_hex(body.as_bytes());
        Ok(RenderedCopy {
            pdf_blob: sha.clone(),
            pdf_sha256: sha,
            page_sha256: ctx.case.pages.iter().map(|p| p.sha256.clone()).collect(),
            signatures: vec![],
        })
    }

    /// [`placeholder_render`] with `n` signatures recorded: the seal's, then officers'.
    pub fn signed(n: usize) -> impl FnMut(&IssueContext) -> Result<RenderedCopy, std::io::Error> {
        move |ctx| {
            let mut r = placeholder_render(ctx)?;
            for i in 0..n {
                r.signatures.push(NewSignature {
                    role: if i == 0 { "seal" } else { "officer" }.into(),
                    officer_id: (i > 0).then(|| "o1".to_string()),
                    signer_subject: format!("CN=signer {i}"),
                    certificate_sha256: format!("{i:02}").repeat(32),
                });
            }
            Ok(r)
        }
    }

    /// A copy issued automatically on a new case, with `signatures` signatures recorded.
    pub fn issue_signed(reg: &mut Registry, signatures: usize) -> IdCode {
        let c = checked_case(reg, truecopy_domain::Decision::Issue);
        reg.issue_copy(&auto_issue(&c.id), signed(signatures))
            .expect("issue")
            .code
    }
}
