//! The sandbox's starting data: the fixture records in `assets/sandbox/*.json` (including the
//! records printed on the vendors' pages) and 1,000 generated contacts per vendor.
//! A generated contact is a function of its vendor and index (1 to `GENERATED`): its key and
//! record are derived when asked for, never stored, so every sandbox has the same data and an
//! unread contact costs nothing (the ledger keeps only the ones that were written).

use serde_json::{Value as Json, json};

/// How many generated contacts each vendor gets besides its fixtures (`rolo sandbox
/// --generated N` asks for more, for batch benchmarks and tests).
pub const GENERATED: usize = 1000;

/// The most `--generated` accepts. Generated contacts are derived on demand, but a vendor's
/// first search keeps the name and e-mail text of every one of them (`search::GeneratedTexts`).
pub const MAX_GENERATED: usize = 100_000;

const FIXTURES: [(&str, &str); 5] = [
    ("clemta", include_str!("../../assets/sandbox/clemta.json")),
    ("exsited", include_str!("../../assets/sandbox/exsited.json")),
    (
        "contactreg",
        include_str!("../../assets/sandbox/contactreg.json"),
    ),
    ("cro", include_str!("../../assets/sandbox/cro.json")),
    (
        "servicedesk",
        include_str!("../../assets/sandbox/servicedesk.json"),
    ),
];

const FIRST: [&str; 20] = [
    "Olivia", "Noah", "Amelia", "Jack", "Isla", "William", "Mia", "Oliver", "Ava", "Lucas",
    "Grace", "Leo", "Chloe", "Henry", "Zoe", "Thomas", "Ella", "James", "Ruby", "Hugo",
];
const LAST: [&str; 20] = [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin",
    "White", "Anderson", "Walker", "Thompson", "Harris", "Lee", "Ryan", "Robinson", "Kelly",
    "King", "Davis",
];
const CITIES: [(&str, &str, &str); 5] = [
    ("Sydney", "NSW", "2000"),
    ("Melbourne", "VIC", "3000"),
    ("Brisbane", "QLD", "4000"),
    ("Perth", "WA", "6000"),
    ("Adelaide", "SA", "5000"),
];

/// The fixture records of a vendor, as (key, record), in file order.
pub fn fixtures(vendor: &str) -> Vec<(String, Json)> {
    let Some((_, text)) = FIXTURES.iter().find(|(v, _)| *v == vendor) else {
        return Vec::new();
    };
    // The fixtures are compiled in and checked by this module's tests.
    let all: Vec<Json> = serde_json::from_str(text).unwrap_or_default();
    // Each item's record is moved out, not cloned (the sandbox starts with the editor's demo).
    all.into_iter()
        .filter_map(|mut item| {
            let item = item.as_object_mut()?;
            let record = item.remove("record")?;
            match item.remove("reference")? {
                Json::String(key) => Some((key, record)),
                _ => None,
            }
        })
        .collect()
}

fn person(i: usize) -> (&'static str, &'static str) {
    (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()])
}

fn email(first: &str, last: &str, i: usize) -> String {
    format!(
        "{}.{}{i}@example.com",
        first.to_lowercase(),
        last.to_lowercase()
    )
}

/// The first `count` generated contacts of a vendor, as (key, record); `i` runs from 1.
pub fn generated(vendor: &str, count: usize) -> Vec<(String, Json)> {
    (1..=count).map(|i| generate(vendor, i)).collect()
}

/// The key of generated contact `i` (1-based).
pub fn generated_key(vendor: &str, i: usize) -> String {
    match vendor {
        "clemta" => format!("65{i:022x}"),
        "exsited" => format!("ACC-2000/CONTACT_{i}"),
        "contactreg" => (2_000_000 + i).to_string(),
        "cro" => format!("1001/{}", 6000 + i),
        _ => format!("{:08x}-0000-4000-8000-{i:012x}", 0x5d00_0000u32),
    }
}

/// The index of the generated contact with this key, if it is one: the inverse of
/// `generated_key` (a key written any other way, "CONTACT_01" say, is not one).
pub fn generated_index(vendor: &str, key: &str, count: usize) -> Option<usize> {
    let i = match vendor {
        "clemta" => usize::from_str_radix(key.strip_prefix("65")?, 16).ok()?,
        "exsited" => key.strip_prefix("ACC-2000/CONTACT_")?.parse().ok()?,
        "contactreg" => key.parse::<usize>().ok()?.checked_sub(2_000_000)?,
        "cro" => key
            .strip_prefix("1001/")?
            .parse::<usize>()
            .ok()?
            .checked_sub(6000)?,
        _ => usize::from_str_radix(key.strip_prefix("5d000000-0000-4000-8000-")?, 16).ok()?,
    };
    ((1..=count).contains(&i) && generated_key(vendor, i) == key).then_some(i)
}

fn generate(vendor: &str, i: usize) -> (String, Json) {
    (generated_key(vendor, i), generated_record(vendor, i))
}

/// The record of generated contact `i` (1-based), as the sandbox first serves it.
pub fn generated_record(vendor: &str, i: usize) -> Json {
    let (first, last) = person(i);
    let (city, state, post_code) = CITIES[i % CITIES.len()];
    match vendor {
        "clemta" => {
            let id = generated_key(vendor, i);
            let created = 1_650_000_000 + (i as i64) * 3_600;
            json!({
                "id": id, "created_at": created, "updated_at": created,
                "type": if i.is_multiple_of(3) { "vendor" } else { "customer" },
                "status": if i.is_multiple_of(10) { "inactive" } else { "active" },
                "full_name": format!("{first} {last}"), "email": email(first, last, i),
                "description": "", "cc_emails": [], "bcc_emails": [],
                "billing": {"email": email(first, last, i), "phone": format!("55501{i:05}"), "phone_code": "+61",
                    "iso_code": "AU", "country": "Australia", "address_1": format!("{i} Example Street"),
                    "postal_code": post_code, "state": state}
            })
        }
        "exsited" => {
            let kind = format!("CONTACT_{i}");
            let phone = format!("9{i:07}");
            let salutation = ["Mr.", "Ms.", "Dr."][i % 3];
            json!({
                "type": kind, "type_display_name": format!("Contact {i}"),
                "billing_contact": "false", "shipping_contact": "false",
                "salutation": {"id": 1 + (i % 3) as u64, "name": salutation, "link": format!("/api/v3/salutations/{}", 1 + i % 3)},
                "designation": {"id": 7, "name": "Accounts", "link": "/api/v3/designations/7"},
                "first_name": first, "middle_name": "", "last_name": last,
                "email": {"address": email(first, last, i), "do_not_email": "false"},
                "address_line_1": format!("{i} Example Street"), "address_line_2": "", "address_line_3": "",
                "address_line_4": "", "address_line_5": "",
                "post_code": post_code, "city": city, "state": state, "country": "Australia",
                "phone": {"country_code": "61", "area_code": "2", "number": phone, "full": format!("+61 2 {phone}"), "do_not_call": "false"},
                "fax": {"country_code": "", "area_code": "", "number": "", "full": "", "do_not_call": "false"},
                "mobile": {"country_code": "", "area_code": "", "number": "", "full": "", "do_not_call": "false"},
                "receive_billing_information": "false",
                "created_by": "generator", "created_on": "2024-01-01T00:00:00Z",
                "last_updated_by": "generator", "last_updated_on": "2024-01-01T00:00:00Z",
                "uuid": format!("00000000-0000-4000-8000-{i:012x}"), "version": "1",
                "custom_attributes": []
            })
        }
        "contactreg" => {
            let id = 2_000_000 + i as u64;
            // Mostly people, with companies, other entities and joint members among them.
            let kind = match i % 20 {
                0 => "Joint Member",
                5 | 15 => "Company",
                10 => "Other Entity",
                _ => "People",
            };
            let mut record = json!({
                "addressId": null, "birthCountry": null, "birthPlace": null, "birthState": null, "birthday": null,
                "businessNumber": "", "companyNumber": null, "contactType": kind, "email": email(first, last, i),
                "firstName": null, "id": id, "incorporationDate": null, "lastName": null, "middleName": null,
                "mobile": null, "name": null, "nationality": null, "phone1": null, "phone2": null,
                "placeOfIncorporation": null, "representativeIds": null, "sex": null, "skype": null,
                "taxNumber": "", "title": null
            });
            match kind {
                "People" => {
                    record["firstName"] = json!(first);
                    record["lastName"] = json!(last);
                    record["middleName"] = json!("");
                    record["name"] = json!(format!("{first} {last}"));
                    record["birthState"] = json!(state);
                    record["birthCountry"] = json!("AUSTRALIA");
                    record["birthday"] = json!(format!(
                        "19{:02}-{:02}-{:02}",
                        50 + i % 50,
                        1 + i % 12,
                        1 + i % 28
                    ));
                }
                "Company" => {
                    record["name"] = json!(format!("{last} Holdings Pty Ltd"));
                    record["placeOfIncorporation"] = json!("AU");
                    record["businessNumber"] = json!(format!(
                        "51 {:03} {:03} {:03}",
                        i % 1000,
                        (i * 7) % 1000,
                        (i * 13) % 1000
                    ));
                }
                _ => record["name"] = json!(format!("{last} Family Trust")),
            }
            record
        }
        "cro" => {
            let id = 6000 + i as u64;
            json!({
                "id": id, "name": format!("{first} {last}"), "email": email(first, last, i),
                "fax": format!("+61890{i:05}"), "number": format!("+61 8 9{i:03} {:04}", i % 10_000),
                "notify_on_acknowledged_request": i.is_multiple_of(2), "notify_on_completed_request": true,
                "notify_on_dispatched_request": i.is_multiple_of(3), "notify_on_failed_request": true,
                "notify_on_new_request": i.is_multiple_of(5)
            })
        }
        _ => {
            let id = generated_key(vendor, i);
            json!({
                "id": id, "firstname": first, "lastname": last,
                "company_id": null, "company_code": format!("CUST-{:04}", i % 200), "company": null,
                "db_language_id": null, "db_language_code": "en", "db_title_id": null, "archived": false,
                "functions": "", "e_login": null, "e_password": null, "notes": "",
                "birthdate": null, "create_date": "2024-01-01T00:00:00+00:00",
                "phone": format!("+61 2 9{i:03} {:04}", i % 10_000), "mobile": null,
                "email": email(first, last, i), "skype": null, "private_phone": null, "private_mobile": null,
                "private_email": null, "reference_back_office": format!("ERP-{i:06}"),
                "modified_dateutc": "2024-01-01T00:00:00.0000000+00:00"
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_load_for_every_vendor() {
        let counts: Vec<usize> = FIXTURES.iter().map(|(v, _)| fixtures(v).len()).collect();
        assert_eq!(counts, [1, 2, 4, 2, 1]);
    }

    #[test]
    fn generated_keys_are_unique_and_stable() {
        for (vendor, _) in FIXTURES {
            let keys: std::collections::HashSet<String> = generated(vendor, 20_000)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            assert_eq!(keys.len(), 20_000, "{vendor}");
            for (key, _) in fixtures(vendor) {
                assert!(!keys.contains(&key), "{vendor}: {key} is a fixture's");
            }
            assert_eq!(generate(vendor, 7), generate(vendor, 7));
        }
    }

    #[test]
    fn a_generated_key_gives_back_its_index_and_nothing_else_does() {
        for (vendor, _) in FIXTURES {
            for i in 1..=GENERATED {
                assert_eq!(
                    generated_index(vendor, &generated_key(vendor, i), GENERATED),
                    Some(i)
                );
            }
            for (key, _) in fixtures(vendor) {
                assert_eq!(
                    generated_index(vendor, &key, GENERATED),
                    None,
                    "{vendor} fixture {key}"
                );
            }
            for i in [0, GENERATED + 1] {
                assert_eq!(
                    generated_index(vendor, &generated_key(vendor, i), GENERATED),
                    None
                );
            }
        }
        assert_eq!(
            generated_index("exsited", "ACC-2000/CONTACT_07", GENERATED),
            None
        );
        assert_eq!(
            generated_index("clemta", "65+0000000000000000000007", GENERATED),
            None
        );
        assert_eq!(generated_index("cro", "1002/6007", GENERATED), None);
    }
}
