//! The reference endpoint's input reading: JSON types first (`SerializationException`), then the
//! model's constraints, every violation listed (`ValidationException`), all from `contract`.

use serde_json::{Map, Value};

use super::choices::ValidationItems;
use super::fault::Fault;
use crate::contract::{self, input, Constraint, IntegerReading, ValidationItem};

/// One filter as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterInput {
    /// `Key`, if present and not null.
    pub key: Option<String>,
    /// `Values`, if present and not null.
    pub values: Option<Vec<String>>,
}

/// The request's members, typed. A JSON `null` reads as absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationInput {
    /// `WindowExecutionId`.
    pub window_execution_id: Option<String>,
    /// `Filters`.
    pub filters: Option<Vec<FilterInput>>,
    /// `MaxResults`.
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// Why the body could not be read as the input shape (a `SerializationException`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMismatch(pub String);

fn string_member(v: Option<&Value>, what: &str) -> Result<Option<String>, TypeMismatch> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(TypeMismatch(format!("{what} must be a string"))),
    }
}

/// `MaxResults` as the reference reads it: a 32-bit integer (an integral float only when
/// `integral_floats`; a value beyond 32 bits wrapped only under its fault).
fn read_max_results(n: &serde_json::Number, fault: Option<Fault>, integral_floats: bool) -> Result<i64, TypeMismatch> {
    let not_int = || TypeMismatch(format!("{} must be a 32-bit integer", input::MAX_RESULTS));
    match contract::read_integer(n) {
        IntegerReading::Integer(i) => Ok(i),
        IntegerReading::IntegralFloat(i) if integral_floats => Ok(i),
        IntegerReading::OutOfRange { .. } if fault == Some(Fault::MaxResultsWraps32Bit) => {
            // The bug: the low 32 bits of the integer, as a careless decoder keeps them.
            let wide = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)).ok_or_else(not_int)?;
            Ok(i64::from(wide as i32))
        }
        _ => Err(not_int()),
    }
}

/// Reads the members of the input object, with the JSON types the model gives them.
pub fn read_input(
    obj: &Map<String, Value>,
    fault: Option<Fault>,
    integral_floats: bool,
) -> Result<OperationInput, TypeMismatch> {
    let window_execution_id = string_member(obj.get(input::WINDOW_EXECUTION_ID), input::WINDOW_EXECUTION_ID)?;
    let next_token = string_member(obj.get(input::NEXT_TOKEN), input::NEXT_TOKEN)?;
    let max_results = match obj.get(input::MAX_RESULTS) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(read_max_results(n, fault, integral_floats)?),
        Some(Value::String(s)) if fault == Some(Fault::WrongTypeCoerced) => {
            Some(s.trim().parse().map_err(|_| TypeMismatch("MaxResults is not a number".into()))?)
        }
        Some(_) => return Err(TypeMismatch(format!("{} must be an integer", input::MAX_RESULTS))),
    };
    let filters = match obj.get(input::FILTERS) {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => Some(list.iter().map(read_filter).collect::<Result<Vec<_>, _>>()?),
        Some(_) => return Err(TypeMismatch(format!("{} must be a list", input::FILTERS))),
    };
    Ok(OperationInput { window_execution_id, filters, max_results, next_token })
}

fn read_filter(v: &Value) -> Result<FilterInput, TypeMismatch> {
    let Value::Object(f) = v else {
        return Err(TypeMismatch("a filter must be an object".into()));
    };
    let key = string_member(f.get(input::FILTER_KEY), "Key")?;
    let values = match f.get(input::FILTER_VALUES) {
        None | Some(Value::Null) => None,
        Some(Value::Array(vs)) => Some(
            vs.iter()
                .map(|v| {
                    v.as_str().map(str::to_owned).ok_or_else(|| TypeMismatch("filter values must be strings".into()))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(TypeMismatch("Values must be a list".into())),
    };
    Ok(FilterInput { key, values })
}

/// Java's `List.toString` rendering of a list of strings, as AWS renders list values.
fn render_list(values: &[String]) -> String {
    format!("[{}]", values.join(", "))
}

fn render_filters(filters: &[FilterInput]) -> String {
    let items: Vec<String> = filters
        .iter()
        .map(|f| {
            format!(
                "MaintenanceWindowFilter(key={}, values={})",
                f.key.as_deref().unwrap_or("null"),
                f.values.as_deref().map_or("null".to_owned(), render_list)
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Collects violated constraints, skipping those a fault leaves unchecked.
struct Violations {
    fault: Option<Fault>,
    items: Vec<ValidationItem>,
}

impl Violations {
    fn has(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }

    fn push(&mut self, value: Option<String>, path: String, constraint: Constraint) {
        self.items.push(ValidationItem { value, path, constraint });
    }

    fn id(&mut self, id: Option<&String>) {
        let id_path = contract::member_path(input::WINDOW_EXECUTION_ID);
        let Some(id) = id else {
            if !self.has(Fault::IdRequiredUnchecked) {
                self.push(None, id_path, Constraint::NotNull);
            }
            return;
        };
        let len = id.chars().count();
        let check_length = !self.has(Fault::IdLengthUnchecked) && !self.has(Fault::IdPatternUnanchored);
        if check_length && len < contract::ID_LENGTH {
            self.push(Some(id.clone()), id_path.clone(), Constraint::LengthMin(contract::ID_LENGTH));
        }
        if check_length && len > contract::ID_LENGTH {
            self.push(Some(id.clone()), id_path.clone(), Constraint::LengthMax(contract::ID_LENGTH));
        }
        let matches = if self.has(Fault::IdPatternUnchecked) {
            true
        } else if self.has(Fault::IdPatternUnanchored) {
            let unanchored = contract::ID_PATTERN.trim_start_matches('^').trim_end_matches('$');
            regex::Regex::new(unanchored).expect("pattern compiles").is_match(id)
        } else if self.has(Fault::IdUppercaseRejected) {
            contract::id_regex().is_match(id) && !id.chars().any(|c| c.is_ascii_uppercase())
        } else {
            contract::matches_id_pattern(id)
        };
        if !matches {
            self.push(Some(id.clone()), id_path, Constraint::IdPattern);
        }
    }

    fn filters(&mut self, filters: &[FilterInput]) {
        let path = contract::member_path(input::FILTERS);
        let too_many = if self.has(Fault::FiltersMaxUnchecked) {
            false
        } else if self.has(Fault::FiltersMaxOffByOne) {
            filters.len() >= contract::FILTERS_MAX
        } else {
            filters.len() > contract::FILTERS_MAX
        };
        if too_many {
            self.push(Some(render_filters(filters)), path.clone(), Constraint::LengthMax(contract::FILTERS_MAX));
        }
        if self.has(Fault::FiltersEmptyRejected) && filters.is_empty() {
            self.push(Some("[]".into()), path, Constraint::LengthMin(1));
        }
        for (i, f) in filters.iter().enumerate() {
            self.filter(i, f);
        }
    }

    fn filter(&mut self, i: usize, f: &FilterInput) {
        if let Some(key) = &f.key {
            let len = key.chars().count();
            let key_path = contract::list_field_path(input::FILTERS, i, input::FILTER_KEY);
            if len < contract::FILTER_KEY_MIN && !self.has(Fault::FilterKeyEmptyAccepted) {
                self.push(Some(key.clone()), key_path.clone(), Constraint::LengthMin(contract::FILTER_KEY_MIN));
            }
            if len > contract::FILTER_KEY_MAX && !self.has(Fault::FilterKeyMaxUnchecked) {
                self.push(Some(key.clone()), key_path, Constraint::LengthMax(contract::FILTER_KEY_MAX));
            }
        }
        if let Some(values) = &f.values {
            let bad = values.iter().any(|v| {
                let len = v.chars().count();
                (len < contract::FILTER_VALUE_MIN && !self.has(Fault::FilterValueEmptyAccepted))
                    || (len > contract::FILTER_VALUE_MAX && !self.has(Fault::FilterValueMaxUnchecked))
            });
            if bad {
                let values_path = contract::list_field_path(input::FILTERS, i, input::FILTER_VALUES);
                self.push(Some(render_list(values)), values_path, Constraint::FilterValueLengths);
            }
        }
    }

    fn max_results(&mut self, n: i64) {
        let path = contract::member_path(input::MAX_RESULTS);
        let below = if self.has(Fault::MaxResultsMinUnchecked) {
            false
        } else if self.has(Fault::MaxResultsMinOffByOne) {
            n <= contract::MAX_RESULTS_MIN
        } else {
            n < contract::MAX_RESULTS_MIN
        };
        let above = if self.has(Fault::MaxResultsMaxUnchecked) {
            false
        } else if self.has(Fault::MaxResultsMaxOffByOne) {
            n >= contract::MAX_RESULTS_MAX
        } else {
            n > contract::MAX_RESULTS_MAX
        };
        if below {
            self.push(Some(n.to_string()), path.clone(), Constraint::ValueMin(contract::MAX_RESULTS_MIN));
        }
        if above {
            self.push(Some(n.to_string()), path, Constraint::ValueMax(contract::MAX_RESULTS_MAX));
        }
    }
}

/// Every violated constraint, in model member order.
pub fn violations(inp: &OperationInput, fault: Option<Fault>) -> Vec<ValidationItem> {
    let mut v = Violations { fault, items: Vec::new() };
    v.id(inp.window_execution_id.as_ref());
    if let Some(filters) = &inp.filters {
        v.filters(filters);
    }
    if let Some(n) = inp.max_results {
        v.max_results(n);
    }
    if v.has(Fault::ValidationFirstOnly) {
        v.items.truncate(1);
    }
    v.items
}

/// The validation message, in AWS's wording (or moto's, under that fault), with the items in
/// the chosen order.
pub fn message(items: &[ValidationItem], fault: Option<Fault>, order: ValidationItems) -> String {
    if order == ValidationItems::ReversedWithPeriods {
        // Another accepted form: items in reverse order, each ending with a period.
        let rendered: Vec<String> = items.iter().rev().map(|i| format!("{}.", i.render())).collect();
        let plural = if items.len() == 1 { "error" } else { "errors" };
        return format!("{} validation {plural} detected: {}", items.len(), rendered.join("; "));
    }
    if fault == Some(Fault::ValidationMotoWording) {
        let rendered: Vec<String> = items
            .iter()
            .map(|i| {
                format!(
                    "Value \"{}\" at \"{}\" failed to satisfy constraint: {}",
                    i.value.as_deref().unwrap_or("null"),
                    i.path,
                    i.constraint.wording()
                )
            })
            .collect();
        let plural = if items.len() == 1 { "error" } else { "errors" };
        return format!("{} validation {plural} detected: {}", items.len(), rendered.join("; "));
    }
    contract::validation_message(items)
}

/// The model-driven validation (`oracle::model_input`), which answers the other operations of
/// the family, agrees with this hand-written one on the first operation, item for item.
#[cfg(test)]
mod model_agreement {
    use proptest::prelude::*;
    use serde_json::{json, Value};

    use super::{read_input, violations};
    use crate::oracle::model_input::{validate, InputVerdict, IntegralFloats};
    use crate::source::generate::{requests, Capabilities};

    fn agree(body: &Value) {
        let input = crate::model::shape::describe_maintenance_window_execution_tasks_request::SHAPE;
        let generic = validate(input, body, IntegralFloats::Refused);
        let Value::Object(obj) = body else {
            assert!(matches!(generic, InputVerdict::WrongType(_)), "{body}");
            return;
        };
        match read_input(obj, None, false) {
            Err(_) => assert!(matches!(generic, InputVerdict::WrongType(_)), "{body}: {generic:?}"),
            Ok(inp) => {
                let want: Vec<String> = violations(&inp, None).iter().map(|i| i.render()).collect();
                let got: Vec<String> = match generic {
                    InputVerdict::Valid => Vec::new(),
                    InputVerdict::Invalid(items) => items.iter().map(|i| i.render()).collect(),
                    InputVerdict::WrongType(w) => {
                        panic!("{body}: generic says wrong type ({w}), hand-written reads it")
                    }
                };
                assert_eq!(got, want, "{body}");
            }
        }
    }

    #[test]
    fn on_chosen_bodies() {
        let id = "0123abcd-ABCD-4ef0-89aB-cdef01234567";
        let filter = |k: &str, v: &[&str]| json!({"Key": k, "Values": v});
        for body in [
            json!({}),
            json!({"WindowExecutionId": null}),
            json!({"WindowExecutionId": id}),
            json!({"WindowExecutionId": "short", "MaxResults": 9}),
            json!({"WindowExecutionId": format!("{id}0"), "MaxResults": 101, "Filters": []}),
            json!({"WindowExecutionId": "g123abcd-ABCD-4ef0-89aB-cdef01234567"}),
            json!({"WindowExecutionId": id, "Filters": vec![filter("STATUS", &["SUCCESS"]); 6]}),
            json!({"WindowExecutionId": id, "Filters": [filter("", &[""]), {"Key": "k".repeat(129)}, {"Values": ["v".repeat(257), "ok"]}]}),
            json!({"WindowExecutionId": id, "Filters": [{}], "NextToken": "x"}),
            json!({"WindowExecutionId": 5}),
            json!({"WindowExecutionId": id, "MaxResults": "10"}),
            json!({"WindowExecutionId": id, "MaxResults": 10.5}),
            json!({"WindowExecutionId": id, "MaxResults": 4294967346u64}),
            json!({"WindowExecutionId": id, "Filters": {}}),
            json!({"WindowExecutionId": id, "Filters": [5]}),
            json!({"WindowExecutionId": id, "Filters": [{"Values": [5]}]}),
            json!([]),
        ] {
            agree(&body);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn on_generated_requests(req in requests(Capabilities { known_executions: 2, token: true })) {
            agree(&req.body());
        }
    }
}
