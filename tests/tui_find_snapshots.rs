//! Widget snapshots of finding things (issue 15): the open-contact dialog filtering with a
//! search in progress, the jump-to-field modal and the command palette. Under each row of a
//! box, a row of `^` marks the cells drawn in the theme's `matched` style, so a snapshot shows
//! which characters are highlighted as well as the text.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use rolo::client::{Match, PageAt, Reference};
use rolo::config::Config;
use rolo::edit::Form;
use rolo::spec::Catalog;
use rolo::tui::app::App;
use rolo::tui::keymap::{Action, Keymap};
use rolo::tui::modals::{OpenModal, Page};
use rolo::tui::theme::Theme;

/// The app on cro's seed contact, with no network and no runtime.
fn app() -> App {
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog).with_sandbox_url("http://127.0.0.1:7878");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(
        config,
        catalog,
        Theme::load("dark", None).unwrap(),
        Keymap::default(),
        tx,
    );
    app.activate("sandbox-cro").unwrap();
    let spec = common::spec("cro");
    let reference = Reference::parse(&spec, "1001/5001").unwrap();
    let form = Form::from_record(spec, common::seed("cro", "1001/5001"))
        .with_reference(reference.values.clone());
    app.show_contact(reference, form, None);
    app
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

/// The top modal's box, each row followed by a row marking its matched cells with `^`.
fn render_marked(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|frame| drawn = Some(rolo::tui::views::draw(frame, app)))
        .unwrap();
    app.drawn(drawn.unwrap());
    let matched = app.theme.matched;
    let area = app.layout.popup.expect("a modal is open");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut marks = String::new();
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            out.push_str(cell.symbol());
            let hit =
                cell.fg == matched.fg.unwrap() && cell.modifier.contains(Modifier::UNDERLINED);
            marks.push(if hit { '^' } else { ' ' });
        }
        out.push('\n');
        if marks.contains('^') {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out
}

fn row(reference: &str, name: &str, email: &str) -> Match {
    Match {
        reference: reference.into(),
        name: name.into(),
        email: email.into(),
        label: format!("{name} · {email}"),
    }
}

#[test]
fn the_open_dialog_filters_at_once_while_the_search_waits() {
    let mut a = app();
    a.act(Action::Open);
    let open = a.modals.top_mut_as::<OpenModal>().expect("the open dialog");
    open.listed(
        1,
        Ok(Page {
            rows: vec![
                row("1001/5001", "Dispatch Desk", "test@contacts.com"),
                row("1001/6001", "Noah Smith", "noah.smith1@example.com"),
                row("1001/6002", "Ava Jones", "ava.jones2@example.com"),
                row("1001/6021", "Noah Jones", "noah.jones21@example.com"),
            ],
            next: Some(PageAt::Number(2)),
        }),
    );
    type_text(&mut a, "noah jo");
    let screen = render_marked(&mut a, 80, 24);
    // Filtered already; the vendor's search waits for the pause after typing.
    assert!(screen.contains("1 of 4 · searching…"), "{screen}");
    insta::assert_snapshot!("open_dialog_searching_80x24", screen);
}

#[test]
fn the_jump_modal_and_the_palette_highlight_what_matched() {
    let mut a = app();
    a.act(Action::Jump);
    type_text(&mut a, "notdisp");
    insta::assert_snapshot!("jump_to_field_80x24", render_marked(&mut a, 80, 24));

    let mut a = app();
    a.act(Action::Palette);
    type_text(&mut a, "review");
    insta::assert_snapshot!("command_palette_80x24", render_marked(&mut a, 80, 24));
}
