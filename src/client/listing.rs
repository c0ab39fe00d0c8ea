//! Listing and searching a vendor's contacts, as its spec's `[list]` says: the URL (scope,
//! search parameters, paging), the items, and each item's reference rendered from the item.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::error::ClientError;
use super::exchange::Exchange;
use super::reference::Reference;
use super::session::{Failed, Result, Session};
use crate::spec::{JsonPath, ListSpec, PagingStyle, Template};

/// One page of the vendor's contact list or of a search.
#[derive(Debug, Clone)]
pub struct Listing<T = Match> {
    pub items: Vec<T>,
    pub exchange: Exchange,
    /// The page after this one, when the answer suggests there is one.
    pub next: Option<PageAt>,
    /// Items whose reference could not be made (a field missing or not a valid reference).
    pub skipped: usize,
}

/// A contact listed or found by a search: its reference, name and e-mail (empty when the item
/// has none), and the label the spec's `[list] label` makes of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    pub reference: String,
    pub name: String,
    pub email: String,
    pub label: String,
}

/// What to search for; the spec's `[list.search]` says which parameter carries each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Free text, matched by the vendor against names and e-mails.
    pub text: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

impl Query {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }
}

/// Which page to ask for, in the list's own paging style. `PageAt::first()` starts a list;
/// `Listing::next` continues it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt {
    /// A 1-based page number.
    Number(usize),
    /// Items to skip.
    Offset(usize),
    /// The cursor a previous answer gave.
    Cursor(String),
    /// The first page of a cursor-paged list (no cursor yet).
    Start,
}

impl PageAt {
    pub fn first(list: &ListSpec) -> Self {
        match list.paging.style {
            PagingStyle::Page => PageAt::Number(1),
            PagingStyle::Offset => PageAt::Offset(0),
            PagingStyle::Cursor { .. } => PageAt::Start,
        }
    }
}

/// Which list a request goes to: the one in the open contact's scope, or the one across scopes.
struct Source<'a> {
    path: &'a Template,
    items: &'a JsonPath,
    reference: &'a Template,
}

impl Session {
    fn list_spec(&self) -> std::result::Result<&ListSpec, ClientError> {
        self.spec
            .list
            .as_ref()
            .ok_or_else(|| ClientError::ListUnsupported {
                vendor: self.spec.id.clone(),
                what: "has no [list] section, so its contacts cannot be listed or searched".into(),
            })
    }

    /// One page of the vendor's list; `scope` gives the list path's values (exsited account).
    /// A cursor-paged list can only be walked from its first page: use `list_from`.
    pub async fn list(
        &self,
        scope: &BTreeMap<String, String>,
        page: usize,
        per_page: usize,
    ) -> Result<Listing> {
        let list = self.list_spec().map_err(|e| Failed::new(e, Vec::new()))?;
        let page = page.max(1);
        let at = match &list.paging.style {
            PagingStyle::Page => PageAt::Number(page),
            PagingStyle::Offset => PageAt::Offset((page - 1).saturating_mul(per_page)),
            PagingStyle::Cursor { .. } if page == 1 => PageAt::Start,
            PagingStyle::Cursor { .. } => {
                return Err(Failed::new(
                    ClientError::ListUnsupported {
                        vendor: self.spec.id.clone(),
                        what: format!(
                            "pages its list by cursor: page {page} can only be reached from the page before it"
                        ),
                    },
                    Vec::new(),
                ));
            }
        };
        self.list_from(scope, &at, per_page).await
    }

    /// A page of the scoped list at `at` (a number, an offset or a cursor from `Listing::next`).
    pub async fn list_from(
        &self,
        scope: &BTreeMap<String, String>,
        at: &PageAt,
        per_page: usize,
    ) -> Result<Listing> {
        let list = self.list_spec().map_err(|e| Failed::new(e, Vec::new()))?;
        let source = Source {
            path: &list.path,
            items: &list.items,
            reference: &list.reference,
        };
        self.fetch(list, &source, scope, &[], at, per_page).await
    }

    /// One page of the contacts matching `query`, across every scope when the spec has a
    /// `[list.across]` (exsited accounts, cro customers), else in `scope`. `None` asks for the
    /// first page.
    pub async fn search(
        &self,
        query: &Query,
        scope: &BTreeMap<String, String>,
        at: Option<&PageAt>,
    ) -> Result<Listing<Match>> {
        let fail = |e| Failed::new(e, Vec::new());
        let list = self.list_spec().map_err(fail)?;
        let unsupported = |what: String| {
            fail(ClientError::ListUnsupported {
                vendor: self.spec.id.clone(),
                what,
            })
        };
        let Some(params) = &list.search else {
            return Err(unsupported(
                "has no [list.search] section, so its list cannot be searched".into(),
            ));
        };
        let mut pairs = Vec::new();
        for (asked, param, what) in [
            (&query.text, &params.text, "free text"),
            (&query.email, &params.email, "e-mail"),
            (&query.name, &params.name, "name"),
        ] {
            let Some(value) = asked else { continue };
            let Some(param) = param else {
                return Err(unsupported(format!(
                    "names no {what} parameter in [list.search]"
                )));
            };
            pairs.push((param.clone(), value.clone()));
        }
        let source = match &list.across {
            Some(across) => Source {
                path: &across.path,
                items: &across.items,
                reference: &across.reference,
            },
            None => Source {
                path: &list.path,
                items: &list.items,
                reference: &list.reference,
            },
        };
        let first = PageAt::first(list);
        let at = at.unwrap_or(&first);
        self.fetch(list, &source, scope, &pairs, at, list.paging.size)
            .await
    }

    async fn fetch(
        &self,
        list: &ListSpec,
        source: &Source<'_>,
        scope: &BTreeMap<String, String>,
        search: &[(String, String)],
        at: &PageAt,
        per_page: usize,
    ) -> Result<Listing<Match>> {
        let fail = |e| Failed::new(e, Vec::new());
        let base = self.url(source.path, scope).map_err(fail)?;
        let mut url = reqwest::Url::parse(&base).map_err(|e| {
            fail(ClientError::Network {
                host: self.host.clone(),
                detail: format!("the list URL {base} is not valid: {e}"),
            })
        })?;
        {
            let mut query = url.query_pairs_mut();
            for (param, value) in search {
                query.append_pair(param, value);
            }
            if let Some(param) = &list.paging.param {
                match at {
                    PageAt::Number(n) => {
                        query.append_pair(param, &n.to_string());
                    }
                    PageAt::Offset(n) => {
                        query.append_pair(param, &n.to_string());
                    }
                    PageAt::Cursor(c) => {
                        query.append_pair(param, c);
                    }
                    PageAt::Start => {}
                }
            }
            if let Some(param) = &list.paging.size_param {
                query.append_pair(param, &per_page.to_string());
            }
        }
        // `Url` leaves a bare `?` when nothing was appended.
        let url = url.as_str().trim_end_matches('?').to_string();
        let prepared = self.prepare(&list.method, url, None, None);
        let answer = self.send(&prepared).await?;
        let exchange = answer.last();
        let fail = |e| Failed::new(e, answer.exchanges.clone());
        let (json, _) = self
            .judge(
                answer.status,
                &answer.headers,
                answer.body()?,
                None,
                true,
                &self.list_wanted,
            )
            .map_err(fail)?;
        let json = json.map_or(Json::Null, |pruned| pruned.json);
        let items = source
            .items
            .get(&json)
            .and_then(Json::as_array)
            .ok_or_else(|| {
                fail(ClientError::NoContact {
                    path: format!("{} (the list)", source.items),
                })
            })?;
        let mut skipped = 0;
        let matches: Vec<Match> = items
            .iter()
            .filter_map(|item| {
                let found = self.row(list, source.reference, scope, item);
                skipped += usize::from(found.is_none());
                found
            })
            .collect();
        let next = next_page(list, at, &json, items.len(), per_page);
        Ok(Listing {
            items: matches,
            exchange,
            next,
            skipped,
        })
    }

    /// One list item as a match. Its reference is rendered from the item's own fields first:
    /// the scope (the open contact's values) only fills placeholders the item lacks, so that
    /// the open contact's id never stands in for every row's. A reference the vendor's
    /// template cannot read back (so that the row could not be opened) is no match.
    fn row(
        &self,
        list: &ListSpec,
        reference: &Template,
        scope: &BTreeMap<String, String>,
        item: &Json,
    ) -> Option<Match> {
        let rendered = reference
            .render(|p| scalar(item.get(p)?).or_else(|| scope.get(p).cloned()))
            .ok()?;
        let reference = Reference::parse(&self.spec, &rendered).ok()?;
        let texts = |paths: &[JsonPath]| -> Vec<String> {
            paths
                .iter()
                .filter_map(|path| scalar(path.get(item)?))
                .filter(|s| !s.is_empty())
                .collect()
        };
        Some(Match {
            reference: reference.text,
            name: texts(&list.name).join(" "),
            email: list
                .email
                .as_ref()
                .and_then(|path| scalar(path.get(item)?))
                .unwrap_or_default(),
            label: texts(&list.label).join(" · "),
        })
    }
}

/// A JSON scalar as text: strings as they are, numbers and booleans written out.
fn scalar(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
    }
}

/// The page after `at`. A number or offset list goes on while pages come back full; a cursor
/// list while the answer gives a cursor.
fn next_page(
    list: &ListSpec,
    at: &PageAt,
    json: &Json,
    got: usize,
    per_page: usize,
) -> Option<PageAt> {
    list.paging.param.as_ref()?;
    match (&list.paging.style, at) {
        (PagingStyle::Cursor { next }, _) => match next.get(json)? {
            Json::String(s) if !s.is_empty() => Some(PageAt::Cursor(s.clone())),
            Json::Number(n) => Some(PageAt::Cursor(n.to_string())),
            _ => None,
        },
        (_, _) if got == 0 || got < per_page => None,
        (_, PageAt::Number(n)) => Some(PageAt::Number(n + 1)),
        (_, PageAt::Offset(n)) => Some(PageAt::Offset(n + got)),
        _ => None,
    }
}
