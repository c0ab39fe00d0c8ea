//! Properties of the edit model, over every vendor and seed, with random edit sequences:
//! - applying the built body to the original record yields the edited record;
//! - a clean form (fresh, or after undoing everything) builds no update;
//! - undoing every edit returns the original values, and redoing returns the edits;
//! - the dirty count always equals the fields whose value differs from the original.

mod common;

use common::{VENDORS, apply, seeds, spec};
use proptest::prelude::*;
use rolo::edit::{BuildError, Form, Rule, Value, codec};
use rolo::spec::{Field, Kind, VendorSpec};

#[derive(Debug, Clone)]
enum Op {
    Set(usize, String),
    Clear(usize),
    Revert(usize),
    Undo,
    Redo,
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z]{1,8}",
        "[a-z]{1,8}",
        prop::sample::select(vec!["com", "org", "co.uk"]),
    )
        .prop_map(|(l, d, t)| format!("{l}@{d}.{t}"))
}

/// A value that passes the field's rules.
fn valid_text(field: &Field) -> BoxedStrategy<String> {
    let limits = &field.limits;
    if limits.pattern.is_some() {
        // The only patterns in the built-in specs are GUIDs.
        return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".boxed();
    }
    match field.kind {
        Kind::Text | Kind::Multiline | Kind::Secret => {
            let min = limits.min_length.unwrap_or(0);
            let max = limits.max_length.unwrap_or(40).min(min + 40);
            let line = if field.kind == Kind::Multiline {
                "[a-zA-Z0-9 ,.\n-]"
            } else {
                "[a-zA-Z0-9 ,.é-]"
            };
            proptest::string::string_regex(&format!("{line}{{{min},{max}}}"))
                .unwrap()
                .boxed()
        }
        Kind::Email => email().boxed(),
        Kind::EmailList => prop::collection::vec(email(), 1..4)
            .prop_map(|v| v.join(", "))
            .prop_filter("fits 256", |s| s.chars().count() <= 256)
            .boxed(),
        Kind::EmailArray => prop::collection::vec(email(), 0..4)
            .prop_map(|v| v.join(", "))
            .boxed(),
        Kind::Bool | Kind::BoolString => prop_oneof!["true", "false", "TRUE", "False"]
            .prop_map(String::from)
            .boxed(),
        Kind::FlexibleBool => prop_oneof!["0", "1", "True", "false", "FALSE"]
            .prop_map(String::from)
            .boxed(),
        Kind::Integer => (-1_000_000_000i64..1_000_000_000)
            .prop_map(|n| n.to_string())
            .boxed(),
        Kind::Date => date().boxed(),
        Kind::DateTime => (date(), 0u32..24, 0u32..60)
            .prop_map(|(d, h, m)| format!("{d}T{h:02}:{m:02}:00Z"))
            .boxed(),
        Kind::EpochSeconds => (0i64..4_000_000_000).prop_map(codec::format_epoch).boxed(),
        Kind::Enum => prop::sample::select(limits.values.clone()).boxed(),
        Kind::Country => prop_oneof!["AU", "NZL", "036", "Australia", "united kingdom"]
            .prop_map(String::from)
            .boxed(),
        Kind::Json => {
            let choices: Vec<&str> = match limits.json_type {
                Some(rolo::spec::JsonType::Array) => vec!["[]", "[1, 2]", r#"[{"k": "v"}]"#],
                _ => vec![r#"{"name": "Acme"}"#, r#"{"a": [1, {"b": null}]}"#],
            };
            prop::sample::select(choices).prop_map(String::from).boxed()
        }
    }
}

fn date() -> impl Strategy<Value = String> {
    (1900u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

fn op(spec: &VendorSpec) -> BoxedStrategy<Op> {
    let n = spec.fields.len();
    let sets: Vec<BoxedStrategy<Op>> = spec
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| valid_text(f).prop_map(move |t| Op::Set(i, t)).boxed())
        .collect();
    prop_oneof![
        6 => prop::strategy::Union::new(sets),
        1 => (0..n).prop_map(Op::Clear),
        1 => (0..n).prop_map(Op::Revert),
        1 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
    .boxed()
}

/// A vendor, one of its seeds, and a sequence of edits.
fn scenario() -> impl Strategy<Value = (String, usize, Vec<Op>)> {
    prop::sample::select(VENDORS.to_vec()).prop_flat_map(|vendor| {
        let spec = spec(vendor);
        let count = seeds(vendor).len();
        (
            Just(vendor.to_string()),
            0..count,
            prop::collection::vec(op(&spec), 0..24),
        )
    })
}

fn run(form: &mut Form, ops: &[Op]) {
    for op in ops {
        // Refused edits (read-only, not applicable, locked) leave the form as it was.
        let _ = match op {
            Op::Set(i, text) => form.set_text(*i, text).map(|_| ()),
            Op::Clear(i) => form.clear(*i).map(|_| ()),
            Op::Revert(i) => form.revert(*i).map(|_| ()),
            Op::Undo => {
                form.undo();
                Ok(())
            }
            Op::Redo => {
                form.redo();
                Ok(())
            }
        };
    }
}

fn same_values(form: &Form, a: &[Value], b: &[Value]) -> Result<(), String> {
    for (i, f) in form.fields().iter().enumerate() {
        if !codec::same(f.kind, f.limits.json_type, &a[i], &b[i]) {
            return Err(format!("{}: {:?} != {:?}", f.name, a[i], b[i]));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_body_to_the_record_yields_the_edited_record((vendor, seed, ops) in scenario()) {
        let spec = spec(&vendor);
        let record = seeds(&vendor)[seed].1.clone();
        let mut form = Form::from_record(spec.clone(), record.clone());
        run(&mut form, &ops);
        match form.build_update() {
            Ok(update) => {
                let stored = apply(&spec, &record, &update.body);
                let reloaded = Form::from_record(spec.clone(), stored);
                prop_assert_eq!(same_values(&form, reloaded.values(), form.values()), Ok(()));
                let changed: Vec<&str> = update.changes.iter().map(|c| c.field.as_str()).collect();
                let dirty: Vec<&str> = form.dirty_fields().map(|i| form.fields()[i].name.as_str()).collect();
                prop_assert_eq!(changed, dirty);
            }
            Err(BuildError::NoChanges) => prop_assert_eq!(form.dirty_count(), 0),
            // Only valid values are set, so a field is refused only because a clear emptied it
            // (cro `name` needs a character, clemta `type` must be customer or vendor), and the
            // only record rule that can break is one-of-required with every member emptied.
            Err(BuildError::Invalid(issues)) => {
                prop_assert!(!issues.is_empty());
                for issue in issues {
                    match (&issue.field, issue.rule) {
                        (Some(name), Rule::Required | Rule::MinLength | Rule::AllowedValues) => {
                            let i = form.index(name).unwrap();
                            prop_assert!(form.value(i).is_blank(), "valid edit refused: {}", issue);
                        }
                        (None, Rule::OneOfRequired) => {
                            let blank = ["company_id", "company_code", "company"]
                                .iter()
                                .all(|n| form.value(form.index(n).unwrap()).is_blank());
                            prop_assert!(blank, "one-of refused with a member present: {}", issue);
                        }
                        _ => prop_assert!(false, "unexpected refusal: {}", issue),
                    }
                }
            }
        }
    }

    #[test]
    fn a_clean_form_builds_no_update((vendor, seed, ops) in scenario()) {
        let spec = spec(&vendor);
        let record = seeds(&vendor)[seed].1.clone();
        let mut form = Form::from_record(spec.clone(), record.clone());
        prop_assert_eq!(form.build_update(), Err(BuildError::NoChanges));
        run(&mut form, &ops);
        // The record a vendor would hold after this update loads as a clean form.
        if let Ok(update) = form.build_update() {
            let stored = Form::from_record(spec.clone(), apply(&spec, &record, &update.body));
            prop_assert_eq!(stored.dirty_count(), 0);
            prop_assert_eq!(stored.build_update(), Err(BuildError::NoChanges));
        }
        while form.undo().is_some() {}
        prop_assert_eq!(form.build_update(), Err(BuildError::NoChanges));
    }

    #[test]
    fn undo_of_every_edit_returns_the_original((vendor, seed, ops) in scenario()) {
        let spec = spec(&vendor);
        let mut form = Form::from_record(spec, seeds(&vendor)[seed].1.clone());
        run(&mut form, &ops);
        let edited = form.values().to_vec();
        let mut undone = 0;
        while form.undo().is_some() {
            undone += 1;
        }
        prop_assert_eq!(form.values(), form.original_values());
        prop_assert_eq!(form.dirty_count(), 0);
        for _ in 0..undone {
            prop_assert!(form.redo().is_some());
        }
        prop_assert_eq!(form.values(), &edited[..]);
    }

    #[test]
    fn dirty_count_matches_the_values((vendor, seed, ops) in scenario()) {
        let spec = spec(&vendor);
        let mut form = Form::from_record(spec, seeds(&vendor)[seed].1.clone());
        run(&mut form, &ops);
        let differing = form.fields().iter().enumerate()
            .filter(|(i, f)| !codec::same(f.kind, f.limits.json_type, form.value(*i), form.original(*i)))
            .count();
        prop_assert_eq!(form.dirty_count(), differing);
        prop_assert_eq!(form.dirty_fields().count(), differing);
    }
}
