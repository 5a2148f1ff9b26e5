//! Every route of the web portal, over the router, on SQLite and PostgreSQL: verdict pages and
//! API answers (insta snapshots of the JSON with volatile values redacted), uploads, errors,
//! headers, languages, rate limiting, OpenAPI, keys, health and metrics.

mod common;

use common::{Env, mistyped, revoke, unknown_code};
use insta::assert_json_snapshot;
use portal::state::ServeOptions;
use truecopy_tests::both_backends;

/// Redactions for values that change with every run.
macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_suffix => "" }, {
            assert_json_snapshot!($name, $value, {
                ".code" => "[code]",
                ".issued_at" => "[issued_at]",
                ".issue_date" => "[date]",
                ".register_number" => "[register_number]",
                ".signers[].signed_at" => "[signed_at]",
                ".revocation.revoked_at" => "[revoked_at]",
                ".signatures[].signing_time" => "[signing_time]",
            });
        });
    };
}

both_backends! {
    fn a_valid_copy_by_api_page_qr_and_images(db) {
        let env = Env::new(db);
        let mut reg = db.registry();
        let issued = env.issue(&mut reg);
        let app = env.app();
        let code = issued.code();

        let api = app.get(&format!("/api/v1/copies/{code}"));
        assert_eq!(api.status, 200, "{}", api.text());
        assert_eq!(api.json()["holder_name"], "NGUYỄN V. A.");
        snap!("api_copy_valid", api.json());

        // Hyphenated, lower case: the same copy.
        let grouped = issued.copy.code.grouped().to_lowercase();
        assert_eq!(app.get(&format!("/api/v1/copies/{grouped}")).status, 200);

        // With the QR's token: checked, PASSED.
        let with_t = app.get(&format!("/api/v1/copies/{code}?t={}", issued.token()));
        snap!("api_copy_valid_with_token", with_t.json());
        assert_eq!(with_t.json()["qr_token"]["verdict"], "PASSED");

        // A forged token (signature changed) fails; a truncated one is malformed.
        let t = issued.token();
        // A character well inside the signature (the last one carries padding bits, and some
        // substitutions there decode to the same bytes).
        let k = t.len() - 10;
        let c = if &t[k..=k] == "A" { "B" } else { "A" };
        let forged = format!("{}{c}{}", &t[..k], &t[k + 1..]);
        let f = app.get(&format!("/api/v1/copies/{code}?t={forged}")).json();
        assert_eq!(f["qr_token"]["verdict"], "FAILED", "{f}");
        let tr = app.get(&format!("/api/v1/copies/{code}?t={}", &t[..t.len() - 20])).json();
        assert_eq!(tr["qr_token"]["reasons"][0]["code"], "qr_malformed", "{tr}");
        // Another copy's token on this code: the QR does not match.
        let other = env.issue(&mut reg);
        let m = app.get(&format!("/api/v1/copies/{code}?t={}", other.token())).json();
        assert_eq!(m["qr_token"]["verdict"], "FAILED", "{m}");

        // The verdict page: the QR's link as printed.
        let path = issued.qr_text.strip_prefix(common::PUBLIC_URL).expect("public url");
        let page = app.get(path);
        assert_eq!(page.status, 200);
        let html = page.text();
        assert!(html.contains("data-verdict=\"VALID\""), "{html}");
        assert!(html.contains("BẢN SAO HỢP LỆ"));
        assert!(html.contains("NGUYỄN V. A."));
        assert!(!html.contains("NGUYỄN VĂN A"), "the full name is never shown");
        assert!(html.contains(&issued.copy.register_number.to_string()));
        assert!(html.contains("id=\"qr-check\" data-verdict=\"PASSED\""));
        assert!(html.contains("Căn cước công dân"));
        assert!(html.contains("/pages/3\""), "two scans and the statement page");
        assert_eq!(page.header("content-type"), "text/html; charset=utf-8");

        // English by Accept-Language, and by the switch.
        let en = app.get_lang(&format!("/c/{code}"), "en-US,en;q=0.9,vi;q=0.5").text();
        assert!(en.contains("VALID COPY") && en.contains("lang=\"en\""));
        let vi = app.get_lang(&format!("/c/{code}"), "vi,en;q=0.5").text();
        assert!(vi.contains("BẢN SAO HỢP LỆ"));
        let sw = app.get_lang(&format!("/c/{code}?lang=en"), "vi").text();
        assert!(sw.contains("VALID COPY") && sw.contains(&format!("href=\"/c/{code}?lang=vi\"")));

        // Page images, rendered from the stored PDF.
        for n in 1..=3 {
            let img = app.get(&format!("/c/{code}/pages/{n}"));
            assert_eq!(img.status, 200, "page {n}");
            assert_eq!(img.header("content-type"), "image/png");
            assert!(img.body.starts_with(b"\x89PNG"));
        }
        assert_eq!(app.get(&format!("/c/{code}/pages/4")).status, 404);
        assert_eq!(app.get(&format!("/c/{code}/pages/0")).status, 404);
    }

    fn unknown_mistyped_and_malformed_codes(db) {
        let env = Env::new(db);
        let mut reg = db.registry();
        let issued = env.issue(&mut reg);
        let app = env.app();
        let unknown = unknown_code();

        let u = app.get(&format!("/api/v1/copies/{}", unknown.as_str()));
        assert_eq!(u.status, 404);
        snap!("api_unknown", u.json());
        let up = app.get(&format!("/c/{}", unknown.as_str()));
        assert_eq!(up.status, 404);
        assert!(up.text().contains("data-verdict=\"UNKNOWN\""));

        let bad = mistyped(issued.code());
        let m = app.get(&format!("/api/v1/copies/{bad}"));
        assert_eq!(m.status, 400);
        snap!("api_mistyped", m.json());
        let mp = app.get(&format!("/c/{bad}"));
        assert_eq!(mp.status, 400);
        assert!(mp.text().contains("data-verdict=\"MISTYPED\""), "{}", mp.text());
        assert!(mp.text().contains("Mã bị gõ sai"));

        for raw in ["ABC", "%3Cscript%3E", "7K3M-QX2D-94HA-TR3W-E6BN-VPUU"] {
            let r = app.get(&format!("/api/v1/copies/{raw}"));
            assert_eq!(r.status, 400, "{raw}");
            assert_eq!(r.json()["error"], "malformed_code");
            let p = app.get(&format!("/c/{raw}"));
            assert_eq!(p.status, 400);
            assert!(!p.text().contains("<script>"), "escaped");
        }
        snap!("api_malformed", app.get("/api/v1/copies/ABC").json());

        // The code form: a good code redirects, a mistyped one is answered before any lookup.
        let ok = app.get(&format!("/lookup?code={}&lang=en", issued.copy.code.grouped()));
        assert_eq!(ok.status, 303);
        assert_eq!(ok.header("location"), format!("/c/{}?lang=en", issued.code()));
        let no = app.get(&format!("/lookup?code={bad}&lang=en"));
        assert_eq!(no.status, 400);
        assert!(no.text().contains("Mistyped code"));
    }

    fn a_revoked_copy_is_unmistakable(db) {
        let env = Env::new(db);
        let mut reg = db.registry();
        let issued = env.issue(&mut reg);
        let app = env.app();
        let code = issued.code();
        // A pending request does not change the answer.
        reg.request_revocation(&issued.copy.code, "123/QĐ-TTPVHCC", "Cấp nhầm hồ sơ / issued in error", "o1")
            .expect("request");
        assert_eq!(app.get(&format!("/api/v1/copies/{code}")).json()["status"], "VALID");
        reg.withdraw_revocation(&issued.copy.code, "o2").expect("withdraw");
        revoke(&mut reg, &issued.copy.code);

        let api = app.get(&format!("/api/v1/copies/{code}"));
        assert_eq!(api.status, 200);
        snap!("api_copy_revoked", api.json());
        let html = app.get(&format!("/c/{code}")).text();
        assert!(html.contains("data-verdict=\"REVOKED\""));
        assert!(html.contains("ĐÃ THU HỒI") && html.contains("123/QĐ-TTPVHCC"));
        assert!(!html.contains("/pages/1"), "no page images for a revoked copy");
        assert_eq!(app.get(&format!("/c/{code}/pages/1")).status, 404);
        let en = app.get(&format!("/c/{code}?lang=en")).text();
        assert!(en.contains("THIS COPY HAS BEEN REVOKED"));

        // Its PDF, uploaded: signatures fine, but the register says revoked → FAILED.
        let v = app.upload("/api/v1/verify", &issued.pdf);
        assert_eq!(v.status, 200);
        assert_eq!(v.json()["verdict"], "FAILED");
        assert_eq!(v.json()["register_status"], "REVOKED");
    }

    fn uploads_valid_tampered_and_bad(db) {
        let env = Env::new(db);
        let mut reg = db.registry();
        let issued = env.issue(&mut reg);
        let app = env.app();

        let ok = app.upload("/api/v1/verify", &issued.pdf);
        assert_eq!(ok.status, 200, "{}", ok.text());
        snap!("api_verify_passed", ok.json());
        // Raw body works too.
        let raw = app.send(
            axum::http::Request::post("/api/v1/verify")
                .header("content-type", "application/pdf")
                .body(axum::body::Body::from(issued.pdf.clone()))
                .expect("req"),
        );
        assert_eq!(raw.json()["verdict"], "PASSED");

        let tampered = tamper(&issued.pdf);
        let bad = app.upload("/api/v1/verify", &tampered);
        assert_eq!(bad.json()["verdict"], "FAILED");
        snap!("api_verify_tampered", bad.json());
        let page = app.upload("/verify?lang=en", &tampered).text();
        assert!(page.contains("data-verdict=\"FAILED\"") && page.contains("FILE NOT VALID"));
        let good_page = app.upload("/verify", &issued.pdf).text();
        assert!(good_page.contains("data-verdict=\"PASSED\"") && good_page.contains("TỆP HỢP LỆ"));

        let not_pdf = app.upload("/api/v1/verify", b"GIF89a not a pdf");
        assert_eq!(not_pdf.status, 415);
        snap!("api_verify_not_pdf", not_pdf.json());
        assert_eq!(app.upload("/verify", b"hello").status, 415);
        let big = vec![b'%'; 21 * 1024 * 1024];
        let too_big = app.upload("/api/v1/verify", &big);
        assert_eq!(too_big.status, 413);
        assert_eq!(too_big.json()["error"], "payload_too_large");
        let page_big = app.upload("/verify?lang=en", &big);
        assert_eq!(page_big.status, 413);
        assert!(page_big.text().contains("File too large"));
        let no_file = app.send(
            axum::http::Request::post("/api/v1/verify")
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("x"))
                .expect("req"),
        );
        assert_eq!(no_file.status, 400);
        assert_eq!(no_file.json()["error"], "bad_request");
    }
}

/// Changes one byte inside the first signed range (the page content): a digest mismatch.
pub fn tamper(pdf: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    let at = out
        .windows(6)
        .position(|w| w == b"stream")
        .expect("a stream")
        + 40;
    out[at] ^= 0x01;
    out
}

#[test]
fn openapi_keys_health_metrics_headers_and_errors() {
    let db = truecopy_tests::TestDb::sqlite();
    let env = Env::new(&db);
    let app = env.app();

    let doc = app.get("/api/openapi.json");
    assert_eq!(doc.status, 200);
    insta::assert_json_snapshot!("openapi", doc.json(), { ".info.version" => "[version]" });

    let keys = app.get("/.well-known/truecopy-keys").json();
    assert_eq!(keys["keys"].as_array().map(Vec::len), Some(2));
    assert_eq!(keys["qr_kids"].as_array().map(Vec::len), Some(1));
    assert_eq!(keys["token_kids"].as_array().map(Vec::len), Some(1));
    assert!(
        keys["ca_certificate_pem"]
            .as_str()
            .unwrap_or("")
            .starts_with("-----BEGIN CERTIFICATE")
    );
    assert!(
        keys["seal_certificate_pem"]
            .as_str()
            .unwrap_or("")
            .contains("CERTIFICATE")
    );
    // The JWKS part is what the offline verifier reads.
    let jwks = serde_json::json!({ "keys": keys["keys"] }).to_string();
    let parsed = truecopy_qr::QrKeys::from_jwks(&jwks).expect("JWKS");
    assert_eq!(parsed.len(), 2);

    let h = app.get("/healthz");
    assert_eq!(h.status, 200);
    insta::assert_json_snapshot!("healthz", h.json());

    let home = app.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.header("content-security-policy")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(home.header("referrer-policy"), "no-referrer");
    assert_eq!(home.header("x-content-type-options"), "nosniff");
    assert_eq!(home.header("x-frame-options"), "DENY");
    assert!(
        home.text()
            .contains("<form method=\"get\" action=\"/lookup\"")
    );
    assert!(!home.text().contains("<script"), "no JavaScript");
    assert_eq!(
        app.get("/static/portal.css").header("content-type"),
        "text/css; charset=utf-8"
    );

    let nf = app.get("/nothing/here");
    assert_eq!(nf.status, 404);
    assert!(nf.text().contains("Không tìm thấy trang"));
    let nfj = app.get("/api/v2/whatever");
    assert_eq!(nfj.status, 404);
    insta::assert_json_snapshot!("api_not_found", nfj.json());
    assert!(
        app.get_lang("/nothing", "en")
            .text()
            .contains("Page not found")
    );

    // Forged, truncated and garbage retrieval links: clear 4xx pages.
    for t in ["abc", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA", &"x".repeat(3000)] {
        let r = app.get(&format!("/r/{t}"));
        assert_eq!(r.status, 400, "{t}");
        assert!(r.text().contains("data-error=\"link_invalid\""));
    }

    let m = app.get("/metrics").text();
    assert!(
        m.contains("portal_requests_total{route=\"/healthz\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(m.contains("portal_request_duration_seconds_bucket{route=\"other\""));
    assert!(m.contains("portal_db_connections_open"));
}

#[test]
fn lookups_are_rate_limited_per_client() {
    let db = truecopy_tests::TestDb::sqlite();
    let env = Env::new(&db);
    let app = env.app_with(ServeOptions {
        lookups_per_minute: 12,
        db_connections: 2,
    });
    let code = unknown_code();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.get(&format!("/api/v1/copies/{}", code.as_str())).status);
    }
    // A burst of 10, then 429 (well under the refill of one every 5 s).
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        10,
        "{statuses:?}"
    );
    let last = app.get(&format!("/api/v1/copies/{}", code.as_str()));
    assert_eq!(last.status, 429);
    assert_eq!(last.header("retry-after"), "60");
    // A refused request still gets the security headers (the outer layer sees every response).
    assert_eq!(last.header("x-content-type-options"), "nosniff");
    assert_eq!(last.header("referrer-policy"), "no-referrer");
    insta::assert_json_snapshot!("api_rate_limited", last.json());
    let page = app.get_lang(&format!("/c/{}", code.as_str()), "en");
    assert_eq!(page.status, 429);
    assert!(page.text().contains("Too many requests"));
    // Not limited: the start page, keys, health.
    assert_eq!(app.get("/").status, 200);
    assert_eq!(app.get("/healthz").status, 200);
}
