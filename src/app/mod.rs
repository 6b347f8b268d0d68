//! Glue: validated arguments → runner → reporter → exit status. Every harness failure becomes one
//! clear line and exit status 2.

mod proxy;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use std::io::IsTerminal;

use crate::cli::{Cli, ColorArg, Command, OutputArgs, RunArgs, ServeArgs, SnapshotArg};
use crate::contract::ThrottleForm;
use crate::exit::{self, StopFlag};
use crate::finding::{Baseline, BaselineError, RunReport};
use crate::report::{self, ReportError, RunContext, TerminalReport};
use crate::runner::{self, Progress, RunError, SnapshotMode, SnapshotPlan, SnapshotSource};
use crate::server::{self, ExecutionsFault, ExecutionsVariant, Fault, Reference, Variant};
use crate::source::{self, CaseFileError};
use crate::suite::{Prepared, ReferenceEndpoint, RunExtras, Signing, Suite, SuiteError};
use crate::transport::record::Recorder;
use crate::transport::{SignError, TransportError};

/// Why the harness could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The arguments are wrong.
    #[error("{0}")]
    Usage(String),
    /// A case file has a mistake.
    #[error("{0}")]
    CaseFile(Box<CaseFileError>),
    /// The run could not finish: the endpoint cannot be reached, or a snapshot cannot be used.
    #[error("{0}")]
    Run(#[from] RunError),
    /// The baseline file cannot be used.
    #[error("cannot use baseline {0}")]
    Baseline(#[from] BaselineError),
    /// A report file cannot be written.
    #[error("{0}")]
    Report(#[from] ReportError),
    /// The HTTP client could not be built.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// Signing was asked for but is not possible.
    #[error("{0}")]
    Sign(#[from] SignError),
    /// The reference server could not listen where asked (a port in use, a port below 1024).
    #[error("cannot start the reference endpoint on {addr}: {}", listen_error(source))]
    Server {
        /// Where it tried to listen.
        addr: SocketAddr,
        /// Why it could not.
        source: std::io::Error,
    },
    /// The embedded reference could not start.
    #[error("{0}")]
    Reference(#[from] crate::suite::SuiteError),
    /// A recording cannot be replayed.
    #[error("{0}")]
    Replay(#[from] crate::replay::ReplayError),
    /// The proxy could not start.
    #[error("{0}")]
    Proxy(#[from] crate::proxy::ProxyError),
    /// Output could not be written.
    #[error("cannot write the report: {0}")]
    Output(std::io::Error),
}

/// Why a listener could not be bound, in words that say what to do.
fn listen_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            "the port is already in use (choose another with --port, or 0 for any free one)".to_owned()
        }
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need privileges: choose another with --port)".to_owned()
        }
        _ => e.to_string(),
    }
}

impl From<CaseFileError> for HarnessError {
    fn from(e: CaseFileError) -> HarnessError {
        HarnessError::CaseFile(Box::new(e))
    }
}

/// A suite that could not be made ready, as the command line reports it.
fn setup_error(e: SuiteError) -> HarnessError {
    match e {
        SuiteError::Sign(e) => HarnessError::Sign(e),
        SuiteError::Transport(e) => HarnessError::Transport(e),
        SuiteError::Cases(e) => HarnessError::CaseFile(e),
        SuiteError::Config(why) => HarnessError::Usage(why),
        other => HarnessError::Reference(other),
    }
}

/// Runs the parsed command line; returns the exit status.
pub async fn main(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Run(args) => run(*args).await,
        Command::Serve(args) => serve(args).await,
        Command::Proxy(args) => proxy::proxy(*args).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One line, whatever an endpoint or a recording put in it.
            eprintln!("ssm-conform: error: {}", crate::report::escape::terminal(&e.to_string()));
            exit::HARNESS_ERROR
        }
    }
}

/// A progress bar on stderr, shown only on a terminal and only once the run has taken a second.
fn progress_bar() -> (indicatif::ProgressBar, Progress) {
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} units and generated requests {wide_bar} {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let shown = bar.clone();
    let started = Instant::now();
    let callback = Progress(std::sync::Arc::new(move |done, total| {
        shown.set_length(total as u64);
        shown.set_position(done as u64);
        if shown.is_hidden() && started.elapsed() >= Duration::from_secs(1) && std::io::stderr().is_terminal() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }));
    (bar, callback)
}

/// The endpoint from the flag, then the AWS SDKs' environment variables.
fn endpoint_from(args: &RunArgs) -> Option<String> {
    args.endpoint.clone().or_else(|| {
        ["AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    })
}

/// Checks the arguments that clap cannot, before anything runs: the suite's settings as the
/// suite checks them (worded with the flags), then what only the command line has.
fn validate_args(args: &RunArgs, suite: &Suite) -> Result<(), HarnessError> {
    if let Some(invalid) = suite.invalid_setting() {
        return Err(HarnessError::Usage(invalid.describe(true)));
    }
    let second = args.operations.iter().find(|op| **op != crate::contract::Operation::ExecutionTasks);
    if let (Some(op), Some(_)) = (second, &args.replay) {
        return Err(HarnessError::Usage(format!(
            "--replay replays {} only; leave out --operation {op}",
            crate::contract::OPERATION
        )));
    }
    if args.snapshots == Some(SnapshotArg::Update) && std::env::var_os("CI").is_some() {
        return Err(HarnessError::Usage(
            "--snapshots update writes files, and CI is set: snapshots are never written in CI".to_owned(),
        ));
    }
    Ok(())
}

/// The suite the arguments ask for against `url`: every setting `Suite` has, mapped from its
/// flag, and the command line's own extras.
fn suite_of(args: &RunArgs, url: String, target: Option<&Target>, seed: u64, extras: RunExtras) -> Suite {
    let against_reference = target.is_some_and(|t| t.reference.is_some());
    // As every SDK signs; never with --no-sign, and not for the embedded reference (it checks
    // no signature) unless --sign asks.
    let signing = if args.no_sign || (against_reference && !args.sign) {
        Signing::Unsigned
    } else {
        Signing::Standard { region: args.region.clone(), required: args.sign }
    };
    let execution_ids = match target {
        Some(t) if args.execution_ids.is_empty() => t.execution_ids(),
        _ => args.execution_ids.clone(),
    };
    let suite = args.operations.iter().fold(Suite::against(url), |s, op| s.operation(*op));
    suite
        .execution_ids(execution_ids)
        .discover(target.is_some_and(|t| discovery_wanted(args, t)))
        .seed(seed)
        .property_cases(args.property_cases)
        .strict_messages(args.strict_messages)
        .concurrency(args.concurrency)
        .timeout_secs(args.timeout)
        .signing(signing)
        .extras(RunExtras {
            property_budget: Some(args.property_budget),
            save_failures: args.save_failures.clone(),
            rate: args.rate,
            fixed_pacing: args.no_adaptive_pacing,
            ..extras
        })
}

/// The endpoint a run talks to, and the embedded reference when it is the target.
struct Target {
    url: String,
    reference: Option<ReferenceEndpoint>,
}

impl Target {
    /// The endpoint as reports show it.
    fn label(&self) -> String {
        if self.reference.is_some() {
            format!("{} (embedded reference)", self.url)
        } else {
            self.url.clone()
        }
    }

    /// The executions the target is known to hold (the reference's fixtures, else none).
    fn execution_ids(&self) -> Vec<String> {
        self.reference.as_ref().map(|r| r.execution_ids().to_vec()).unwrap_or_default()
    }
}

/// The given endpoint, or the embedded reference on an ephemeral loopback port.
async fn start_target(endpoint: Option<String>) -> Result<Target, HarnessError> {
    if let Some(url) = endpoint {
        return Ok(Target { url, reference: None });
    }
    let reference = ReferenceEndpoint::start().await?;
    Ok(Target { url: reference.url(), reference: Some(reference) })
}

/// The snapshot settings. The built-in snapshots were recorded against the reference: a
/// foreign endpoint is compared with a snapshot set only when the user names one (or asks for
/// snapshots explicitly). A named folder must hold snapshots to check against; updating needs a
/// folder to write to.
fn snapshot_plan(args: &RunArgs, against_reference: bool) -> Result<Option<SnapshotPlan>, HarnessError> {
    let mode = match args.snapshots {
        Some(SnapshotArg::Off) => return Ok(None),
        Some(SnapshotArg::Update) => SnapshotMode::Update,
        Some(SnapshotArg::Check) => SnapshotMode::Check,
        None if args.snapshot_dir.is_some() || against_reference => SnapshotMode::Check,
        None => return Ok(None),
    };
    let source = match (&args.snapshot_dir, mode) {
        (None, SnapshotMode::Update) => {
            return Err(HarnessError::Usage(
                "--snapshots update needs --snapshot-dir DIR to write pending snapshots to (in a checkout: --snapshot-dir snapshots)".to_owned(),
            ))
        }
        (None, _) => SnapshotSource::Builtin,
        (Some(dir), SnapshotMode::Check) => {
            let snaps = std::fs::read_dir(dir)
                .map_err(|e| HarnessError::Usage(format!("--snapshot-dir {}: {e}", dir.display())))?
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
                .count();
            if snaps == 0 {
                return Err(HarnessError::Usage(format!(
                    "--snapshot-dir {}: no .snap files to check against (record some with --snapshots update)",
                    dir.display()
                )));
            }
            SnapshotSource::Dir(dir.clone())
        }
        (Some(dir), _) => SnapshotSource::Dir(dir.clone()),
    };
    Ok(Some(SnapshotPlan { source, mode }))
}

/// What the reports say about the run besides its results.
struct RunMeta<'a> {
    target: &'a str,
    notes: &'a [String],
    seed: u64,
    seconds: f64,
}

/// Checks, before anything runs, that every file the run will write can be written: its folder
/// exists or can be made, and the file can be opened for writing. A file made only to check is
/// removed again.
fn validate_outputs(args: &OutputArgs) -> Result<(), HarnessError> {
    let paths =
        args.reports.iter().map(|r| ("report", &r.path)).chain(args.write_baseline.iter().map(|p| ("baseline", p)));
    for (what, path) in paths {
        let fail = |e: std::io::Error| HarnessError::Usage(format!("cannot write {what} {}: {e}", path.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let existed = path.exists();
        std::fs::OpenOptions::new().append(true).create(true).open(path).map_err(fail)?;
        if !existed {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(())
}

/// Prints the terminal report, then writes the baseline and report files. A file that still
/// cannot be written is an error (exit 2) only after the results were printed: nothing is lost.
fn finish(
    args: &OutputArgs,
    mut report: RunReport,
    baseline: Option<Baseline>,
    meta: RunMeta<'_>,
) -> Result<u8, HarnessError> {
    let new_baseline = args.write_baseline.as_ref().map(|_| Baseline::of(&report.results).to_toml());
    let stale = baseline.map(|b| b.apply(&mut report.results)).unwrap_or_default();
    let RunMeta { target, notes, seed, seconds } = meta;
    let ctx = RunContext { target, notes, seed, seconds, stale: &stale, report: &report };
    let colour = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let summary = {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        TerminalReport { verbose: args.verbose, colour }.write(&mut out, &ctx).map_err(HarnessError::Output)?
    };
    if let (Some(path), Some(text)) = (&args.write_baseline, new_baseline) {
        std::fs::write(path, text)
            .map_err(|e| HarnessError::Usage(format!("cannot write baseline {}: {e}", path.display())))?;
    }
    for r in &args.reports {
        report::write_report(r, &ctx)?;
    }
    let given_up = report.traffic.map_or(0, |t| t.given_up);
    if let Some(signal) = report.interrupted {
        Ok(signal.exit_status())
    } else if summary.fails() || report.fails_for_want_of_data() {
        Ok(exit::FINDINGS)
    } else if given_up > 0 {
        // Nothing failed, but the run could not do its whole job: a gate must not pass on it.
        Err(HarnessError::Usage(format!(
            "{given_up} requests were throttled on every attempt and not evaluated ({} units not evaluated; see the report): lower --rate, or raise the endpoint's limit",
            report.not_evaluated()
        )))
    } else {
        Ok(exit::CONFORMANT)
    }
}

async fn run(args: RunArgs) -> Result<u8, HarnessError> {
    if args.list_checks {
        return list_checks();
    }
    // Validate everything before anything runs.
    validate_args(&args, &suite_of(&args, String::new(), None, 0, RunExtras::default()))?;
    validate_outputs(&args.output)?;
    let endpoint = endpoint_from(&args);
    if let Some(url) = &endpoint {
        crate::transport::check_url(url).map_err(HarnessError::Usage)?;
    }
    let baseline = args.output.baseline.as_deref().map(Baseline::load).transpose()?;
    let replayed = args.replay.as_deref().map(crate::replay::load).transpose()?;
    let cases = cases_of(&args)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    });

    let target = start_target(endpoint).await?;
    let snapshots = snapshot_plan(&args, target.reference.is_some())?;
    let recorder = args.record.as_ref().map(|_| Recorder::default());
    let (bar, progress) = progress_bar();
    let extras = RunExtras {
        cases: Some(cases),
        snapshots,
        progress: Some(progress),
        recorder: recorder.clone(),
        ..RunExtras::default()
    };
    let suite = suite_of(&args, target.url.clone(), Some(&target), seed, extras);
    let Prepared { client, plan, notes } = suite.prepare().await.map_err(setup_error)?;
    let started = Instant::now();
    let watcher = tokio::spawn(watch_interrupts(plan.stop.clone(), bar.clone()));
    let result = match &replayed {
        Some(recording) => Ok(crate::replay::replay(&client, recording, &args.execution_ids, plan.check).await?),
        None => runner::run(&client, &plan).await,
    };
    watcher.abort();
    bar.finish_and_clear();
    let mut report = result?;
    let traffic = client.traffic();
    report.traffic = Some(traffic);
    report.data_required = args.require_data;
    warn_of_data_gap(&report);
    let mut notes = notes;
    if traffic.is_notable() {
        notes.push(format!("traffic: {traffic}"));
    }
    if let (Some(dir), Some(recorder)) = (&args.record, &recorder) {
        notes.push(record_note(dir, recorder, &target.url)?);
    }
    notes.extend(report.notes.iter().cloned());
    let seconds = started.elapsed().as_secs_f64();
    let label = target.label();
    if let Some(reference) = target.reference {
        reference.stop().await;
    }
    finish(&args.output, report, baseline, RunMeta { target: &label, notes: &notes, seed, seconds })
}

/// Writes the recording; the note that says where.
fn record_note(dir: &std::path::Path, recorder: &Recorder, endpoint: &str) -> Result<String, HarnessError> {
    let files = recorder
        .write(dir, endpoint)
        .map_err(|e| HarnessError::Usage(format!("cannot write the recording to {}: {e}", dir.display())))?;
    Ok(format!(
        "recorded every exchange into {} ({} files, one per unit; signatures redacted)",
        dir.display(),
        files.len()
    ))
}

/// The built-in suite wherever the binary runs; a user's own cases only when named.
fn cases_of(args: &RunArgs) -> Result<Vec<source::Case>, HarnessError> {
    let cases = match &args.cases {
        Some(path) => source::load_cases(path)?,
        None => source::builtin_cases()?,
    };
    match (cases.is_empty(), &args.cases) {
        (true, Some(path)) => Err(HarnessError::Usage(format!("{}: no cases found", path.display()))),
        _ => Ok(cases),
    }
}

/// Whether to discover execution ids: when asked, or against an endpoint given none.
fn discovery_wanted(args: &RunArgs, target: &Target) -> bool {
    args.discover || (target.reference.is_none() && args.execution_ids.is_empty() && !args.no_discover)
}

/// Says loudly, not only in the report, that the checks that need data never looked at any.
fn warn_of_data_gap(report: &RunReport) {
    if let Some(gap) = report.data_gap() {
        eprintln!(
            "ssm-conform: warning: {gap}: the checks that need one were skipped; {}{}",
            report.data_hint(),
            if report.data_required { "" } else { " (--require-data fails such a run)" }
        );
    }
}

/// The first Ctrl-C or SIGTERM stops the run from sending (what is in flight finishes, bounded by
/// the timeout, and the reports are written for what ran, marked as stopped by it); a second
/// signal exits at once.
async fn watch_interrupts(stop: StopFlag, bar: indicatif::ProgressBar) {
    let Some(signal) = next_stop_signal().await else { return };
    stop.set_by(signal);
    bar.suspend(|| {
        eprintln!(
            "ssm-conform: interrupted by {}: finishing the requests in flight, then the reports (Ctrl-C again exits at once)",
            signal.describe()
        );
    });
    if next_stop_signal().await.is_some() {
        std::process::exit(i32::from(signal.exit_status()));
    }
}

/// The next SIGINT or (on Unix) SIGTERM; `None` if they cannot be listened for.
async fn next_stop_signal() -> Option<exit::StopSignal> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return tokio::signal::ctrl_c().await.ok().map(|()| exit::StopSignal::Interrupt);
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.ok().map(|()| exit::StopSignal::Interrupt),
            _ = term.recv() => Some(exit::StopSignal::Terminate),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.ok().map(|()| exit::StopSignal::Interrupt)
    }
}

/// `run --list-checks`: every check id, its family and what it checks.
fn list_checks() -> Result<u8, HarnessError> {
    let mut out = std::io::stdout();
    for c in crate::check::CheckId::ALL {
        writeln!(out, "{:<24} {:<18} {}", c.name(), c.family().name(), c.description())
            .map_err(HarnessError::Output)?;
    }
    Ok(exit::CONFORMANT)
}

async fn serve(args: ServeArgs) -> Result<u8, HarnessError> {
    let mut out = std::io::stdout();
    if args.list_faults {
        for f in Fault::ALL {
            let strict = if f.strict_only() { " (seen only with --strict-messages)" } else { "" };
            writeln!(out, "{:<28} [{}] {}{strict}", f.name(), f.check(), f.description())
                .map_err(HarnessError::Output)?;
        }
        for f in ExecutionsFault::ALL {
            writeln!(out, "{:<28} [{}] {}", f.name(), f.check(), f.description()).map_err(HarnessError::Output)?;
        }
        return Ok(exit::CONFORMANT);
    }
    if args.list_variants {
        for v in Variant::ALL {
            writeln!(out, "{:<28} {} ({})", v.name(), v.description(), v.rule().description())
                .map_err(HarnessError::Output)?;
        }
        for v in ExecutionsVariant::ALL {
            writeln!(out, "{:<28} {} ({})", v.name(), v.description(), v.rule().description())
                .map_err(HarnessError::Output)?;
        }
        return Ok(exit::CONFORMANT);
    }
    if args.list_throttle_forms {
        for f in ThrottleForm::ALL {
            writeln!(out, "{:<28} {}", f.name(), f.description()).map_err(HarnessError::Output)?;
        }
        return Ok(exit::CONFORMANT);
    }
    let (reference, what) = served_reference(&args)?;
    let reference = with_serve_habits(reference, &args)?;
    if args.list_fixtures {
        for e in reference.executions() {
            writeln!(out, "{} {:>4} tasks ({})", e.window_execution_id, e.tasks.len(), e.label)
                .map_err(HarnessError::Output)?;
        }
        return Ok(exit::CONFORMANT);
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let handle = server::spawn(addr, reference).await.map_err(|source| HarnessError::Server { addr, source })?;
    writeln!(out, "{}", handle.url()).map_err(HarnessError::Output)?;
    out.flush().map_err(HarnessError::Output)?;
    eprintln!("ssm-conform: serving the reference endpoint ({what}); Ctrl-C stops it");
    let _ = tokio::signal::ctrl_c().await;
    handle.stop().await;
    Ok(exit::CONFORMANT)
}

/// The reference `serve` is asked for, and how it says so: with a fault of either operation
/// or a variant of either (the second's are named `executions-…`), or faithful.
fn served_reference(args: &ServeArgs) -> Result<(Reference, String), HarnessError> {
    let usage = |e: crate::catalogue::UnknownName| HarnessError::Usage(e.to_string());
    if let Some(name) = args.fault.as_deref() {
        if name.starts_with("executions-") {
            let f = name.parse::<ExecutionsFault>().map_err(usage)?;
            return Ok((Reference::with_executions_fault(f), format!("fault {f}: {}", f.description())));
        }
        let f = name.parse::<Fault>().map_err(usage)?;
        return Ok((Reference::new(Some(f)), format!("fault {f}: {}", f.description())));
    }
    if let Some(name) = args.variant.as_deref() {
        if name.starts_with("executions-") {
            let v = name.parse::<ExecutionsVariant>().map_err(usage)?;
            return Ok((Reference::with_executions_variant(v), format!("variant {v}: {}", v.description())));
        }
        let v = name.parse::<Variant>().map_err(usage)?;
        return Ok((Reference::with_variant(v), format!("variant {v}: {}", v.description())));
    }
    Ok((Reference::new(None), "faithful".to_owned()))
}

/// `reference` with the habits `serve`'s flags add to those its variant has.
fn with_serve_habits(reference: Reference, args: &ServeArgs) -> Result<Reference, HarnessError> {
    let mut habits = reference.choices().habits;
    let form = args.throttle_form.parse::<ThrottleForm>().map_err(|e| HarnessError::Usage(e.to_string()))?;
    if form != ThrottleForm::Ssm && args.throttle.is_none() && !args.throttle_once {
        return Err(HarnessError::Usage("--throttle-form needs --throttle RATE/BURST or --throttle-once".into()));
    }
    if let Some(t) = args.throttle {
        habits.throttle = Some(server::Throttle { form, ..t });
    }
    if args.throttle_once {
        habits.throttle_once = Some(server::ThrottleOnce { form, every: 1 });
    }
    if let Some(ms) = args.latency {
        habits.latency = Duration::from_millis(ms);
    }
    if let Some(n) = args.transient_every {
        habits.transient_every = Some(n);
    }
    Ok(reference.with_habits(habits))
}
