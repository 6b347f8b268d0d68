//! Property-generated requests: proptest strategies that build whole requests, valid and invalid,
//! for every member of the input and the protocol around it. Each [`GenRequest`] becomes a
//! [`Case`](super::Case) whose body is a JSON template (known executions and tokens stay placeholders, so a
//! failure saves as a case file that works against any target). Pure: no HTTP.
//!
//! Alternatives are ordered simplest first, and out-of-range numbers are built as a distance
//! from the boundary, so that proptest's shrinking lands on the smallest request that still
//! fails, at the boundary it crosses.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::contract::{self, input};

/// A member that may be absent, JSON `null`, or set.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot<T> {
    /// Not in the body.
    Absent,
    /// `null`.
    Null,
    /// Present.
    Set(T),
}

/// How the `WindowExecutionId` is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum IdGen {
    /// `{{execution_id}}`: a known execution.
    Known,
    /// `{{other_execution_id}}`: a second known execution.
    OtherKnown,
    /// `{{execution_id_upper}}`: the known execution in upper-case hex (EITHER found or not).
    KnownUpper,
    /// `{{execution_id_adjacent}}`: the known id with its last digit changed (names nothing).
    KnownAdjacent,
    /// The known id with a prefix or suffix (`x{{execution_id}}`): malformed, unanchored.
    KnownAffixed(String),
    /// `{{random_id}}`: well-formed, names no execution.
    Random,
    /// `{{random_id_upper}}`: the same in upper-case hex.
    RandomUpper,
    /// Any other string (malformed ids).
    Text(String),
    /// A value of the wrong JSON type.
    Json(Value),
}

/// How the `NextToken` is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenGen {
    /// `{{next_token}}`: a real token from page 1 of the first execution, unfiltered.
    Real,
    /// `""`.
    Empty,
    /// A made-up token.
    Garbage(String),
    /// `{{next_token_tampered}}`.
    Tampered,
    /// `{{next_token_truncated}}`.
    Truncated,
    /// A value of the wrong JSON type.
    Json(Value),
}

/// One generated request.
#[derive(Debug, Clone, PartialEq)]
pub struct GenRequest {
    /// `WindowExecutionId`.
    pub window_execution_id: Slot<IdGen>,
    /// `MaxResults` (numbers in and out of range, or other JSON types).
    pub max_results: Slot<Value>,
    /// `Filters` (any JSON: lists of filters, or other types).
    pub filters: Slot<Value>,
    /// `NextToken`.
    pub next_token: Slot<TokenGen>,
    /// Unknown extra members (AWS ignores them or rejects them with a 400).
    pub extra: Vec<(String, Value)>,
    /// A raw body sent instead of the members (empty, malformed JSON, or not an object).
    pub raw_body: Option<String>,
    /// `MaxResults` written as this JSON number text instead (`1e1`, `10.0`, `-0`, `2^64 + 10`),
    /// spellings a `serde_json::Value` cannot keep.
    pub max_results_text: Option<String>,
}

impl GenRequest {
    /// The body template: the raw body, or the JSON body with its placeholders.
    pub fn template(&self) -> super::BodyTemplate {
        match (&self.raw_body, &self.max_results_text) {
            (Some(raw), _) => super::BodyTemplate::Raw(raw.clone()),
            (None, None) => super::BodyTemplate::Json(self.body().to_string()),
            (None, Some(number)) => {
                let mut body = self.body();
                if let Some(m) = body.as_object_mut() {
                    m.remove(input::MAX_RESULTS);
                }
                let rest = body.to_string();
                // `{"MaxResults":<number>,` then the other members (the object is never empty
                // of braces: `rest` is `{...}`).
                let members = rest.get(1..rest.len() - 1).unwrap_or_default();
                let sep = if members.is_empty() { "" } else { "," };
                let name = Value::String(input::MAX_RESULTS.to_owned());
                super::BodyTemplate::Json(format!("{{{name}:{number}{sep}{members}}}"))
            }
        }
    }

    /// The JSON body, with placeholders for values that depend on the target.
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, slot: Option<Value>| {
            if let Some(v) = slot {
                m.insert(k.to_owned(), v);
            }
        };
        put(
            input::WINDOW_EXECUTION_ID,
            slot_value(&self.window_execution_id, |id| match id {
                IdGen::Known => json!("{{execution_id}}"),
                IdGen::OtherKnown => json!("{{other_execution_id}}"),
                IdGen::KnownUpper => json!("{{execution_id_upper}}"),
                IdGen::KnownAdjacent => json!("{{execution_id_adjacent}}"),
                IdGen::KnownAffixed(t) => json!(t),
                IdGen::Random => json!("{{random_id}}"),
                IdGen::RandomUpper => json!("{{random_id_upper}}"),
                IdGen::Text(s) => json!(s),
                IdGen::Json(v) => v.clone(),
            }),
        );
        put(input::FILTERS, slot_value(&self.filters, Clone::clone));
        put(input::MAX_RESULTS, slot_value(&self.max_results, Clone::clone));
        put(
            input::NEXT_TOKEN,
            slot_value(&self.next_token, |t| match t {
                TokenGen::Real => json!("{{next_token}}"),
                TokenGen::Empty => json!(""),
                TokenGen::Garbage(s) => json!(s),
                TokenGen::Tampered => json!("{{next_token_tampered}}"),
                TokenGen::Truncated => json!("{{next_token_truncated}}"),
                TokenGen::Json(v) => v.clone(),
            }),
        );
        for (k, v) in &self.extra {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(m)
    }
}

fn slot_value<T>(slot: &Slot<T>, f: impl Fn(&T) -> Value) -> Option<Value> {
    match slot {
        Slot::Absent => None,
        Slot::Null => Some(Value::Null),
        Slot::Set(v) => Some(f(v)),
    }
}

fn slot<T: std::fmt::Debug + Clone + 'static>(
    set: impl Strategy<Value = T> + 'static,
    absent_weight: u32,
) -> BoxedStrategy<Slot<T>> {
    prop_oneof![
        absent_weight => Just(Slot::Absent),
        1 => Just(Slot::Null),
        6 => set.prop_map(Slot::Set),
    ]
    .boxed()
}

/// Wrong JSON types for a member that should be a string, an integer or a list.
fn wrong_types() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(json!(5)),
        Just(json!(true)),
        Just(json!([])),
        Just(json!({})),
        Just(json!(["a"])),
        Just(json!({"a": 1})),
        Just(json!(10.5)),
    ]
    .boxed()
}

fn hex_digit() -> impl Strategy<Value = char> {
    prop_oneof![
        (0u8..10).prop_map(|d| (b'0' + d) as char),
        (0u8..6).prop_map(|d| (b'a' + d) as char),
        (0u8..6).prop_map(|d| (b'A' + d) as char),
    ]
}

/// A string of `n` hex digits.
fn hex(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(hex_digit(), n).prop_map(|v| v.into_iter().collect())
}

/// A well-formed id in any case mix.
fn well_formed_text() -> impl Strategy<Value = String> {
    (hex(8), hex(4), hex(4), hex(4), hex(12)).prop_map(|(a, b, c, d, e)| format!("{a}-{b}-{c}-{d}-{e}"))
}

/// Characters that break an id: non-hex letters, punctuation, non-ASCII, control characters.
fn bad_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('g'),
        Just('z'),
        Just('G'),
        Just('-'),
        Just('_'),
        Just(' '),
        Just('\n'),
        Just('\u{0}'),
        Just('é'),
        Just('٣'),
        Just('０'),
        Just('–'),
        Just('😀'),
    ]
}

/// Malformed ids: wrong lengths around 36, a bad character at any place, hyphens moved or
/// missing, a valid id with a prefix or suffix, empty.
fn malformed_id() -> BoxedStrategy<String> {
    prop_oneof![
        // One character too few or too many, or far off.
        (well_formed_text(), 0usize..contract::ID_LENGTH).prop_map(|(s, i)| {
            let mut c: Vec<char> = s.chars().collect();
            c.remove(i);
            c.into_iter().collect()
        }),
        (well_formed_text(), hex_digit(), 0usize..=contract::ID_LENGTH).prop_map(|(s, h, i)| {
            let mut c: Vec<char> = s.chars().collect();
            c.insert(i, h);
            c.into_iter().collect()
        }),
        // A bad character in place of any one character (keeps the length 36).
        (well_formed_text(), bad_char(), 0usize..contract::ID_LENGTH).prop_map(|(s, b, i)| {
            let mut c: Vec<char> = s.chars().collect();
            c[i] = b;
            c.into_iter().collect()
        }),
        // Anchoring: a valid id with a prefix or a suffix.
        (well_formed_text(), prop_oneof![Just("x"), Just("0"), Just(" "), Just("\n")], any::<bool>())
            .prop_map(|(s, extra, prefix)| if prefix { format!("{extra}{s}") } else { format!("{s}{extra}") }),
        // Hyphens missing.
        hex(32),
        Just(String::new()),
        (0usize..80).prop_map(|n| "a".repeat(n)),
    ]
    .boxed()
}

/// What the target offers the generator: requests only use placeholders it can resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// How many executions are known to exist.
    pub known_executions: usize,
    /// Whether a real token is available.
    pub token: bool,
}

fn id_gen(caps: Capabilities) -> BoxedStrategy<IdGen> {
    let known = if caps.known_executions > 0 { 8 } else { 0 };
    let other = if caps.known_executions > 1 { 1 } else { 0 };
    let mutated = if caps.known_executions > 0 { 2 } else { 0 };
    let affix = prop_oneof![
        Just("x{{execution_id}}"),
        Just("{{execution_id}}0"),
        Just(" {{execution_id}}"),
        Just("{{execution_id}}\n")
    ];
    prop_oneof![
        known => Just(IdGen::Known),
        other => Just(IdGen::OtherKnown),
        mutated => Just(IdGen::KnownUpper),
        mutated => Just(IdGen::KnownAdjacent),
        mutated => affix.prop_map(|t| IdGen::KnownAffixed(t.to_owned())),
        2 => Just(IdGen::Random),
        1 => Just(IdGen::RandomUpper),
        1 => well_formed_text().prop_map(IdGen::Text),
        5 => malformed_id().prop_map(IdGen::Text),
        1 => wrong_types().prop_map(IdGen::Json),
    ]
    .boxed()
}

/// Values next to the `MaxResults` bounds, and the smallest numbers.
const ADJACENT: [i64; 9] = [9, 10, 11, 99, 100, 101, 0, -1, 1];

/// Just past 32 bits: a server that keeps the low 32 bits reads these as 0, 10, 50 or 100.
const BEYOND_32_BITS: [i64; 7] =
    [1 << 31, (1 << 31) - 1, 1 << 32, (1 << 32) + 10, (1 << 32) + 50, (1 << 32) + 100, -(1 << 32) + 10];

/// `MaxResults` spelt so that only the text keeps it: integral floats and exponents (EITHER read
/// as the integer or a 400), `-0`, and integers beyond 64 bits (a 400, never wrapped).
const NUMBER_TEXTS: [&str; 12] = [
    "1e1",
    "10.0",
    "1E2",
    "100.0",
    "1e2",
    "9.0",
    "101.0",
    "-0",
    "0.0",
    "18446744073709551626",
    "18446744073709551716",
    "9223372036854775808",
];

/// `MaxResults`: in range, at each bound, beyond each bound by a distance (so shrinking lands on
/// 9 and 101), far out of the 32-bit range, and wrong types.
fn max_results() -> BoxedStrategy<Value> {
    let min = contract::MAX_RESULTS_MIN;
    let max = contract::MAX_RESULTS_MAX;
    prop_oneof![
        4 => (min..=max).prop_map(|n| json!(n)),
        2 => prop_oneof![Just(min), Just(max)].prop_map(|n| json!(n)),
        3 => (0i64..=i64::from(i32::MAX) + min).prop_map(move |d| json!(min - 1 - d)),
        3 => (0i64..=i64::from(i32::MAX) - max).prop_map(move |d| json!(max + 1 + d)),
        3 => proptest::sample::select(ADJACENT.to_vec()).prop_map(|n| json!(n)),
        2 => proptest::sample::select(BEYOND_32_BITS.to_vec()).prop_map(|n| json!(n)),
        1 => prop_oneof![Just(json!(i64::MIN)), Just(json!(i64::MAX)), Just(json!(u64::MAX))],
        2 => prop_oneof![Just(json!("10")), Just(json!(10.5)), Just(json!(true)), Just(json!([10])), Just(json!({}))],
    ]
    .boxed()
}

/// Lengths adjacent to a string constraint `min..=max` (just below and at each bound) and one
/// `far` beyond the top.
fn lengths_around(min: usize, max: usize, far: usize) -> BoxedStrategy<usize> {
    prop_oneof![Just(min.saturating_sub(1)), Just(min), Just(max), Just(max + 1), Just(far)].boxed()
}

fn status_value() -> BoxedStrategy<String> {
    prop_oneof![
        8 => proptest::sample::select(contract::STATUSES.to_vec()).prop_map(str::to_owned),
        1 => prop_oneof![Just("success"), Just("Success"), Just("SUCCESS ")].prop_map(str::to_owned),
        1 => Just("BOGUS".to_owned()),
        1 => lengths_around(contract::FILTER_VALUE_MIN, contract::FILTER_VALUE_MAX, 300).prop_map(|n| "A".repeat(n)),
    ]
    .boxed()
}

fn filter_key() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => Just(json!(contract::STATUS_FILTER_KEY)),
        1 => prop_oneof![Just(json!("status")), Just(json!("Status")), Just(json!("STATUS "))],
        1 => Just(json!("WindowTaskId")),
        1 => lengths_around(contract::FILTER_KEY_MIN, contract::FILTER_KEY_MAX, 200).prop_map(|n| json!("K".repeat(n))),
        1 => wrong_types(),
    ]
    .boxed()
}

fn filter_values() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => proptest::collection::vec(status_value(), 1..4).prop_map(|v| json!(v)),
        1 => Just(json!([])),
        1 => proptest::collection::vec(status_value(), 4..12).prop_map(|v| json!(v)),
        1 => prop_oneof![Just(json!("SUCCESS")), Just(json!([5])), Just(json!([null])), Just(json!({}))],
    ]
    .boxed()
}

fn filter() -> BoxedStrategy<Value> {
    let object = (
        slot(filter_key(), 1),
        slot(filter_values(), 1),
        proptest::option::weighted(0.05, Just(("Extra", json!(true)))),
    )
        .prop_map(|(k, v, extra)| {
            let mut m = Map::new();
            if let Some(k) = slot_value(&k, Clone::clone) {
                m.insert(input::FILTER_KEY.into(), k);
            }
            if let Some(v) = slot_value(&v, Clone::clone) {
                m.insert(input::FILTER_VALUES.into(), v);
            }
            if let Some((k, v)) = extra {
                m.insert(k.into(), v);
            }
            Value::Object(m)
        });
    prop_oneof![10 => object, 1 => prop_oneof![Just(Value::Null), Just(json!("STATUS")), Just(json!(5))]].boxed()
}

fn filters() -> BoxedStrategy<Value> {
    let documented: Vec<&str> = contract::FILTERABLE_STATUSES.to_vec();
    prop_oneof![
        10 => proptest::collection::vec(filter(), 0..=contract::FILTERS_MAX + 3).prop_map(Value::Array),
        // Runs of valid one-value STATUS filters around the limit of 5 (shrinks toward fewer,
        // and toward the first status): ANDed, they must agree.
        3 => proptest::collection::vec(proptest::sample::select(documented), 0..=contract::FILTERS_MAX + 1).prop_map(|v| {
            Value::Array(v.into_iter().map(|s| json!({"Key": contract::STATUS_FILTER_KEY, "Values": [s]})).collect())
        }),
        1 => prop_oneof![Just(json!({})), Just(json!("STATUS")), Just(json!({"Key": "STATUS", "Values": ["SUCCESS"]}))],
    ]
    .boxed()
}

fn token_gen(caps: Capabilities) -> BoxedStrategy<TokenGen> {
    let real = if caps.token { 3 } else { 0 };
    prop_oneof![
        real => Just(TokenGen::Real),
        1 => Just(TokenGen::Empty),
        2 => prop_oneof![Just("garbage"), Just("AAAA"), Just("eyJvZmZzZXQiOjEwfQ"), Just("  "), Just("ü")]
            .prop_map(|s| TokenGen::Garbage(s.to_owned())),
        real / 3 => Just(TokenGen::Tampered),
        real / 3 => Just(TokenGen::Truncated),
        1 => wrong_types().prop_map(TokenGen::Json),
    ]
    .boxed()
}

fn extra_member() -> impl Strategy<Value = (String, Value)> {
    (
        prop_oneof![Just("Bogus"), Just("windowExecutionId"), Just("MaxResult"), Just("Extra")],
        prop_oneof![Just(json!(1)), Just(json!("x")), Just(json!({"a": [1, null]}))],
    )
        .prop_map(|(k, v)| (k.to_owned(), v))
}

/// Whole requests, mixing valid and invalid values for every member.
pub fn requests(caps: Capabilities) -> BoxedStrategy<GenRequest> {
    (
        prop_oneof![20 => id_gen(caps).prop_map(Slot::Set), 1 => Just(Slot::Absent), 1 => Just(Slot::Null)],
        slot(max_results(), 4),
        slot(filters(), 6),
        slot(token_gen(caps), 12),
        proptest::option::weighted(0.08, extra_member()),
        proptest::option::weighted(0.05, proptest::sample::select(NUMBER_TEXTS.to_vec())),
        proptest::option::weighted(
            0.02,
            prop_oneof![
                Just(""),
                Just("{"),
                Just("[]"),
                Just("null"),
                Just("not json"),
                Just("{\"WindowExecutionId\": ")
            ],
        ),
    )
        .prop_map(|(window_execution_id, max_results, filters, next_token, extra, number, raw)| GenRequest {
            window_execution_id,
            max_results,
            filters,
            next_token,
            extra: extra.into_iter().collect(),
            raw_body: raw.map(str::to_owned),
            max_results_text: number.map(str::to_owned),
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    #[test]
    fn same_seed_same_requests() {
        let gen = |seed: u8| {
            let mut runner =
                TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]));
            let caps = Capabilities { known_executions: 2, token: true };
            (0..50).map(|_| requests(caps).new_tree(&mut runner).unwrap().current().body()).collect::<Vec<_>>()
        };
        assert_eq!(gen(1), gen(1));
        assert_ne!(gen(1), gen(2));
    }
}
