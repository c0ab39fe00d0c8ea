use super::*;
use crate::spec::Catalog;

/// The sandbox's seeded records (the vendors' own examples), read from the fixture files.
fn fixtures(vendor: &str) -> Vec<serde_json::Value> {
    let text = match vendor {
        "clemta" => include_str!("../../../assets/sandbox/clemta.json"),
        "exsited" => include_str!("../../../assets/sandbox/exsited.json"),
        "contactreg" => include_str!("../../../assets/sandbox/contactreg.json"),
        "cro" => include_str!("../../../assets/sandbox/cro.json"),
        "servicedesk" => include_str!("../../../assets/sandbox/servicedesk.json"),
        other => panic!("no fixtures for {other}"),
    };
    let items: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
    items.into_iter().map(|i| i["record"].clone()).collect()
}

fn form(vendor: &str, n: usize) -> Form {
    let spec = Catalog::built_in().get(vendor).unwrap().clone();
    Form::from_record(spec, fixtures(vendor)[n].clone())
}

fn index(form: &Form, name: &str) -> usize {
    form.index(name).unwrap()
}

#[test]
fn every_seeded_contact_round_trips_unchanged() {
    for vendor in ["clemta", "exsited", "contactreg", "cro", "servicedesk"] {
        for (n, record) in fixtures(vendor).into_iter().enumerate() {
            let spec = Catalog::built_in().get(vendor).unwrap().clone();
            let form = Form::from_record(spec, record);
            let text = render(&form, "test");
            assert_eq!(
                parse(&form, &text),
                Ok(Vec::new()),
                "{vendor} #{n}:\n{text}"
            );
        }
    }
}

#[test]
fn a_document_shows_kinds_rules_and_nested_fields_and_no_secret() {
    let exsited = render(&form("exsited", 0), "ACC-1001/CONTACT_1");
    assert!(exsited.starts_with("# ACC-1001/CONTACT_1\n"), "{exsited}");
    assert!(
        exsited.contains("\nphone.number = \"92550000\"\n"),
        "{exsited}"
    );
    assert!(
        exsited.contains("email.do_not_email = false\n"),
        "{exsited}"
    );
    assert!(
        exsited.contains("# E-mail · email · an e-mail address such as name@example.com\n")
            || exsited.contains("· email · an e-mail address such as name@example.com\n"),
        "{exsited}"
    );
    // Read-only values are shown, and said to be read-only.
    assert!(exsited.contains("# read-only: "), "{exsited}");
    let servicedesk = render(&form("servicedesk", 0), "sd");
    assert!(!servicedesk.contains("e_password"), "{servicedesk}");
    assert!(
        servicedesk.contains("required · at most 50 characters"),
        "{servicedesk}"
    );
}

#[test]
fn a_changed_nested_value_is_the_only_edit_whatever_the_key_spelling() {
    let form = form("exsited", 0);
    let text = render(&form, "t");
    let number = index(&form, "phone.number");
    let changed = text.replace("phone.number = \"92550000\"", "phone.number = \"92559999\"");
    assert_eq!(
        parse(&form, &changed),
        Ok(vec![(number, Value::text("92559999"))])
    );
    // The same as one quoted key.
    let quoted = text.replace(
        "phone.number = \"92550000\"",
        "\"phone.number\" = \"92559999\"",
    );
    assert_eq!(
        parse(&form, &quoted),
        Ok(vec![(number, Value::text("92559999"))])
    );
}

#[test]
fn a_removed_line_clears_its_field() {
    let form = form("clemta", 0);
    let text = render(&form, "t");
    let description = index(&form, "description");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("description ="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        parse(&form, &without),
        Ok(vec![(description, Value::text(""))])
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let form = form("clemta", 0);
    let text = render(&form, "t")
        .replace(
            "email = \"john.doe@example.com\"",
            "email = \"not-an-address\"",
        )
        .replace("type = \"customer\"", "type = [1]")
        .replace("id = \"64b8f1a2e4b0c8d9f0123456\"", "id = \"other\"")
        + "fulname = \"X\"\n\"billing.phone\" = \"2\"\n";
    let errors = parse(&form, &text).unwrap_err();
    let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let has = |part: &str| said.iter().any(|s| s.contains(part));
    assert!(has("email: must be a valid e-mail address"), "{said:?}");
    assert!(has("type: must be a single value, not a list"), "{said:?}");
    assert!(has("id: cannot be changed"), "{said:?}");
    assert!(
        has("fulname: clemta has no such field (did you mean \"full_name\"?)"),
        "{said:?}"
    );
    assert!(has("billing.phone: given twice"), "{said:?}");
}

#[test]
fn a_syntax_error_names_its_line_in_the_file_the_user_sees() {
    let form = form("cro", 0);
    let text = "# comment\nname = \"Desk\nfax = \"1\"\n";
    let errors = parse(&form, text).unwrap_err();
    let [DocumentError::Syntax { line, .. }] = errors.as_slice() else {
        panic!("{errors:?}")
    };
    assert_eq!(*line, 2);
    let again = with_errors(text, &errors);
    // One header line, one problem, one closing line: the bad line is now line 5.
    assert!(again.contains("#! ✗ line 5: not valid TOML"), "{again}");
    assert_eq!(again.lines().nth(4), Some("name = \"Desk"));
    // Parsing the annotated text again finds the same line in its own numbering.
    let errors = parse(&form, &again).unwrap_err();
    assert_eq!(with_errors(&again, &errors), again, "replaced, not stacked");
}

#[test]
fn errors_of_a_previous_round_are_replaced_not_stacked() {
    let text = "name = \"x\"\n";
    let first = with_errors(
        text,
        &[DocumentError::Twice {
            field: "name".into(),
        }],
    );
    let second = with_errors(
        &first,
        &[DocumentError::Secret {
            field: "e_password".into(),
        }],
    );
    assert!(second.starts_with("#! rolo did not apply this file: 1 problem(s)"));
    assert!(!second.contains("given twice"), "{second}");
    assert!(second.contains("e_password: a secret"), "{second}");
    assert!(second.ends_with("#!\nname = \"x\"\n"), "{second}");
    assert_eq!(strip_errors(&second), text);
}

#[test]
fn blank_documents_say_nothing() {
    assert!(is_blank(""));
    assert!(is_blank("\n  \n# only a comment\n"));
    assert!(is_blank("#! rolo did not apply this file\n#!\n"));
    assert!(!is_blank("name = \"x\"\n"));
}

#[test]
fn multi_line_values_quotes_and_backslashes_round_trip() {
    let mut form = form("clemta", 0);
    let description = index(&form, "description");
    let tricky = "Line one \"quoted\"\nC:\\path\\ and a tab\there\n\"\"\" end\"";
    form.set_text(description, tricky).unwrap();
    let text = render(&form, "t");
    assert_eq!(parse(&form, &text), Ok(Vec::new()), "{text}");
    let changed = text.replace("Line one", "Line 1");
    assert_eq!(
        parse(&form, &changed),
        Ok(vec![(
            description,
            Value::text(tricky.replace("Line one", "Line 1"))
        )])
    );
}

#[test]
fn one_value_alone_reads_back_as_its_field_takes_it() {
    let form = form("clemta", 0);
    let name = index(&form, "full_name");
    let email = index(&form, "email");
    assert_eq!(render_value(&form, name), "John Doe\n");
    assert_eq!(parse_value(&form, name, "John Doe\n"), Ok(None));
    assert_eq!(
        parse_value(&form, name, "Jane Roe\n\n"),
        Ok(Some(Value::text("Jane Roe")))
    );
    assert!(matches!(
        parse_value(&form, name, "Jane\nRoe\n"),
        Err(DocumentError::MultipleLines { .. })
    ));
    let err = parse_value(&form, email, "nope\n").unwrap_err();
    assert!(
        err.to_string().starts_with("email: must be a valid e-mail"),
        "{err}"
    );
    // The error lines of a previous round are not part of the value.
    let again = with_errors("nope\n", &[err]);
    assert_eq!(
        parse_value(&form, email, &again.replace("nope", "jane@example.com")),
        Ok(Some(Value::text("jane@example.com")))
    );
    // A multi-line field keeps its lines, less the editor's final newline.
    let description = index(&form, "description");
    assert_eq!(render_value(&form, description), "Primary contact\n");
    assert_eq!(
        parse_value(&form, description, "First line\n\nthird line\n"),
        Ok(Some(Value::text("First line\n\nthird line")))
    );
}

#[test]
fn controls_and_bidi_overrides_are_escapes_in_the_document_and_read_back_as_they_were() {
    let mut form = form("clemta", 0);
    let name = index(&form, "full_name");
    let description = index(&form, "description");
    let hostile = "Eve\u{1b}]52;c;aGk=\u{7}\u{202e}gnp.exe\u{85}";
    form.set_text(name, hostile).unwrap();
    form.set_text(description, &format!("line\n{hostile}"))
        .unwrap();
    let text = render(&form, "t");
    for hidden in ['\u{1b}', '\u{7}', '\u{202e}', '\u{85}'] {
        assert!(!text.contains(hidden), "{hidden:?} written raw:\n{text}");
    }
    assert!(
        text.contains("\\u001B]52;c;aGk=\\u0007\\u202Egnp.exe\\u0085"),
        "{text}"
    );
    assert_eq!(parse(&form, &text), Ok(Vec::new()), "{text}");
}
