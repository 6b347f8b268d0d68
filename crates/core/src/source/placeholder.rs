//! `{{...}}` placeholders in case bodies: what they are called and what each needs.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalogue::{catalogue, did_you_mean};

/// A placeholder a case body may use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// `{{execution_id}}`: an execution known to exist on the target and hold tasks.
    ExecutionId,
    /// `{{execution_id_upper}}`: that execution's id in upper-case hex.
    ExecutionIdUpper,
    /// `{{execution_id_adjacent}}`: that execution's id with its last digit changed, naming no
    /// execution (an endpoint that matches ids loosely finds it).
    ExecutionIdAdjacent,
    /// `{{other_execution_id}}`: a second known execution.
    OtherExecutionId,
    /// `{{random_id}}`: a fresh, well-formed, lower-case id that names no execution.
    RandomId,
    /// `{{random_id_upper}}`: the same, in upper-case hex.
    RandomIdUpper,
    /// `{{repeat:C:N}}`: the text `C` repeated `N` times (long keys and values).
    Repeat {
        /// The text repeated.
        text: String,
        /// How many times.
        count: usize,
    },
    /// `{{next_token}}`: a real token, from the first page of `{{execution_id}}` at MaxResults 10.
    NextToken,
    /// `{{next_token_tampered}}`: that token with one character changed.
    NextTokenTampered,
    /// `{{next_token_truncated}}`: that token cut in half.
    NextTokenTruncated,
}

/// The most a `repeat` placeholder may produce, so a typo cannot build a gigabyte body.
pub const REPEAT_MAX: usize = 1 << 20;

/// The largest body a case may build once its placeholders are resolved.
pub const BODY_MAX: usize = 8 << 20;

catalogue! {
    /// The placeholders that take no argument, by name.
    pub enum PlaceholderName: "placeholder", "" {
        ExecutionId = "execution_id", "An execution known to exist on the target and hold tasks.";
        ExecutionIdUpper = "execution_id_upper", "That execution's id in upper-case hex.";
        ExecutionIdAdjacent = "execution_id_adjacent", "That execution's id with its last digit changed: well-formed, naming no execution.";
        OtherExecutionId = "other_execution_id", "A second known execution.";
        RandomId = "random_id", "A fresh, well-formed, lower-case id that names no execution.";
        RandomIdUpper = "random_id_upper", "The same, in upper-case hex.";
        NextToken = "next_token", "A real token, from the first page of the first execution at MaxResults 10.";
        NextTokenTampered = "next_token_tampered", "That token with one character changed.";
        NextTokenTruncated = "next_token_truncated", "That token cut in half.";
    }
}

impl From<PlaceholderName> for Placeholder {
    fn from(name: PlaceholderName) -> Placeholder {
        match name {
            PlaceholderName::ExecutionId => Placeholder::ExecutionId,
            PlaceholderName::ExecutionIdUpper => Placeholder::ExecutionIdUpper,
            PlaceholderName::ExecutionIdAdjacent => Placeholder::ExecutionIdAdjacent,
            PlaceholderName::OtherExecutionId => Placeholder::OtherExecutionId,
            PlaceholderName::RandomId => Placeholder::RandomId,
            PlaceholderName::RandomIdUpper => Placeholder::RandomIdUpper,
            PlaceholderName::NextToken => Placeholder::NextToken,
            PlaceholderName::NextTokenTampered => Placeholder::NextTokenTampered,
            PlaceholderName::NextTokenTruncated => Placeholder::NextTokenTruncated,
        }
    }
}

/// The placeholder names, for error messages.
fn names() -> String {
    let mut names: Vec<&str> = PlaceholderName::ALL.iter().map(|n| n.name()).collect();
    // The argument-taking placeholder, listed after the ids it sits beside in the catalogue.
    let after_ids =
        names.iter().position(|n| *n == PlaceholderName::RandomIdUpper.name()).map_or(names.len(), |i| i + 1);
    names.insert(after_ids, "repeat:TEXT:COUNT");
    names.join(", ")
}

impl Placeholder {
    /// Parses the text between `{{` and `}}`.
    pub fn parse(inner: &str) -> Result<Placeholder, String> {
        let inner = inner.trim();
        if let Ok(name) = inner.parse::<PlaceholderName>() {
            return Ok(name.into());
        }
        let Some(rest) = inner.strip_prefix("repeat:") else {
            let suggestion = did_you_mean(inner, PlaceholderName::ALL.iter().map(|n| n.name()))
                .map_or(String::new(), |s| format!("; did you mean `{{{{{s}}}}}`?"));
            return Err(format!("unknown placeholder `{{{{{inner}}}}}`{suggestion} (known: {})", names()));
        };
        let (text, count) =
            rest.rsplit_once(':').ok_or_else(|| format!("`{{{{{inner}}}}}`: expected repeat:TEXT:COUNT"))?;
        let count: usize =
            count.parse().map_err(|_| format!("`{{{{{inner}}}}}`: count {count:?} is not a whole number"))?;
        if text.is_empty() {
            return Err(format!("`{{{{{inner}}}}}`: the text to repeat is empty"));
        }
        if text.len().saturating_mul(count) > REPEAT_MAX {
            return Err(format!("`{{{{{inner}}}}}`: longer than {REPEAT_MAX} bytes"));
        }
        Ok(Placeholder::Repeat { text: text.to_owned(), count })
    }

    /// Whether resolving it needs an execution known to exist on the target.
    pub fn needs_execution(&self) -> bool {
        matches!(
            self,
            Placeholder::ExecutionId
                | Placeholder::ExecutionIdUpper
                | Placeholder::OtherExecutionId
                | Placeholder::NextToken
                | Placeholder::NextTokenTampered
                | Placeholder::NextTokenTruncated
        )
    }
}

fn placeholder_regex() -> &'static Regex {
    static RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{(.*?)\}\}").expect("placeholder regex compiles"));
    &RE
}

/// Every placeholder in `template`, with its byte offset, or the first error.
pub fn scan(template: &str) -> Result<Vec<(usize, Placeholder)>, (usize, String)> {
    placeholder_regex()
        .captures_iter(template)
        .map(|c| {
            let whole = c.get(0).expect("group 0 exists");
            Placeholder::parse(&c[1]).map(|p| (whole.start(), p)).map_err(|e| (whole.start(), e))
        })
        .collect()
}

/// Replaces every placeholder in `template` with `resolve`'s answer.
pub fn substitute<E>(template: &str, mut resolve: impl FnMut(&Placeholder) -> Result<String, E>) -> Result<String, E>
where
    E: From<String>,
{
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for c in placeholder_regex().captures_iter(template) {
        let whole = c.get(0).expect("group 0 exists");
        out.push_str(&template[last..whole.start()]);
        let p = Placeholder::parse(&c[1]).map_err(E::from)?;
        out.push_str(&resolve(&p)?);
        last = whole.end();
    }
    out.push_str(&template[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_substitutes() {
        assert_eq!(Placeholder::parse("repeat:a:3").unwrap(), Placeholder::Repeat { text: "a".into(), count: 3 });
        assert!(Placeholder::parse("nope").unwrap_err().contains("unknown placeholder"));
        let typo = Placeholder::parse("execution").unwrap_err();
        assert!(typo.contains("did you mean `{{execution_id}}`?"), "{typo}");
        assert!(typo.contains("(known: execution_id, execution_id_upper, execution_id_adjacent, other_execution_id, random_id, random_id_upper, repeat:TEXT:COUNT, next_token, next_token_tampered, next_token_truncated)"), "{typo}");
        let s: Result<String, String> = substitute("x{{repeat:ab:2}}y", |p| match p {
            Placeholder::Repeat { text, count } => Ok(text.repeat(*count)),
            _ => Err("no".into()),
        });
        assert_eq!(s.unwrap(), "xababy");
    }
}
