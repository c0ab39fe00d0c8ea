//! The `[list]` section's checks: paging styles, search parameters and lists across scopes,
//! each mistake reported with its file and line.

use rolo::spec::{BUILT_IN, PagingStyle, parse_spec};

/// The built-in exsited spec with its `[list.paging]`, `[list.search]` and `[list.across]`
/// replaced by `tail`, and the line `tail` starts on.
fn exsited_with(tail: &str) -> (String, usize) {
    let (_, source) = BUILT_IN.iter().find(|(f, _)| *f == "exsited.toml").unwrap();
    let start = source.find("[list.paging]").unwrap();
    let end = source.find("[[fields]]").unwrap();
    let head = &source[..start];
    let text = format!("{head}{tail}\n{}", &source[end..]);
    (text, head.lines().count() + 1)
}

#[test]
fn the_built_in_lists_declare_search_and_paging() {
    let (text, _) = exsited_with(
        "[list.paging]\nstyle = \"cursor\"\nparam = \"after\"\nnext = \"meta.next\"\n\n[list.search]\ntext = \"q\"\n\n[list.across]\npath = \"/api/v3/contacts\"\nitems = \"contacts\"\n",
    );
    let spec = parse_spec("x.toml", &text).unwrap();
    let list = spec.list.unwrap();
    assert!(matches!(list.paging.style, PagingStyle::Cursor { .. }));
    assert_eq!(list.search.unwrap().text.as_deref(), Some("q"));
    assert_eq!(list.across.unwrap().path.as_str(), "/api/v3/contacts");
}

#[test]
fn list_mistakes_name_their_line() {
    let cases = [
        (
            "[list.paging]\nstyle = \"pages\"\nparam = \"page\"\n",
            1,
            "paging style \"pages\" is not one of",
        ),
        (
            "[list.paging]\nstyle = \"cursor\"\nparam = \"c\"\n",
            0,
            "cursor paging needs `next`",
        ),
        (
            "[list.paging]\nstyle = \"page\"\nparam = \"page\"\nnext = \"n\"\n",
            3,
            "`next` only applies",
        ),
        (
            "[list.paging]\nparam = \"page\"\nsize = 0\n",
            2,
            "page size 0 is not between 1 and 1000",
        ),
        (
            "[list.paging]\nparam = \"page\"\n\n[list.search]\ntext = \"page\"\n",
            4,
            "already used by another list parameter",
        ),
        (
            "[list.paging]\nparam = \"page\"\n\n[list.search]\ntext = \"q&x\"\n",
            4,
            "must be letters, digits",
        ),
        ("[list.search]\n", 0, "names no parameter"),
        (
            "[list.across]\npath = \"/api/v3/accounts/{account_id}/all\"\n",
            1,
            "takes no values from the open contact",
        ),
        (
            "[list.across]\npath = \"//evil/contacts\"\n",
            1,
            "must start with a single `/`",
        ),
    ];
    for (tail, offset, wanted) in cases {
        let (text, line) = exsited_with(tail);
        let err = parse_spec("x.toml", &text).unwrap_err();
        assert!(err.message.contains(wanted), "{tail:?}: {err}");
        assert_eq!(err.line, Some(line + offset), "{tail:?}: {err}");
        assert!(err.to_string().starts_with("x.toml:"), "{err}");
    }
}
