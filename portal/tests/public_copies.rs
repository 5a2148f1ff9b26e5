//! Batched lookups: `Registry::public_copies` says, for each of several codes, exactly what
//! `Registry::public_copy` says for it (on both backends); and the portal, on PostgreSQL,
//! answers many lookups arriving at once with few queries, each with its own copy, also when
//! some of the waiting clients went away or the query fails.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use diesel::prelude::*;
use portal::state::{AppState, ServeOptions, batch};
use tower::ServiceExt;
use truecopy_domain::{CopyState, IdCode};
use truecopy_registry::PublicCopy;
use truecopy_tests::fixtures::{issue_signed, seed};
use truecopy_tests::{TestDb, both_backends};

fn json(pc: &PublicCopy) -> serde_json::Value {
    serde_json::to_value(pc).expect("json")
}

fn unknown_code(known: &[&IdCode]) -> IdCode {
    loop {
        let c = IdCode::generate(&mut rand_core::OsRng);
        if !known.contains(&&c) {
            break c;
        }
    }
}

both_backends! {
    fn public_copies_reads_what_public_copy_reads(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let bare = issue_signed(&mut reg, 0);
        let two = issue_signed(&mut reg, 2);
        // Revoked after a withdrawn request: only the confirmed revocation is shown.
        let revoked = issue_signed(&mut reg, 2);
        reg.request_revocation(&revoked, "1/QĐ", "first", "o1").expect("request");
        reg.withdraw_revocation(&revoked, "o2").expect("withdraw");
        reg.request_revocation(&revoked, "2/QĐ", "second", "o1").expect("request again");
        reg.confirm_revocation(&revoked, "o2").expect("confirm");
        // A pending request: still valid, no revocation.
        let pending = issue_signed(&mut reg, 1);
        reg.request_revocation(&pending, "3/QĐ", "third", "o1").expect("request");
        let unknown = unknown_code(&[&bare, &two, &revoked, &pending]);

        let codes = [
            two.clone(),
            unknown.clone(),
            revoked.clone(),
            bare.clone(),
            pending.clone(),
            two.clone(),
        ];
        let batch: std::collections::HashMap<_, _> = reg
            .public_copies(&codes)
            .expect("batch")
            .into_iter()
            .map(|(code, pc)| (code, pc.expect("every row reads")))
            .collect();
        assert_eq!(batch.len(), 4, "the four known codes, once each");
        assert!(!batch.contains_key(&unknown));
        for code in &codes {
            let one = reg.public_copy(code).expect("lookup");
            match (one, batch.get(code)) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    assert_eq!(json(&a), json(b), "{code}");
                    assert_eq!(b.copy.code, *code);
                }
                (a, b) => panic!("{code}: public_copy {a:?}, public_copies {b:?}"),
            }
        }
        let sigs = |c: &IdCode| batch[c].signatures.iter().map(|s| s.ordinal).collect::<Vec<_>>();
        assert_eq!(sigs(&two), [1, 2]);
        assert_eq!(sigs(&revoked), [1, 2], "not repeated by the revocations' join");
        assert!(sigs(&bare).is_empty());
        assert_eq!(batch[&revoked].copy.state, CopyState::Revoked);
        let r = batch[&revoked].revocation.as_ref().expect("revocation");
        assert_eq!((r.decision_number.as_str(), r.reason.as_str()), ("2/QĐ", "second"));
        assert_eq!(batch[&pending].copy.state, CopyState::RevocationRequested);
        assert!(batch[&pending].revocation.is_none());
        assert!(batch[&two].revocation.is_none());

        // Nothing asked, nothing known: empty, not an error.
        assert!(reg.public_copies(&[]).expect("none").is_empty());
        assert!(reg.public_copies(&[unknown]).expect("unknown").is_empty());
    }
}

/// What one concurrent lookup saw.
struct Seen {
    uri: String,
    status: u16,
    body: String,
}

/// `n` lookups at once on one current-thread runtime (as a server thread runs them), by API
/// and by page, cycling through `codes`.
fn lookups(
    rt: &tokio::runtime::Runtime,
    router: &axum::Router,
    codes: &[IdCode],
    n: usize,
) -> Vec<Seen> {
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            let code = codes[i % codes.len()].as_str().to_string();
            let uri = if i % 3 == 2 {
                format!("/c/{code}?lang=en")
            } else {
                format!("/api/v1/copies/{code}")
            };
            let router = router.clone();
            set.spawn(async move {
                let req = Request::get(&uri).body(Body::empty()).expect("request");
                let resp = router.oneshot(req).await.expect("infallible");
                let status = resp.status().as_u16();
                let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .expect("body");
                Seen {
                    uri,
                    status,
                    body: String::from_utf8_lossy(&body).into_owned(),
                }
            });
        }
        set.join_all().await
    })
}

#[test]
fn concurrent_lookups_on_postgres_share_queries_and_get_their_own_copies() {
    let db = TestDb::postgres();
    let env = common::Env::new(&db);
    let mut reg = db.registry();
    let copies: Vec<common::Issued> = (0..3).map(|_| env.issue(&mut reg)).collect();
    common::revoke(&mut reg, &copies[2].copy.code);
    let known: Vec<&IdCode> = copies.iter().map(|c| &c.copy.code).collect();
    let unknown = unknown_code(&known);
    let mut codes: Vec<IdCode> = known.iter().map(|c| (*c).clone()).collect();
    codes.push(unknown.clone());

    let state: Arc<AppState> = env.state(ServeOptions {
        lookups_per_minute: 0,
        db_connections: 4,
    });
    let router = portal::app::router(state.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let n = 200;
    let before = batch::queries_run();
    let seen = lookups(&rt, &router, &codes, n);
    let queries = batch::queries_run() - before;
    assert_eq!(seen.len(), n);
    for s in &seen {
        let issued = copies.iter().find(|c| s.uri.contains(c.code()));
        match issued {
            None => assert_eq!(s.status, 404, "{}: {}", s.uri, s.body),
            Some(c) => {
                assert_eq!(s.status, 200, "{}: {}", s.uri, s.body);
                let revoked = c.copy.code == copies[2].copy.code;
                if s.uri.starts_with("/api/") {
                    let v: serde_json::Value = serde_json::from_str(&s.body).expect("json");
                    assert_eq!(v["code"], c.copy.code.grouped(), "{}", s.uri);
                    assert_eq!(v["register_number"], c.copy.register_number.to_string());
                    assert_eq!(v["status"], if revoked { "REVOKED" } else { "VALID" });
                } else {
                    assert!(
                        s.body.contains(&c.copy.register_number.to_string()),
                        "{}",
                        s.uri
                    );
                    let verdict = if revoked { "REVOKED" } else { "VALID" };
                    assert!(
                        s.body.contains(&format!("data-verdict=\"{verdict}\"")),
                        "{}",
                        s.uri
                    );
                }
            }
        }
    }
    // Lookups that arrive together share a query (at most 64 codes each; here 4 distinct).
    assert!(
        (1..=n as u64 / 10).contains(&queries),
        "{n} lookups took {queries} queries"
    );

    // Waiters that go away before their batch runs (a zero timeout polls the lookup once, so
    // it joins the batch, then drops it) do not keep the others from their answers.
    let answers = rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, code) in codes.iter().cycle().take(40).enumerate() {
            let (state, code) = (state.clone(), code.clone());
            set.spawn(async move {
                let lookup = state.public_copy(&code);
                if i % 2 == 0 {
                    tokio::time::timeout(Duration::ZERO, lookup).await.ok()
                } else {
                    Some(lookup.await)
                }
                .map(|r| (code, r))
            });
        }
        set.join_all().await
    });
    let answered: Vec<_> = answers.into_iter().flatten().collect();
    assert!(answered.len() >= 20, "{}", answered.len());
    for (code, r) in answered {
        let pc = r.expect("answered");
        assert_eq!(pc.map(|p| p.copy.code), (code != unknown).then_some(code));
    }

    // The query fails (its connection is cut): every waiter gets the same error, once logged;
    // the next lookups open a new connection and are answered again.
    let (admin_url, name) = match &db {
        TestDb::Postgres {
            admin_url, name, ..
        } => (admin_url.clone(), name.clone()),
        TestDb::Sqlite { .. } => unreachable!(),
    };
    let mut admin = diesel::PgConnection::establish(&admin_url).expect("admin");
    let cut = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );
    diesel::sql_query(&cut)
        .execute(&mut admin)
        .expect("terminate");
    let gone = format!("SELECT 1 FROM pg_stat_activity WHERE datname = '{name}'");
    for _ in 0..100 {
        if diesel::sql_query(&gone)
            .execute(&mut admin)
            .expect("activity")
            == 0
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let seen = lookups(&rt, &router, &codes, 12);
    let failed = seen.iter().filter(|s| s.status == 503).count();
    assert!(
        seen.iter().all(|s| [503, 200, 404].contains(&s.status)),
        "{:?}",
        seen.iter().map(|s| s.status).collect::<Vec<_>>()
    );
    // Lookups that joined the failed query get its error; one that came late (a handler that
    // yielded first) may have opened a new batch on a fresh connection and been answered.
    assert!(failed >= 1, "the failed query's waiters get its error");
    let seen = lookups(&rt, &router, &codes, 12);
    assert!(
        seen.iter().all(|s| [200, 404].contains(&s.status)),
        "answered again: {:?}",
        seen.iter().map(|s| s.status).collect::<Vec<_>>()
    );
}
