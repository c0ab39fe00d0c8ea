//! The sandbox's search over real HTTP: `q`, `email` and `name` on every list (case- and
//! accent-insensitive substrings), paging by page, offset and cursor, and the lists across
//! scopes of exsited (accounts) and cro (customers), through which every contact is found.

mod common;

use common::http::{Api, start};
use reqwest::StatusCode;
use rolo::sandbox::seed;
use serde_json::Value as Json;

/// Each vendor's searchable list (across scopes where there is one), where its items sit, and
/// how an item's reference is made from it.
struct Searched {
    vendor: &'static str,
    path: &'static str,
    items: &'static str,
}

const LISTS: [Searched; 5] = [
    Searched {
        vendor: "clemta",
        path: "/contacts",
        items: "data",
    },
    Searched {
        vendor: "exsited",
        path: "/api/v3/contacts",
        items: "contacts",
    },
    Searched {
        vendor: "contactreg",
        path: "/contacts",
        items: "",
    },
    Searched {
        vendor: "cro",
        path: "/contacts/",
        items: "results",
    },
    Searched {
        vendor: "servicedesk",
        path: "/api/contact",
        items: "",
    },
];

fn items<'a>(list: &Searched, body: &'a Json) -> &'a Vec<Json> {
    let node = if list.items.is_empty() {
        body
    } else {
        &body[list.items]
    };
    node.as_array()
        .unwrap_or_else(|| panic!("{}: no items in {body}", list.vendor))
}

/// The sandbox key of a list item, as the vendor's generator makes it.
fn key(vendor: &str, item: &Json) -> String {
    let text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    match vendor {
        "exsited" => format!("{}/{}", text(&item["account_id"]), text(&item["type"])),
        "cro" => format!("{}/{}", text(&item["customer_id"]), text(&item["id"])),
        _ => text(&item["id"]),
    }
}

async fn search(api: &Api, list: &Searched, query: &str) -> Vec<String> {
    let reply = api
        .get(list.vendor, &format!("{}?{query}", list.path))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}: {}",
        list.vendor,
        reply.text
    );
    items(list, &reply.json())
        .iter()
        .map(|item| key(list.vendor, item))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_and_emails_are_found_whatever_the_case_and_accents() {
    let api = start(None).await;
    let wanted = [
        ("clemta", "q=J%C3%92HN%20d", "64b8f1a2e4b0c8d9f0123456"),
        ("exsited", "name=J%C3%A1mes%20CARTER", "ACC-1001/CONTACT_1"),
        ("contactreg", "email=C%40V.COM", "1941877"),
        ("cro", "q=DISPATCH%40contacts", "1001/5001"),
        (
            "servicedesk",
            "q=%C3%A4nna%20schm",
            "93498506-9dde-4593-b844-e3c51c0e2bc2",
        ),
    ];
    for (list, (vendor, query, reference)) in LISTS.iter().zip(wanted) {
        assert_eq!(list.vendor, vendor);
        let found = search(&api, list, query).await;
        assert_eq!(found, [reference], "{vendor} ?{query}");
    }
    // `name` looks at names only, `email` at e-mails only.
    let clemta = &LISTS[0];
    assert!(search(&api, clemta, "name=john.doe@").await.is_empty());
    assert!(search(&api, clemta, "email=john%20doe").await.is_empty());
    assert_eq!(
        search(&api, clemta, "name=john%20doe&email=doe@")
            .await
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_contacts_are_found_by_their_email() {
    let api = start(None).await;
    for list in &LISTS {
        // Every 11th: each request scans the vendor's 1,000 contacts, so asking for all of
        // them is slow in a debug build (the lists across scopes, next, reach them all).
        for (key, record) in seed::generated(list.vendor, seed::GENERATED)
            .into_iter()
            .step_by(11)
        {
            let email = match list.vendor {
                "exsited" => record["email"]["address"].as_str(),
                _ => record["email"].as_str(),
            }
            .unwrap_or_else(|| panic!("{}: {key} has no e-mail", list.vendor));
            let found = search(&api, list, &format!("email={email}")).await;
            assert_eq!(found, [key], "{} {email}", list.vendor);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_across_scopes_hold_every_account_and_customer() {
    let api = start(None).await;
    let exsited = api
        .get("exsited", "/api/v3/contacts?per_page=500&page=3")
        .await
        .json();
    assert_eq!(exsited["pagination"]["total"], 1002);
    assert_eq!(exsited["contacts"][1]["account_id"], "ACC-2000");
    let first = search(&api, &LISTS[1], "per_page=2").await;
    assert_eq!(first, ["ACC-1001/CONTACT_1", "ACC-1001/CONTACT_2"]);

    let cro = api.get("cro", "/contacts/?q=smith&per_page=5").await.json();
    assert_eq!(cro["results"][0]["customer_id"], 1001);
    assert!(
        cro["next"]
            .as_str()
            .unwrap()
            .starts_with("/cro/contacts/?page=2"),
        "{cro}"
    );
    // Scoped lists search too; a known scope without a match is an empty page, not a 404.
    let scoped = api
        .get(
            "exsited",
            "/api/v3/accounts/ACC-1001/contacts?q=nobody-at-all",
        )
        .await;
    assert_eq!(scoped.status, StatusCode::OK);
    assert_eq!(scoped.json()["account"]["contacts"], serde_json::json!([]));
    let unknown = api.get("cro", "/customers/9/contacts/?q=smith").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_pages_by_number_offset_and_cursor_alike() {
    let api = start(None).await;
    let clemta = &LISTS[0];
    let all = search(&api, clemta, "q=olivia&per_page=500").await;
    assert_eq!(all.len(), 50, "Olivia is every 20th generated name");

    let mut by_page = Vec::new();
    for page in 1..=4 {
        by_page.extend(search(&api, clemta, &format!("q=olivia&page={page}&per_page=15")).await);
    }
    let mut by_offset = Vec::new();
    for offset in (0..50).step_by(15) {
        by_offset.extend(search(&api, clemta, &format!("q=olivia&offset={offset}&limit=15")).await);
    }
    let mut by_cursor = Vec::new();
    let mut query = "q=olivia&per_page=15".to_string();
    loop {
        let body = api
            .get("clemta", &format!("/contacts?{query}"))
            .await
            .json();
        by_cursor.extend(items(clemta, &body).iter().map(|i| key("clemta", i)));
        match body["pagination"]["next_cursor"].as_str() {
            Some(cursor) => query = format!("q=olivia&per_page=15&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(by_page, all);
    assert_eq!(by_offset, all);
    assert_eq!(by_cursor, all);

    let bad = api.get("clemta", "/contacts?cursor=2").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert!(bad.text.contains("cursor"), "{}", bad.text);
}
