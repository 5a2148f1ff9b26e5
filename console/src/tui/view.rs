//! Drawing: the frame around the components (title, status line, help bar from the current
//! component's commands), the shared styles, and the [`Painter`] that keeps the encoded page
//! image between frames (ratatui-image: kitty, sixel or iTerm2 where the terminal has them,
//! half-blocks otherwise). Each screen and dialog draws itself ([`super::component`]).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use truecopy_domain::deadline::ClockStatus;

use super::app::{App, Level};

/// What the renderer keeps between frames: the image protocol and the encoded page.
pub struct Painter {
    pub picker: Picker,
    pub(super) cached: Option<(PageKey, Protocol)>,
    /// The encoded face crops (ID portrait, selfie) of the open case.
    pub(super) faces: Option<(FaceKey, [Option<Protocol>; 2])>,
}

/// What the encoded page depends on: case, page, zoom, rotation and the area's size.
pub(super) type PageKey = (String, usize, bool, u8, u16, u16);

/// What the encoded face crops depend on: case and the size of each one's area.
pub(super) type FaceKey = (String, u16, u16);

impl std::fmt::Debug for Painter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Painter").finish_non_exhaustive()
    }
}

impl Painter {
    pub fn new(picker: Picker) -> Painter {
        Painter {
            picker,
            cached: None,
            faces: None,
        }
    }

    /// Half-blocks only (tests, and terminals that answer no graphics query).
    pub fn halfblocks() -> Painter {
        Painter::new(Picker::halfblocks())
    }
}

pub(super) const RED: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub(super) const GREEN: Style = Style::new().fg(Color::Green);
pub(super) const YELLOW: Style = Style::new().fg(Color::Yellow);
pub(super) const DIM: Style = Style::new().fg(Color::DarkGray);
pub(super) const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);

pub fn draw(f: &mut Frame, app: &App, painter: &mut Painter) {
    let [title, body, status, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let who = app
        .officer
        .as_ref()
        .map(|(id, name)| format!("{name} ({id})"))
        .unwrap_or_else(|| "not logged in".into());
    let conn = if app.online { "online" } else { "OFFLINE" };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" truecopy · officers' console ", BOLD),
            Span::raw(format!("│ {who} │ {conn}")),
        ]))
        .style(Style::new().bg(Color::Blue).fg(Color::White)),
        title,
    );
    app.screen_component().draw(f, body, app, painter);
    if app.dialog.is_some() {
        app.component().draw(f, body, app, painter);
    }
    let (style, text) = match &app.status {
        Some((Level::Error, m)) => (RED, m.clone()),
        Some((Level::Info, m)) => (GREEN, m.clone()),
        None if app.busy => (YELLOW, "working…".into()),
        None => (DIM, String::new()),
    };
    f.render_widget(Paragraph::new(text).style(style), status);
    let mut spans = Vec::new();
    for (k, label) in app.commands() {
        spans.push(Span::styled(
            format!(" {k} "),
            Style::new().bg(Color::Gray).fg(Color::Black),
        ));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), help);
}

pub(super) fn clock_style(c: ClockStatus) -> Style {
    match c {
        ClockStatus::Overdue => RED,
        ClockStatus::Today => YELLOW,
        ClockStatus::Later => Style::new(),
    }
}

/// `2026-12-02T17:00:00+07:00` → `02/12 17:00`.
pub(super) fn short_time(rfc3339: &str) -> String {
    match truecopy_domain::timefmt::parse(rfc3339) {
        Ok(t) => {
            let t = t.to_offset(truecopy_domain::deadline::VIETNAM);
            format!(
                "{:02}/{:02} {:02}:{:02}",
                t.day(),
                u8::from(t.month()),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => rfc3339.chars().take(16).collect(),
    }
}
