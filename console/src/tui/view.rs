//! Drawing: every screen from the [`App`] state (no I/O). Page images go through ratatui-image
//! (kitty, sixel or iTerm2 where the terminal has them, half-blocks otherwise).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use ratatui_image::{Image, Resize};
use truecopy_domain::deadline::ClockStatus;

use super::app::{App, Dialog, Level, LoginField, Screen, grounds};

/// What the renderer keeps between frames: the image protocol and the encoded page.
pub struct Painter {
    pub picker: Picker,
    cached: Option<(Key, Protocol)>,
}

type Key = (String, usize, bool, u8, u16, u16);

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
        }
    }

    /// Half-blocks only (tests, and terminals that answer no graphics query).
    pub fn halfblocks() -> Painter {
        Painter::new(Picker::halfblocks())
    }
}

const RED: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const GREEN: Style = Style::new().fg(Color::Green);
const YELLOW: Style = Style::new().fg(Color::Yellow);
const DIM: Style = Style::new().fg(Color::DarkGray);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);

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
    match app.screen {
        Screen::Login => draw_login(f, app, body),
        Screen::Queue => draw_queue(f, app, body),
        Screen::Case => draw_case(f, app, body, painter),
    }
    if let Some(d) = &app.dialog {
        draw_dialog(f, app, d, body);
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

fn draw_login(f: &mut Frame, app: &App, area: Rect) {
    let [_, mid, _] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(8),
        Constraint::Min(0),
    ])
    .areas(area);
    let [_, mid, _] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(60),
        Constraint::Min(0),
    ])
    .areas(mid);
    let field = |label: &str, value: String, focused: bool| {
        let style = if focused { YELLOW } else { Style::new() };
        Line::from(vec![
            Span::raw(format!("{label:<12}")),
            Span::styled(value, style),
            Span::styled(if focused { "▏" } else { "" }, style),
        ])
    };
    let mut lines = vec![
        field(
            "Officer id",
            app.login.officer.clone(),
            app.login.focus == LoginField::Officer,
        ),
        field(
            "Passphrase",
            "•".repeat(app.login.passphrase.chars().count()),
            app.login.focus == LoginField::Passphrase,
        ),
        Line::raw(""),
    ];
    if app.login.busy {
        lines.push(Line::styled("unlocking the signing key…", YELLOW));
    }
    if let Some(e) = &app.login.error {
        lines.push(Line::styled(e.clone(), RED));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Log in ")),
        mid,
    );
}

fn clock_style(c: ClockStatus) -> Style {
    match c {
        ClockStatus::Overdue => RED,
        ClockStatus::Today => YELLOW,
        ClockStatus::Later => Style::new(),
    }
}

/// `2026-12-02T17:00:00+07:00` → `02/12 17:00`.
fn short_time(rfc3339: &str) -> String {
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

fn draw_queue(f: &mut Frame, app: &App, area: Rect) {
    let header = Row::new([
        "Due", "Received", "Case", "Kiosk", "Document", "Reasons", "Assigned",
    ])
    .style(BOLD);
    let rows: Vec<Row> = app
        .queue
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let style = if k == app.selected {
                Style::new().bg(Color::DarkGray).fg(Color::White)
            } else {
                Style::new()
            };
            Row::new(vec![
                Cell::from(short_time(&i.due_at)).style(clock_style(i.clock)),
                Cell::from(short_time(&i.received_at)),
                Cell::from(i.case_id.clone()),
                Cell::from(i.kiosk_id.clone()),
                Cell::from(i.document_type.map(|t| t.as_str()).unwrap_or("?")),
                Cell::from(i.reasons.join(", ")),
                Cell::from(i.assigned_to.clone().unwrap_or_else(|| "-".into())),
            ])
            .style(style)
        })
        .collect();
    let title = format!(
        " Flagged cases · {} · {} waiting ",
        app.filter.scope.label(),
        app.queue.len()
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(36),
            Constraint::Length(6),
            Constraint::Length(16),
            Constraint::Min(20),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .block(Block::default().borders(Borders::ALL).title(title));
    f.render_widget(table, area);
    if app.queue.is_empty() {
        let inner = area.inner(ratatui::layout::Margin::new(2, 2));
        f.render_widget(Paragraph::new("No flagged case waiting.").style(DIM), inner);
    }
}

/// The MRZ's value for a printed field, in the printed field's format.
fn mrz_value(td1: &serde_json::Value, field: &str) -> Option<String> {
    let s = |k: &str| td1.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let date = |yymmdd: String, future: bool| -> String {
        if yymmdd.len() != 6 {
            return yymmdd;
        }
        let yy: u32 = yymmdd[0..2].parse().unwrap_or(0);
        // Birth dates: 19xx above 30; expiry dates: 20xx.
        let century = if future || yy <= 30 { 2000 } else { 1900 };
        format!("{}-{}-{}", century + yy, &yymmdd[2..4], &yymmdd[4..6])
    };
    match field {
        "id_number" => s("id_number"),
        "date_of_birth" => s("birth_date").map(|d| date(d, false)),
        "expiry_date" => s("expiry_date").map(|d| date(d, true)),
        "sex" => s("sex").map(|x| match x.as_str() {
            "M" => "Nam".to_owned(),
            "F" => "Nữ".to_owned(),
            _ => x,
        }),
        _ => None,
    }
}

fn draw_case(f: &mut Frame, app: &App, area: Rect, painter: &mut Painter) {
    let Some(cv) = &app.case else {
        return;
    };
    let c = &cv.record;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    let item = app.queue.iter().find(|i| i.case_id == c.id);
    let due = item
        .map(|i| short_time(&i.due_at))
        .unwrap_or_else(|| "-".into());
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Case ", BOLD),
            Span::raw(format!("{}  v{}  {}", c.id, c.version, c.state)),
        ]),
        Line::raw(format!(
            "Kiosk {}  received {}  due {}  document {}  assigned {}",
            c.kiosk_id,
            short_time(&c.received_at),
            due,
            c.document_type.map(|t| t.as_str()).unwrap_or("?"),
            c.assigned_to.as_deref().unwrap_or("-")
        )),
        Line::raw(""),
        Line::styled(format!("{:<16}{:<26}{}", "Field", "Printed", "MRZ"), BOLD),
    ];
    let checks = c.checks.get("checks").unwrap_or(&c.checks);
    let td1 = c
        .checks
        .pointer("/details/mrz/td1")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    for (k, v) in &c.fields {
        let printed = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        let mrz = mrz_value(&td1, k);
        let mismatch = mrz.as_ref().is_some_and(|m| m != &printed);
        let style = if mismatch { RED } else { Style::new() };
        lines.push(Line::from(vec![
            Span::raw(format!("{k:<16}")),
            Span::styled(format!("{printed:<26}"), style),
            Span::styled(
                format!(
                    "{}{}",
                    mrz.unwrap_or_else(|| "-".into()),
                    if mismatch { "  ≠" } else { "" }
                ),
                style,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Checks", BOLD));
    for ch in checks.as_array().map(Vec::as_slice).unwrap_or_default() {
        let code = ch.get("code").and_then(|v| v.as_str()).unwrap_or("?");
        let status = ch.get("status").and_then(|v| v.as_str()).unwrap_or("?");
        let detail = ch.get("detail").and_then(|v| v.as_str()).unwrap_or("");
        let st = match status {
            "pass" => GREEN,
            "fail" => RED,
            "unknown" => YELLOW,
            _ => DIM,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{status:<8}"), st),
            Span::raw(format!("{code:<22}")),
            Span::styled(detail.to_owned(), DIM),
        ]));
    }
    lines.push(Line::raw(""));
    match &c.face {
        Some(face) => {
            let score = face.get("score").and_then(|v| v.as_f64());
            let thr = face.get("threshold").and_then(|v| v.as_f64());
            let line = match (score, thr) {
                (Some(s), Some(t)) => {
                    let ok = s >= t;
                    Line::from(vec![
                        Span::styled("Face ", BOLD),
                        Span::styled(
                            format!(
                                "score {s:.2} {} threshold {t:.2} ({})",
                                if ok { "≥" } else { "<" },
                                if ok { "match" } else { "no match" }
                            ),
                            if ok { GREEN } else { RED },
                        ),
                    ])
                }
                _ => Line::from(vec![
                    Span::styled("Face ", BOLD),
                    Span::styled("no score (no face compared)", YELLOW),
                ]),
            };
            lines.push(line);
        }
        None => lines.push(Line::styled("Face: not checked", DIM)),
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Case ")),
        left,
    );
    let title = format!(
        " Page {}/{}{}{} ",
        cv.page + 1,
        cv.pages.len().max(1),
        if cv.zoom { " · zoom" } else { "" },
        if cv.quarter_turns > 0 {
            format!(" · {}°", u16::from(cv.quarter_turns) * 90)
        } else {
            String::new()
        }
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(right);
    f.render_widget(block, right);
    let key: Key = (
        c.id.clone(),
        cv.page,
        cv.zoom,
        cv.quarter_turns,
        inner.width,
        inner.height,
    );
    if painter.cached.as_ref().map(|(k, _)| k) != Some(&key) {
        painter.cached = cv.shown_page().and_then(|img| {
            painter
                .picker
                .new_protocol(img, inner.into(), Resize::Fit(None))
                .ok()
                .map(|p| (key, p))
        });
    }
    match &painter.cached {
        Some((_, p)) => f.render_widget(Image::new(p), inner),
        None => f.render_widget(Paragraph::new("(no page image)").style(DIM), inner),
    }
}

fn draw_dialog(f: &mut Frame, app: &App, d: &Dialog, area: Rect) {
    let w = area.width.min(70);
    let h = match d {
        Dialog::Refuse { .. } => area.height.min(20),
        _ => 5,
    };
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, rect);
    let case = app
        .case
        .as_ref()
        .map(|c| c.record.id.clone())
        .unwrap_or_default();
    let (title, lines) = match d {
        Dialog::ConfirmApprove => (
            " Approve ",
            vec![
                Line::raw(format!("Issue the copy of case {case},")),
                Line::raw("sealed and co-signed with your key? (y / n)"),
            ],
        ),
        Dialog::ConfirmRescan => (
            " Rescan ",
            vec![
                Line::raw(format!("Send case {case} back to its kiosk")),
                Line::raw("for a new scan? (y / n)"),
            ],
        ),
        Dialog::Refuse { ground, note } => {
            let mut l = vec![Line::styled("Ground (Decree 23/2015 Art 22 first):", BOLD)];
            for (k, g) in grounds().iter().enumerate() {
                let marker = if k == *ground { "▶ " } else { "  " };
                let style = if k == *ground { YELLOW } else { Style::new() };
                let law = if g.legal_ground().is_some() {
                    " §22"
                } else {
                    ""
                };
                l.push(Line::styled(
                    format!("{marker}{}{law} — {}", g.as_str(), g.text().1),
                    style,
                ));
            }
            l.push(Line::raw(""));
            l.push(Line::from(vec![
                Span::styled("Note: ", BOLD),
                Span::raw(note.clone()),
                Span::styled("▏", YELLOW),
            ]));
            (" Refuse in writing ", l)
        }
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}
