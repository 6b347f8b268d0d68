//! The command line, as clap derive types. No logic here; `app` validates and runs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::ReportTarget;

/// Conformance harness for AWS SSM DescribeMaintenanceWindowExecutionTasks (awsJson1_1).
#[derive(Debug, Parser)]
#[command(name = "ssm-conform", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the conformance suite against an endpoint (or the embedded reference).
    Run(Box<RunArgs>),
    /// Serve the reference endpoint, faithfully or with one named fault.
    Serve(ServeArgs),
    /// Pass a client's traffic on to an endpoint unchanged and grade every
    /// DescribeMaintenanceWindowExecutionTasks exchange in it.
    Proxy(Box<ProxyArgs>),
}

/// An operation's name, as `--operation` takes it (did-you-mean on a typo).
fn parse_operation(name: &str) -> Result<crate::contract::Operation, String> {
    name.parse().map_err(|e: crate::catalogue::UnknownName| e.to_string())
}

/// `ssm-conform run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The endpoint URL. Default: $AWS_ENDPOINT_URL_SSM, then $AWS_ENDPOINT_URL, else the
    /// embedded reference endpoint on an ephemeral loopback port.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// An operation of the family to test (repeatable): DescribeMaintenanceWindowExecutionTasks
    /// (the default when none is given) or DescribeMaintenanceWindowExecutions (its checks run
    /// over the windows DescribeMaintenanceWindows lists).
    #[arg(long = "operation", value_name = "NAME", value_parser = parse_operation)]
    pub operations: Vec<crate::contract::Operation>,
    /// An execution known to exist on the target (repeatable; the first should hold more than
    /// 10 tasks, and one with none is fine: it must answer 200 and an empty list). Checks that need
    /// data are skipped without one.
    #[arg(long = "execution-id", value_name = "ID")]
    pub execution_ids: Vec<String>,
    /// Find execution ids on the endpoint through the read-only DescribeMaintenanceWindows and
    /// DescribeMaintenanceWindowExecutions (never an operation that writes). The default against
    /// an endpoint when no --execution-id is given.
    #[arg(long, conflicts_with_all = ["execution_ids", "no_discover"])]
    pub discover: bool,
    /// Never discover execution ids: without --execution-id, the checks that need one are skipped.
    #[arg(long)]
    pub no_discover: bool,
    /// Fail the run (exit 1) when it knew no execution, so the checks that need one were
    /// skipped: a gate must not pass on a run that could not look at any data.
    #[arg(long)]
    pub require_data: bool,
    /// A case file or a directory of `*.toml` case files.
    #[arg(long, value_name = "PATH")]
    pub cases: Option<PathBuf>,
    /// How many requests may be in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Seconds one request may take before it counts as unanswered.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub timeout: f64,
    /// The most requests a second, every phase and every retry included. Default: no limit
    /// until the endpoint throttles; 5 against *.amazonaws.com. Throttles (400/429 with a
    /// throttling __type) are retried with exponential backoff and full jitter (100 ms doubling to
    /// 5 s, up to 12 attempts; a request throttled on all of them is not evaluated, exit 2);
    /// transient 500/502/503/504 as the SDKs' standard mode does (3 attempts, a quota of 500).
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Keep the rate fixed: by default a throttle lowers it to 0.7 × the rate that met it and
    /// answers raise it back toward --rate (botocore's adaptive mode, CUBIC).
    #[arg(long)]
    pub no_adaptive_pacing: bool,
    /// Also compare validation messages to AWS's wording exactly (STRICT rules).
    #[arg(long)]
    pub strict_messages: bool,
    /// Sign with real AWS credentials only, and fail (exit 2) when the standard chain finds none.
    /// By default every request to an endpoint is signed with SigV4, as every AWS SDK signs:
    /// with the credentials the standard chain finds (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
    /// AWS_PROFILE and the shared files, credential processes), else with clearly fake ones
    /// (real ones are required for *.amazonaws.com).
    #[arg(long, conflicts_with = "no_sign")]
    pub sign: bool,
    /// Send requests unsigned (for the rare endpoint that rejects signatures).
    #[arg(long)]
    pub no_sign: bool,
    /// The signing region. Default: $AWS_REGION, then $AWS_DEFAULT_REGION, then the endpoint's
    /// host (ssm.REGION.amazonaws.com), else us-east-1.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// How many property-generated requests to send (0: none).
    #[arg(long, default_value_t = crate::runner::generated::DEFAULT_CASES, value_name = "N")]
    pub property_cases: u32,
    /// The most seconds the generated requests may take (they stop there, and say so).
    #[arg(long, default_value_t = crate::runner::generated::DEFAULT_BUDGET.as_secs_f64(), value_name = "SECS")]
    pub property_budget: f64,
    /// Write each shrunk generated failure as a case file in DIR (ready to move into cases/).
    #[arg(long, value_name = "DIR")]
    pub save_failures: Option<PathBuf>,
    /// Seed of the run's random values (printed on every run).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Snapshots: compare with the accepted set (check), write pending .snap.new files for
    /// review (update), or ignore them (off). Default: check, against the embedded reference or
    /// when --snapshot-dir is given.
    #[arg(long, value_enum, value_name = "MODE")]
    pub snapshots: Option<SnapshotArg>,
    /// The folder of accepted snapshots (default: snapshots/), e.g. one recorded against real AWS.
    #[arg(long, value_name = "DIR")]
    pub snapshot_dir: Option<PathBuf>,
    /// Record every exchange into DIR as raw HTTP (signatures redacted), one file per unit, for
    /// --replay (e.g. a recording of real AWS).
    #[arg(long, value_name = "DIR", conflicts_with = "replay")]
    pub record: Option<PathBuf>,
    /// Send the requests recorded in DIR to the endpoint and compare each answer with the recorded
    /// one (ids and tokens matched through the recording), instead of the suite.
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,
    /// Reports, baselines and the terminal.
    #[command(flatten)]
    pub output: OutputArgs,
    /// List the check ids (the names findings, JUnit test cases and baselines use), and exit.
    #[arg(long)]
    pub list_checks: bool,
}

/// What a run (or a proxy session) writes: report files, baselines, the terminal report.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Also write a report: json:PATH, junit:PATH, markdown:PATH or html:PATH (repeatable).
    #[arg(long = "report", value_name = "FORMAT:PATH")]
    pub reports: Vec<ReportTarget>,
    /// Accept the findings listed in FILE (known deviations): only new findings fail the run,
    /// and entries that no longer occur are named.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every finding of this run to FILE as a baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
    /// List every unit, passing ones too, and each walk's pages and items.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `--snapshots MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotArg {
    /// Compare; a difference or a missing snapshot is a finding.
    Check,
    /// Write pending `.snap.new` files where the response differs.
    Update,
    /// Ignore snapshots.
    Off,
}

/// `--color WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `ssm-conform serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0: an ephemeral port). The bound URL is printed on stdout.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Serve with exactly this deviation from the contract (see --list-faults).
    #[arg(long, value_name = "NAME")]
    pub fault: Option<String>,
    /// Serve faithfully, but make another of the contract's accepted (EITHER) choices (see
    /// --list-variants).
    #[arg(long, value_name = "NAME", conflicts_with = "fault")]
    pub variant: Option<String>,
    /// Throttle as the real service does: a token bucket of RATE requests a second and BURST at
    /// once (`50/100`); past it, 400 ThrottlingException "Rate exceeded". Combines with a
    /// --fault or a --variant.
    #[arg(long, value_name = "RATE/BURST")]
    pub throttle: Option<crate::server::Throttle>,
    /// Throttle every distinct request once (its first attempt), then answer it: deterministic,
    /// for measuring whether a client retries a throttle form (clients/impact.py does).
    #[arg(long)]
    pub throttle_once: bool,
    /// How throttles are spelt (with --throttle or --throttle-once): ssm (400
    /// ThrottlingException), status-429, header-only, ... (see --list-throttle-forms).
    #[arg(long, value_name = "NAME", default_value = "ssm")]
    pub throttle_form: String,
    /// List the throttle forms, one per line, and exit.
    #[arg(long)]
    pub list_throttle_forms: bool,
    /// Wait MS milliseconds before every answer.
    #[arg(long, value_name = "MS")]
    pub latency: Option<u64>,
    /// Answer every N-th request with a 500 InternalServerError that a retry does not repeat.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub transient_every: Option<u64>,
    /// List the variants, one per line, and exit.
    #[arg(long)]
    pub list_variants: bool,
    /// List the faults, one per line, and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// List the fixture executions (id and task count), and exit.
    #[arg(long)]
    pub list_fixtures: bool,
}

/// `ssm-conform proxy`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ssm-conform proxy --upstream http://127.0.0.1:5000 -- pytest tests/test_ssm.py\n  ssm-conform proxy --upstream http://127.0.0.1:5000 --listen 127.0.0.1:4567 --until-idle 30"
)]
pub struct ProxyArgs {
    /// The endpoint the traffic goes on to.
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    /// Where the proxy listens (the client's endpoint URL points here); port 0 picks a free one.
    /// The URL is printed on stdout's first line.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// End the session once no request has come for SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub until_idle: Option<f64>,
    /// The most one exchange with the upstream may take, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub timeout: f64,
    /// Compare validation messages to AWS's wording exactly (STRICT rules).
    #[arg(long)]
    pub strict_messages: bool,
    /// Reports, baselines and the terminal.
    #[command(flatten)]
    pub output: OutputArgs,
    /// A command to run with AWS_ENDPOINT_URL_SSM pointing at the proxy; the session ends when
    /// it does.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}
