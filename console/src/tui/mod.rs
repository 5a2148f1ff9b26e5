//! The officers' terminal UI (ratatui + crossterm).
//!
//! - [`app`]: the state and the ONE key table (help bar and dispatch); pure.
//! - [`component`]: the `Component` trait; each screen ([`login`], [`queue`], [`case`],
//!   [`register`], [`audit`], [`stats`]) and each dialog ([`dialog`]) is one: its help bar, its drawing and
//!   its key handling.
//! - [`view`]: the frame around the components (title, status line, help bar).
//! - [`worker`]: the thread that owns the desk and does all I/O; the UI thread never blocks on
//!   the database or the blob store.
//!
//! `ratatui::init` installs a panic hook that leaves the alternate screen and disables raw mode
//! before the panic is printed, so a crash never leaves the terminal unusable.

pub mod app;
pub mod audit;
pub mod case;
pub mod component;
pub mod dialog;
pub mod login;
pub mod queue;
pub mod register;
pub mod stats;
pub mod view;
pub mod worker;

use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};
use time::OffsetDateTime;
use truecopy_config::Config;

pub use app::{App, Request, Response};
pub use view::Painter;

/// How often the worker re-reads the queue while idle.
pub const POLL: Duration = Duration::from_secs(3);

/// Runs the UI until the officer quits.
/// Whether to ask the terminal which graphics protocol it speaks (kitty, sixel, iTerm2) rather
/// than draw half-blocks, which work everywhere. `TRUECOPY_CONSOLE_GRAPHICS` decides when set
/// (`auto` asks, `halfblocks` does not); otherwise the terminal is asked unless the console runs
/// inside tmux or screen, where the multiplexer's late answer was seen to swallow the first
/// keystrokes of the passphrase.
pub fn ask_for_graphics(setting: Option<&str>, multiplexed: bool) -> bool {
    match setting {
        Some("auto") => true,
        Some(_) => false,
        None => !multiplexed,
    }
}

pub fn run(cfg: Config, holidays: Vec<time::Date>, officer: Option<String>) -> anyhow::Result<()> {
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    let (resp_tx, resp_rx) = mpsc::channel::<Response>();
    let worker = worker::spawn(cfg, holidays, POLL, req_rx, resp_tx);
    let mut terminal = ratatui::try_init()?;
    let picker = if ask_for_graphics(
        std::env::var("TRUECOPY_CONSOLE_GRAPHICS").ok().as_deref(),
        std::env::var_os("TMUX").is_some() || std::env::var_os("STY").is_some(),
    ) {
        let p = ratatui_image::picker::Picker::from_query_stdio()
            .unwrap_or_else(|_| ratatui_image::picker::Picker::halfblocks());
        // A late answer to that query must not be read as keys.
        while event::poll(Duration::from_millis(150))? {
            let _ = event::read()?;
        }
        p
    } else {
        ratatui_image::picker::Picker::halfblocks()
    };
    let mut painter = Painter::new(picker);
    let mut app = App::new(officer, OffsetDateTime::now_utc());
    let result = (|| -> anyhow::Result<()> {
        while !app.quit {
            app.now = OffsetDateTime::now_utc();
            terminal.draw(|f| view::draw(f, &app, &mut painter))?;
            if event::poll(Duration::from_millis(100))?
                && let Event::Key(k) = event::read()?
                && k.kind == KeyEventKind::Press
                && let Some(req) = app.on_key(k)
                && req_tx.send(req).is_err()
            {
                anyhow::bail!("the worker thread stopped");
            }
            while let Ok(r) = resp_rx.try_recv() {
                app.on_response(r);
            }
        }
        Ok(())
    })();
    // The worker (and with it the database connection) ends before the terminal is restored:
    // once the console's screen is gone, the register is free (SQLite checkpoints its WAL when
    // the last connection closes, and a reader opening it meanwhile was seen to get "database
    // is locked").
    drop(req_tx);
    let _ = worker.join();
    ratatui::try_restore()?;
    result
}
