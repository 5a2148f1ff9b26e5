//! End to end in a real terminal: the console's UI runs in tmux (send-keys / capture-pane), an
//! officer logs in, opens the flagged case, approves it in three keys, and `pdfsig` then finds
//! the issued copy valid with two signatures.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::*;
use truecopy_domain::{CaseState, CheckCode};
use truecopy_tests::both_backends;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        let tmux = std::path::Path::new("/usr/bin/tmux");
        assert!(
            tmux.exists(),
            "tmux is missing: run `bash scripts/setup.sh` (it installs tmux)"
        );
        Command::new(tmux)
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "ui"];
        args.extend_from_slice(keys);
        let o = self.run(&args);
        assert!(o.status.success(), "send-keys: {}", stderr(&o));
    }

    fn literal(&self, text: &str) {
        let o = self.run(&["send-keys", "-t", "ui", "-l", text]);
        assert!(o.status.success(), "send-keys: {}", stderr(&o));
    }

    fn screen(&self) -> String {
        stdout(&self.run(&["capture-pane", "-p", "-t", "ui"]))
    }

    fn wait_for(&self, what: &str) -> String {
        let until = Instant::now() + Duration::from_secs(90);
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(Instant::now() < until, "{what:?} never appeared:\n{s}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

both_backends! {
    fn an_officer_approves_in_a_real_terminal(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 31);
        drop(office);
        let tmux = Tmux {
            socket: format!("truecopy-test-{}", std::process::id() ^ (case.id.len() as u32) ^ rand_suffix()),
        };
        // The UI's environment: this test's database, keys and blobs; the passphrase is typed.
        let mut command = String::from("env -u TRUECOPY_OFFICER_PASSPHRASE -u TRUECOPY_CONFIG");
        for (k, v) in &env.vars {
            command.push_str(&format!(" {k}='{v}'"));
        }
        command.push_str(&format!(" {CONSOLE} tui --officer o1; sleep 30"));
        let o = tmux.run(&[
            "new-session", "-d", "-s", "ui", "-x", "150", "-y", "45",
            "-c", env.dir.path().to_str().unwrap(), &command,
        ]);
        assert!(o.status.success(), "tmux new-session: {}", stderr(&o));
        tmux.wait_for("Passphrase");
        std::thread::sleep(Duration::from_millis(500));
        tmux.literal(PASSPHRASE);
        tmux.keys(&["Enter"]);
        tmux.wait_for(&case.id);
        tmux.keys(&["Enter"]);
        tmux.wait_for("Checks");
        tmux.keys(&["y"]);
        tmux.wait_for("co-signed with your key");
        tmux.keys(&["y"]);
        let screen = tmux.wait_for("approved: copy");
        assert!(screen.contains("(2 signatures)"), "{screen}");
        tmux.keys(&["q"]);
        // The UI left the alternate screen: the shell's `sleep` runs on a normal screen.
        let until = Instant::now() + Duration::from_secs(10);
        while tmux.screen().contains("officers' console") {
            assert!(Instant::now() < until, "the UI did not quit:\n{}", tmux.screen());
            std::thread::sleep(Duration::from_millis(200));
        }
        let mut reg = db.registry();
        assert_eq!(reg.get_case(&case.id).unwrap().state, CaseState::Approved);
        let copy = reg.copy_of_case(&case.id).unwrap().expect("copy");
        let pdf = env.office().get_blob(&copy.pdf_blob).expect("pdf");
        let path = env.path("copy.pdf");
        std::fs::write(&path, &pdf).expect("write");
        assert_pdfsig_valid(&path, &env.ca(), 2);
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}
