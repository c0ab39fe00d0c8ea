//! Finds known texts (the secrets as written) in a text and replaces each: leftmost first, and
//! at one place the earliest in the list (the longest, as the redactor sorts them), which is what
//! the regex alternation `a|b|…` of the same list finds.
//!
//! A few texts (one secret and its base64 forms, the usual session) are found with one
//! `memchr::memmem` finder each: built in well under a microsecond, where an Aho-Corasick
//! automaton took ~0.19 M instructions on the first request of every session, on the way to the
//! editor's first contact (issue 18, round six). Each finder scans the text once, so past a
//! handful the automaton's single scan wins (measured: 200 texts and 469,000 matches in 5 MB,
//! 281 ms with finders against 21 ms; learned passwords of a listed page can make hundreds), and
//! it is used from `MOST_FINDERS` on.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use memchr::memmem::Finder;

/// Up to this many texts, finders; beyond, the automaton (break-even measured near five
/// secrets with many matches; a secret with its base64 forms is four to seven texts).
const MOST_FINDERS: usize = 8;

pub struct Literals {
    how: How,
}

enum How {
    /// In the caller's order: at one place, the first that matches wins.
    Finders(Vec<Finder<'static>>),
    /// Leftmost-first over the same order.
    Automaton(AhoCorasick),
}

impl Literals {
    /// The texts to find, in order of preference. An empty one is left out: it would match
    /// everywhere and nowhere mean a secret.
    pub fn new(texts: &[String]) -> Self {
        let texts: Vec<&String> = texts.iter().filter(|t| !t.is_empty()).collect();
        if texts.len() > MOST_FINDERS {
            match Self::automaton(&texts) {
                Ok(automaton) => return automaton,
                // Slower, never unmasked.
                Err(e) => tracing::warn!("the secrets' automaton ({e}): searching one by one"),
            }
        }
        Self::finders(&texts)
    }

    fn automaton(texts: &[&String]) -> Result<Self, aho_corasick::BuildError> {
        // A contiguous NFA: built for under half of what the default (a DFA for a few
        // patterns) costs, and as fast on a 5 MB text, where the prefilter does the skipping.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(texts)?;
        Ok(Self {
            how: How::Automaton(automaton),
        })
    }

    fn finders(texts: &[&String]) -> Self {
        Self {
            how: How::Finders(
                texts
                    .iter()
                    .map(|t| Finder::new(t.as_bytes()).into_owned())
                    .collect(),
            ),
        }
    }

    /// `text` with every match replaced by `with`; borrowed when nothing matched.
    pub fn replace_all<'t>(&self, text: &'t str, with: &str) -> Cow<'t, str> {
        match &self.how {
            How::Finders(finders) => replace_with_finders(finders, text, with),
            How::Automaton(automaton) if !automaton.is_match(text) => Cow::Borrowed(text),
            How::Automaton(automaton) => {
                let mut masked = String::with_capacity(text.len());
                automaton.replace_all_with(text, &mut masked, |_, _, out| {
                    out.push_str(with);
                    true
                });
                Cow::Owned(masked)
            }
        }
    }
}

fn replace_with_finders<'t>(
    finders: &[Finder<'static>],
    text: &'t str,
    with: &str,
) -> Cow<'t, str> {
    let haystack = text.as_bytes();
    // Each finder's next match at or after `at`, found once and kept until passed, so a
    // text with many matches is still scanned about once per finder.
    let mut next: Vec<Option<usize>> = finders.iter().map(|f| f.find(haystack)).collect();
    let mut out: Option<String> = None;
    let mut at = 0;
    loop {
        let mut first: Option<(usize, usize)> = None;
        for (index, start) in next.iter().enumerate() {
            if let Some(start) = *start
                && first.is_none_or(|(best, _)| start < best)
            {
                first = Some((start, index));
            }
        }
        let Some((start, index)) = first else {
            break;
        };
        // Needles and text are UTF-8: a match starts and ends on character boundaries.
        let end = start + finders[index].needle().len();
        let masked = out.get_or_insert_with(|| String::with_capacity(text.len()));
        masked.push_str(&text[at..start]);
        masked.push_str(with);
        at = end;
        for (finder, start) in finders.iter().zip(next.iter_mut()) {
            if start.is_some_and(|s| s < at) {
                *start = finder.find(&haystack[at..]).map(|found| at + found);
            }
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut masked) => {
            masked.push_str(&text[at..]);
            Cow::Owned(masked)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals(texts: &[&str]) -> Literals {
        Literals::new(&texts.iter().map(|t| t.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn leftmost_then_first_listed_and_many_matches() {
        let l = literals(&["abc", "ab", "bc"]);
        assert_eq!(l.replace_all("xabcx", "*"), "x*x");
        assert_eq!(l.replace_all("xbcab", "*"), "x**");
        assert!(matches!(
            l.replace_all("nothing", "*"),
            Cow::Borrowed("nothing")
        ));
        let many = "ab ".repeat(10_000);
        assert_eq!(l.replace_all(&many, "*"), "* ".repeat(10_000));
        assert_eq!(literals(&["", "é"]).replace_all("aéb", "*"), "a*b");
    }

    proptest::proptest! {
        /// Both ways find what the regex alternation of the same list finds: overlapping
        /// texts, texts inside texts, several characters wide, one to sixteen of them.
        #[test]
        fn finders_and_automaton_mask_what_the_alternation_does(
            texts in proptest::collection::vec("[abé]{1,3}|x[ab漢]y|[ab]{4}", 1..16),
            text in "[abxyé漢 ]{0,60}",
        ) {
            let mut texts = texts;
            texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
            texts.dedup();
            let refs: Vec<&String> = texts.iter().collect();
            let escaped: Vec<String> = texts.iter().map(|t| regex::escape(t)).collect();
            let alternation = regex::Regex::new(&escaped.join("|")).expect("escaped texts");
            let expected = alternation.replace_all(&text, "*");
            let finders = Literals::finders(&refs);
            proptest::prop_assert!(matches!(finders.how, How::Finders(_)));
            proptest::prop_assert_eq!(&finders.replace_all(&text, "*"), &expected);
            let automaton = Literals::automaton(&refs).expect("a small automaton");
            proptest::prop_assert!(matches!(automaton.how, How::Automaton(_)));
            proptest::prop_assert_eq!(&automaton.replace_all(&text, "*"), &expected);
            // `new` picks by count.
            let picked = Literals::new(&texts);
            proptest::prop_assert_eq!(
                matches!(picked.how, How::Automaton(_)),
                texts.len() > MOST_FINDERS
            );
        }
    }
}
