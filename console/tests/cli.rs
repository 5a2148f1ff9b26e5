//! The console binary as an operator meets it: bad input gives one line, exit status 2 and
//! nothing written; the audit check exits 1 and names the broken record.

use std::path::Path;
use std::process::{Command, Output};

use truecopy_tests::both_backends;

const CONSOLE: &str = env!("CARGO_BIN_EXE_console");

fn console(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(CONSOLE);
    cmd.current_dir(dir).args(args);
    for var in [
        "DATABASE_URL",
        "TRUECOPY_CONFIG",
        "RUST_LOG",
        "TRUECOPY_OFFICER_PASSPHRASE",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run console")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The lines that say what went wrong (log lines aside).
fn error_lines(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn malformed_database_url_is_one_line_exit_2_nothing_written() {
    let dir = tempfile::tempdir().expect("tmp");
    for url in [
        "mysql://root@localhost/x",
        "postgres://host-without-db",
        "data/x.db",
        "postgres://u:hunter22@/db",
    ] {
        let o = console(dir.path(), &["status"], &[("DATABASE_URL", url)]);
        assert_eq!(o.status.code(), Some(2), "{url}: {}", stderr(&o));
        let lines = error_lines(&o);
        assert_eq!(lines.len(), 1, "{}", stderr(&o));
        assert!(
            lines[0].contains("database.url") && lines[0].contains("sqlite://"),
            "{}",
            lines[0]
        );
        assert!(
            !stderr(&o).contains("hunter22"),
            "password leaked: {}",
            stderr(&o)
        );
    }
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[test]
fn invalid_config_values_are_one_line_exit_2_nothing_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        ("[center]\nregister_book = 0\n", "center.register_book"),
        ("[log]\nformat = \"xml\"\n", "log.format"),
        ("[portal]\nlisten = \"everywhere\"\n", "portal.listen"),
        ("[databse]\nurl = \"sqlite://x.db\"\n", "databse"),
        ("[center\n", "invalid configuration"),
    ];
    for (text, needle) in cases {
        std::fs::write(dir.path().join("bad.toml"), text).expect("write");
        let o = console(dir.path(), &["--config", "bad.toml", "status"], &[]);
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        let lines = error_lines(&o);
        assert_eq!(lines.len(), 1, "{}", stderr(&o));
        assert!(lines[0].contains(needle), "{needle} not in {}", lines[0]);
    }
    let o = console(dir.path(), &["--config", "missing.toml", "status"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(error_lines(&o)[0].contains("missing.toml"));
    assert_eq!(entries(dir.path()), ["bad.toml"]);
}

#[test]
fn missing_or_broken_key_file_is_named_exit_2_nothing_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let add = |cert: &str| {
        console(
            dir.path(),
            &[
                "officer",
                "add",
                "--id",
                "o1",
                "--name",
                "Nguyễn Văn An",
                "--title",
                "Chuyên viên",
                "--cert",
                cert,
            ],
            &[],
        )
    };
    let o = add("nowhere.pem");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(error_lines(&o)[0].contains("nowhere.pem"), "{}", stderr(&o));
    std::fs::write(
        dir.path().join("junk.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
    )
    .expect("write");
    let o = add("junk.pem");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(error_lines(&o)[0].contains("junk.pem"), "{}", stderr(&o));
    assert_eq!(entries(dir.path()), ["junk.pem"]);
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().expect("tmp");
    for args in [
        vec!["--help"],
        vec!["db", "--help"],
        vec!["db", "migrate", "--help"],
        vec!["db", "status", "--help"],
        vec!["db", "revert-all", "--help"],
        vec!["keys", "--help"],
        vec!["keys", "init", "--help"],
        vec!["kiosk", "add", "--help"],
        vec!["kiosk", "list", "--help"],
        vec!["officer", "add", "--help"],
        vec!["officer", "list", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "show", "--help"],
        vec!["status", "--help"],
        vec!["queue", "--help"],
        vec!["approve", "--help"],
        vec!["refuse", "--help"],
        vec!["rescan", "--help"],
        vec!["revoke", "--help"],
        vec!["confirm-revocation", "--help"],
        vec!["tui", "--help"],
    ] {
        let o = console(dir.path(), &args, &[]);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
    let o = console(dir.path(), &["db", "revert-all"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(error_lines(&o)[0].contains("--yes"));
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[test]
fn keys_init_takes_the_passphrase_from_the_environment_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let officer = ["keys", "init", "--officer", "o1:Nguyễn Văn An:Chuyên viên"];
    let o = console(dir.path(), &officer, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(error_lines(&o)[0].contains("TRUECOPY_OFFICER_PASSPHRASE"));
    assert!(entries(dir.path()).is_empty());
    let o = console(
        dir.path(),
        &officer,
        &[("TRUECOPY_OFFICER_PASSPHRASE", "correct horse battery")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in [
        "ca.cert.pem",
        "seal.key.pem",
        "officers/o1.key.pem",
        "qr.key.pem",
        "token.pub.pem",
    ] {
        assert!(dir.path().join("keys/dev").join(f).exists(), "{f}");
    }
    let again = console(dir.path(), &["keys", "init"], &[]);
    assert!(
        stdout(&again).contains("kept    keys/dev/seal.key.pem"),
        "{}",
        stdout(&again)
    );
}

both_backends! {
    fn audit_verify_exits_1_and_names_the_edited_record(db) {
        let dir = tempfile::tempdir().expect("tmp");
        let url = db.url_string();
        let env = [("DATABASE_URL", url.as_str())];
        let ok = |args: &[&str]| {
            let o = console(dir.path(), args, &env);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            stdout(&o)
        };
        ok(&["kiosk", "add", "--id", "K01", "--name", "Kiosk 1", "--location", "Hà Đông"]);
        ok(&["officer", "add", "--id", "o1", "--name", "Nguyễn Văn An", "--title", "Chuyên viên"]);
        ok(&["officer", "add", "--id", "o2", "--name", "Trần Thị Bình", "--title", "Chuyên viên"]);
        let out = ok(&["audit", "verify"]);
        assert!(out.contains("intact: 3 records"), "{out}");
        db.execute_raw("UPDATE audit_log SET detail = '{\"full_name\":\"X\"}' WHERE seq = 2");
        let o = console(dir.path(), &["audit", "verify"], &env);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stdout(&o).contains("BROKEN at record 2"), "{}", stdout(&o));
        let o = console(dir.path(), &["audit", "verify", "--json"], &env);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["broken"]["kind"], "hash_mismatch");
        assert_eq!(v["broken"]["seq"], 2);
    }
}

#[test]
fn the_ui_without_a_terminal_is_one_line_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
        dir: dir.path().join("keys/dev"),
        center_name: "Trung tâm".into(),
        officers: vec![],
        force: false,
    })
    .expect("dev pki");
    for args in [vec![], vec!["tui"]] {
        let o = console(dir.path(), &args, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let lines = error_lines(&o);
        assert_eq!(lines.len(), 1, "{}", stderr(&o));
        assert!(lines[0].contains("needs a terminal"), "{}", lines[0]);
    }
}

/// `console … | head` closing the pipe early ends the command quietly: no panic message, the
/// command's own exit status (0), and the work done (here: the migrations applied).
#[test]
fn a_reader_that_closes_the_pipe_is_not_a_crash() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("x.sqlite3");
    let url = format!("sqlite://{}", db.display());
    let mut cmd = Command::new(CONSOLE);
    cmd.current_dir(dir.path())
        .args(["db", "migrate"])
        .env_remove("TRUECOPY_CONFIG")
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", &url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn console");
    // The reader goes away before the console writes its line.
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(db.exists(), "the command still did its work");
}
