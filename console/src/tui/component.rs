//! The [`Component`] trait (gitui's habit): every screen and every dialog is a component that
//! names the context it reads keys in (its help bar comes from the ONE key table
//! [`KEYS`](super::app::KEYS)), draws itself, and turns an action of that context into a change
//! of the state and maybe a [`Request`] for the worker.
//!
//! The components are stateless unit structs: the state they show and change lives in [`App`],
//! so the worker's answers ([`App::on_response`]) reach it whichever screen is up.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::{Action, App, Ctx, KEYS, Request};
use super::view::Painter;

/// One screen or dialog of the console.
pub trait Component: Sync {
    /// The row of the key table this component reads keys in, given the state.
    fn ctx(&self, app: &App) -> Ctx;

    /// The help bar's entries: the bindings of [`Component::ctx`] in [`KEYS`] that are shown.
    fn commands(&self, app: &App) -> Vec<(&'static str, &'static str)> {
        commands_for(self.ctx(app))
    }

    /// Draws the component into `area` (no I/O: everything comes from the state).
    fn draw(&self, f: &mut Frame, area: Rect, app: &App, painter: &mut Painter);

    /// Applies an action bound in this component's context; returns the worker's job, if any.
    fn on_action(&self, app: &mut App, action: Action) -> Option<Request>;

    /// A key no binding claims (text fields take characters and Backspace).
    fn on_text(&self, _app: &mut App, _key: KeyCode) {}
}

/// The shown bindings of `ctx`, in table order.
pub fn commands_for(ctx: Ctx) -> Vec<(&'static str, &'static str)> {
    KEYS.iter()
        .filter(|k| k.ctx == ctx && !k.shown.is_empty())
        .map(|k| (k.shown, k.label))
        .collect()
}

/// Edits a one-line text field with a key no binding claimed.
pub fn edit(field: &mut String, key: KeyCode) {
    match key {
        KeyCode::Char(c) => field.push(c),
        KeyCode::Backspace => {
            field.pop();
        }
        _ => {}
    }
}
