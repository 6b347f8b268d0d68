//! Generates `$OUT_DIR/model.rs` from the vendored botocore model (`model/ssm/`, written by
//! `scripts/refresh-model.py`): the `SHAPES` and `OPERATIONS` tables, and one module per shape and
//! per operation whose constants (`MIN`, `MAX`, `PATTERN`, `ENUM`, member names, `TARGET`, `ERRORS`, the
//! paginator) the contract reads. The types it writes are `crate::model`'s. Nothing here is
//! hand-maintained: a change of the model is a change of the tables.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

type Object = Map<String, Value>;

/// `MaintenanceWindowExecutionId` → `maintenance_window_execution_id`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = i > 0
            && c.is_ascii_uppercase()
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn upper(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

fn object<'a>(value: &'a Value, what: &str) -> &'a Object {
    value.as_object().unwrap_or_else(|| panic!("model: {what} is not an object"))
}

fn text<'a>(value: &'a Object, key: &str, what: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("model: {what} has no string `{key}`"))
}

fn number(shape: &Object, key: &str) -> Option<i64> {
    shape.get(key).map(|v| v.as_i64().unwrap_or_else(|| panic!("model: `{key}` is not an integer: {v}")))
}

fn option<T: std::fmt::Debug>(value: Option<T>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| format!("Some({v:?})"))
}

fn string_list(values: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let quoted: Vec<String> = values.into_iter().map(|v| format!("{:?}", v.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

/// A pattern needs look-around when it holds `(?=`, `(?!`, `(?<=` or `(?<!` (the `regex` crate
/// has none of them).
fn needs_lookaround(pattern: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|l| pattern.contains(l))
}

/// The structure's members, required ones marked.
fn members(name: &str, shape: &Object) -> Vec<(String, String, bool)> {
    let required: Vec<&str> = shape
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let members = shape.get("members").map(|m| object(m, name)).cloned().unwrap_or_default();
    for r in &required {
        assert!(members.contains_key(*r), "model: {name} requires `{r}`, which it does not have");
    }
    members
        .iter()
        .map(|(m, v)| (m.clone(), text(object(v, m), "shape", m).to_owned(), required.contains(&m.as_str())))
        .collect()
}

/// The `Kind` expression of one shape.
fn kind(name: &str, shape: &Object) -> String {
    let bounds = format!("Bounds {{ min: {}, max: {} }}", option(number(shape, "min")), option(number(shape, "max")));
    match text(shape, "type", name) {
        "string" => {
            let pattern = shape.get("pattern").and_then(Value::as_str).map_or_else(
                || "None".to_owned(),
                |p| format!("Some(Pattern {{ source: {p:?}, lookaround: {} }})", needs_lookaround(p)),
            );
            let values: Vec<&str> = shape
                .get("enum")
                .and_then(Value::as_array)
                .map(|e| e.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!("Kind::String {{ length: {bounds}, pattern: {pattern}, values: &{} }}", string_list(values))
        }
        "integer" | "long" => format!("Kind::Integer {{ range: {bounds} }}"),
        "boolean" => "Kind::Boolean".to_owned(),
        "timestamp" => "Kind::Timestamp".to_owned(),
        "blob" => format!("Kind::Blob {{ length: {bounds} }}"),
        "double" | "float" => "Kind::Double".to_owned(),
        "list" => {
            let member = text(object(&shape["member"], name), "shape", name);
            format!("Kind::List {{ member: {member:?}, length: {bounds} }}")
        }
        "map" => {
            let key = text(object(&shape["key"], name), "shape", name);
            let value = text(object(&shape["value"], name), "shape", name);
            format!("Kind::Map {{ key: {key:?}, value: {value:?}, length: {bounds} }}")
        }
        "structure" => {
            let listed: Vec<String> = members(name, shape)
                .iter()
                .map(|(m, s, r)| format!("Member {{ name: {m:?}, shape: {s:?}, required: {r} }}"))
                .collect();
            let error = match (shape.get("exception"), shape.get("fault")) {
                (Some(Value::Bool(true)), Some(Value::Bool(true))) => "Some(ErrorKind::Server)",
                (Some(Value::Bool(true)), _) => "Some(ErrorKind::Client)",
                _ => "None",
            };
            format!("Kind::Structure {{ members: &[{}], error: {error} }}", listed.join(", "))
        }
        other => panic!("model: shape {name} has type `{other}`, which the generator does not know"),
    }
}

/// The constants of one shape's module.
fn shape_module(index: usize, name: &str, shape: &Object) -> String {
    let mut out = format!(
        "/// `{name}` of the model.\npub mod {} {{\n    /// The shape itself.\n    pub const SHAPE: &super::super::Shape = &super::super::SHAPES[{index}];\n",
        snake(name)
    );
    let ty = text(shape, "type", name);
    let int = matches!(ty, "integer" | "long");
    for (key, what) in [("min", "smallest"), ("max", "largest")] {
        if let Some(n) = number(shape, key) {
            let (ty, what) =
                if int { ("i64", format!("The {what} value.")) } else { ("usize", format!("The {what} length.")) };
            let _ = writeln!(out, "    /// {what}\n    pub const {}: {ty} = {n};", key.to_ascii_uppercase());
        }
    }
    if let Some(p) = shape.get("pattern").and_then(Value::as_str) {
        let _ = writeln!(out, "    /// The pattern, verbatim.\n    pub const PATTERN: &str = {p:?};");
    }
    if let Some(values) = shape.get("enum").and_then(Value::as_array) {
        let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        let _ = writeln!(
            out,
            "    /// The enum's values, in model order.\n    pub const ENUM: [&str; {}] = {};",
            values.len(),
            string_list(&values)
        );
    }
    if ty == "structure" {
        let members = members(name, shape);
        for (m, _, _) in &members {
            let constant = upper(m);
            assert!(
                !["SHAPE", "ALL_MEMBERS", "REQUIRED_MEMBERS", "MIN", "MAX", "PATTERN", "ENUM"]
                    .contains(&constant.as_str()),
                "model: {name}.{m} collides"
            );
            let _ = writeln!(out, "    /// The member `{m}`.\n    pub const {constant}: &str = {m:?};");
        }
        let all: Vec<&str> = members.iter().map(|(m, _, _)| m.as_str()).collect();
        let required: Vec<&str> = members.iter().filter(|(_, _, r)| *r).map(|(m, _, _)| m.as_str()).collect();
        let _ = writeln!(
            out,
            "    /// Every member, in model order.\n    pub const ALL_MEMBERS: [&str; {}] = {};",
            all.len(),
            string_list(&all)
        );
        let _ = writeln!(
            out,
            "    /// The required members.\n    pub const REQUIRED_MEMBERS: [&str; {}] = {};",
            required.len(),
            string_list(&required)
        );
    }
    out.push_str("}\n");
    out
}

/// The `Operation` expression of one operation, and its module.
fn operation(index: usize, name: &str, op: &Object, paginators: &Object, prefix: &str) -> (String, String) {
    let shape_of = |key: &str| op.get(key).map(|v| text(object(v, key), "shape", name).to_owned());
    let errors: Vec<String> = op
        .get("errors")
        .and_then(Value::as_array)
        .map(|e| e.iter().map(|v| text(object(v, name), "shape", name).to_owned()).collect())
        .unwrap_or_default();
    let paginator = paginators.get(name).map(|p| {
        let p = object(p, name);
        let key = |k: &str| text(p, k, name).to_owned();
        format!(
            "Some(Paginator {{ input_token: {:?}, output_token: {:?}, limit_key: {}, result_key: {:?} }})",
            key("input_token"),
            key("output_token"),
            option(p.get("limit_key").and_then(Value::as_str)),
            key("result_key")
        )
    });
    let paginator = paginator.unwrap_or_else(|| "None".to_owned());
    let value = format!(
        "Operation {{ name: {name:?}, input: {}, output: {}, errors: &{}, paginator: {paginator} }}",
        option(shape_of("input")),
        option(shape_of("output")),
        string_list(&errors)
    );
    let module = format!(
        "/// The operation `{name}`.\npub mod {} {{\n    /// The operation itself.\n    pub const OPERATION: &super::super::Operation = &super::super::OPERATIONS[{index}];\n    /// Its name.\n    pub const NAME: &str = {name:?};\n    /// Its `X-Amz-Target` header value.\n    pub const TARGET: &str = \"{prefix}.{name}\";\n    /// Its modelled errors.\n    pub const ERRORS: [&str; {}] = {};\n}}\n",
        snake(name),
        errors.len(),
        string_list(&errors)
    );
    (value, module)
}

/// The whole of `model.rs`.
pub fn generate(dir: &Path) -> String {
    let read = |file: &str| -> Value {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let service = read("service-2.json");
    let paginators = read("paginators-1.json");
    let paginators = object(&paginators["pagination"], "pagination");
    let metadata = object(&service["metadata"], "metadata");
    let shapes: BTreeMap<&String, &Object> =
        object(&service["shapes"], "shapes").iter().map(|(n, s)| (n, object(s, n))).collect();
    let operations: BTreeMap<&String, &Object> =
        object(&service["operations"], "operations").iter().map(|(n, o)| (n, object(o, n))).collect();
    let source = std::fs::read_to_string(dir.join("SOURCE.toml")).expect("model/ssm/SOURCE.toml");
    let botocore = source.lines().find_map(|l| l.strip_prefix("version = ")).expect("SOURCE.toml names the version");

    let mut out = String::from("// Generated by crates/core/build/model.rs from model/ssm/: do not edit.\n\n");
    let _ =
        writeln!(out, "/// The botocore release the model comes from.\npub const BOTOCORE_VERSION: &str = {botocore};");
    let prefix = text(metadata, "targetPrefix", "metadata");
    let json_version = text(metadata, "jsonVersion", "metadata");
    let endpoint_prefix = text(metadata, "endpointPrefix", "metadata");
    // botocore signs with `signingName` when the metadata has one, else the endpoint prefix.
    let signing_name = metadata.get("signingName").and_then(Value::as_str).unwrap_or(endpoint_prefix);
    let _ = writeln!(
        out,
        "/// The service's metadata.\npub const SERVICE: Service = Service {{ target_prefix: {prefix:?}, json_version: {json_version:?}, protocol: {:?}, signing_name: {signing_name:?}, api_version: {:?} }};",
        text(metadata, "protocol", "metadata"),
        text(metadata, "apiVersion", "metadata"),
    );
    let _ = writeln!(
        out,
        "/// The awsJson content type of the service's version.\npub const CONTENT_TYPE: &str = \"application/x-amz-json-{json_version}\";\n"
    );
    out.push_str("/// Every shape of the family, by name.\npub const SHAPES: &[Shape] = &[\n");
    for (name, shape) in &shapes {
        let _ = writeln!(out, "    Shape {{ name: {name:?}, kind: {} }},", kind(name, shape));
    }
    out.push_str("];\n\n/// One module per shape.\npub mod shape {\n");
    for (index, (name, shape)) in shapes.iter().enumerate() {
        out.push_str(&shape_module(index, name, shape));
    }
    let generated: Vec<(String, String)> =
        operations.iter().enumerate().map(|(i, (name, op))| operation(i, name, op, paginators, prefix)).collect();
    out.push_str("}\n\n/// Every operation of the family, by name.\npub const OPERATIONS: &[Operation] = &[\n");
    for (value, _) in &generated {
        let _ = writeln!(out, "    {value},");
    }
    out.push_str("];\n\n/// One module per operation.\npub mod operation {\n");
    for (_, module) in &generated {
        out.push_str(module);
    }
    out.push_str("}\n");
    out
}
