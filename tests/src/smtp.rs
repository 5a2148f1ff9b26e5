//! A real SMTP server on loopback for tests: `portal/tests/smtp_sink.py` on Debian's
//! python3-aiosmtpd (scripts/setup.sh installs it), writing each message to `<dir>/<n>.eml`.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl SmtpSink {
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
        }
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
