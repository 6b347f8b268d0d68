//! Metamorphic relations: a walk that varies exactly one dimension of a plain walk (the id's
//! letter case, the page size between pages, how a number or an absent member is written, a
//! token carried into another listing) compared with what the plain walk says must stay the same.
//! Pure: both walks arrive as data; the runner (`runner/varied.rs`, `runner/id_case.rs`) takes
//! them and names the check each relation reports under.
//!
//! Where the contract lets the endpoint refuse the varied request (EITHER), [`Rejection`] says on
//! which pages a client error with a readable `__type` is an accepted answer; a client error
//! without one is [`Verdict::Unreadable`] (the `error-type` rule broke first, nothing compared).

use std::collections::BTreeSet;

use super::pagination::{PaginationWalk, WalkEnd};

/// What the varied walk must show.
#[derive(Debug, Clone, Copy)]
pub enum Expected<'a> {
    /// The same pages, page for page: only how the request is written changed.
    SamePages(&'a [Vec<String>]),
    /// The same items in the same order; page boundaries may differ.
    SameItems(&'a [String]),
    /// Items of this set, each at most once: a consistent answer where the contract pins no more.
    Within(&'a BTreeSet<String>),
}

/// Where a client error is an accepted answer to the varied walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Never: the varied request means the same as the plain one (a MUST).
    Never,
    /// On page 1, of any type: the varied request is refused outright.
    FirstPage,
    /// On page 1, of this type only.
    FirstPageAs(&'static str),
    /// On any page, after a prefix of the expected items: the walk stops where it varied.
    AnyPage,
}

/// How the varied walk compares with what it must show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It shows what the plain walk says it must.
    Same,
    /// A client error where [`Rejection`] accepts one (an EITHER alternative).
    Rejected {
        /// The 1-based page refused.
        page: usize,
        /// Its resolved `__type`.
        error_type: String,
    },
    /// Nothing could be compared (a client error without a readable type, an interrupted walk).
    Unreadable(String),
    /// The relation broke: what the varied walk showed instead.
    Broken(String),
}

/// Compares `varied` with what it must show. `last_answer` is the status and resolved error
/// type of the varied walk's last answer.
pub fn compare(
    expected: Expected<'_>,
    varied: &PaginationWalk,
    last_answer: Option<&(u16, Option<String>)>,
    rejection: Rejection,
) -> Verdict {
    match &varied.end {
        WalkEnd::Complete => compare_complete(expected, varied),
        WalkEnd::Failed { page, summary } => match last_answer {
            Some((400..=499, Some(ty))) if accepts(rejection, *page, ty) => {
                if rejection == Rejection::AnyPage && !is_prefix(expected, &varied.items()) {
                    return Verdict::Broken(format!(
                        "page {page} was refused ({ty}) after pages that were not the start of the plain walk"
                    ));
                }
                Verdict::Rejected { page: *page, error_type: ty.clone() }
            }
            Some((400..=499, None)) if accepts_any(rejection, *page) => Verdict::Unreadable(format!(
                "page {page} got a client error without a readable __type (see error-type): {summary}"
            )),
            _ => Verdict::Broken(format!("page {page} answered {summary}")),
        },
        WalkEnd::Interrupted => Verdict::Unreadable("the run was interrupted".to_owned()),
        WalkEnd::Refused { page, summary } => Verdict::Unreadable(format!("page {page} was refused ({summary})")),
        end => Verdict::Broken(format!("the walk did not end ({})", describe_end(end))),
    }
}

fn accepts(rejection: Rejection, page: usize, ty: &str) -> bool {
    match rejection {
        Rejection::Never => false,
        Rejection::FirstPage => page == 1,
        Rejection::FirstPageAs(want) => page == 1 && ty == want,
        Rejection::AnyPage => true,
    }
}

fn accepts_any(rejection: Rejection, page: usize) -> bool {
    match rejection {
        Rejection::Never => false,
        Rejection::AnyPage => true,
        _ => page == 1,
    }
}

fn is_prefix(expected: Expected<'_>, got: &[String]) -> bool {
    match expected {
        Expected::SamePages(pages) => {
            let all: Vec<&String> = pages.iter().flatten().collect();
            all.len() >= got.len() && all.iter().zip(got).all(|(a, b)| *a == b)
        }
        Expected::SameItems(items) => items.starts_with(got),
        Expected::Within(set) => got.iter().all(|k| set.contains(k)) && unique(got),
    }
}

fn unique(items: &[String]) -> bool {
    items.iter().collect::<BTreeSet<_>>().len() == items.len()
}

fn compare_complete(expected: Expected<'_>, varied: &PaginationWalk) -> Verdict {
    let got = varied.items();
    match expected {
        Expected::SamePages(pages) if varied.pages == pages => Verdict::Same,
        Expected::SamePages(pages) => {
            let all: Vec<String> = pages.iter().flatten().cloned().collect();
            if got == all {
                let sizes = |p: &[Vec<String>]| p.iter().map(|p| p.len().to_string()).collect::<Vec<_>>().join("+");
                Verdict::Broken(format!(
                    "the same items on other pages: {} where the plain walk had {}",
                    sizes(&varied.pages),
                    sizes(pages)
                ))
            } else {
                Verdict::Broken(describe_difference(&all, &got))
            }
        }
        Expected::SameItems(items) if got == items => Verdict::Same,
        Expected::SameItems(items) => Verdict::Broken(describe_difference(items, &got)),
        Expected::Within(set) => {
            let outside = got.iter().filter(|k| !set.contains(*k)).count();
            let repeats = got.len() - got.iter().collect::<BTreeSet<_>>().len();
            if outside + repeats == 0 {
                Verdict::Same
            } else {
                Verdict::Broken(format!(
                    "{} items: {outside} not in the listing it may come from, {repeats} repeated",
                    got.len()
                ))
            }
        }
    }
}

/// How `got` differs from `expected`: counts of missing, extra and repeated items, or the order.
pub fn describe_difference(expected: &[String], got: &[String]) -> String {
    let want: BTreeSet<&String> = expected.iter().collect();
    let have: BTreeSet<&String> = got.iter().collect();
    let missing = want.difference(&have).count();
    let extra = have.difference(&want).count();
    let repeated = got.len() - have.len();
    if missing + extra + repeated == 0 {
        return format!("the same {} items in another order", got.len());
    }
    format!(
        "{} items ({missing} missing, {extra} extra, {repeated} repeated) where the plain walk gave {}",
        got.len(),
        expected.len()
    )
}

fn describe_end(end: &WalkEnd) -> String {
    match end {
        WalkEnd::TokenRepeated { page } => format!("page {page} returned a token already followed"),
        WalkEnd::PageRepeated { page } => format!("page {page} repeated the page before it"),
        WalkEnd::PageLimit { pages } => format!("still going after {pages} pages"),
        WalkEnd::ItemLimit { items } => format!("still going after {items} items"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(pages: &[&[&str]], end: WalkEnd) -> PaginationWalk {
        PaginationWalk {
            page_size: Some(10),
            varied: Some("varied".into()),
            pages: pages.iter().map(|p| p.iter().map(|s| (*s).to_owned()).collect()).collect(),
            end,
            listing: crate::check::pagination::Listing::Unfiltered,
        }
    }

    fn keys(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_same_pages_pass_and_other_page_boundaries_do_not() {
        let plain = vec![keys(&["a", "b"]), keys(&["c"])];
        let same = walk(&[&["a", "b"], &["c"]], WalkEnd::Complete);
        assert_eq!(compare(Expected::SamePages(&plain), &same, None, Rejection::FirstPage), Verdict::Same);
        let moved = walk(&[&["a"], &["b", "c"]], WalkEnd::Complete);
        let v = compare(Expected::SamePages(&plain), &moved, None, Rejection::FirstPage);
        assert!(matches!(&v, Verdict::Broken(w) if w.contains("1+2 where the plain walk had 2+1")), "{v:?}");
        let lost = walk(&[&["a"]], WalkEnd::Complete);
        let v = compare(Expected::SamePages(&plain), &lost, None, Rejection::FirstPage);
        assert!(matches!(&v, Verdict::Broken(w) if w.contains("2 missing")), "{v:?}");
    }

    #[test]
    fn a_refusal_is_accepted_only_where_the_rejection_allows_it() {
        let items = keys(&["a", "b", "c"]);
        let answer = (400, Some("InvalidNextToken".to_owned()));
        let failed = |page, pages: &[&[&str]]| {
            walk(pages, WalkEnd::Failed { page, summary: "HTTP 400 InvalidNextToken".into() })
        };
        let second = failed(2, &[&["a"]]);
        let v = compare(Expected::SameItems(&items), &second, Some(&answer), Rejection::AnyPage);
        assert_eq!(v, Verdict::Rejected { page: 2, error_type: "InvalidNextToken".into() });
        assert!(matches!(
            compare(Expected::SameItems(&items), &second, Some(&answer), Rejection::FirstPage),
            Verdict::Broken(_)
        ));
        let skipped_ahead = failed(2, &[&["b"]]);
        let v = compare(Expected::SameItems(&items), &skipped_ahead, Some(&answer), Rejection::AnyPage);
        assert!(matches!(v, Verdict::Broken(_)), "{v:?}");
        let first = failed(1, &[]);
        let v = compare(
            Expected::SameItems(&items),
            &first,
            Some(&answer),
            Rejection::FirstPageAs("DoesNotExistException"),
        );
        assert!(matches!(v, Verdict::Broken(_)), "only the named type is accepted: {v:?}");
        let untyped = (400, None);
        let v = compare(Expected::SameItems(&items), &first, Some(&untyped), Rejection::FirstPage);
        assert!(matches!(v, Verdict::Unreadable(_)), "{v:?}");
        let server = (500, Some("InternalServerError".to_owned()));
        let v = compare(Expected::SameItems(&items), &first, Some(&server), Rejection::FirstPage);
        assert!(matches!(v, Verdict::Broken(_)), "{v:?}");
    }

    #[test]
    fn within_a_set_each_item_once_and_a_walk_that_does_not_end_is_broken() {
        let set: BTreeSet<String> = keys(&["a", "b", "c"]).into_iter().collect();
        let ok = walk(&[&["b"], &["c"]], WalkEnd::Complete);
        assert_eq!(compare(Expected::Within(&set), &ok, None, Rejection::FirstPage), Verdict::Same);
        let twice = walk(&[&["b"], &["b", "x"]], WalkEnd::Complete);
        let v = compare(Expected::Within(&set), &twice, None, Rejection::FirstPage);
        assert!(matches!(&v, Verdict::Broken(w) if w.contains("1 not in") && w.contains("1 repeated")), "{v:?}");
        let looping = walk(&[&["a"], &["a"]], WalkEnd::PageRepeated { page: 2 });
        let v = compare(Expected::Within(&set), &looping, None, Rejection::FirstPage);
        assert!(matches!(&v, Verdict::Broken(w) if w.contains("did not end")), "{v:?}");
    }
}
