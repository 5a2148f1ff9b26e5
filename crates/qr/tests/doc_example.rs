//! The worked example of docs/qr-format.md, re-checked so that the document cannot rot.

mod common;

use truecopy_seal::{DevPkiOptions, init_dev_pki, load_private_key_pem};

/// Prints a fresh dev QR key (run once to make the example key below).
#[test]
#[ignore = "prints a new example key"]
fn generate_example_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_dev_pki(&DevPkiOptions {
        dir: dir.path().join("pki"),
        center_name: "Example".into(),
        officers: Vec::new(),
        force: false,
    })
    .expect("init_dev_pki");
    let pem = load_private_key_pem(dir.path().join("pki/qr.key.pem")).expect("key");
    println!("{pem}");
}

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{example_page_digests, example_signer, payload, public_url};
use truecopy_qr::{QrKeys, kid_of_public_pem, qr_matrix, qr_text, verify_qr_text, verify_token};

const DOC: &str = include_str!("../../../docs/qr-format.md");

/// The fenced block that follows `<!-- example:NAME -->` in the format document.
fn block(name: &str) -> String {
    let marker = format!("<!-- example:{name} -->");
    let start = DOC
        .find(&marker)
        .unwrap_or_else(|| panic!("{marker} missing from docs/qr-format.md"));
    let rest = &DOC[start + marker.len()..];
    let open = rest.find("```").expect("opening fence");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    let close = body.find("\n```").expect("closing fence");
    body[..close].to_string()
}

fn segment_json(segment: &str) -> String {
    String::from_utf8(URL_SAFE_NO_PAD.decode(segment).expect("base64url")).expect("utf8")
}

/// Prints every value of the worked example (paste them into the document).
#[test]
#[ignore = "prints the worked example"]
fn print_doc_example() {
    let signer = example_signer();
    let p = payload();
    let jws = signer.sign(&p).expect("sign");
    let text = qr_text(&public_url(), &p, &jws);
    let parts: Vec<&str> = jws.split('.').collect();
    println!("public key:\n{}", signer.public_key_pem().expect("pem"));
    println!("kid: {}", signer.kid());
    for (i, d) in example_page_digests().iter().enumerate() {
        println!("page {} digest: {}", i + 1, hex::encode(d));
    }
    println!("pages digest (16 bytes): {}", hex::encode(p.pages_digest));
    println!("p: {}", URL_SAFE_NO_PAD.encode(p.pages_digest));
    println!("header: {}", segment_json(parts[0]));
    println!("claims: {}", segment_json(parts[1]));
    println!("token ({} bytes): {jws}", jws.len());
    println!("url ({} bytes): {text}", text.len());
    let m = qr_matrix(&text).expect("matrix");
    println!("version {} ({} modules)", m.version(), m.width);
    println!(
        "jwks: {}",
        serde_json::to_string_pretty(&signer.keys().to_jwks()).expect("json")
    );
    let report = verify_qr_text(&text, &signer.keys());
    println!(
        "report: {}",
        serde_json::to_string_pretty(&report).expect("json")
    );
}

#[test]
fn documented_example_verifies() {
    let public_pem = block("public-key");
    let kid = block("kid");
    let token = block("token");
    let url = block("url");
    let keys = QrKeys::from_public_pems(&[&public_pem]).expect("documented public key");

    // The documented key id is the key's.
    assert_eq!(kid_of_public_pem(&public_pem).expect("kid"), kid);

    // The documented token and URL verify with the documented key only.
    let report = verify_token(&token, &keys);
    assert!(report.is_passed(), "{report:?}");
    let report = verify_qr_text(&url, &keys);
    assert!(report.is_passed(), "{report:?}");
    assert_eq!(report.kid.as_deref(), Some(kid.as_str()));
    let p = report.payload.clone().expect("payload");
    assert_eq!(p, payload());

    // ...and with the documented JWKS.
    let jwks_keys = QrKeys::from_jwks(&block("jwks")).expect("documented JWKS");
    assert!(verify_qr_text(&url, &jwks_keys).is_passed());

    // The decoded header and claims are the documented ones.
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(segment_json(parts[0]), block("header"));
    assert_eq!(segment_json(parts[1]), block("claims"));

    // The documented report is what the verifier says.
    let documented: serde_json::Value =
        serde_json::from_str(&block("report")).expect("documented report");
    assert_eq!(serde_json::to_value(&report).expect("json"), documented);

    // The digests shown are the digests computed.
    let digests = block("page-digests");
    let lines: Vec<&str> = digests.lines().collect();
    let expected: Vec<String> = example_page_digests().iter().map(hex::encode).collect();
    assert_eq!(lines, expected);
    assert_eq!(block("pages-digest"), hex::encode(p.pages_digest));

    // Signing is deterministic (RFC 6979): today's code, same key and payload, writes the
    // documented token and URL byte for byte, so a format change cannot go unnoticed.
    let signer = example_signer();
    assert_eq!(signer.kid(), kid);
    assert_eq!(
        signer.public_key_pem().expect("pem").trim(),
        public_pem.trim()
    );
    let jws = signer.sign(&payload()).expect("sign");
    assert_eq!(jws, token);
    assert_eq!(qr_text(&public_url(), &payload(), &jws), url);
}
