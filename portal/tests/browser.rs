//! The portal in a real headless Chromium (Debian `chromium` + `chromium-driver`), driven with
//! fantoccini over WebDriver: open a copy's QR link → VALID; revoke it (two officers) → reload →
//! REVOKED; upload a tampered PDF → FAILED; switch language. Screenshots go to
//! `target/portal-screenshots/`. Without chromedriver this test FAILS (it is never skipped).

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, revoke};
use fantoccini::{ClientBuilder, Locator};
use portal::state::ServeOptions;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

fn start_chromedriver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver cannot be started ({e}): install Debian's chromium and chromium-driver \
                 (scripts/setup.sh does). This test needs a real browser and is never skipped."
            )
        });
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (Driver(child), port)
}

/// Waits until the page holds `text` (navigation after a click is asynchronous).
async fn wait_for(c: &fantoccini::Client, text: &str) {
    let start = Instant::now();
    loop {
        if c.source().await.map(|s| s.contains(text)).unwrap_or(false) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the page never showed {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/portal-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

#[test]
fn qr_link_revocation_tampered_upload_and_language_in_chromium() {
    let db = truecopy_tests::TestDb::sqlite();
    let env = Env::new(&db);
    let mut reg = db.registry();
    let issued = env.issue(&mut reg);
    let tampered = {
        let mut t = issued.pdf.clone();
        let at = t.windows(6).position(|w| w == b"stream").expect("stream") + 40;
        t[at] ^= 1;
        t
    };
    let tampered_path = env.dir.path().join("tampered-copy.pdf");
    std::fs::write(&tampered_path, &tampered).expect("write");

    let state = env.state(ServeOptions {
        lookups_per_minute: 0,
        db_connections: 4,
    });
    let listener = env
        .rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    env.rt.spawn(async move {
        let _ = axum::serve(
            listener,
            portal::app::router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    let base = format!("http://{addr}");
    let (_driver, dport) = start_chromedriver();
    let profile = tempfile::tempdir().expect("profile");
    let shots = shots_dir();
    let qr_path = issued
        .qr_text
        .strip_prefix(common::PUBLIC_URL)
        .expect("public url")
        .to_string();
    let code = issued.copy.code.clone();

    env.rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1100,1400",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let c = ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{dport}"))
        .await
        .expect("a WebDriver session in headless Chromium");
        let shot = |name: &'static str| {
            let c = c.clone();
            let path = shots.join(name);
            async move {
                let png = c.screenshot().await.expect("screenshot");
                std::fs::write(&path, png).expect("save screenshot");
            }
        };
        let verdict = |c: fantoccini::Client| async move {
            c.find(Locator::Id("verdict"))
                .await
                .expect("a verdict")
                .attr("data-verdict")
                .await
                .expect("attr")
                .unwrap_or_default()
        };

        // The QR's link: VALID, with the QR's token checked.
        c.goto(&format!("{base}{qr_path}")).await.expect("open QR link");
        assert_eq!(verdict(c.clone()).await, "VALID");
        let qr = c.find(Locator::Id("qr-check")).await.expect("qr check");
        assert_eq!(qr.attr("data-verdict").await.expect("attr").as_deref(), Some("PASSED"));
        let src = c.source().await.expect("source");
        assert!(src.contains("NGUYỄN V. A."));
        // Chromium asks for English (Accept-Language: en-US): the portal answers in English.
        assert!(src.contains("VALID COPY"), "English by Accept-Language");
        // The page images are loaded (the browser fetched and decoded them).
        let start = Instant::now();
        loop {
            let widths = c
                .execute(
                    "return Array.from(document.querySelectorAll('.pages img')).map(i => i.complete ? i.naturalWidth : 0)",
                    vec![],
                )
                .await
                .expect("js");
            let widths: Vec<u64> = serde_json::from_value(widths).expect("widths");
            assert_eq!(widths.len(), 3);
            if widths.iter().all(|w| *w > 100) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "page images not shown: {widths:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        shot("1-valid-en.png").await;

        // Switch language with the visible link.
        c.find(Locator::Id("lang-switch")).await.expect("switch").click().await.expect("click");
        wait_for(&c, "BẢN SAO HỢP LỆ").await;
        assert!(c.current_url().await.expect("url").as_str().contains("lang=vi"));
        shot("2-valid-vi.png").await;

        // Two officers revoke it; reload: REVOKED.
        let mut reg2 = db.registry();
        let code2 = code.clone();
        tokio::task::spawn_blocking(move || revoke(&mut reg2, &code2)).await.expect("revoke");
        c.refresh().await.expect("reload");
        assert_eq!(verdict(c.clone()).await, "REVOKED");
        assert!(c.source().await.expect("source").contains("BẢN SAO ĐÃ BỊ THU HỒI"));
        shot("3-revoked-vi.png").await;
        c.goto(&format!("{base}/c/{}", code.as_str())).await.expect("en");
        wait_for(&c, "THIS COPY HAS BEEN REVOKED").await;
        shot("4-revoked-en.png").await;

        // Upload a tampered PDF through the form: FAILED.
        c.goto(&format!("{base}/?lang=en")).await.expect("home");
        let input = c.find(Locator::Id("file")).await.expect("file input");
        input.send_keys(&tampered_path.display().to_string()).await.expect("choose file");
        c.find(Locator::Css("#upload-form button")).await.expect("button").click().await.expect("submit");
        let start = Instant::now();
        loop {
            if let Ok(e) = c.find(Locator::Id("verdict")).await {
                assert_eq!(e.attr("data-verdict").await.expect("attr").as_deref(), Some("FAILED"));
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no verdict after upload");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let src = c.source().await.expect("source");
        assert!(src.contains("digest_mismatch") && src.contains("FILE NOT VALID"));
        shot("5-tampered-upload-en.png").await;

        // A mistyped code typed into the form.
        c.goto(&format!("{base}/?lang=vi")).await.expect("home");
        let mut typed = issued.copy.code.grouped();
        typed.pop();
        typed.push(if issued.copy.code.as_str().ends_with('X') { 'Y' } else { 'X' });
        c.find(Locator::Id("code")).await.expect("code").send_keys(&typed).await.expect("type");
        c.find(Locator::Css("#code-form button")).await.expect("button").click().await.expect("submit");
        wait_for(&c, "data-verdict=\"MISTYPED\"").await;
        assert_eq!(verdict(c.clone()).await, "MISTYPED");
        shot("6-mistyped-vi.png").await;

        c.close().await.expect("close session");
    });
}
