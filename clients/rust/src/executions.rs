//! The second operation's scenario (`--executions`), `DescribeMaintenanceWindowExecutions`: the
//! step names of `clients/python/probe.py --executions`.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use aws_sdk_ssm::types::{MaintenanceWindowExecution, MaintenanceWindowFilter};
use aws_sdk_ssm::Client;
use serde_json::{json, Map, Value};

use super::{failure, failure_after_attempts, iso, ATTEMPTS, MAX_PAGES};

/// What the scenario needs: the windows, a window no listing names, the filter's instant.
pub struct ExecutionsArgs {
    pub windows: Vec<String>,
    pub random_window: String,
    pub instant: String,
}

/// One execution as JSON: the members the SDK gives the caller, absent ones left out.
fn execution(e: &MaintenanceWindowExecution) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), v);
        }
    };
    put("WindowId", e.window_id().map(|s| json!(s)));
    put("WindowExecutionId", e.window_execution_id().map(|s| json!(s)));
    put("Status", e.status().map(|s| json!(s.as_str())));
    put("StatusDetails", e.status_details().map(|s| json!(s)));
    put("StartTime", e.start_time().map(|t| json!(iso(t))));
    put("EndTime", e.end_time().map(|t| json!(iso(t))));
    Value::Object(m)
}

async fn paginate(client: &Client, window: &str, size: Option<i32>, after: Option<&str>) -> Value {
    let mut req = client.describe_maintenance_window_executions().window_id(window);
    if let Some(t) = after {
        req = req.filters(MaintenanceWindowFilter::builder().key("ExecutedAfter").values(t).build());
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
                items.extend(p.window_executions().iter().map(execution));
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

async fn call(client: &Client, window: &str, max_results: Option<i32>) -> Value {
    let req = client.describe_maintenance_window_executions().window_id(window).set_max_results(max_results);
    ATTEMPTS.store(0, Ordering::SeqCst);
    match req.send().await {
        Ok(out) => {
            let items: Vec<Value> = out.window_executions().iter().map(execution).collect();
            json!({ "outcome": "ok", "response": { "WindowExecutions": items } })
        }
        Err(e) => failure_after_attempts(failure(&e)),
    }
}

/// Every step of the scenario.
pub async fn steps(client: &Client, args: &ExecutionsArgs) -> BTreeMap<String, Value> {
    let mut steps = BTreeMap::new();
    for (i, w) in args.windows.iter().enumerate() {
        steps.insert(format!("executions-paginate-10:{i}"), paginate(client, w, Some(10), None).await);
        steps.insert(format!("executions-paginate-default:{i}"), paginate(client, w, None, None).await);
    }
    let first = &args.windows[0];
    steps.insert("executions-filter-after".into(), paginate(client, first, None, Some(&args.instant)).await);
    steps.insert("executions-unknown-window".into(), call(client, &args.random_window, None).await);
    steps.insert("executions-invalid-window".into(), call(client, "mw-1", None).await);
    steps.insert("executions-max-results-9".into(), call(client, first, Some(9)).await);
    steps
}
