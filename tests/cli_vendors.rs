//! `rolo vendors` and `rolo vendors VENDOR`, run as the real binary.

mod common;

use std::process::Output;

use common::home::Home;

fn rolo(args: &[&str], home: &Home) -> Output {
    home.run(args, &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn lists_the_five_vendors() {
    let home = Home::new();
    let out = rolo(&["vendors"], &home);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    let ids: Vec<&str> = stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        &ids[..5],
        ["clemta", "exsited", "contactreg", "cro", "servicedesk"]
    );
    assert!(stdout.contains("PUT /api/contact/{id}"));
    assert!(stdout.contains("full replace"));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

/// The row of one field in the table, split on runs of two or more spaces.
fn row(stdout: &str, field: &str) -> Vec<String> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(field))
        .unwrap_or_else(|| panic!("no row for {field} in\n{stdout}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn prints_a_vendors_field_table() {
    let home = Home::new();
    let out = rolo(&["vendors", "servicedesk"], &home);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("servicedesk (ServiceDesk): full replace update, PUT /api/contact/{id}")
    );
    let header = row(&stdout, "FIELD");
    assert_eq!(
        header,
        [
            "FIELD",
            "KIND",
            "LIMITS",
            "REQUIRED",
            "READ-ONLY",
            "SECRET",
            "CONDITION"
        ]
    );
    assert_eq!(
        row(&stdout, "lastname"),
        ["lastname", "text", "≤ 50 chars", "yes"]
    );
    assert_eq!(
        row(&stdout, "e_password"),
        ["e_password", "secret", "≤ 50 chars", "yes"]
    );
    assert_eq!(
        row(&stdout, "modified_dateutc"),
        ["modified_dateutc", "datetime", "yes"]
    );
    assert!(stdout.contains("one of company_id, company_code, company is required"));

    let out = rolo(&["vendors", "contactreg"], &home);
    let stdout = text(&out.stdout);
    assert_eq!(
        row(&stdout, "sex"),
        ["sex", "enum", "Male|Female", "contactType is People"]
    );
    assert_eq!(
        row(&stdout, "businessNumber"),
        ["businessNumber", "text", "contactType is Company"]
    );

    let out = rolo(&["vendors", "cro"], &home);
    let stdout = text(&out.stdout);
    assert_eq!(row(&stdout, "fax"), ["fax", "text", "7–15 chars"]);
    assert!(stdout.contains("auth: x-tenant-id: {tenant_id}"));

    let out = rolo(&["vendors", "exsited"], &home);
    let stdout = text(&out.stdout);
    assert_eq!(
        row(&stdout, "phone.do_not_call"),
        ["phone.do_not_call", "bool_string"]
    );
}

#[test]
fn an_unknown_vendor_is_a_usage_error() {
    let home = Home::new();
    let out = rolo(&["vendors", "acme"], &home);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no vendor named \"acme\""), "{stderr}");
    assert!(
        stderr.contains("clemta, exsited, contactreg, cro, servicedesk"),
        "{stderr}"
    );
}

#[test]
fn a_broken_user_spec_is_reported_and_the_rest_still_list() {
    let home = Home::new();
    std::fs::create_dir(home.config_dir().join("vendors")).unwrap();
    std::fs::write(
        home.config_dir().join("vendors/broken.toml"),
        "id = \"broken\"\nname = \n",
    )
    .unwrap();
    let out = rolo(&["vendors"], &home);
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("broken.toml:2: "), "{stderr}");
    assert_eq!(
        text(&out.stdout).lines().filter(|l| !l.is_empty()).count(),
        7
    );
}
