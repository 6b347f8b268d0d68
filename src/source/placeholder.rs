//! `{{...}}` placeholders in case bodies: what they are called and what each needs.

use std::sync::LazyLock;

use regex::Regex;

/// A placeholder a case body may use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// `{{execution_id}}`: an execution known to exist on the target and hold tasks.
    ExecutionId,
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

/// The placeholder names, for error messages.
pub const NAMES: &str = "execution_id, other_execution_id, random_id, random_id_upper, repeat:TEXT:COUNT, next_token, next_token_tampered, next_token_truncated";

impl Placeholder {
    /// Parses the text between `{{` and `}}`.
    pub fn parse(inner: &str) -> Result<Placeholder, String> {
        let inner = inner.trim();
        Ok(match inner {
            "execution_id" => Placeholder::ExecutionId,
            "other_execution_id" => Placeholder::OtherExecutionId,
            "random_id" => Placeholder::RandomId,
            "random_id_upper" => Placeholder::RandomIdUpper,
            "next_token" => Placeholder::NextToken,
            "next_token_tampered" => Placeholder::NextTokenTampered,
            "next_token_truncated" => Placeholder::NextTokenTruncated,
            _ => {
                if let Some(rest) = inner.strip_prefix("repeat:") {
                    let (text, count) = rest
                        .rsplit_once(':')
                        .ok_or_else(|| format!("`{{{{{inner}}}}}`: expected repeat:TEXT:COUNT"))?;
                    let count: usize = count
                        .parse()
                        .map_err(|_| format!("`{{{{{inner}}}}}`: count {count:?} is not a whole number"))?;
                    if text.is_empty() {
                        return Err(format!("`{{{{{inner}}}}}`: the text to repeat is empty"));
                    }
                    if text.len().saturating_mul(count) > REPEAT_MAX {
                        return Err(format!("`{{{{{inner}}}}}`: longer than {REPEAT_MAX} bytes"));
                    }
                    Placeholder::Repeat { text: text.to_owned(), count }
                } else {
                    return Err(format!("unknown placeholder `{{{{{inner}}}}}` (known: {NAMES})"));
                }
            }
        })
    }

    /// Whether resolving it needs an execution known to exist on the target.
    pub fn needs_execution(&self) -> bool {
        matches!(
            self,
            Placeholder::ExecutionId
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
        let s: Result<String, String> = substitute("x{{repeat:ab:2}}y", |p| match p {
            Placeholder::Repeat { text, count } => Ok(text.repeat(*count)),
            _ => Err("no".into()),
        });
        assert_eq!(s.unwrap(), "xababy");
    }
}
