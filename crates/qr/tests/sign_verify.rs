//! Signing and offline verification of QR tokens and URLs.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{DevKeys, PUBLIC_URL, other_code, payload, public_url};
use jsonwebtoken::{Algorithm, EncodingKey};
use truecopy_qr::{
    MAX_INPUT_LEN, QrError, QrKeys, QrReport, QrSigner, kid_of_public_pem, qr_text, verify_qr_text,
    verify_token,
};
use truecopy_seal::{Reason, Verdict};

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

fn segments(jws: &str) -> (String, String, String) {
    let p: Vec<&str> = jws.split('.').collect();
    assert_eq!(p.len(), 3, "{jws}");
    (p[0].to_string(), p[1].to_string(), p[2].to_string())
}

fn assert_only(report: &QrReport, reason: Reason, verdict: Verdict) {
    assert_eq!(report.reasons, vec![reason], "{report:?}");
    assert_eq!(report.verdict, verdict, "{report:?}");
}

#[test]
fn round_trip_token_and_url() {
    let k = DevKeys::new();
    let signer = k.signer();
    let keys = k.keys();
    let p = payload();
    let jws = signer.sign(&p).expect("sign");

    // Header exactly as documented: no typ, alg then kid.
    let (h, c, s) = segments(&jws);
    let header = String::from_utf8(URL_SAFE_NO_PAD.decode(&h).expect("b64")).expect("utf8");
    assert_eq!(
        header,
        format!(r#"{{"alg":"ES256","kid":"{}"}}"#, signer.kid())
    );
    assert_eq!(signer.kid(), kid_of_public_pem(&k.public_pem).expect("kid"));
    assert_eq!(signer.kid().len(), 8);
    let claims = String::from_utf8(URL_SAFE_NO_PAD.decode(&c).expect("b64")).expect("utf8");
    assert!(
        claims.starts_with(&format!(
            r#"{{"v":1,"c":"{}","n":"123/1/2026","t":"birth_certificate","d":"2026-03-14","i":"TTPVHCC-HN","p":""#,
            p.code.as_str()
        )),
        "{claims}"
    );
    assert!(claims.ends_with(r#"","k":2}"#), "{claims}");
    assert_eq!(s.len(), 86);

    let report = verify_token(&jws, &keys);
    assert!(report.is_passed(), "{report:?}");
    assert_eq!(report.verdict, Verdict::Passed);
    assert_eq!(report.payload.as_ref(), Some(&p));
    assert_eq!(report.kid.as_deref(), Some(signer.kid()));
    assert_eq!(report.url_code, None);

    let text = qr_text(&public_url(), &p, &jws);
    assert_eq!(text, format!("{PUBLIC_URL}/c/{}?t={jws}", p.code.as_str()));
    let report = verify_qr_text(&text, &keys);
    assert!(report.is_passed(), "{report:?}");
    assert_eq!(report.payload.as_ref(), Some(&p));
    assert_eq!(report.url_code.as_deref(), Some(p.code.as_str()));
    // A scanner's trailing newline is fine.
    assert!(verify_qr_text(&format!("{text}\n"), &keys).is_passed());

    // The report's JSON is readable.
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["verdict"], "PASSED");
    assert_eq!(json["reasons"], serde_json::json!([]));
    assert_eq!(json["payload"]["code"], p.code.as_str());
    assert_eq!(json["payload"]["register_number"], "000123/Q01/2026-SCT/BS");
    assert_eq!(json["payload"]["document_type"], "birth_certificate");
    assert_eq!(json["payload"]["issue_date"], "2026-03-14");
    assert_eq!(json["payload"]["center"], "TTPVHCC-HN");
    assert_eq!(json["payload"]["page_count"], 2);
    assert_eq!(
        json["payload"]["pages_digest"],
        hex::encode(p.pages_digest).as_str()
    );
    // ...and reads back.
    let back: truecopy_qr::QrPayload =
        serde_json::from_value(json["payload"].clone()).expect("payload from json");
    assert_eq!(back, p);
}

#[test]
fn public_url_forms() {
    let p = payload();
    for (base, expect) in [
        ("https://saoy.hanoi.gov.vn/", "https://saoy.hanoi.gov.vn/c/"),
        (
            "https://saoy.hanoi.gov.vn/?x=1#f",
            "https://saoy.hanoi.gov.vn/c/",
        ),
        ("https://h.example/portal/", "https://h.example/portal/c/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/c/"),
    ] {
        let text = qr_text(&url::Url::parse(base).expect("url"), &p, "J.W.S");
        assert_eq!(text, format!("{expect}{}?t=J.W.S", p.code.as_str()));
    }
}

#[test]
fn signer_is_reused_and_fast() {
    let k = DevKeys::new();
    let signer = k.signer();
    let keys = k.keys();
    let p = payload();
    let start = std::time::Instant::now();
    for _ in 0..50 {
        let jws = signer.sign(&p).expect("sign");
        assert!(verify_token(&jws, &keys).is_passed());
    }
    let per = start.elapsed() / 50;
    println!("sign + verify: {per:?} each (debug build)");
}

#[test]
fn tampered_claims_fail_the_signature() {
    let k = DevKeys::new();
    let signer = k.signer();
    let keys = k.keys();
    let p = payload();
    let jws = signer.sign(&p).expect("sign");
    let (h, c, s) = segments(&jws);
    // Every single-character change anywhere in the claims segment.
    let bytes = c.as_bytes();
    for i in 0..bytes.len() {
        let mut t = bytes.to_vec();
        t[i] = if t[i] == b'A' { b'B' } else { b'A' };
        let t = String::from_utf8(t).expect("ascii");
        let forged = format!("{h}.{t}.{s}");
        let report = verify_token(&forged, &keys);
        assert_only(&report, Reason::QrSignatureInvalid, Verdict::Failed);
        assert_eq!(report.payload, None);
    }
    // A meaningful edit: another code, re-encoded properly.
    let claims = String::from_utf8(URL_SAFE_NO_PAD.decode(&c).expect("b64")).expect("utf8");
    let edited = claims.replace(p.code.as_str(), other_code().as_str());
    let forged = format!("{h}.{}.{s}", b64(&edited));
    assert_only(
        &verify_token(&forged, &keys),
        Reason::QrSignatureInvalid,
        Verdict::Failed,
    );
    // A flipped signature character.
    let mut sig = s.clone().into_bytes();
    sig[10] = if sig[10] == b'x' { b'y' } else { b'x' };
    let forged = format!("{h}.{c}.{}", String::from_utf8(sig).expect("ascii"));
    assert_only(
        &verify_token(&forged, &keys),
        Reason::QrSignatureInvalid,
        Verdict::Failed,
    );
}

#[test]
fn truncated_or_garbled_is_malformed() {
    let k = DevKeys::new();
    let keys = k.keys();
    let p = payload();
    let jws = k.signer().sign(&p).expect("sign");
    let text = qr_text(&public_url(), &p, &jws);
    for cut in [1, 2, 3, 10, 43, 86, 87, 100, jws.len() / 2, jws.len() - 1] {
        let t = &jws[..jws.len() - cut];
        let report = verify_token(t, &keys);
        assert_only(&report, Reason::QrMalformed, Verdict::Failed);
        let report = verify_qr_text(&text[..text.len() - cut], &keys);
        assert_only(&report, Reason::QrMalformed, Verdict::Failed);
    }
    let (h, c, s) = segments(&jws);
    let garbled = [
        String::new(),
        "not a token".to_string(),
        format!("{h}.{c}"),
        format!("{h}.{c}.{s}.{s}"),
        format!("{h}={}.{c}.{s}", ""),
        format!("{h}.{c}=.{s}"),
        format!("{h}.{c}.{s}=="),
        format!("{h}.{c}.{s}AAAA"),
        format!("{h}..{s}"),
        format!(".{c}.{s}"),
        // The signature re-encoded in standard base64 with padding.
        format!(
            "{h}.{c}.{}",
            base64::engine::general_purpose::STANDARD
                .encode(URL_SAFE_NO_PAD.decode(&s).expect("b64"))
        ),
        // A header with typ added, and one with crit.
        format!(
            "{}.{c}.{s}",
            b64(&format!(
                r#"{{"alg":"ES256","kid":"{}","typ":"JWT"}}"#,
                k.signer().kid()
            ))
        ),
        format!(
            "{}.{c}.{s}",
            b64(&format!(
                r#"{{"alg":"ES256","kid":"{}","crit":["exp"]}}"#,
                k.signer().kid()
            ))
        ),
        format!("{}.{c}.{s}", b64(r#"{"alg":"ES256"}"#)),
        format!("{}.{c}.{s}", b64(r#"{"alg":"ES256","kid":"ABCDEF01"}"#)),
        format!("{}.{c}.{s}", b64(r#"{"alg":"ES256","kid":"abc"}"#)),
        format!("{}.{c}.{s}", b64("[]")),
        format!("https://saoy.hanoi.gov.vn/c/{}", p.code.as_str()),
        format!("https://saoy.hanoi.gov.vn/x/{}?t={jws}", p.code.as_str()),
        format!("https://saoy.hanoi.gov.vn/c/?t={jws}"),
        format!(
            "https://saoy.hanoi.gov.vn/c/{}?t={jws}&t={jws}",
            p.code.as_str()
        ),
        format!("ftp://saoy.hanoi.gov.vn/c/{}?t={jws}", p.code.as_str()),
        format!(
            "https://saoy.hanoi.gov.vn/c/{}?t={jws}#frag",
            p.code.as_str()
        ),
        format!("https://[::1/c/{}?t={jws}", p.code.as_str()),
        "x".repeat(MAX_INPUT_LEN + 1),
        format!("{}{jws}", " ".repeat(MAX_INPUT_LEN)),
    ];
    for g in &garbled {
        let report = verify_qr_text(g, &keys);
        assert_eq!(report.verdict, Verdict::Failed, "{g:?}: {report:?}");
        assert_eq!(report.reasons, vec![Reason::QrMalformed], "{g:?}");
        assert_eq!(report.payload, None);
    }
}

#[test]
fn signed_claims_that_break_the_format_are_malformed() {
    // The right key signs claims this crate would never write.
    let k = DevKeys::new();
    let signer = k.signer();
    let keys = k.keys();
    let key = EncodingKey::from_ec_pem(k.private_pem.as_bytes()).expect("key");
    let header = b64(&format!(r#"{{"alg":"ES256","kid":"{}"}}"#, signer.kid()));
    let code = payload().code;
    let good = format!(
        r#"{{"v":1,"c":"{}","n":"123/1/2026","t":"diploma","d":"2026-03-14","i":"TTPVHCC-HN","p":"AAAAAAAAAAAAAAAAAAAAAA","k":1}}"#,
        code.as_str()
    );
    let sign = |claims: &str| {
        let msg = format!("{header}.{}", b64(claims));
        let sig = jsonwebtoken::crypto::sign(msg.as_bytes(), &key, Algorithm::ES256).expect("sign");
        format!("{msg}.{sig}")
    };
    assert!(verify_token(&sign(&good), &keys).is_passed());
    for bad in [
        good.replace(r#""v":1"#, r#""v":2"#),
        good.replace(r#""k":1"#, r#""k":0"#),
        good.replace(r#""k":1"#, r#""k":1,"x":1"#),
        good.replace("diploma", "passport"),
        good.replace("2026-03-14", "2026-02-30"),
        good.replace("TTPVHCC-HN", "ttpvhcc"),
        good.replace("123/1/2026", "000123/Q01/2026-SCT/BS"),
        good.replace("123/1/2026", "0/1/2026"),
        good.replace("AAAAAAAAAAAAAAAAAAAAAA", "AAAA"),
        good.replace(code.as_str(), &code.grouped()),
        good.replace(code.as_str(), &code.as_str().to_lowercase()),
        r#"{"v":1}"#.to_string(),
        "null".to_string(),
        "{".to_string(),
    ] {
        let report = verify_token(&sign(&bad), &keys);
        assert_only(&report, Reason::QrMalformed, Verdict::Failed);
        assert_eq!(report.kid.as_deref(), Some(signer.kid()));
    }
}

#[test]
fn unknown_key_is_indeterminate() {
    let a = DevKeys::new();
    let b = DevKeys::new();
    let p = payload();
    let jws = b.signer().sign(&p).expect("sign");
    assert_ne!(a.signer().kid(), b.signer().kid());
    let report = verify_token(&jws, &a.keys());
    assert_only(&report, Reason::QrUnknownKey, Verdict::Indeterminate);
    assert_eq!(report.kid.as_deref(), Some(b.signer().kid()));
    assert_eq!(report.payload, None);
    let report = verify_qr_text(&qr_text(&public_url(), &p, &jws), &a.keys());
    assert_only(&report, Reason::QrUnknownKey, Verdict::Indeterminate);
    // With no trusted key at all, too.
    let report = verify_token(&jws, &QrKeys::default());
    assert_only(&report, Reason::QrUnknownKey, Verdict::Indeterminate);
    // Trusting both keys (a key rollover) accepts both.
    let both = QrKeys::from_public_pems(&[&a.public_pem, &b.public_pem]).expect("keys");
    assert_eq!(both.len(), 2);
    assert!(verify_token(&jws, &both).is_passed());
    assert!(verify_token(&a.signer().sign(&p).expect("sign"), &both).is_passed());
}

#[test]
fn known_kid_signed_by_another_key_is_invalid() {
    let a = DevKeys::new();
    let b = DevKeys::new();
    let p = payload();
    let jws = a.signer().sign(&p).expect("sign");
    let (h, c, _) = segments(&jws);
    let msg = format!("{h}.{c}");
    let b_key = EncodingKey::from_ec_pem(b.private_pem.as_bytes()).expect("key");
    let sig = jsonwebtoken::crypto::sign(msg.as_bytes(), &b_key, Algorithm::ES256).expect("sign");
    let report = verify_token(&format!("{msg}.{sig}"), &a.keys());
    assert_only(&report, Reason::QrSignatureInvalid, Verdict::Failed);
    assert_eq!(report.kid.as_deref(), Some(a.signer().kid()));
}

#[test]
fn other_algorithms_are_refused() {
    let k = DevKeys::new();
    let keys = k.keys();
    let kid = k.signer().kid().to_string();
    let p = payload();
    let jws = k.signer().sign(&p).expect("sign");
    let (_, c, s) = segments(&jws);

    let mut forged = Vec::new();
    // alg none: empty signature, or the old signature kept.
    for alg in ["none", "None", "NONE"] {
        let h = b64(&format!(r#"{{"alg":"{alg}","kid":"{kid}"}}"#));
        forged.push(format!("{h}.{c}."));
        forged.push(format!("{h}.{c}.{s}"));
    }
    // HS256 keyed with the public key (the classic confusion attack), and other algorithms.
    for (alg, jalg) in [
        ("HS256", Algorithm::HS256),
        ("HS384", Algorithm::HS384),
        ("HS512", Algorithm::HS512),
    ] {
        let h = b64(&format!(r#"{{"alg":"{alg}","kid":"{kid}"}}"#));
        let msg = format!("{h}.{c}");
        for secret in [k.public_pem.as_bytes(), b"secret".as_slice()] {
            let sig =
                jsonwebtoken::crypto::sign(msg.as_bytes(), &EncodingKey::from_secret(secret), jalg)
                    .expect("hmac");
            forged.push(format!("{msg}.{sig}"));
        }
    }
    for alg in ["ES384", "RS256", "EdDSA", "es256", "PS256"] {
        let h = b64(&format!(r#"{{"alg":"{alg}","kid":"{kid}"}}"#));
        forged.push(format!("{h}.{c}.{s}"));
    }
    for f in &forged {
        let report = verify_token(f, &keys);
        assert_only(&report, Reason::QrMalformed, Verdict::Failed);
        assert_eq!(report.payload, None);
        let report = verify_qr_text(&format!("{PUBLIC_URL}/c/{}?t={f}", p.code.as_str()), &keys);
        assert_only(&report, Reason::QrMalformed, Verdict::Failed);
    }
}

#[test]
fn url_code_must_match_the_payload() {
    let k = DevKeys::new();
    let keys = k.keys();
    let p = payload();
    let jws = k.signer().sign(&p).expect("sign");
    let other = other_code();
    let text = format!("{PUBLIC_URL}/c/{}?t={jws}", other.as_str());
    let report = verify_qr_text(&text, &keys);
    assert_only(&report, Reason::QrMismatch, Verdict::Failed);
    // The verified payload is still shown, so the portal can say what the QR really is.
    assert_eq!(report.payload.as_ref(), Some(&p));
    assert_eq!(report.url_code.as_deref(), Some(other.as_str()));
    // A garbled code in the path disagrees too.
    let report = verify_qr_text(&format!("{PUBLIC_URL}/c/NOTACODE?t={jws}"), &keys);
    assert_only(&report, Reason::QrMismatch, Verdict::Failed);
    // The grouped or lower-case form of the same code is the same code.
    for same in [p.code.grouped(), p.code.as_str().to_lowercase()] {
        let report = verify_qr_text(&format!("{PUBLIC_URL}/c/{same}?t={jws}"), &keys);
        assert!(report.is_passed(), "{report:?}");
    }
    // Other query parameters are ignored; the host is not checked.
    let report = verify_qr_text(
        &format!(
            "https://elsewhere.example/c/{}?utm=x&t={jws}",
            p.code.as_str()
        ),
        &keys,
    );
    assert!(report.is_passed(), "{report:?}");
}

#[test]
fn jwks_round_trip() {
    let a = DevKeys::new();
    let b = DevKeys::new();
    let keys = QrKeys::from_public_pems(&[&a.public_pem, &b.public_pem]).expect("keys");
    let jwks = keys.to_jwks();
    let list = jwks["keys"].as_array().expect("keys array");
    assert_eq!(list.len(), 2);
    for jwk in list {
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["crv"], "P-256");
        assert_eq!(jwk["alg"], "ES256");
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["x"].as_str().map(str::len), Some(43));
    }
    assert_eq!(a.signer().public_jwk(), {
        let kid = a.signer().kid().to_string();
        list.iter()
            .find(|j| j["kid"] == kid.as_str())
            .cloned()
            .expect("a's jwk")
    });
    let back = QrKeys::from_jwks(&jwks.to_string()).expect("from_jwks");
    assert_eq!(back.kids(), keys.kids());
    let p = payload();
    assert!(verify_token(&a.signer().sign(&p).expect("sign"), &back).is_passed());
    // A JWKS whose kid lies is refused, and so is a non-P-256 key.
    let mut lying = jwks.clone();
    lying["keys"][0]["kid"] = "00000000".into();
    assert!(QrKeys::from_jwks(&lying.to_string()).is_err());
    let mut rsa = jwks.clone();
    rsa["keys"][0]["kty"] = "RSA".into();
    assert!(QrKeys::from_jwks(&rsa.to_string()).is_err());
    let mut off_curve = jwks;
    off_curve["keys"][0]["y"] = off_curve["keys"][0]["x"].clone();
    assert!(QrKeys::from_jwks(&off_curve.to_string()).is_err());
    // The signer's public PEM gives the same kid.
    let pem = a.signer().public_key_pem().expect("pem");
    assert_eq!(
        kid_of_public_pem(&pem).ok().as_deref(),
        Some(a.signer().kid())
    );
}

#[test]
fn bad_keys_and_payloads_are_refused_when_issuing() {
    let k = DevKeys::new();
    assert!(matches!(
        QrSigner::from_pem(&k.public_pem),
        Err(QrError::InvalidKey(_))
    ));
    assert!(matches!(
        QrSigner::from_pem("garbage"),
        Err(QrError::InvalidKey(_))
    ));
    assert!(QrKeys::from_public_pems(&[&k.private_pem]).is_err());
    assert!(
        QrKeys::from_public_pems(&["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"])
            .is_err()
    );
    let signer = k.signer();
    let mut p = payload();
    p.issue_date = "14/03/2026".into();
    assert!(matches!(signer.sign(&p), Err(QrError::InvalidPayload(_))));
    let mut p = payload();
    p.center = "Trung tâm".into();
    assert!(matches!(signer.sign(&p), Err(QrError::InvalidPayload(_))));
    let mut p = payload();
    p.page_count = 0;
    assert!(matches!(signer.sign(&p), Err(QrError::InvalidPayload(_))));
    let mut p = payload();
    p.version = 2;
    assert!(matches!(signer.sign(&p), Err(QrError::InvalidPayload(_))));
    // Debug output never shows the key.
    assert!(!format!("{signer:?}").contains("PRIVATE"));
}

/// A cheap fuzz: random mutations of a valid URL never panic and never pass unless unchanged.
#[test]
fn mutations_never_panic_nor_pass() {
    let k = DevKeys::new();
    let keys = k.keys();
    let p = payload();
    let jws = k.signer().sign(&p).expect("sign");
    let text = qr_text(&public_url(), &p, &jws);
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<char> = "ABCDEFabcdef0123456789-_.=/?&:%+ \u{0}ừ".chars().collect();
    for _ in 0..3000 {
        let mut chars: Vec<char> = text.chars().collect();
        let edits = 1 + next() % 3;
        for _ in 0..edits {
            let pos = (next() as usize) % (chars.len() + 1);
            let ch = alphabet[(next() as usize) % alphabet.len()];
            match next() % 3 {
                0 if pos < chars.len() => chars[pos] = ch,
                1 if pos < chars.len() => {
                    chars.remove(pos);
                }
                _ => chars.insert(pos, ch),
            }
        }
        let m: String = chars.into_iter().collect();
        let report = verify_qr_text(&m, &keys);
        if m.trim() != text {
            // Only changes the URL parser normalizes away, or in the path's code, can keep the
            // verdict; the token itself cannot change and still pass.
            if report.is_passed() {
                let t = url::Url::parse(m.trim()).ok().and_then(|u| {
                    u.query_pairs()
                        .find(|(k, _)| k == "t")
                        .map(|(_, v)| v.into_owned())
                });
                assert_eq!(t.as_deref(), Some(jws.as_str()), "{m:?} passed");
            }
        }
        let _ = verify_token(&m, &keys);
    }
}
