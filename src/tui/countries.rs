//! Countries as people write them, for the country picker, and the form a vendor holds a
//! country in (code or name, its letter case), so a choice is sent the way the vendor keeps it.

use celes::Country;

use crate::edit::codec;

/// Names that read differently from the crate's official ones ("The United Kingdom Of Great
/// Britain And Northern Ireland", "Aland Islands"). Each must still be read back as its
/// country by `codec::country` (a unit test checks).
const COMMON: &[(&str, &str)] = &[
    ("AX", "Åland Islands"),
    ("BL", "Saint Barthélemy"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire"),
    ("CC", "Cocos Islands"),
    ("CD", "Democratic Republic of the Congo"),
    ("CG", "Congo"),
    ("CI", "Côte d'Ivoire"),
    ("CW", "Curaçao"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("GW", "Guinea-Bissau"),
    ("HM", "Heard Island and McDonald Islands"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("MF", "Saint Martin"),
    ("MK", "North Macedonia"),
    ("PS", "Palestine"),
    ("RE", "Réunion"),
    ("RU", "Russia"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("ST", "São Tomé and Príncipe"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("TL", "Timor-Leste"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
];

/// A country's name as people write it.
pub fn common_name(country: &Country) -> String {
    if let Some((_, name)) = COMMON.iter().find(|(code, _)| *code == country.alpha2) {
        return (*name).to_string();
    }
    // "The Cayman Islands" → "Cayman Islands"; "Bosnia And Herzegovina" → "… and …".
    let name = country
        .long_name
        .strip_prefix("The ")
        .unwrap_or(country.long_name);
    name.split(' ')
        .enumerate()
        .map(|(n, word)| match word {
            "And" | "Of" | "The" if n > 0 => word.to_lowercase(),
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a vendor holds a country: by which code, or by name, and in which case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryForm {
    Alpha2,
    Alpha3,
    Numeric,
    Name { upper: bool },
}

impl CountryForm {
    /// The form of a value the vendor holds; an empty value is taken as a two-letter code.
    pub fn of(held: &str) -> Self {
        let t = held.trim();
        let letters = t.chars().all(|c| c.is_ascii_alphabetic());
        match t.chars().count() {
            0 => CountryForm::Alpha2,
            _ if t.chars().all(|c| c.is_ascii_digit()) => CountryForm::Numeric,
            2 if letters => CountryForm::Alpha2,
            3 if letters => CountryForm::Alpha3,
            _ => CountryForm::Name {
                upper: !t.chars().any(char::is_lowercase),
            },
        }
    }

    /// A country written in this form.
    pub fn write(self, country: &Country) -> String {
        match self {
            CountryForm::Alpha2 => country.alpha2.to_string(),
            CountryForm::Alpha3 => country.alpha3.to_string(),
            CountryForm::Numeric => country.code.to_string(),
            CountryForm::Name { upper: true } => common_name(country).to_uppercase(),
            CountryForm::Name { upper: false } => common_name(country),
        }
    }
}

/// The picker's choices (value sent, label shown), sorted by name, each value in the form the
/// field holds now; and the choice of the field's current country.
pub fn choices(held: &str) -> (Vec<(String, String)>, usize) {
    let form = CountryForm::of(held);
    let mut countries = Country::get_countries();
    countries.sort_by_key(common_name);
    let current = codec::country(held).map(|c| c.alpha2);
    let selected = countries
        .iter()
        .position(|c| Some(c.alpha2) == current)
        .unwrap_or(0);
    let options = countries
        .iter()
        .map(|c| (form.write(c), format!("{}  {}", c.alpha2, common_name(c))))
        .collect();
    (options, selected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_name_reads_back_as_its_country_in_any_case() {
        let mut unread = Vec::new();
        for c in Country::get_countries() {
            let name = common_name(&c);
            for written in [name.clone(), name.to_uppercase()] {
                if codec::country(&written).map(|b| b.alpha2) != Some(c.alpha2) {
                    unread.push(written);
                }
            }
        }
        assert!(unread.is_empty(), "{unread:?}");
    }

    #[test]
    fn names_read_as_people_write_them() {
        let name = |code: &str| common_name(&Country::from_alpha2(code).unwrap());
        assert_eq!(name("GB"), "United Kingdom");
        assert_eq!(name("AX"), "Åland Islands");
        assert_eq!(name("KY"), "Cayman Islands");
        assert_eq!(name("BA"), "Bosnia and Herzegovina");
    }

    #[test]
    fn a_choice_is_written_the_way_the_vendor_holds_it() {
        let (options, selected) = choices("AUSTRALIA");
        assert_eq!(options[selected].0, "AUSTRALIA");
        assert!(options.iter().any(|(v, _)| v == "UNITED KINGDOM"));
        let (options, selected) = choices("Australia");
        assert_eq!(options[selected].0, "Australia");
        let (options, selected) = choices("AUS");
        assert_eq!(options[selected].0, "AUS");
        let (options, selected) = choices("au");
        assert_eq!(options[selected].0, "AU");
        let (options, _) = choices("");
        assert!(options.iter().any(|(v, _)| v == "GB"));
    }
}
