//! `ssm-conform proxy`: validated arguments → a proxy session (and the command it wraps) → the
//! same reports, baseline and exit status as `run`.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{finish, validate_outputs, watch_interrupts, HarnessError, RunMeta};
use crate::check::CheckOptions;
use crate::cli::ProxyArgs;
use crate::exit::StopFlag;
use crate::finding::Baseline;
use crate::proxy::{Ended, Proxy, ProxyPlan, Until};
use crate::transport::TransportOptions;

/// The checks clap cannot make, before anything starts.
fn validate(args: &ProxyArgs) -> Result<(), HarnessError> {
    crate::transport::check_url(&args.upstream).map_err(|why| HarnessError::Usage(format!("--upstream: {why}")))?;
    if !(args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(HarnessError::Usage(format!("--timeout {} is outside (0, 3600] seconds", args.timeout)));
    }
    if let Some(idle) = args.until_idle.filter(|s| !(*s > 0.0 && *s <= 86_400.0)) {
        return Err(HarnessError::Usage(format!("--until-idle {idle} is outside (0, 86400] seconds")));
    }
    validate_outputs(&args.output)
}

/// The wrapped command, started with the SDKs' SSM endpoint variable pointing at the proxy.
fn spawn_command(command: &[String], url: &str) -> Result<Option<tokio::process::Child>, HarnessError> {
    let Some((program, rest)) = command.split_first() else { return Ok(None) };
    tokio::process::Command::new(program)
        .args(rest)
        .env("AWS_ENDPOINT_URL_SSM", url)
        .kill_on_drop(true)
        .spawn()
        .map(Some)
        .map_err(|e| HarnessError::Usage(format!("cannot run the command {program:?}: {e}")))
}

/// How the session ended, for the report's header.
fn ended_note(ended: &Ended) -> String {
    match ended {
        Ended::Interrupted(signal) => format!("the session ended on {}", signal.describe()),
        Ended::Idle(d) => format!("the session ended after {} s without a request", d.as_secs_f64()),
        Ended::Command(Some(0)) => "the session ended with the command (exit status 0)".to_owned(),
        Ended::Command(Some(code)) => format!(
            "the session ended with the command, which exited {code} (its own verdict, not a finding of ssm-conform)"
        ),
        Ended::Command(None) => "the session ended with the command, killed by a signal".to_owned(),
    }
}

/// `ssm-conform proxy`.
pub(super) async fn proxy(args: ProxyArgs) -> Result<u8, HarnessError> {
    validate(&args)?;
    let baseline = args.output.baseline.as_deref().map(Baseline::load).transpose()?;
    let options = TransportOptions { timeout: Duration::from_secs_f64(args.timeout), ..TransportOptions::default() };
    let plan = ProxyPlan {
        upstream: args.upstream.clone(),
        listen: args.listen,
        options,
        check: CheckOptions { strict_messages: args.strict_messages },
    };
    let proxy = Proxy::start(&plan).await?;
    let mut out = std::io::stdout();
    writeln!(out, "{}", proxy.url()).and_then(|()| out.flush()).map_err(HarnessError::Output)?;
    eprintln!(
        "ssm-conform: passing {} on to {}; the session ends {}",
        proxy.url(),
        args.upstream,
        match (&args.command.first(), args.until_idle) {
            (Some(c), _) => format!("when {c:?} does (its AWS_ENDPOINT_URL_SSM points here), or on Ctrl-C"),
            (None, Some(s)) => format!("after {s} s without a request, or on Ctrl-C"),
            (None, None) => "on Ctrl-C".to_owned(),
        }
    );
    let started = Instant::now();
    let stop = StopFlag::default();
    let watcher = tokio::spawn(watch_interrupts(stop.clone(), indicatif::ProgressBar::hidden()));
    let command = spawn_command(&args.command, proxy.url())?;
    let mut until = Until { stop, idle: args.until_idle.map(Duration::from_secs_f64), command };
    let ended = proxy.until(&mut until).await;
    let label = format!("{} (through the proxy at {})", args.upstream, proxy.url());
    let (report, judged) = proxy.finish().await;
    watcher.abort();
    let mut notes = vec![ended_note(&ended)];
    notes.extend(report.notes.iter().cloned());
    let seconds = started.elapsed().as_secs_f64();
    let status = finish(&args.output, report, baseline, RunMeta { target: &label, notes: &notes, seed: 0, seconds })?;
    // A gate that judged nothing must not pass: the client most likely talked to another endpoint.
    if judged == 0 {
        return Err(HarnessError::Usage(
            "no DescribeMaintenanceWindowExecutionTasks or DescribeMaintenanceWindowExecutions exchange came through the proxy: does the client's endpoint URL point at it (AWS_ENDPOINT_URL_SSM)?".to_owned(),
        ));
    }
    Ok(status)
}
