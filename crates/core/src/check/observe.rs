//! What one exchange shows besides its findings: whether it held something for the always-on
//! checks to inspect (items, an error), and which EITHER alternatives it chose where the choice
//! is visible on the wire. A check with nothing to inspect is skipped, never passed.

use serde_json::Value;

use crate::contract::{error_body, EitherRule};
use crate::response::Received;

/// What one response showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// A success that held items.
    pub items: bool,
    /// An error response (status 300 or more).
    pub error: bool,
    /// EITHER rules and the alternative chosen.
    pub choices: Vec<(EitherRule, String)>,
}

/// Observes one response.
pub fn observe(resp: &Received) -> Observation {
    let mut seen = Observation {
        items: resp.status == 200 && resp.page().is_ok_and(|p| !p.items.is_empty()),
        error: resp.status >= 300,
        choices: Vec::new(),
    };
    if !seen.error {
        return seen;
    }
    let shape = resp.error_shape();
    if let Some(raw) = &shape.raw_type {
        let form = if raw.contains('#') || raw.contains(':') { "namespaced" } else { "bare" };
        seen.choices.push((EitherRule::ErrorTypeForm, form.to_owned()));
        let header = if shape.header_type.is_some() { "sent" } else { "not sent" };
        seen.choices.push((EitherRule::ErrorTypeHeader, header.to_owned()));
    }
    if let Ok(Value::Object(map)) = resp.json() {
        for k in error_body::MESSAGE_KEYS {
            if map.get(k).is_some_and(Value::is_string) {
                seen.choices.push((EitherRule::MessageKey, format!("`{k}`")));
            }
        }
    }
    seen
}
