//! Modals and overlays: the field editor, the picker, profiles, open contact, review before
//! send, conflict, help, and quit with unsaved changes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::edit::Value;
use crate::tui::app::{App, Editor, Modal, Picker};

/// A box centred in the screen, at most `width`×`height`.
fn popup(frame: &mut Frame, app: &App, title: &str, width: u16, height: u16) -> Rect {
    let area = frame.area();
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(app.theme.focus);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

fn hint<'a>(app: &App, pairs: &[(&'a str, &'a str)]) -> Line<'a> {
    let mut spans = Vec::new();
    for (key, what) in pairs {
        spans.push(Span::styled(format!("{key} "), app.theme.key));
        spans.push(Span::styled(format!("{what}  "), app.theme.muted));
    }
    Line::from(spans)
}

/// A row of a list to choose from: `▶` and the selected style on the chosen one, so the
/// choice reads without colour.
fn choice_line<'a>(app: &App, text: impl std::fmt::Display, chosen: bool) -> Line<'a> {
    if chosen {
        Line::styled(format!("▶ {text}"), app.theme.selected)
    } else {
        Line::styled(format!("  {text}"), app.theme.text)
    }
}

fn shown(value: &Value, secret: bool) -> String {
    match value {
        Value::Null => "—".into(),
        Value::Text(_) if secret => "••••••••".into(),
        Value::Text(t) if t.is_empty() => "(empty)".into(),
        Value::Text(t) => t.clone(),
    }
}

pub fn editor(frame: &mut Frame, app: &App, editor: &Editor) {
    let Some(form) = app.ws().form.as_ref() else {
        return;
    };
    let field = &form.fields()[editor.field];
    let height = if editor.multiline { 14 } else { 6 };
    let inner = popup(
        frame,
        app,
        &format!("Edit {} ({})", field.label, field.name),
        70,
        height,
    );
    let [text, issue, keys] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(&editor.area, text);
    let line = match &editor.issue {
        Some(message) => Line::styled(format!("✗ {message}"), app.theme.invalid),
        None => Line::styled("✓ valid", app.theme.ok),
    };
    frame.render_widget(Paragraph::new(line), issue);
    let commit = if editor.multiline { "Ctrl-S" } else { "Enter" };
    frame.render_widget(
        Paragraph::new(hint(app, &[(commit, "commit"), ("Esc", "cancel")])),
        keys,
    );
}

pub fn picker(frame: &mut Frame, app: &App, picker: &Picker) {
    let Some(form) = app.ws().form.as_ref() else {
        return;
    };
    let field = &form.fields()[picker.field];
    let inner = popup(frame, app, &format!("Choose {}", field.label), 50, 16);
    let [filter, list, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(format!("filter: {}▏", picker.filter)),
        filter,
    );
    let visible = picker.visible();
    let height = list.height as usize;
    let start = picker.selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(n, (_, label))| choice_line(app, label, n == picker.selected))
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(hint(
            app,
            &[("type", "filter"), ("Enter", "choose"), ("Esc", "cancel")],
        )),
        keys,
    );
}

pub fn modal(frame: &mut Frame, app: &App, modal: &Modal) {
    match modal {
        Modal::Draft {
            draft,
            changed_on_server,
        } => {
            let inner = popup(
                frame,
                app,
                "Unsent changes found",
                80,
                draft.fields.len() as u16 + 9,
            );
            let mut lines = vec![Line::styled(
                format!(
                    "A draft from {} holds {} change(s) that were never sent:",
                    draft.saved_at,
                    draft.fields.len()
                ),
                app.theme.text,
            )];
            for d in &draft.fields {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
                let mark = if changed_on_server.contains(&d.field) {
                    "  (changed on the server since)"
                } else {
                    ""
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}: ", d.field), app.theme.text),
                    Span::styled(show(&d.original), app.theme.muted),
                    Span::styled(" → ", app.theme.text),
                    Span::styled(show(&d.value), app.theme.changed),
                    Span::styled(mark, app.theme.error),
                ]));
            }
            for s in &draft.secrets_left_out {
                lines.push(Line::styled(
                    format!("  {s}: a secret, not kept in drafts"),
                    app.theme.muted,
                ));
            }
            lines.push(Line::from(""));
            lines.push(hint(
                app,
                &[("r", "restore them"), ("D", "discard the draft")],
            ));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Modal::History { entries, selected } => {
            let area = frame.area();
            let inner = popup(
                frame,
                app,
                "History of this contact",
                area.width.saturating_sub(4).min(110),
                (entries.len() as u16 + 4).min(area.height),
            );
            let mut lines: Vec<Line> = entries
                .iter()
                .enumerate()
                .map(|(n, e)| {
                    let text = e.describe();
                    choice_line(app, text, n == *selected)
                })
                .collect();
            lines.push(Line::from(""));
            lines.push(hint(
                app,
                &[
                    ("↑/↓", "choose"),
                    ("Enter", "revert this update (then review)"),
                    ("Esc", "close"),
                ],
            ));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Modal::Help => help(frame, app),
        Modal::Quit => {
            let inner = popup(frame, app, "Quit", 56, 6);
            let unsaved: Vec<String> = app
                .workspaces
                .iter()
                .filter(|w| w.unsaved() > 0)
                .map(|w| format!("{} ({})", w.profile.name, w.unsaved()))
                .collect();
            let text = vec![
                Line::styled(
                    format!(
                        "{} unsaved change(s): {}",
                        app.unsaved_total(),
                        unsaved.join(", ")
                    ),
                    app.theme.changed,
                ),
                Line::from("Quit anyway and lose them?"),
                Line::from(""),
                hint(app, &[("y", "quit"), ("n/Esc", "stay")]),
            ];
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        }
        Modal::Profiles { selected } => {
            let inner = popup(
                frame,
                app,
                "Profiles",
                72,
                (app.workspaces.len() as u16 + 4).min(20),
            );
            let mut lines: Vec<Line> = app
                .workspaces
                .iter()
                .enumerate()
                .map(|(n, w)| {
                    let active = if n == app.active { "●" } else { " " };
                    let open = w
                        .reference
                        .as_ref()
                        .map_or(String::new(), |r| r.text.clone());
                    let unsaved = if w.unsaved() > 0 {
                        format!("{} unsaved", w.unsaved())
                    } else {
                        String::new()
                    };
                    let text = format!(
                        "{active} {:<20} {:<12} {unsaved:<10} {open}",
                        w.profile.name, w.profile.vendor
                    );
                    choice_line(app, text, n == *selected)
                })
                .collect();
            lines.push(Line::from(""));
            lines.push(hint(
                app,
                &[("↑/↓", "choose"), ("Enter", "switch"), ("Esc", "close")],
            ));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Modal::Open {
            input,
            items,
            selected,
            note,
            ..
        } => {
            let inner = popup(frame, app, "Open contact", 72, 20);
            let [label, field, list, notes, keys] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(1),
                Constraint::Length(1),
                Constraint::Length(1),
            ])
            .areas(inner);
            let template = app
                .ws()
                .session
                .as_ref()
                .map(|s| s.spec.reference.to_string())
                .unwrap_or_default();
            frame.render_widget(
                Paragraph::new(format!("Reference ({template}), or pick below:")),
                label,
            );
            frame.render_widget(input, field);
            let height = list.height as usize;
            let start = selected
                .unwrap_or(0)
                .saturating_sub(height.saturating_sub(1));
            let lines: Vec<Line> = items
                .iter()
                .enumerate()
                .skip(start)
                .take(height)
                .map(|(n, item)| {
                    let text = format!("{:<28} {}", item.reference, item.label);
                    choice_line(app, text, Some(n) == *selected)
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), list);
            if let Some(note) = note {
                frame.render_widget(
                    Paragraph::new(Line::styled(note.clone(), app.theme.muted)),
                    notes,
                );
            }
            frame.render_widget(
                Paragraph::new(hint(
                    app,
                    &[
                        ("type", "reference"),
                        ("↑/↓", "pick"),
                        ("Enter", "open"),
                        ("Esc", "close"),
                    ],
                )),
                keys,
            );
        }
        Modal::Review {
            review,
            request,
            scroll,
        } => {
            let area = frame.area();
            let inner = popup(
                frame,
                app,
                "Review before sending",
                area.width.saturating_sub(4).min(110),
                area.height.saturating_sub(2),
            );
            let secret = |name: &str| {
                app.ws()
                    .form
                    .as_ref()
                    .and_then(|f| f.spec().field(name))
                    .is_some_and(|f| f.is_secret())
            };
            let mut lines: Vec<Line> = vec![Line::styled(
                format!("{} change(s):", review.update.changes.len()),
                app.theme.group,
            )];
            for change in &review.update.changes {
                let s = secret(&change.field);
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}: ", change.field), app.theme.text),
                    Span::styled(shown(&change.before, s), app.theme.muted),
                    Span::styled(" → ", app.theme.text),
                    Span::styled(shown(&change.after, s), app.theme.changed),
                ]));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled("The exact request:", app.theme.group));
            lines.extend(
                request
                    .lines()
                    .map(|l| Line::styled(l.to_string(), app.theme.text)),
            );
            let [body, keys] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
            frame.render_widget(Paragraph::new(lines).scroll((*scroll as u16, 0)), body);
            frame.render_widget(
                Paragraph::new(hint(
                    app,
                    &[("y/Enter", "send"), ("n/Esc", "back"), ("↑/↓", "scroll")],
                )),
                keys,
            );
        }
        Modal::Conflict {
            conflicts,
            take_theirs,
            selected,
        } => {
            let inner = popup(
                frame,
                app,
                "Changed on the server meanwhile",
                96,
                conflicts.len() as u16 * 2 + 7,
            );
            let mut lines = vec![Line::styled(
                "Nothing was sent. For each field keep yours (m) or take the server's (t):",
                app.theme.text,
            )];
            for (n, (c, theirs)) in conflicts.iter().zip(take_theirs).enumerate() {
                let pointer = if n == *selected { "▶" } else { " " };
                let choice = if *theirs {
                    "take server's"
                } else {
                    "keep mine"
                };
                lines.push(Line::styled(
                    format!("{pointer} {}  → {choice}", c.field),
                    if n == *selected {
                        app.theme.selected
                    } else {
                        app.theme.group
                    },
                ));
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("    loaded {}", shown(&c.original, c.secret)),
                        app.theme.muted,
                    ),
                    Span::styled(
                        format!(" · server {}", shown(&c.server, c.secret)),
                        app.theme.error,
                    ),
                    Span::styled(
                        format!(" · mine {}", shown(&c.mine, c.secret)),
                        app.theme.changed,
                    ),
                ]));
            }
            lines.push(Line::from(""));
            lines.push(hint(
                app,
                &[
                    ("m", "keep mine"),
                    ("t", "take server's"),
                    ("Enter", "apply"),
                    ("Esc", "later"),
                ],
            ));
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

fn help(frame: &mut Frame, app: &App) {
    let rows = app.keymap.help();
    let inner = popup(frame, app, "Keys", 60, rows.len() as u16 + 8);
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:>14}  "), app.theme.key),
                Span::styled(what, app.theme.text),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "Editing: Enter commits (Ctrl-S for multi-line), Esc cancels.",
        app.theme.muted,
    ));
    lines.push(Line::styled(
        "Keys are rebindable in config.toml [keys].",
        app.theme.muted,
    ));
    lines.push(hint(app, &[("Esc/?", "close")]));
    frame.render_widget(Paragraph::new(lines), inner);
}
