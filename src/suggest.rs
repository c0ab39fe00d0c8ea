//! "Did you mean …?" for a mistyped name (field, profile, vendor). The distance comes from
//! `strsim`, a small, widely used crate, rather than an edit-distance of our own: it is easy
//! to get subtly wrong (transpositions such as `nmae` → `name` count as one edit here).

/// The known name closest to `typed`, when it is close enough to be a slip of the keyboard:
/// at most one edit per three characters (at least one), ignoring case.
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    let limit = (typed.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|name| {
            (
                strsim::damerau_levenshtein(&typed, &name.to_lowercase()),
                name,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// ` (did you mean "name"?)`, or nothing when no known name is close.
pub fn hint<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(typed, known)
        .map(|name| format!(" (did you mean {name:?}?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_find_their_name_and_strangers_find_none() {
        let fields = ["name", "full_name", "email", "billing.phone"];
        assert_eq!(closest("nmae", fields), Some("name"));
        assert_eq!(closest("fullname", fields), Some("full_name"));
        assert_eq!(closest("EMIAL", fields), Some("email"));
        assert_eq!(closest("billing.phon", fields), Some("billing.phone"));
        assert_eq!(closest("zzz", fields), None);
        assert_eq!(
            closest("sandbox-crp", ["sandbox-cro", "work"]),
            Some("sandbox-cro")
        );
        assert_eq!(hint("nope", ["sandbox-cro"]), "");
        assert_eq!(hint("clemat", ["clemta"]), " (did you mean \"clemta\"?)");
    }
}
