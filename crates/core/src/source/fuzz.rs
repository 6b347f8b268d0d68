//! `arbitrary` input types for the fuzz targets (feature `fuzzing`): structured requests with
//! members of every JSON type, not only valid ones, turned into request bodies. Shared by
//! `fuzz/` so that the targets and the library agree on what a fuzzed request is.

use arbitrary::Arbitrary;
use serde_json::{json, Map, Value};

use crate::contract::{self, input};

/// A JSON value of any type, bounded in depth and size.
#[derive(Debug, Clone, Arbitrary)]
pub enum FuzzValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Text(String),
    /// A list of scalars.
    List(Vec<FuzzScalar>),
    /// An object with one member.
    Object(String, FuzzScalar),
}

/// A scalar JSON value.
#[derive(Debug, Clone, Arbitrary)]
pub enum FuzzScalar {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Text(String),
}

impl FuzzScalar {
    fn json(&self) -> Value {
        match self {
            FuzzScalar::Null => Value::Null,
            FuzzScalar::Bool(b) => json!(b),
            FuzzScalar::Int(n) => json!(n),
            FuzzScalar::Text(s) => json!(s),
        }
    }
}

impl FuzzValue {
    fn json(&self) -> Value {
        match self {
            FuzzValue::Null => Value::Null,
            FuzzValue::Bool(b) => json!(b),
            FuzzValue::Int(n) => json!(n),
            FuzzValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            FuzzValue::Text(s) => json!(s),
            FuzzValue::List(l) => Value::Array(l.iter().take(64).map(FuzzScalar::json).collect()),
            FuzzValue::Object(k, v) => json!({ k: v.json() }),
        }
    }
}

/// How the execution id is chosen.
#[derive(Debug, Clone, Arbitrary)]
pub enum FuzzId {
    /// Index into the known executions.
    Known(u8),
    /// A well-formed id from 128 bits (usually unknown); `upper` in upper-case hex.
    WellFormed(u128, bool),
    /// Any other value.
    Other(FuzzValue),
}

/// A member slot.
#[derive(Debug, Clone, Arbitrary)]
pub enum FuzzSlot<T> {
    /// Not in the body.
    Absent,
    /// Present.
    Set(T),
}

/// One filter: key and values of any shape, with status-like values likely.
#[derive(Debug, Clone, Arbitrary)]
pub struct FuzzFilter {
    /// `Key`: `STATUS` when `None`.
    pub key: FuzzSlot<Option<FuzzValue>>,
    /// `Values`: statuses by index, or any value.
    pub values: FuzzSlot<Result<Vec<u8>, FuzzValue>>,
}

/// A whole request.
#[derive(Debug, Clone, Arbitrary)]
pub struct FuzzRequest {
    /// `WindowExecutionId`.
    pub id: FuzzSlot<FuzzId>,
    /// `MaxResults`: a number near the range, or any value.
    pub max_results: FuzzSlot<Result<i16, FuzzValue>>,
    /// `Filters`: a list of filters, or any value.
    pub filters: FuzzSlot<Result<Vec<FuzzFilter>, FuzzValue>>,
    /// `NextToken`: the real token when `None`, else any value.
    pub next_token: FuzzSlot<Option<FuzzValue>>,
    /// An unknown member.
    pub extra: Option<(String, FuzzScalar)>,
    /// Raw bytes sent instead of the JSON body.
    pub raw: Option<Vec<u8>>,
}

fn well_formed(bits: u128, upper: bool) -> String {
    let hex = format!("{bits:032x}");
    let id = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
    if upper {
        id.to_ascii_uppercase()
    } else {
        id
    }
}

impl FuzzRequest {
    /// The body bytes, given the known executions and a real token.
    pub fn body(&self, known: &[String], token: Option<&str>) -> Vec<u8> {
        if let Some(raw) = &self.raw {
            return raw.iter().take(4096).copied().collect();
        }
        let mut m = Map::new();
        if let FuzzSlot::Set(id) = &self.id {
            let v = match id {
                FuzzId::Known(i) if !known.is_empty() => json!(known[*i as usize % known.len()]),
                FuzzId::Known(i) => json!(well_formed(u128::from(*i), false)),
                FuzzId::WellFormed(bits, upper) => json!(well_formed(*bits, *upper)),
                FuzzId::Other(v) => v.json(),
            };
            m.insert(input::WINDOW_EXECUTION_ID.into(), v);
        }
        if let FuzzSlot::Set(n) = &self.max_results {
            m.insert(input::MAX_RESULTS.into(), n.as_ref().map_or_else(FuzzValue::json, |n| json!(i64::from(*n) / 64)));
        }
        if let FuzzSlot::Set(f) = &self.filters {
            let v = match f {
                Ok(list) => Value::Array(list.iter().take(8).map(filter_json).collect()),
                Err(v) => v.json(),
            };
            m.insert(input::FILTERS.into(), v);
        }
        if let FuzzSlot::Set(t) = &self.next_token {
            let v = match t {
                None => token.map_or(Value::Null, |t| json!(t)),
                Some(v) => v.json(),
            };
            m.insert(input::NEXT_TOKEN.into(), v);
        }
        if let Some((k, v)) = &self.extra {
            m.entry(k.clone()).or_insert_with(|| v.json());
        }
        Value::Object(m).to_string().into_bytes()
    }
}

fn filter_json(f: &FuzzFilter) -> Value {
    let mut m = Map::new();
    if let FuzzSlot::Set(k) = &f.key {
        m.insert(
            input::FILTER_KEY.into(),
            k.as_ref().map_or_else(|| json!(contract::STATUS_FILTER_KEY), FuzzValue::json),
        );
    }
    if let FuzzSlot::Set(v) = &f.values {
        let v = match v {
            Ok(idx) => Value::Array(
                idx.iter()
                    .take(16)
                    .map(|i| json!(contract::STATUSES.get(*i as usize).copied().unwrap_or("BOGUS")))
                    .collect(),
            ),
            Err(v) => v.json(),
        };
        m.insert(input::FILTER_VALUES.into(), v);
    }
    Value::Object(m)
}
