//! Request bodies generated from an operation's input shape alone (proptest): each member absent,
//! `null`, of the wrong JSON type, or a value at or just past each bound the model gives it —
//! lengths, ranges, list sizes, patterns broken by one character — recursively through lists of
//! structures. What each earns is the model's to say (`oracle::model_input`), so a third operation
//! gets generated requests from its shape and a few sample values, nothing more.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::model::{self, Kind, Shape};

/// Valid values to start from, by member name (a window the endpoint lists, a documented filter
/// key, an instant): a string member without a sample is built from its bounds.
pub type Samples<'a> = &'a [(&'static str, Value)];

fn shape(name: &str) -> &'static Shape {
    model::shape_named(name).expect("the generated tables name only their own shapes")
}

fn usize_of(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// A string of `len` characters: the sample's, cut or padded with `0`.
fn of_length(sample: &str, len: usize) -> String {
    sample.chars().chain(std::iter::repeat('0')).take(len).collect()
}

/// Strings around the shape's bounds and pattern, from `sample`.
fn strings(shape: &Shape, sample: String) -> BoxedStrategy<Value> {
    let Kind::String { length, pattern, values } = shape.kind else { return Just(json!(sample)).boxed() };
    let mut choices: Vec<String> = vec![sample.clone()];
    let min = length.min.map(usize_of);
    let max = length.max.map(usize_of);
    if let Some(m) = min {
        choices.push(of_length(&sample, m));
        if m > 0 {
            choices.push(of_length(&sample, m - 1));
        }
    }
    if let Some(m) = max {
        choices.extend([of_length(&sample, m), of_length(&sample, m + 1)]);
    }
    if pattern.is_some() && !sample.is_empty() {
        choices.extend([sample.to_uppercase(), format!("x{sample}"), format!("{sample}\n")]);
    }
    choices.extend(values.iter().map(|v| (*v).to_owned()));
    proptest::sample::select(choices).prop_map(Value::String).boxed()
}

/// Integers at and past the range's bounds, and within it.
fn integers(shape: &Shape) -> BoxedStrategy<Value> {
    let Kind::Integer { range } = shape.kind else { return Just(json!(0)).boxed() };
    let (lo, hi) = (range.min.unwrap_or(i64::from(i32::MIN)), range.max.unwrap_or(i64::from(i32::MAX)));
    let edges = vec![lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, 0, -1, 1 << 32];
    prop_oneof![3 => proptest::sample::select(edges), 1 => lo..=hi].prop_map(|n| json!(n)).boxed()
}

/// A value of `shape`, or (rarely) one of another JSON type.
fn value(shape: &'static Shape, member: &str, samples: Samples<'_>, depth: usize) -> BoxedStrategy<Value> {
    let sample = samples.iter().find(|(m, _)| *m == member).map(|(_, v)| v.clone());
    let typed = match shape.kind {
        Kind::String { .. } => {
            let s = sample.as_ref().and_then(Value::as_str).map_or_else(|| "x".to_owned(), str::to_owned);
            strings(shape, s)
        }
        Kind::Integer { .. } => integers(shape),
        Kind::List { member: element, length } if depth < 3 => {
            let max = length.max.map_or(6, |m| usize_of(m) + 1);
            let element = self::shape(element);
            let item = match sample.as_ref().and_then(|s| s.as_array()?.first().cloned()) {
                Some(valid) => prop_oneof![2 => Just(valid), 1 => value(element, member, samples, depth + 1)].boxed(),
                None => value(element, member, samples, depth + 1),
            };
            proptest::collection::vec(item, 0..=max).prop_map(Value::Array).boxed()
        }
        Kind::Structure { .. } if depth < 3 => structure(shape, samples, depth + 1),
        _ => Just(sample.unwrap_or(Value::Null)).boxed(),
    };
    let wrong = prop_oneof![Just(json!(5)), Just(json!("5")), Just(json!({})), Just(json!([]))];
    prop_oneof![12 => typed, 1 => wrong].boxed()
}

/// Bodies of the structure `shape`: each member absent, `null`, or generated.
pub fn structure(shape: &'static Shape, samples: Samples<'_>, depth: usize) -> BoxedStrategy<Value> {
    let members: Vec<BoxedStrategy<Option<Value>>> = shape
        .members()
        .iter()
        .map(|m| {
            let present = value(self::shape(m.shape), m.name, samples, depth).prop_map(Some);
            let absent = if m.required { 1 } else { 6 };
            prop_oneof![absent => Just(None), 1 => Just(Some(Value::Null)), 10 => present].boxed()
        })
        .collect();
    let names: Vec<&'static str> = shape.members().iter().map(|m| m.name).collect();
    members
        .prop_map(move |values| {
            let mut obj = Map::new();
            for (name, v) in names.iter().zip(values) {
                if let Some(v) = v {
                    obj.insert((*name).to_owned(), v);
                }
            }
            Value::Object(obj)
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;
    use crate::model::shape::describe_maintenance_window_executions_request as request;
    use crate::oracle::model_input::{validate, InputVerdict, IntegralFloats};

    fn samples() -> Vec<(&'static str, Value)> {
        vec![
            ("WindowId", json!("mw-0123456789abcdef0")),
            ("Filters", json!([{"Key": "ExecutedBefore", "Values": ["2025-01-01T00:00:00Z"]}])),
            ("Key", json!("ExecutedBefore")),
        ]
    }

    /// The bodies cover every verdict the model gives: valid, each constraint broken, wrong types.
    #[test]
    fn the_bodies_reach_every_verdict_and_every_constraint() {
        let mut runner = TestRunner::deterministic();
        let strategy = structure(request::SHAPE, &samples(), 0);
        let (mut valid, mut wrong, mut kinds) = (0, 0, std::collections::BTreeSet::new());
        for _ in 0..2000 {
            let body = strategy.new_tree(&mut runner).unwrap().current();
            match validate(request::SHAPE, &body, IntegralFloats::Refused) {
                InputVerdict::Valid => valid += 1,
                InputVerdict::WrongType(_) => wrong += 1,
                InputVerdict::Invalid(items) => {
                    kinds.extend(items.iter().map(|i| (i.path.clone(), i.constraint.kind())));
                }
            }
        }
        assert!(valid > 100 && wrong > 50, "valid {valid}, wrong {wrong}");
        for (path, kind) in [
            ("windowId", "not-null"),
            ("windowId", "length-min"),
            ("windowId", "length-max"),
            ("windowId", "pattern"),
            ("maxResults", "value-min"),
            ("maxResults", "value-max"),
            ("filters", "length-max"),
            ("filters.1.member.key", "length-min"),
            ("filters.1.member.values", "member-lengths"),
        ] {
            assert!(kinds.contains(&(path.to_owned(), kind)), "{path} {kind} never generated: {kinds:?}");
        }
    }
}
