//! Widget snapshots of the editor: each vendor's main screen, narrow (80×24) and wide
//! (140×40), and each modal's box, drawn into ratatui's TestBackend.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::client::Reference;
use rolo::config::Config;
use rolo::edit::{Conflict, Form, Value};
use rolo::spec::Catalog;
use rolo::tui::app::App;
use rolo::tui::keymap::{Action, Keymap};
use rolo::tui::modals::{ConflictModal, DraftModal, Editor, HistoryModal, Picker, ReviewModal};
use rolo::tui::theme::Theme;

const REFS: [(&str, &str); 5] = [
    ("clemta", "64b8f1a2e4b0c8d9f0123456"),
    ("exsited", "ACC-1001/CONTACT_1"),
    ("contactreg", "1941877"),
    ("cro", "1001/5001"),
    ("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2"),
];

/// The app on a vendor's seed contact, with no network and no runtime.
fn app(vendor: &str) -> App {
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
    app.activate(&format!("sandbox-{vendor}")).unwrap();
    let (_, reference) = REFS.iter().find(|(v, _)| *v == vendor).unwrap();
    let spec = common::spec(vendor);
    let reference = Reference::parse(&spec, reference).unwrap();
    let form = Form::from_record(spec, common::seed(vendor, &reference.text))
        .with_reference(reference.values.clone());
    app.show_contact(reference, form, None);
    app
}

fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|frame| drawn = Some(rolo::tui::views::draw(frame, app)))
        .unwrap();
    app.drawn(drawn.unwrap());
    terminal
}

fn render(app: &mut App, width: u16, height: u16) -> String {
    format!("{}", draw(app, width, height).backend())
}

/// Only the top modal's box, row by row.
fn render_popup(app: &mut App, width: u16, height: u16) -> String {
    let terminal = draw(app, width, height);
    let area = app.layout.popup.expect("a modal is open");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The update of the app's form as `send::prepare` makes it, on a read that found the contact
/// as the form was loaded (the widget tests have no network).
fn review_of(app: &App) -> rolo::send::Review {
    use rolo::client::{Exchange, Loaded, RecordedRequest};
    let w = &app.workspaces[app.active];
    let form = w.form.as_ref().unwrap();
    let loaded = Loaded {
        record: form.record().clone(),
        etag: Some("\"1\"".into()),
        outcome: Default::default(),
        exchange: Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                url: String::new(),
                headers: vec![],
                body: None,
            },
            response: None,
        }
        .into(),
    };
    let (session, reference) = (w.session.as_ref().unwrap(), w.reference.as_ref().unwrap());
    rolo::send::prepare_on(session, reference, form, loaded).unwrap()
}

/// Review, as the background preparation reports it.
fn review(app: &mut App) {
    let review = Box::new(review_of(app));
    let ws = app.active;
    app.on_msg(rolo::tui::app::Msg::Reviewed {
        ws,
        purpose: rolo::tui::app::ReviewPurpose::Send { previous: None },
        result: Ok(review),
    });
}

fn set(app: &mut App, name: &str, text: &str) {
    let form = app.workspaces[app.active].form.as_mut().unwrap();
    let i = form.index(name).unwrap();
    form.set_text(i, text).unwrap();
}

#[test]
fn main_screen_of_each_vendor() {
    for (vendor, _) in REFS {
        let mut narrow = app(vendor);
        insta::assert_snapshot!(format!("main_{vendor}_80x24"), render(&mut narrow, 80, 24));
        let mut wide = app(vendor);
        insta::assert_snapshot!(format!("main_{vendor}_140x40"), render(&mut wide, 140, 40));
    }
}

#[test]
fn marks_for_changed_invalid_and_not_applicable_fields() {
    let mut a = app("contactreg");
    set(&mut a, "email", "not-an-address");
    set(&mut a, "birthPlace", "MELBOURNE");
    let form = a.workspaces[a.active].form.as_ref().unwrap();
    a.workspaces[a.active].selected = form.index("email").unwrap();
    let screen = render(&mut a, 100, 36);
    assert!(screen.contains("2 unsaved"), "{screen}");
    assert!(
        screen.contains("✗ must be a valid e-mail address"),
        "{screen}"
    );
    insta::assert_snapshot!("marks_contactreg_100x36", screen);
}

#[test]
fn secrets_are_masked_on_screen() {
    let mut a = app("servicedesk");
    set(&mut a, "e_password", "N3w-Secret");
    let form = a.workspaces[a.active].form.as_ref().unwrap();
    a.workspaces[a.active].selected = form.index("e_password").unwrap();
    let screen = render(&mut a, 140, 40);
    assert!(
        !screen.contains("N3w-Secret") && !screen.contains("Winter-2026!"),
        "{screen}"
    );
    assert!(screen.contains("••••••••"), "{screen}");
    review(&mut a);
    let review = render(&mut a, 140, 40);
    assert!(
        !review.contains("N3w-Secret") && !review.contains("Winter-2026!"),
        "{review}"
    );
    assert!(
        review.contains("e_password: •••••••• → ••••••••"),
        "{review}"
    );
}

#[test]
fn each_modal() {
    // Review: each change old → new, and the exact request.
    let mut a = app("exsited");
    set(&mut a, "phone.number", "92559999");
    set(&mut a, "salutation", "Dr.");
    review(&mut a);
    assert!(a.modals.top_is::<ReviewModal>());
    insta::assert_snapshot!("modal_review_100x30", render_popup(&mut a, 100, 30));

    let mut a = app("clemta");
    a.act(Action::Help);
    insta::assert_snapshot!("modal_help_80x30", render_popup(&mut a, 80, 30));

    let mut a = app("clemta");
    set(&mut a, "full_name", "Jane Doe");
    a.act(Action::Quit);
    insta::assert_snapshot!("modal_quit_80x24", render_popup(&mut a, 80, 24));

    let mut a = app("cro");
    a.act(Action::Profiles);
    insta::assert_snapshot!("modal_profiles_80x24", render_popup(&mut a, 80, 24));

    let mut a = app("cro");
    a.modals.push(Box::new(ConflictModal::new(
        vec![Conflict {
            field: "name".into(),
            secret: false,
            original: Value::text("Dispatch Desk"),
            server: Value::text("Theirs"),
            mine: Value::text("Mine"),
        }],
        serde_json::json!({}),
    )));
    insta::assert_snapshot!("modal_conflict_100x24", render_popup(&mut a, 100, 24));

    // The editor shows the rule as you type; the picker filters.
    let mut a = app("cro");
    let form = a.workspaces[a.active].form.as_ref().unwrap();
    let fax = form.index("fax").unwrap();
    let mut area = tui_textarea::TextArea::new(vec!["12345".into()]);
    area.move_cursor(tui_textarea::CursorMove::End);
    a.modals.push(Box::new(Editor {
        field: fax,
        area,
        multiline: false,
        issue: Some("must be at least 7 characters long (it has 5)".into()),
    }));
    insta::assert_snapshot!("editor_cro_fax_80x24", render_popup(&mut a, 80, 24));

    let mut a = app("contactreg");
    let form = a.workspaces[a.active].form.as_ref().unwrap();
    let state = form.index("birthState").unwrap();
    let options = form.fields()[state]
        .limits
        .values
        .iter()
        .map(|v| (v.clone(), v.clone()))
        .collect();
    a.modals.push(Box::new(Picker {
        field: state,
        filter: "a".into(),
        options,
        selected: 1,
    }));
    insta::assert_snapshot!("picker_birth_state_80x24", render_popup(&mut a, 80, 24));
}

#[test]
fn the_mouse_selects_fields_and_panes() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    use rolo::tui::app::Pane;
    let mut a = app("clemta");
    render(&mut a, 140, 40);
    let full_name = a.workspaces[a.active]
        .form
        .as_ref()
        .unwrap()
        .index("full_name")
        .unwrap();
    let (row, _) = *a.layout.rows.iter().find(|(_, f)| *f == full_name).unwrap();
    let click = |column, row, kind| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    a.on_mouse(click(
        a.layout.form.x + 6,
        row,
        MouseEventKind::Down(MouseButton::Left),
    ));
    assert_eq!(a.workspaces[a.active].selected, full_name);
    assert!(
        render(&mut a, 140, 40)
            .lines()
            .any(|l| l.contains("▶") && l.contains("Full name"))
    );
    a.on_mouse(click(
        a.layout.raw.x + 2,
        a.layout.raw.y + 2,
        MouseEventKind::Down(MouseButton::Left),
    ));
    assert_eq!(a.focus, Pane::Raw);
    a.on_mouse(click(
        a.layout.form.x + 2,
        a.layout.form.y + 3,
        MouseEventKind::ScrollDown,
    ));
    assert_eq!(a.workspaces[a.active].selected, full_name + 1);
}

#[test]
fn the_raw_pane_shows_any_part_of_a_five_megabyte_body() {
    use rolo::client::{Exchange, RecordedRequest, RecordedResponse};
    let items: Vec<serde_json::Value> = (0..42_000)
        .map(|i| serde_json::json!({"n": i, "name": format!("contact {i}"), "pad": "x".repeat(80)}))
        .collect();
    let body = serde_json::json!({"items": items}).to_string();
    assert!(body.len() > 5_000_000, "{}", body.len());
    let exchange = Exchange {
        request: RecordedRequest {
            method: "GET".into(),
            url: "http://h/big".into(),
            headers: vec![],
            body: None,
        },
        response: Some(RecordedResponse {
            status: 200,
            headers: vec![],
            body: body.into(),
            elapsed: std::time::Duration::from_millis(5),
        }),
    };
    let lines = rolo::tui::app::raw_lines(&[exchange]);
    let mut a = app("clemta");
    let ws = a.active;
    a.workspaces[ws].raw = std::sync::Arc::new(lines);
    a.raw_maximized = true;
    // Far down the body: contact 41999's fields are on screen.
    let target = a.workspaces[ws]
        .raw
        .lines()
        .position(|l| l.contains("\"contact 41999\""))
        .unwrap();
    a.workspaces[ws].raw_scroll = target - 3;
    let screen = render(&mut a, 100, 30);
    assert!(screen.contains("\"name\": \"contact 41999\""), "{screen}");
    assert!(
        screen.contains(&format!("Raw · {} lines", a.workspaces[ws].raw.len())),
        "{screen}"
    );
    // Keys move through it a pane's height at a time, and stop with its last line at the
    // bottom (26 rows inside the pane).
    a.act(Action::PageUp);
    assert_eq!(a.workspaces[ws].raw_scroll, target - 3 - 26);
    for _ in 0..5 {
        a.act(Action::PageDown);
    }
    assert_eq!(a.workspaces[ws].raw_scroll, a.workspaces[ws].raw.len() - 26);
}

fn press(a: &mut App, code: crossterm::event::KeyCode) {
    a.on_key(crossterm::event::KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    ));
}

fn ctrl(a: &mut App, c: char) {
    a.on_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::CONTROL,
    ));
}

fn go_to(a: &mut App, name: &str) {
    let i = a.workspaces[a.active]
        .form
        .as_ref()
        .unwrap()
        .index(name)
        .unwrap();
    a.workspaces[a.active].selected = i;
}

fn value(a: &App, name: &str) -> Value {
    let form = a.workspaces[a.active].form.as_ref().unwrap();
    form.value(form.index(name).unwrap()).clone()
}

#[test]
fn editing_keys_do_what_the_help_says() {
    use crossterm::event::KeyCode::{Char, Enter, Esc};
    let mut a = app("cro");
    // Space toggles a flag; u undoes, Ctrl-R redoes, U reverts.
    go_to(&mut a, "notify_on_new_request");
    press(&mut a, Char(' '));
    assert_eq!(value(&a, "notify_on_new_request"), Value::text("true"));
    press(&mut a, Char('u'));
    assert_eq!(value(&a, "notify_on_new_request"), Value::text("false"));
    ctrl(&mut a, 'r');
    assert_eq!(value(&a, "notify_on_new_request"), Value::text("true"));
    press(&mut a, Char('U'));
    assert_eq!(value(&a, "notify_on_new_request"), Value::text("false"));
    // d clears with the vendor's empty value.
    go_to(&mut a, "email");
    press(&mut a, Char('d'));
    assert_eq!(value(&a, "email"), Value::text(""));
    // Enter edits; Esc and Ctrl-C cancel without a change; Enter commits.
    go_to(&mut a, "name");
    press(&mut a, Enter);
    press(&mut a, Char('X'));
    press(&mut a, Esc);
    assert_eq!(value(&a, "name"), Value::text("Dispatch Desk"));
    press(&mut a, Enter);
    press(&mut a, Char('X'));
    ctrl(&mut a, 'c');
    assert!(!a.quit, "Ctrl-C in the editor leaves the editor only");
    assert_eq!(value(&a, "name"), Value::text("Dispatch Desk"));
    press(&mut a, Enter);
    press(&mut a, Char('!'));
    press(&mut a, Enter);
    assert_eq!(value(&a, "name"), Value::text("Dispatch Desk!"));

    // Enums open a filterable list.
    let mut p = app("contactreg");
    go_to(&mut p, "sex");
    press(&mut p, Enter);
    assert!(p.modals.top_is::<Picker>());
    for c in "fem".chars() {
        press(&mut p, Char(c));
    }
    press(&mut p, Enter);
    assert_eq!(value(&p, "sex"), Value::text("Female"));
    // Countries too, by name.
    go_to(&mut p, "birthCountry");
    press(&mut p, Enter);
    for c in "new zea".chars() {
        press(&mut p, Char(c));
    }
    press(&mut p, Enter);
    // Written as the vendor holds it (the seed has "AUSTRALIA": a name, in capitals).
    assert_eq!(value(&p, "birthCountry"), Value::text("NEW ZEALAND"));

    // A multi-line field: Enter is a new line, Ctrl-S commits.
    let mut c = app("clemta");
    go_to(&mut c, "description");
    press(&mut c, Enter);
    press(&mut c, Enter);
    for ch in "line two".chars() {
        press(&mut c, Char(ch));
    }
    ctrl(&mut c, 's');
    assert_eq!(
        value(&c, "description"),
        Value::text("Primary contact\nline two")
    );
}

#[test]
fn edits_made_while_a_send_is_in_flight_are_kept() {
    use rolo::client::{Outcome, Sent, Stored};
    let mut a = app("cro");
    set(&mut a, "name", "Sent Name");
    let review = Box::new(review_of(&a));
    // While the send is in flight, the user changes another field.
    set(&mut a, "fax", "+6189000999");
    let mut stored = common::seed("cro", "1001/5001");
    stored["name"] = serde_json::json!("Sent Name");
    let ws = a.active;
    a.on_msg(rolo::tui::app::Msg::Sent {
        ws,
        review,
        result: Ok(Sent {
            status: 200,
            outcome: Outcome::default(),
            stored: Stored::Read {
                record: stored.into(),
                etag: None,
            },
            exchanges: vec![],
        }),
    });
    let form = a.workspaces[ws].form.as_ref().unwrap();
    assert!(
        !form.is_dirty(form.index("name").unwrap()),
        "sent, so no longer a change"
    );
    assert!(
        form.is_dirty(form.index("fax").unwrap()),
        "typed during the send: still a change"
    );
    assert_eq!(form.dirty_count(), 1);
}

#[test]
fn opening_another_contact_over_unsaved_changes_is_refused() {
    let mut a = app("cro");
    set(&mut a, "name", "Mine");
    let err = a.open_reference("1001/6001").unwrap_err().to_string();
    assert!(err.contains("1 unsaved change(s) on 1001/5001"), "{err}");
}

#[test]
fn draft_and_history_modals() {
    use rolo::store::{Draft, HistoryEntry};
    let mut a = app("cro");
    let mut form = a.workspaces[a.active].form.clone().unwrap();
    let i = form.index("name").unwrap();
    form.set_text(i, "Draft Name").unwrap();
    let mut draft = Draft::of("sandbox-cro", "1001/5001", &form);
    draft.saved_at = "2026-11-23T05:00:00Z".into();
    a.modals
        .push(Box::new(DraftModal::new(draft, vec!["name".into()])));
    insta::assert_snapshot!("modal_draft_80x24", render_popup(&mut a, 80, 24));

    let changes = form.build_update().unwrap().changes;
    let mut entry = HistoryEntry::new("sandbox-cro", "cro", "1001/5001", 200, &changes);
    entry.time = "2026-11-23T05:01:00Z".into();
    a.modals.clear();
    a.modals.push(Box::new(HistoryModal {
        skipped: Vec::new(),
        entries: vec![entry],
        selected: 0,
    }));
    insta::assert_snapshot!("modal_history_100x24", render_popup(&mut a, 100, 24));
}

#[test]
fn a_draft_found_in_the_background_waits_for_its_profile() {
    use rolo::client::{Exchange, Loaded, Outcome, RecordedRequest};
    use rolo::store::DraftStore;
    let dir = tempfile::tempdir().unwrap();
    let store = DraftStore::new(dir.path());
    // A draft for clemta's contact, from an earlier run.
    let spec = common::spec("clemta");
    let record = common::seed("clemta", "64b8f1a2e4b0c8d9f0123456");
    let mut earlier = Form::from_record(spec.clone(), record.clone());
    earlier
        .set_text(earlier.index("full_name").unwrap(), "From The Draft")
        .unwrap();
    store
        .save("sandbox-clemta", "64b8f1a2e4b0c8d9f0123456", &earlier)
        .unwrap();
    let on_disk = std::fs::read_dir(dir.path().join("sandbox-clemta"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let before = std::fs::read_to_string(&on_disk).unwrap();

    // cro is on screen when clemta's contact finishes loading in the background.
    let mut a = app("cro").with_stores(Some(store.clone()), None);
    let clemta = a
        .workspaces
        .iter()
        .position(|w| w.profile.name == "sandbox-clemta")
        .unwrap();
    a.activate("sandbox-clemta").unwrap();
    a.activate("sandbox-cro").unwrap();
    let reference = Reference::parse(&spec, "64b8f1a2e4b0c8d9f0123456").unwrap();
    let loaded = Loaded {
        record: record.clone().into(),
        etag: None,
        outcome: Outcome::default(),
        exchange: Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                url: "u".into(),
                headers: vec![],
                body: None,
            },
            response: None,
        }
        .into(),
    };
    let form = Form::from_record(spec, record);
    a.on_msg(rolo::tui::app::Msg::Loaded {
        ws: clemta,
        purpose: rolo::tui::app::LoadPurpose::Open,
        read: rolo::tui::app::ContactRead {
            reference,
            result: Ok((form, loaded)),
            draft: store
                .read("sandbox-clemta", "64b8f1a2e4b0c8d9f0123456")
                .map_err(|e| e.to_string()),
            claim: None,
        },
    });
    assert!(
        a.modals.is_empty(),
        "not offered while another profile is shown"
    );
    assert_eq!(
        std::fs::read_to_string(&on_disk).unwrap(),
        before,
        "and not overwritten"
    );
    // Switching to clemta offers it.
    a.activate("sandbox-clemta").unwrap();
    assert!(a.modals.top_is::<DraftModal>());
    a.on_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('r'),
        crossterm::event::KeyModifiers::NONE,
    ));
    assert_eq!(value(&a, "full_name"), Value::text("From The Draft"));
}

#[test]
fn a_modal_key_rebound_in_config_works_and_the_help_shows_it() {
    use crossterm::event::KeyCode::{Char, Down, Esc};
    use rolo::config::KeyBinding;
    use rolo::tui::modals::{HelpModal, QuitModal};
    let mut a = app("clemta");
    a.keymap = Keymap::with_bindings(&[KeyBinding {
        action: "quit.confirm".into(),
        chords: vec!["o".into()],
        line: 1,
    }])
    .unwrap();
    set(&mut a, "full_name", "Jane Doe");
    a.act(Action::Quit);
    assert!(a.modals.top_is::<QuitModal>());
    // The quit box's hint says the new key; the old one no longer quits.
    assert!(render_popup(&mut a, 80, 24).contains("o quit"));
    press(&mut a, Char('y'));
    assert!(
        !a.quit && a.modals.top_is::<QuitModal>(),
        "y is not bound any more"
    );
    press(&mut a, Esc);
    assert!(a.modals.is_empty());
    // The help lists it under Quit.
    a.act(Action::Help);
    assert!(a.modals.top_is::<HelpModal>());
    let mut shown = String::new();
    for _ in 0..200 {
        shown.push_str(&render_popup(&mut a, 80, 30));
        press(&mut a, Down);
    }
    assert!(
        shown.contains("             o  quit (unsent changes stay as drafts)"),
        "{shown}"
    );
    press(&mut a, Esc);
    a.act(Action::Quit);
    press(&mut a, Char('o'));
    assert!(a.quit);
}

#[test]
fn a_modal_is_kept_across_keys_and_esc_closes_whichever_is_on_top() {
    use crossterm::event::KeyCode::{Char, Down, Esc};
    use rolo::tui::modals::ProfilesModal;
    let mut a = app("cro");
    a.act(Action::Profiles);
    press(&mut a, Down);
    press(&mut a, Char('j'));
    let start = a.active;
    assert_eq!(
        a.modals.top_as::<ProfilesModal>().unwrap().selected,
        (start + 2).min(a.workspaces.len() - 1)
    );
    // Help on top of nothing else: Esc closes only the top one.
    a.modals
        .push(Box::new(rolo::tui::modals::HelpModal::default()));
    press(&mut a, Esc);
    assert!(a.modals.top_is::<ProfilesModal>());
    press(&mut a, Esc);
    assert!(a.modals.is_empty());
}

#[test]
fn drafts_are_written_off_the_ui_thread_in_order_and_flushed() {
    use rolo::store::DraftStore;
    let dir = tempfile::tempdir().unwrap();
    let store = DraftStore::new(dir.path());
    let mut a = app("cro").with_stores(Some(store.clone()), None);
    for text in ["First", "Second", "Third"] {
        set(&mut a, "name", text);
        let ws = a.active;
        a.journal(ws);
    }
    a.flush_writes();
    let draft = store.load("sandbox-cro", "1001/5001").expect("a draft");
    assert_eq!(
        draft.fields[0].value.as_deref(),
        Some("Third"),
        "the last edit wins"
    );
}

#[test]
fn a_draft_that_cannot_be_written_is_said_on_screen() {
    use rolo::store::DraftStore;
    use rolo::tui::app::{Banner, Msg};
    let dir = tempfile::tempdir().unwrap();
    // The drafts folder is a file: every save fails.
    let blocked = dir.path().join("drafts");
    std::fs::write(&blocked, "not a folder").unwrap();
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog).with_sandbox_url("http://127.0.0.1:7878");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut a = App::new(
        config,
        catalog,
        Theme::load("dark", None).unwrap(),
        Keymap::default(),
        tx,
    )
    .with_stores(Some(DraftStore::new(&blocked)), None);
    a.activate("sandbox-cro").unwrap();
    let shown = app("cro");
    let w = &shown.workspaces[shown.active];
    a.show_contact(w.reference.clone().unwrap(), w.form.clone().unwrap(), None);
    set(&mut a, "name", "Unsaved");
    let ws = a.active;
    a.journal(ws);
    a.flush_writes();
    let msg = rx.try_recv().expect("the writer reports the failure");
    assert!(matches!(msg, Msg::WriteFailed { .. }));
    a.on_msg(msg);
    match &a.workspaces[ws].banner {
        Some(Banner::Error(text)) => assert!(text.contains("Cannot save the draft"), "{text}"),
        other => panic!("{other:?}"),
    }
}
