//! Moving the user's changes onto the server's current record before sending: a field the user
//! changed that the server also changed (to something else) is a conflict; every other server
//! change is kept.

use std::fmt;

use super::{Form, Record, Value, codec};

/// A field changed on the server since it was loaded, and the user changed it too.
#[derive(Clone, PartialEq, Eq)]
pub struct Conflict {
    pub field: String,
    pub secret: bool,
    /// What the user started from.
    pub original: Value,
    /// What the server holds now.
    pub server: Value,
    /// What the user wants.
    pub mine: Value,
}

/// Debug masks a secret field's values, like `describe`.
impl fmt::Debug for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Conflict({})", self.describe())
    }
}

impl Conflict {
    fn show(&self, v: &Value) -> String {
        if self.secret {
            return "***".into();
        }
        match v {
            Value::Null => "null".into(),
            Value::Text(t) => format!("{t:?}"),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{}: you loaded {}, the server now has {}, you set {}",
            self.field,
            self.show(&self.original),
            self.show(&self.server),
            self.show(&self.mine)
        )
    }
}

/// Every conflict of one rebase, in spec order (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the contact changed on the server since you loaded it; nothing was sent:\n{}", .0.iter().map(|c| format!("  {}", c.describe())).collect::<Vec<_>>().join("\n"))]
pub struct Conflicts(pub Vec<Conflict>);

impl Form {
    /// The user's changes moved onto `server_record` (a fresh read of the same contact):
    /// unchanged fields take the server's values, changed fields keep the user's, and the
    /// reference (identity) is kept. A field the user changed that the server also changed,
    /// and not to the user's value, is a conflict: then no form comes back.
    pub fn rebase(&self, server_record: impl Into<Record>) -> Result<Form, Conflicts> {
        let server = Form::from_record(self.spec().clone(), server_record);
        let conflicts: Vec<Conflict> = self
            .dirty_fields()
            .filter_map(|i| {
                let f = &self.fields()[i];
                let same = |a, b| codec::same(f.kind, f.limits.json_type, a, b);
                let (original, now, mine) = (self.original(i), server.original(i), self.value(i));
                (!same(original, now) && !same(now, mine)).then(|| Conflict {
                    field: f.name.clone(),
                    secret: f.is_secret(),
                    original: original.clone(),
                    server: now.clone(),
                    mine: mine.clone(),
                })
            })
            .collect();
        if !conflicts.is_empty() {
            return Err(Conflicts(conflicts));
        }
        let mut rebased = self.clone();
        rebased.adopt(server.record().clone());
        Ok(rebased)
    }

    /// A conflict resolved: like `rebase`, but each field named in `take_theirs` takes the
    /// server's value, and every other changed field keeps the user's (conflicting or not).
    pub fn rebase_resolving(
        &self,
        server_record: impl Into<Record>,
        take_theirs: &[String],
    ) -> Form {
        let mut rebased = self.clone();
        rebased.adopt(server_record);
        for name in take_theirs {
            if let Ok(i) = rebased.index(name) {
                rebased.take_original(i);
            }
        }
        rebased
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value as Json, json};

    use super::*;
    use crate::spec::{Catalog, VendorSpec};

    fn spec(vendor: &str) -> Arc<VendorSpec> {
        Catalog::built_in().get(vendor).unwrap().clone()
    }

    fn cro() -> (Form, Json) {
        let record = json!({"id": 5001, "name": "Desk", "number": "+61 8 0000 0000", "fax": null});
        (Form::from_record(spec("cro"), record.clone()), record)
    }

    fn set(form: &mut Form, name: &str, text: &str) {
        let i = form.index(name).unwrap();
        form.set_text(i, text).unwrap();
    }

    fn value(form: &Form, name: &str) -> Value {
        form.value(form.index(name).unwrap()).clone()
    }

    #[test]
    fn a_field_changed_on_both_sides_is_a_conflict() {
        let (mut form, mut server) = cro();
        set(&mut form, "name", "Mine");
        server["name"] = json!("Theirs");
        let Conflicts(conflicts) = form.rebase(server).unwrap_err();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "name");
        assert_eq!(conflicts[0].original, Value::text("Desk"));
        assert_eq!(conflicts[0].server, Value::text("Theirs"));
        assert_eq!(conflicts[0].mine, Value::text("Mine"));
    }

    #[test]
    fn the_server_taking_the_users_value_is_no_conflict_and_no_change() {
        let (mut form, mut server) = cro();
        set(&mut form, "name", "Same");
        set(&mut form, "fax", "+6189000222");
        server["name"] = json!("Same");
        let rebased = form.rebase(server).unwrap();
        assert!(!rebased.is_dirty(rebased.index("name").unwrap()));
        assert_eq!(rebased.dirty_count(), 1);
    }

    #[test]
    fn other_server_changes_are_taken_and_the_users_are_kept() {
        let (mut form, mut server) = cro();
        set(&mut form, "name", "Mine");
        server["number"] = json!("+61 8 1111 1111");
        let rebased = form.rebase(server.clone()).unwrap();
        assert_eq!(value(&rebased, "name"), Value::text("Mine"));
        assert_eq!(value(&rebased, "number"), Value::text("+61 8 1111 1111"));
        assert_eq!(rebased.record(), &server);
        assert_eq!(rebased.dirty_count(), 1);
        // The form it came from is untouched.
        assert_eq!(value(&form, "number"), Value::text("+61 8 0000 0000"));
    }

    #[test]
    fn resolving_takes_theirs_where_asked_and_keeps_mine_elsewhere() {
        let (mut form, mut server) = cro();
        set(&mut form, "name", "Mine");
        set(&mut form, "number", "+61 8 2222 2222");
        server["name"] = json!("Theirs");
        server["number"] = json!("+61 8 3333 3333");
        let resolved = form.rebase_resolving(server, &["name".to_string()]);
        assert_eq!(value(&resolved, "name"), Value::text("Theirs"));
        assert!(!resolved.is_dirty(resolved.index("name").unwrap()));
        assert_eq!(value(&resolved, "number"), Value::text("+61 8 2222 2222"));
        assert_eq!(resolved.dirty_count(), 1);
        assert!(!resolved.can_redo());
    }

    #[test]
    fn secret_values_stay_masked_in_a_conflicts_words() {
        let c = Conflict {
            field: "e_password".into(),
            secret: true,
            original: Value::text("a"),
            server: Value::text("b"),
            mine: Value::text("c"),
        };
        assert_eq!(
            format!("{c:?}"),
            "Conflict(e_password: you loaded ***, the server now has ***, you set ***)"
        );
    }
}
