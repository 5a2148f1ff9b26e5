//! A real SMTP server on loopback for tests: `portal/tests/smtp_sink.py` on Debian's
//! python3-aiosmtpd (scripts/setup.sh installs it), writing each message to `<dir>/<n>.eml`.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl SmtpSink {
    /// Starts the server with messages in a temporary folder of its own.
    pub fn start_temp() -> SmtpSink {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut sink = SmtpSink::start(&tmp.path().join("inbox"));
        sink._tmp = Some(tmp);
        sink
    }

    /// Starts the server on a free loopback port; messages land in `dir` (created).
    pub fn start(dir: &Path) -> SmtpSink {
        std::fs::create_dir_all(dir).expect("mail dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../portal/tests/smtp_sink.py");
        // Debian's interpreter, where python3-aiosmtpd is installed (not a pyenv or venv one).
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("/usr/bin/python3 runs (scripts/setup.sh installs python3-aiosmtpd)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        assert_eq!(
            line.trim(),
            "READY",
            "the SMTP test server did not start: is python3-aiosmtpd installed (scripts/setup.sh)?"
        );
        SmtpSink {
            child,
            port,
            dir: dir.to_path_buf(),
            _tmp: None,
        }
    }

    /// Waits (up to 20 s) for the `n`-th message (from 1) and returns it raw.
    pub fn message(&self, n: usize) -> String {
        let path = self.dir.join(format!("{n}.eml"));
        let start = Instant::now();
        while !path.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no message {n} arrived"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::fs::read_to_string(&path).expect("message")
    }

    /// Every message received so far, raw, in arrival order.
    pub fn messages(&self) -> Vec<String> {
        let mut v: Vec<_> = std::fs::read_dir(&self.dir)
            .expect("mail dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        v.sort();
        v.iter()
            .map(|p| std::fs::read_to_string(p).expect("eml"))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
