//! Retrieval by e-mail, end to end through a real SMTP server on loopback (aiosmtpd, started
//! here): the kiosk's call sends the message, the test reads what the server received, follows
//! the link, downloads the PDF; then expired link, revoked link and revoked copy each get their
//! own page. On SQLite and PostgreSQL.

mod common;

use common::{Env, revoke};
use truecopy_mail::{TokenSigner, send_retrieval_link};
use truecopy_tests::both_backends;

/// The body of a (possibly quoted-printable or base64) plain-text message, decoded.
fn body_text(raw: &str) -> String {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .expect("head and body");
    let head_l = head.to_ascii_lowercase();
    if head_l.contains("content-transfer-encoding: base64") {
        return base64_decode(&body.replace(['\r', '\n'], ""));
    }
    if head_l.contains("content-transfer-encoding: quoted-printable") {
        return qp_decode(body);
    }
    body.to_string()
}

fn base64_decode(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = T.iter().position(|t| *t == c).expect("base64") as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    String::from_utf8(out).expect("utf-8")
}

fn qp_decode(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

both_backends! {
    fn the_link_in_the_mail_downloads_the_copy(db) {
        let smtp = truecopy_tests::smtp::SmtpSink::start_temp();
        let port = smtp.port.to_string();
        let env = Env::with(db, &[("TRUECOPY_MAIL__PORT", &port), ("TRUECOPY_MAIL__HOST", "127.0.0.1")]);
        let mut reg = db.registry();
        let issued = env.issue(&mut reg);
        let app = env.app();

        let sent = send_retrieval_link(&mut reg, &env.cfg.mail, &env.cfg, &issued.copy.code, "citizen@example.vn")
            .expect("sent");
        let link = reg.get_email_link(&sent.jti).expect("recorded");
        assert!(link.sent_at.is_some(), "marked sent");
        assert_eq!(link.copy_code, issued.code());

        let raw = smtp.message(1);
        assert!(raw.contains("X-Envelope-To: citizen@example.vn"));
        let body = body_text(&raw);
        assert!(body.contains("Bản sao điện tử có chứng thực"), "{body}");
        assert!(body.contains("electronic certified copy"), "{body}");
        assert!(body.contains(&issued.copy.code.grouped()));
        let url = body
            .split_whitespace()
            .find(|w| w.starts_with(common::PUBLIC_URL) && w.contains("/r/"))
            .expect("a link in the message");
        assert_eq!(url, sent.url);
        let path = url.strip_prefix(common::PUBLIC_URL).expect("public url");

        let page = app.get(path);
        assert_eq!(page.status, 200, "{}", page.text());
        assert!(page.text().contains("id=\"download\""));
        let pdf = app.get(&format!("{path}/copy.pdf"));
        assert_eq!(pdf.status, 200);
        assert_eq!(pdf.header("content-type"), "application/pdf");
        assert_eq!(&pdf.body[..], &issued.pdf[..]);

        // Revoked link: its own page; the copy itself is still valid.
        reg.revoke_email_link(&sent.jti, "officer:o1").expect("revoke link");
        let r = app.get(path);
        assert_eq!(r.status, 410);
        assert!(r.text().contains("data-error=\"link_revoked\"") && r.text().contains("Liên kết đã bị hủy"));
        assert_eq!(app.get(&format!("{path}/copy.pdf")).status, 410);
        assert_eq!(app.get(&format!("/api/v1/copies/{}", issued.code())).json()["status"], "VALID");

        // Expired link: signed 31 days ago for 30 days.
        let signer = TokenSigner::from_file(&env.cfg.keys.token_key).expect("signer");
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let (claims, old) = signer.sign(&issued.copy.code, now - 31 * 86_400, 30).expect("sign");
        reg.record_email_link(&claims.jti, &issued.copy.code, "citizen@example.vn", "2000-01-01T00:00:00.000Z", "test")
            .expect("record");
        let e = app.get_lang(&format!("/r/{old}"), "en");
        assert_eq!(e.status, 410);
        assert!(e.text().contains("data-error=\"link_expired\"") && e.text().contains("Link expired"));

        // A second, fresh link; then the copy is revoked: "copy revoked", not "link expired".
        let second = send_retrieval_link(&mut reg, &env.cfg.mail, &env.cfg, &issued.copy.code, "citizen@example.vn")
            .expect("sent again");
        let _ = smtp.message(2);
        let p2 = second.url.strip_prefix(common::PUBLIC_URL).expect("url").to_string();
        assert_eq!(app.get(&p2).status, 200);
        revoke(&mut reg, &issued.copy.code);
        let cr = app.get(&p2);
        assert_eq!(cr.status, 410);
        assert!(cr.text().contains("data-error=\"copy_revoked\"") && cr.text().contains("Bản sao đã bị thu hồi"));
        assert_eq!(app.get(&format!("{p2}/copy.pdf")).status, 410);

        // A link never recorded (signed with our key, unknown jti) and a forged one: invalid.
        let (_, unrecorded) = signer.sign(&issued.copy.code, now, 30).expect("sign");
        assert_eq!(app.get(&format!("/r/{unrecorded}")).status, 400);
        // Change a character well inside the signature (the last one carries padding bits, and
        // some substitutions there decode to the same bytes).
        let k = second.token.len() - 10;
        let c = if &second.token[k..=k] == "A" { "B" } else { "A" };
        let forged = format!("{}{c}{}", &second.token[..k], &second.token[k + 1..]);
        let f = app.get(&format!("/r/{forged}"));
        assert!(f.status == 400 && f.text().contains("link_invalid"));
    }
}

#[test]
fn an_unreachable_smtp_server_is_a_clear_error() {
    let db = truecopy_tests::TestDb::sqlite();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
        .to_string();
    let env = Env::with(&db, &[("TRUECOPY_MAIL__PORT", &port)]);
    let mut reg = db.registry();
    let issued = env.issue(&mut reg);
    let err = send_retrieval_link(
        &mut reg,
        &env.cfg.mail,
        &env.cfg,
        &issued.copy.code,
        "citizen@example.vn",
    )
    .expect_err("nobody listens");
    assert!(
        err.to_string()
            .contains(&format!("SMTP server 127.0.0.1:{port}")),
        "{err}"
    );
    let bad = send_retrieval_link(
        &mut reg,
        &env.cfg.mail,
        &env.cfg,
        &issued.copy.code,
        "not an address",
    );
    assert!(matches!(bad, Err(truecopy_mail::MailError::Address(_))));
}
