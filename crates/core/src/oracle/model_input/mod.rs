//! What the service model alone says of a request body: the JSON types it gives each member
//! (a mismatch is a `SerializationException`), then every constraint it states — required
//! members, string lengths and patterns, integer ranges, list lengths, the lengths of a list's
//! strings, recursively through structures and lists — as the validation items a Coral service
//! writes, in model member order. Any operation of the model, no hand-written table: the
//! reference answers the second operation with it, and a test holds it to the first operation's
//! hand-written validation (`reference::validate`), item for item.
//!
//! Not here, because the family's inputs do not need them: enum membership of input strings,
//! maps and blobs (their members are read for their JSON type only).

use serde_json::{Map, Value};

use crate::contract::{self, Constraint, IntegerReading, ValidationItem};
use crate::model::{self, Kind, Shape};

/// What the model says of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputVerdict {
    /// A member of the wrong JSON type, or the body not an object: a `SerializationException`
    /// (or, EITHER, a `ValidationException`). The text says which member.
    WrongType(String),
    /// Every constraint holds.
    Valid,
    /// These constraints are violated: a `ValidationException` naming each.
    Invalid(Vec<ValidationItem>),
}

/// How integral floats (`10.0`) read, where the contract leaves it open (EITHER, §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegralFloats {
    /// Read as the integer.
    AsIntegers,
    /// A wrong type.
    Refused,
}

/// Validates `body` against the input shape `input` (a structure of the model).
pub fn validate(input: &Shape, body: &Value, floats: IntegralFloats) -> InputVerdict {
    let Value::Object(obj) = body else {
        return InputVerdict::WrongType("the body is not a JSON object".to_owned());
    };
    let mut walk = Walk { items: Vec::new(), floats };
    match walk.structure(input, obj, None) {
        Err(wrong) => InputVerdict::WrongType(wrong),
        Ok(()) if walk.items.is_empty() => InputVerdict::Valid,
        Ok(()) => InputVerdict::Invalid(walk.items),
    }
}

/// The violations found so far.
struct Walk {
    items: Vec<ValidationItem>,
    floats: IntegralFloats,
}

/// The path of `member` under `parent` (`None`: the top level), as Coral writes it.
fn path_of(parent: Option<&str>, member: &str) -> String {
    match parent {
        None => contract::member_path(member),
        Some(p) => format!("{p}.{}", contract::member_path(member)),
    }
}

fn shape(name: &str) -> &'static Shape {
    model::shape_named(name).expect("the generated tables name only their own shapes")
}

fn length(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn bound(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Walk {
    fn push(&mut self, value: Option<String>, path: String, constraint: Constraint) {
        self.items.push(ValidationItem { value, path, constraint });
    }

    fn structure(&mut self, shape: &Shape, obj: &Map<String, Value>, parent: Option<&str>) -> Result<(), String> {
        for member in shape.members() {
            let path = path_of(parent, member.name);
            match obj.get(member.name) {
                None | Some(Value::Null) if member.required => self.push(None, path, Constraint::NotNull),
                None | Some(Value::Null) => {}
                Some(value) => self.member(self::shape(member.shape), value, path)?,
            }
        }
        Ok(())
    }

    fn member(&mut self, shape: &Shape, value: &Value, path: String) -> Result<(), String> {
        let wrong = |what: &str| Err(format!("{path} must be {what}"));
        match (shape.kind, value) {
            (Kind::String { .. }, Value::String(s)) => self.string(shape, s, path),
            (Kind::String { .. }, _) => return wrong("a string"),
            (Kind::Integer { range }, Value::Number(n)) => {
                let i = match contract::read_integer(n) {
                    IntegerReading::Integer(i) => i,
                    IntegerReading::IntegralFloat(i) if self.floats == IntegralFloats::AsIntegers => i,
                    _ => return wrong("an integer"),
                };
                if let Some(min) = range.min.filter(|m| i < *m) {
                    self.push(Some(i.to_string()), path.clone(), Constraint::ValueMin(min));
                }
                if let Some(max) = range.max.filter(|m| i > *m) {
                    self.push(Some(i.to_string()), path, Constraint::ValueMax(max));
                }
            }
            (Kind::Integer { .. }, _) => return wrong("an integer"),
            (Kind::Boolean, Value::Bool(_)) => {}
            (Kind::Boolean, _) => return wrong("a boolean"),
            (Kind::Timestamp | Kind::Double, Value::Number(_)) => {}
            (Kind::Timestamp | Kind::Double, _) => return wrong("a number"),
            (Kind::Blob { .. }, Value::String(_)) => {}
            (Kind::Blob { .. }, _) => return wrong("a base64 string"),
            (Kind::List { member, length: bounds }, Value::Array(list)) => self.list(member, bounds, list, path)?,
            (Kind::List { .. }, _) => return wrong("a list"),
            (Kind::Map { .. }, Value::Object(_)) => {}
            (Kind::Map { .. }, _) => return wrong("an object"),
            (Kind::Structure { .. }, Value::Object(obj)) => self.structure(shape, obj, Some(&path))?,
            (Kind::Structure { .. }, _) => return wrong("an object"),
        }
        Ok(())
    }

    fn string(&mut self, shape: &Shape, s: &str, path: String) {
        let Kind::String { length: bounds, pattern, .. } = shape.kind else { return };
        let len = length(s.chars().count());
        if let Some(min) = bounds.min.filter(|m| len < *m) {
            self.push(Some(s.to_owned()), path.clone(), Constraint::LengthMin(bound(min)));
        }
        if let Some(max) = bounds.max.filter(|m| len > *m) {
            self.push(Some(s.to_owned()), path.clone(), Constraint::LengthMax(bound(max)));
        }
        if let Some(p) = pattern {
            if shape.pattern_matches(s) == Some(false) {
                // The execution id's pattern keeps its own constraint, so that the first
                // operation's items compare equal to the hand-written validation's.
                let constraint = if p.source == contract::ID_PATTERN {
                    Constraint::IdPattern
                } else {
                    Constraint::Pattern(p.source)
                };
                self.push(Some(s.to_owned()), path, constraint);
            }
        }
    }

    fn list(&mut self, member: &str, bounds: model::Bounds, list: &[Value], path: String) -> Result<(), String> {
        let element = shape(member);
        let len = length(list.len());
        let too_few = bounds.min.filter(|m| len < *m).map(|m| Constraint::LengthMin(bound(m)));
        let too_many = bounds.max.filter(|m| len > *m).map(|m| Constraint::LengthMax(bound(m)));
        for constraint in too_few.into_iter().chain(too_many) {
            self.push(Some(render_list(element, list)), path.clone(), constraint);
        }
        match element.kind {
            // A list of strings: Coral names the list once, with every element's bounds.
            Kind::String { length: b, .. } => {
                let mut bad = false;
                for v in list {
                    let Value::String(s) = v else { return Err(format!("{path} must hold strings")) };
                    let n = length(s.chars().count());
                    bad |= b.min.is_some_and(|m| n < m) || b.max.is_some_and(|m| n > m);
                }
                if bad {
                    let constraint =
                        Constraint::MemberLengths { min: b.min.map_or(0, bound), max: b.max.map_or(usize::MAX, bound) };
                    self.push(Some(render_list(element, list)), path, constraint);
                }
            }
            _ => {
                for (i, v) in list.iter().enumerate() {
                    self.member(element, v, format!("{path}.{}.member", i + 1))?;
                }
            }
        }
        Ok(())
    }
}

/// A list value as Coral renders it (Java's `toString`): `[a, b]`, a structure as
/// `ShapeName(member=value, ...)` with members lower-camel and absent ones `null`.
fn render_list(element: &Shape, list: &[Value]) -> String {
    let items: Vec<String> = list.iter().map(|v| render(element, v)).collect();
    format!("[{}]", items.join(", "))
}

fn render(shape: &Shape, value: &Value) -> String {
    match (shape.kind, value) {
        (_, Value::Null) => "null".to_owned(),
        (_, Value::String(s)) => s.clone(),
        (Kind::List { member, .. }, Value::Array(list)) => render_list(self::shape(member), list),
        (Kind::Structure { members, .. }, Value::Object(obj)) => {
            let fields: Vec<String> = members
                .iter()
                .map(|m| {
                    let v = obj.get(m.name).map_or_else(|| "null".to_owned(), |v| render(self::shape(m.shape), v));
                    format!("{}={v}", contract::member_path(m.name))
                })
                .collect();
            format!("{}({})", shape.name, fields.join(", "))
        }
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
