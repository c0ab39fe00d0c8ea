//! The form's dirty set, undo/redo and access rules, on the seed contacts.

mod common;

use common::{form, set};
use rolo::edit::{Access, Value};

#[test]
fn typing_the_original_back_makes_a_field_clean() {
    let mut f = form("clemta", "64b8f1a2e4b0c8d9f0123456");
    let name = f.index("full_name").unwrap();
    set(&mut f, "full_name", "Jon Doe");
    assert!(f.is_dirty(name));
    assert_eq!(f.dirty_count(), 1);
    set(&mut f, "full_name", "John Doe");
    assert!(!f.is_dirty(name));
    assert_eq!(f.dirty_count(), 0);
    // Both edits stay in the history.
    assert_eq!(f.undo(), Some(name));
    assert_eq!(f.value(name), &Value::text("Jon Doe"));
}

#[test]
fn equal_meaning_is_clean_for_flags_lists_and_json() {
    let mut f = form("cro", "1001/5001");
    set(&mut f, "notify_on_completed_request", "1");
    set(&mut f, "email", "test@contacts.com,dispatch@contacts.com");
    assert_eq!(f.dirty_count(), 0, "{f:?}");
    assert!(!f.can_undo(), "an edit to an equal value is not an edit");

    let mut sd = form("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
    let company = sd.index("company").unwrap();
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(sd.value(company).as_text().unwrap()).unwrap(),
    )
    .unwrap();
    sd.set_text(company, &pretty).unwrap();
    assert_eq!(sd.dirty_count(), 0);
}

#[test]
fn undo_and_redo_walk_the_history() {
    let mut f = form("exsited", "ACC-1001/CONTACT_1");
    let city = f.index("city").unwrap();
    let state = f.index("state").unwrap();
    set(&mut f, "city", "Newcastle");
    f.clear(state).unwrap();
    f.revert(city).unwrap();
    assert_eq!(f.dirty_count(), 1);
    assert_eq!(f.value(state), &Value::text(""));

    assert_eq!(f.undo(), Some(city));
    assert_eq!(f.value(city), &Value::text("Newcastle"));
    assert_eq!(f.undo(), Some(state));
    assert_eq!(f.value(state), &Value::text("NSW"));
    assert_eq!(f.undo(), Some(city));
    assert_eq!(f.value(city), &Value::text("Sydney"));
    assert_eq!(f.undo(), None);
    assert_eq!(f.dirty_count(), 0);

    assert_eq!(f.redo(), Some(city));
    assert_eq!(f.redo(), Some(state));
    assert_eq!(f.dirty_count(), 2);
    // A new edit drops what could still be redone.
    set(&mut f, "post_code", "2300");
    assert!(!f.can_redo());
    assert_eq!(f.redo(), None);
}

#[test]
fn access_says_why_a_field_cannot_be_edited() {
    let people = form("contactreg", "1941877");
    let kind = people.index("contactType").unwrap();
    assert!(matches!(people.access(kind), Access::ReadOnly(r) if r.contains("cannot be changed")));
    let business = people.index("businessNumber").unwrap();
    assert_eq!(
        people.access(business),
        Access::NotApplicable("only allowed when contactType is Company (it is People)".into())
    );
    let email = people.index("email").unwrap();
    assert_eq!(people.access(email), Access::Editable);
}

#[test]
fn values_are_read_from_response_shapes() {
    let body = serde_json::json!({"account": {"contacts": common::seed("exsited", "ACC-1001/CONTACT_1"), "id": "ACC-1001"}});
    let f = rolo::edit::Form::from_response(common::spec("exsited"), &body).unwrap();
    assert_eq!(
        f.value(f.index("designation").unwrap()),
        &Value::text("CEO")
    );
    assert_eq!(
        f.value(f.index("phone.full").unwrap()),
        &Value::text("+61 2 92550000")
    );

    let clemta = serde_json::json!({"success": true, "message": "ok", "data": common::seed("clemta", "64b8f1a2e4b0c8d9f0123456")});
    let f = rolo::edit::Form::from_response(common::spec("clemta"), &clemta).unwrap();
    assert_eq!(
        f.value(f.index("billing.state").unwrap()),
        &Value::text("CA")
    );
    assert_eq!(f.value(f.index("billing.district").unwrap()), &Value::Null);
    assert_eq!(f.value(f.index("cc_emails").unwrap()), &Value::text(""));

    let err = rolo::edit::Form::from_response(
        common::spec("clemta"),
        &serde_json::json!({"success": false, "data": null}),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the clemta response has no contact object at `data`"
    );
}

#[test]
fn adopt_keeps_unsent_changes_and_takes_the_rest_from_the_server() {
    let mut f = form("cro", "1001/5001");
    set(&mut f, "name", "Mine");
    set(&mut f, "fax", "+6189000222");
    let mut fresh = common::seed("cro", "1001/5001");
    fresh["number"] = serde_json::json!("+61 8 1111 1111");
    fresh["fax"] = serde_json::json!("+6189000222");
    f.adopt(fresh);
    assert_eq!(f.value(f.index("name").unwrap()), &Value::text("Mine"));
    assert_eq!(
        f.value(f.index("number").unwrap()),
        &Value::text("+61 8 1111 1111")
    );
    // The server already holds the user's fax: no longer a change.
    assert!(!f.is_dirty(f.index("fax").unwrap()));
    assert_eq!(f.dirty_count(), 1);
    assert_eq!(
        f.build_update().unwrap().body,
        serde_json::json!({"name": "Mine"})
    );
}
