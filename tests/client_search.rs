//! The client's list and search against the in-process sandbox: each row's reference made
//! from the row itself, searches across accounts and customers, the three paging styles, and
//! what a spec without search says.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::VENDORS;
use common::http::{Api, start};
use rolo::client::{PageAt, Query, SecretSource, Session};
use rolo::config::{Config, HttpSettings};
use rolo::spec::{BUILT_IN, Catalog, VendorSpec, parse_spec};

/// A session on the sandbox's demo profile for `vendor`, with the given spec.
fn session_with(api: &Api, vendor: &str, spec: Arc<VendorSpec>) -> Session {
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog);
    let mut profile = config
        .profile(&format!("sandbox-{vendor}"))
        .unwrap()
        .clone();
    profile.base_url = format!("{}/{vendor}", api.running.url());
    let SecretSource::BuiltIn(secret) = &profile.secret else {
        panic!("the demo profile has a built-in secret");
    };
    Session::new(spec, &profile, secret.clone(), HttpSettings::default()).unwrap()
}

fn session(api: &Api, vendor: &str) -> Session {
    session_with(api, vendor, common::spec(vendor))
}

/// The built-in spec of `vendor` with its `[list.paging]` replaced.
fn spec_paged(vendor: &str, paging: &str) -> Arc<VendorSpec> {
    let (_, source) = BUILT_IN
        .iter()
        .find(|(file, _)| file.starts_with(vendor))
        .unwrap();
    let start = source.find("[list.paging]").unwrap();
    let end = start + source[start..].find("\n\n").unwrap();
    let text = format!("{}{paging}{}", &source[..start], &source[end..]);
    Arc::new(parse_spec("test.toml", &text).unwrap())
}

const OPEN: [(&str, &str); 5] = [
    ("clemta", "64b8f1a2e4b0c8d9f0123456"),
    ("exsited", "ACC-2000/CONTACT_1"),
    ("contactreg", "1941877"),
    ("cro", "1001/5001"),
    ("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_row_of_a_list_is_named_by_its_own_fields_not_the_open_contact() {
    let api = start(None).await;
    for (vendor, open) in OPEN {
        let s = session(&api, vendor);
        // The scope is the open contact's values, as the editor passes them: its id must not
        // stand in for every row's.
        let scope = s.reference(open).unwrap().values;
        let listing = s.list(&scope, 2, 5).await.unwrap();
        let refs: Vec<&str> = listing.items.iter().map(|i| i.reference.as_str()).collect();
        assert_eq!(refs.len(), 5, "{vendor}");
        assert!(!refs.contains(&open), "{vendor}: {refs:?}");
        let unique: std::collections::HashSet<_> = refs.iter().collect();
        assert_eq!(unique.len(), 5, "{vendor}: {refs:?}");
        // Each row opens the contact it shows.
        let row = &listing.items[0];
        let loaded = s.read(&s.reference(&row.reference).unwrap()).await.unwrap();
        let shown = loaded.exchange.response.as_ref().unwrap().body.clone();
        let first_label_word = row.label.split(' ').next().unwrap();
        assert!(
            shown.contains(first_label_word),
            "{vendor}: {row:?} {shown}"
        );
        assert_eq!(listing.next, Some(PageAt::Number(3)), "{vendor}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_finds_contacts_across_accounts_and_customers() {
    let api = start(None).await;
    let none = BTreeMap::new();
    for vendor in VENDORS {
        let s = session(&api, vendor);
        let found = s
            .search(&Query::text("NÖAH jones"), &none, None)
            .await
            .unwrap();
        // Generated contacts 21, 421 and 821 of each vendor.
        assert_eq!(found.items.len(), 3, "{vendor}: {:?}", found.items);
        let hit = &found.items[2];
        assert_eq!(hit.email, "noah.jones821@example.com", "{vendor}: {hit:?}");
        let loaded = s.read(&s.reference(&hit.reference).unwrap()).await;
        assert!(loaded.is_ok(), "{vendor}: {hit:?}");
    }
    // The fixtures, whatever their scope, by e-mail and name.
    let exsited = session(&api, "exsited");
    let query = Query {
        email: Some("ava.nguyen@".into()),
        ..Query::default()
    };
    let found = exsited.search(&query, &none, None).await.unwrap();
    assert_eq!(found.items[0].reference, "ACC-1001/CONTACT_2");
    assert_eq!(found.items[0].name, "Ava Nguyen");
    let cro = session(&api, "cro");
    let query = Query {
        name: Some("dispatch desk".into()),
        ..Query::default()
    };
    let found = cro.search(&query, &none, None).await.unwrap();
    assert_eq!(found.items[0].reference, "1001/5001");
    assert_eq!(
        found.items[0].email,
        "test@contacts.com, dispatch@contacts.com"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_page_by_number_offset_and_cursor() {
    let api = start(None).await;
    let none = BTreeMap::new();
    let styles = [
        "[list.paging]\nstyle = \"page\"\nparam = \"page\"\nsize_param = \"per_page\"\nsize = 7",
        "[list.paging]\nstyle = \"offset\"\nparam = \"offset\"\nsize_param = \"limit\"\nsize = 7",
        "[list.paging]\nstyle = \"cursor\"\nparam = \"cursor\"\nsize_param = \"per_page\"\nsize = 7\nnext = \"pagination.next_cursor\"",
    ];
    let mut walks = Vec::new();
    for paging in styles {
        let s = session_with(&api, "clemta", spec_paged("clemta", paging));
        let query = Query::text("olivia");
        let mut refs = Vec::new();
        let mut at = None;
        loop {
            let page = s.search(&query, &none, at.as_ref()).await.unwrap();
            assert!(page.items.len() <= 7);
            refs.extend(page.items.into_iter().map(|m| m.reference));
            match page.next {
                Some(next) => at = Some(next),
                None => break,
            }
            assert!(refs.len() < 100, "{paging}: the walk does not end");
        }
        walks.push(refs);
    }
    assert_eq!(walks[0].len(), 50);
    assert_eq!(walks[0], walks[1]);
    assert_eq!(walks[0], walks[2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spec_without_search_says_so() {
    let api = start(None).await;
    let (_, source) = BUILT_IN[0];
    let start = source.find("[list.search]").unwrap();
    let end = start + source[start..].find("\n\n").unwrap();
    let text = format!("{}{}", &source[..start], &source[end..]);
    let spec = Arc::new(parse_spec("test.toml", &text).unwrap());
    let s = session_with(&api, "clemta", spec);
    let failed = s
        .search(&Query::text("x"), &BTreeMap::new(), None)
        .await
        .unwrap_err();
    assert!(
        failed.error.to_string().contains("no [list.search]"),
        "{}",
        failed.error
    );
    assert_eq!(failed.error.exit_code(), 2);
}
