//! The AWS SDK for Rust probe: the same fixed scenario as `clients/python/probe.py`, printed as
//! normalised JSON with the same step names and outcome shapes, so `clients/impact.py` compares
//! them alike. Dummy credentials; every call has a timeout; a paginator that passes `MAX_PAGES`
//! pages is a "loop".
//!
//!     ssm-conform-rust-probe --endpoint URL --execution-id ID [--execution-id ID ...] --random-id ID
//!     ssm-conform-rust-probe --endpoint URL --executions --window-id W [...] --random-id W --instant T
//!
//! With `--executions` the scenario is the second operation's (`executions.rs`).

mod executions;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_ssm::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_ssm::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ssm::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ssm::primitives::DateTime;
use aws_sdk_ssm::types::{MaintenanceWindowExecutionTaskIdentity, MaintenanceWindowFilter};
use aws_sdk_ssm::Client;
use serde_json::{json, Map, Value};

const MAX_PAGES: usize = 100;
const TIMEOUT: Duration = Duration::from_secs(5);

/// Attempts made since the last reset: the SDK hides its retries from the caller, so an
/// interceptor counts every attempt it makes.
static ATTEMPTS: AtomicUsize = AtomicUsize::new(0);

/// Counts each attempt of each request into [`ATTEMPTS`].
#[derive(Debug)]
struct AttemptCounter;

impl Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "AttemptCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        ATTEMPTS.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// `failure` with the retries the failing request made (recorded only when there were some,
/// as the other probes do).
fn failure_after_attempts(mut out: Value) -> Value {
    let retries = ATTEMPTS.load(Ordering::SeqCst).saturating_sub(1);
    if retries > 0 {
        out["retries"] = json!(retries);
    }
    out
}

/// The probe's arguments.
struct Args {
    endpoint: String,
    ids: Vec<String>,
    random_id: String,
    /// `--executions`: the second operation's scenario over these windows.
    executions: Option<executions::ExecutionsArgs>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { endpoint: String::new(), ids: Vec::new(), random_id: String::new(), executions: None };
    let (mut second, mut windows, mut instant) = (false, Vec::new(), "2024-12-30T00:00:00Z".to_owned());
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--executions" {
            second = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--endpoint" => args.endpoint = value,
            "--execution-id" => args.ids.push(value),
            "--window-id" => windows.push(value),
            "--instant" => instant = value,
            "--random-id" => args.random_id = value,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if second && !windows.is_empty() && !args.random_id.is_empty() && !args.endpoint.is_empty() {
        let random_window = args.random_id.clone();
        args.executions = Some(executions::ExecutionsArgs { windows, random_window, instant });
        return Ok(args);
    }
    if args.endpoint.is_empty() || args.ids.is_empty() || args.random_id.is_empty() {
        return Err("usage: --endpoint URL --execution-id ID [...] --random-id ID, or --executions --window-id W [...] --random-id W".to_owned());
    }
    Ok(args)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A timestamp as ISO-8601 UTC with milliseconds, like the other probes print it.
fn iso(t: &DateTime) -> String {
    let millis = t.subsec_nanos() / 1_000_000;
    let (days, secs) = (t.secs().div_euclid(86_400), t.secs().rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// One item as JSON: the members the SDK gives the caller, absent ones left out.
fn item(i: &MaintenanceWindowExecutionTaskIdentity) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), v);
        }
    };
    put("WindowExecutionId", i.window_execution_id().map(|s| json!(s)));
    put("TaskExecutionId", i.task_execution_id().map(|s| json!(s)));
    put("Status", i.status().map(|s| json!(s.as_str())));
    put("StatusDetails", i.status_details().map(|s| json!(s)));
    put("StartTime", i.start_time().map(|t| json!(iso(t))));
    put("EndTime", i.end_time().map(|t| json!(iso(t))));
    put("TaskArn", i.task_arn().map(|s| json!(s)));
    put("TaskType", i.task_type().map(|s| json!(s.as_str())));
    put(
        "AlarmConfiguration",
        i.alarm_configuration().map(|a| {
            let alarms: Vec<Value> = a.alarms().iter().map(|x| json!({ "Name": x.name() })).collect();
            json!({ "Alarms": alarms, "IgnorePollAlarmFailure": a.ignore_poll_alarm_failure() })
        }),
    );
    if !i.triggered_alarms().is_empty() {
        let alarms: Vec<Value> =
            i.triggered_alarms().iter().map(|x| json!({ "Name": x.name(), "State": x.state().as_str() })).collect();
        put("TriggeredAlarms", Some(json!(alarms)));
    }
    Value::Object(m)
}

/// What an error says: its class (the modelled variant, or `Unhandled`), whether the SDK models
/// it, its code and message, or a hang.
fn failure<E, R>(err: &SdkError<E, R>) -> Value
where
    E: ProvideErrorMetadata + std::error::Error + std::fmt::Debug + 'static,
    R: std::fmt::Debug,
{
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let debug = format!("{e:?}");
            let class = debug.split(['(', ' ', '{']).next().unwrap_or("?").to_owned();
            json!({
                "outcome": "exception",
                "class": class,
                "code": e.code(),
                "modelled": class != "Unhandled",
                "message": e.message().unwrap_or("").chars().take(200).collect::<String>(),
            })
        }
        SdkError::TimeoutError(_) => json!({ "outcome": "hang" }),
        other => {
            let kind = match other {
                SdkError::ConstructionFailure(_) => "ConstructionFailure",
                SdkError::DispatchFailure(_) => "DispatchFailure",
                SdkError::ResponseError(_) => "ResponseError",
                _ => "SdkError",
            };
            let message = format!("{}", aws_sdk_ssm::error::DisplayErrorContext(other));
            json!({ "outcome": "exception", "class": kind, "modelled": false, "message": message.chars().take(200).collect::<String>() })
        }
    }
}

async fn paginate(client: &Client, id: &str, size: Option<i32>, filter: bool) -> Value {
    let mut req = client.describe_maintenance_window_execution_tasks().window_execution_id(id);
    if filter {
        let f = MaintenanceWindowFilter::builder().key("STATUS").values("SUCCESS").values("FAILED").build();
        req = req.filters(f);
    }
    let mut pager = req.into_paginator();
    if let Some(n) = size {
        pager = pager.page_size(n);
    }
    ATTEMPTS.store(0, Ordering::SeqCst);
    let mut stream = pager.send();
    let (mut items, mut pages) = (Vec::new(), 0usize);
    while let Some(page) = stream.next().await {
        match page {
            Ok(p) => {
                ATTEMPTS.store(0, Ordering::SeqCst);
                pages += 1;
                items.extend(p.window_execution_task_identities().iter().map(item));
                if pages > MAX_PAGES {
                    return json!({ "outcome": "loop", "pages": pages, "items": items.len() });
                }
            }
            Err(e) => {
                let mut out = failure_after_attempts(failure(&e));
                out["after_pages"] = json!(pages);
                return out;
            }
        }
    }
    json!({ "outcome": "ok", "pages": pages, "items": items })
}

/// One call of the operation: its response (items and token presence), or its failure.
async fn call(client: &Client, id: &str, max_results: Option<i32>, token: Option<&str>) -> Value {
    let req = client
        .describe_maintenance_window_execution_tasks()
        .window_execution_id(id)
        .set_max_results(max_results)
        .set_next_token(token.map(str::to_owned));
    ATTEMPTS.store(0, Ordering::SeqCst);
    match req.send().await {
        Ok(out) => {
            let items: Vec<Value> = out.window_execution_task_identities().iter().map(item).collect();
            let mut response = json!({ "WindowExecutionTaskIdentities": items });
            if let Some(t) = out.next_token() {
                response["NextToken"] = json!(t);
            }
            json!({ "outcome": "ok", "response": response })
        }
        Err(e) => failure_after_attempts(failure(&e)),
    }
}

async fn run(args: &Args) -> BTreeMap<String, Value> {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ssm::config::Credentials::new(
            "AKIDSSMCONFORMPROBE0",
            "ssm-conform-probe-dummy-secret",
            None,
            None,
            "ssm-conform-probe",
        ))
        .endpoint_url(&args.endpoint)
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(TIMEOUT)
                .operation_attempt_timeout(TIMEOUT)
                .build(),
        )
        .load()
        .await;
    let client = Client::from_conf(aws_sdk_ssm::config::Builder::from(&config).interceptor(AttemptCounter).build());
    if let Some(second) = &args.executions {
        return executions::steps(&client, second).await;
    }
    let mut steps = BTreeMap::new();
    for (i, id) in args.ids.iter().enumerate() {
        steps.insert(format!("paginate-10:{i}"), paginate(&client, id, Some(10), false).await);
        steps.insert(format!("paginate-default:{i}"), paginate(&client, id, None, false).await);
    }
    let first = &args.ids[0];
    steps.insert("filter-status".into(), paginate(&client, first, None, true).await);
    steps.insert("unknown-id".into(), call(&client, &args.random_id, None, None).await);
    steps.insert("invalid-id".into(), call(&client, "not-an-execution-id", None, None).await);
    steps.insert("max-results-9".into(), call(&client, first, Some(9), None).await);
    steps.insert("max-results-101".into(), call(&client, first, Some(101), None).await);
    steps.insert("garbage-token".into(), call(&client, first, None, Some("garbage")).await);
    ATTEMPTS.store(0, Ordering::SeqCst);
    let other = match client.describe_instance_information().send().await {
        Ok(_) => json!({ "outcome": "ok", "response": {} }),
        Err(e) => failure_after_attempts(failure(&e)),
    };
    steps.insert("other-operation".into(), other);
    steps
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(why) => {
            eprintln!("ssm-conform-rust-probe: {why}");
            std::process::exit(2);
        }
    };
    let steps = run(&args).await;
    let out = json!({ "sdk": "rust", "version": aws_sdk_ssm::meta::PKG_VERSION, "steps": steps });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
