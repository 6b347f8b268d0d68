//! The library's supported entry point, for Rust tests of an emulator: the same run as
//! `ssm-conform run` (the probe, the built-in cases, the pagination and filter walks, the
//! generated requests, the always-on checks), configured by a builder and returning a
//! [`SuiteReport`] to assert on.
//!
//! ```no_run
//! # async fn emulator_url() -> String { String::new() }
//! # #[tokio::main] async fn main() -> Result<(), ssm_conform::SuiteError> {
//! let url = emulator_url().await; // where the emulator under test listens
//! let report = ssm_conform::Suite::against(url)
//!     .execution_ids(["0123abcd-4567-89ef-abcd-0123456789ab"])
//!     .baseline("tests/ssm-baseline.toml") // known deviations: only new findings fail
//!     .run()
//!     .await?;
//! report.assert_conformant(); // panics with the terminal report when something new fails
//! # Ok(()) }
//! ```
//!
//! What is `pub` here (and re-exported at the crate root) is the API that follows semver; the
//! crate's other modules are public for the binary, the fuzz targets and the tests, hidden from
//! the docs, and change in any release.

mod reference;
mod report;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use reference::ReferenceEndpoint;
pub use report::{Failure, SuiteReport, Tally};

use crate::check::CheckOptions;
use crate::contract::Operation;
use crate::exit::StopFlag;
use crate::finding::{Baseline, BaselineError};
use crate::runner::{self, GeneratedPlan, Progress, RunError, RunPlan, SnapshotPlan};
use crate::source::{self, Case, CaseFileError};
use crate::transport::endpoint;
use crate::transport::record::Recorder;
use crate::transport::{
    Client, ClientConfig, CredentialSource, RetryPolicy, SignError, Signer, TransportError, TransportOptions,
};

/// Why a suite could not do its job (as exit status 2 is for the command line). Findings are
/// never an error: they are in the [`SuiteReport`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SuiteError {
    /// The configuration is wrong (an endpoint that is not an http(s) URL, a malformed id, an
    /// unknown fault name).
    #[error("{0}")]
    Config(String),
    /// The baseline file cannot be used.
    #[error("cannot use baseline {0}")]
    Baseline(#[from] BaselineError),
    /// The built-in cases cannot be read (a broken build).
    #[error("{0}")]
    Cases(Box<CaseFileError>),
    /// The HTTP client could not be built.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// Credentials were asked for and none were found.
    #[error("{0}")]
    Sign(#[from] SignError),
    /// The run could not finish: the endpoint cannot be reached at all.
    #[error("{0}")]
    Run(#[from] RunError),
    /// The embedded reference could not listen on loopback.
    #[error("cannot start the reference endpoint: {0}")]
    Reference(std::io::Error),
}

/// How requests are signed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Signing {
    /// SigV4 with fixed fake credentials in `us-east-1`, as an SDK pointed at a mock signs: the
    /// default, the same on every machine.
    #[default]
    Fake,
    /// SigV4 with the credentials the standard AWS chain finds (environment, profile), in
    /// `region`; an error when there are none.
    FromEnvironment {
        /// The signing region.
        region: String,
    },
    /// No signature.
    Unsigned,
    /// As every AWS SDK signs (the command line's default): the credentials the standard chain
    /// finds, else clearly fake ones — an error instead when `required`, or against
    /// `*.amazonaws.com` — in `region`, else the region the environment or the endpoint's host
    /// names, else `us-east-1`.
    #[doc(hidden)]
    Standard {
        /// The signing region, when given.
        region: Option<String>,
        /// Whether real credentials are required.
        required: bool,
    },
}

/// A setting outside its range, worded by the front end it was given to (all wording here).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    /// Requests in flight outside 1..=256.
    Concurrency(usize),
    /// The generated phase's budget outside [0, 86400] seconds.
    PropertyBudget(f64),
    /// A rate outside [0.1, 100000] a second.
    Rate(f64),
    /// A per-request timeout outside (0, 3600] seconds.
    Timeout(f64),
    /// An execution id that is not well-formed.
    ExecutionId(String),
}

impl Invalid {
    /// The setting's problem, named as the command line names it (`--concurrency`) when `cli`,
    /// else as the builder does (`concurrency`).
    pub fn describe(&self, cli: bool) -> String {
        let name = |flag: &str, method: &str| if cli { format!("--{flag}") } else { method.to_owned() };
        match self {
            Invalid::Concurrency(n) => format!("{} {n} is outside 1..=256", name("concurrency", "concurrency")),
            Invalid::PropertyBudget(s) => {
                format!("{} {s} is outside [0, 86400] seconds", name("property-budget", "property budget"))
            }
            Invalid::Rate(r) => format!("{} {r} is outside [0.1, 100000] requests a second", name("rate", "rate")),
            Invalid::Timeout(s) => format!("{} {s} is outside (0, 3600] seconds", name("timeout", "timeout")),
            Invalid::ExecutionId(bad) => format!(
                "{} {bad:?} is not a well-formed execution id: {} hexadecimal digits in groups of 8-4-4-4-12 separated by hyphens, e.g. 0123abcd-4567-89ef-abcd-0123456789ab",
                name("execution-id", "execution id"),
                crate::contract::ID_LENGTH - 4
            ),
        }
    }
}

/// What only the command line sets on a suite: its own cases, snapshots, progress, interrupts,
/// recording, generated-phase budget and failures folder, and pacing. The defaults are
/// `Suite`'s.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct RunExtras {
    /// The cases to run (default: the built-in suite).
    pub cases: Option<Vec<Case>>,
    /// Snapshot comparison.
    pub snapshots: Option<SnapshotPlan>,
    /// Told after each unit.
    pub progress: Option<Progress>,
    /// Set by Ctrl-C.
    pub stop: StopFlag,
    /// Records every exchange (`--record`).
    pub recorder: Option<Recorder>,
    /// The generated phase's budget in seconds (default 120).
    pub property_budget: Option<f64>,
    /// Where shrunk generated failures are written as case files.
    pub save_failures: Option<PathBuf>,
    /// The most requests a second (default: none, 5 against AWS).
    pub rate: Option<f64>,
    /// Keep the rate fixed (no adaptive pacing).
    pub fixed_pacing: bool,
}

/// A suite made ready to run: the client every request goes through, and the run's plan; the
/// notes the report's header carries (fake credentials).
#[doc(hidden)]
pub struct Prepared {
    /// The client.
    pub client: Client,
    /// The plan.
    pub plan: RunPlan,
    /// Notes for the report's header.
    pub notes: Vec<String>,
}

/// A conformance run against one endpoint, configured by its builder methods and started by
/// [`Suite::run`]. The defaults suit a test: a fixed seed (the same requests on every run), the
/// built-in cases, 2000 generated requests, 8 in flight, a 10 s timeout per request, fake SigV4.
#[derive(Debug, Clone)]
#[must_use = "a Suite does nothing until .run().await"]
pub struct Suite {
    endpoint: String,
    execution_ids: Vec<String>,
    discover: Option<bool>,
    seed: u64,
    property_cases: u32,
    strict_messages: bool,
    baseline: Option<PathBuf>,
    concurrency: usize,
    /// Seconds, as given (the command line's value is validated before it is a `Duration`).
    timeout: f64,
    signing: Signing,
    operations: Vec<Operation>,
    extras: RunExtras,
}

impl Suite {
    /// A suite against the endpoint at `url` (`http://127.0.0.1:4566`), with the defaults.
    pub fn against(url: impl Into<String>) -> Suite {
        Suite {
            endpoint: url.into(),
            execution_ids: Vec::new(),
            discover: None,
            seed: 1,
            property_cases: runner::generated::DEFAULT_CASES,
            strict_messages: false,
            baseline: None,
            concurrency: 8,
            timeout: 10.0,
            signing: Signing::Fake,
            operations: Vec::new(),
            extras: RunExtras::default(),
        }
    }

    /// Test `operation` too (repeatable); without any, the first operation alone,
    /// `DescribeMaintenanceWindowExecutionTasks`.
    pub fn operation(mut self, operation: Operation) -> Suite {
        if !self.operations.contains(&operation) {
            self.operations.push(operation);
        }
        self
    }

    /// Maintenance window executions the endpoint holds: the pagination, filter and id checks
    /// run on each. Without any, the suite discovers them (see [`Suite::discover`]).
    pub fn execution_ids<I, S>(mut self, ids: I) -> Suite
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.execution_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Whether to find execution ids through `DescribeMaintenanceWindows` and
    /// `DescribeMaintenanceWindowExecutions` first. Default: only when no ids are given.
    pub fn discover(mut self, discover: bool) -> Suite {
        self.discover = Some(discover);
        self
    }

    /// The seed of the random id and the generated requests (default 1).
    pub fn seed(mut self, seed: u64) -> Suite {
        self.seed = seed;
        self
    }

    /// How many property-generated requests to send (0 turns the phase off).
    pub fn property_cases(mut self, cases: u32) -> Suite {
        self.property_cases = cases;
        self
    }

    /// Whether error messages must match AWS's wording exactly (the STRICT rules).
    pub fn strict_messages(mut self, strict: bool) -> Suite {
        self.strict_messages = strict;
        self
    }

    /// A baseline file (as `ssm-conform run --write-baseline` or [`SuiteReport::baseline_toml`]
    /// writes): findings it lists are accepted, so only new ones fail.
    pub fn baseline(mut self, path: impl Into<PathBuf>) -> Suite {
        self.baseline = Some(path.into());
        self
    }

    /// How many requests may be in flight at once (1 to 256; default 8).
    pub fn concurrency(mut self, n: usize) -> Suite {
        self.concurrency = n;
        self
    }

    /// The most one request may take, connect to last byte (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Suite {
        self.timeout = timeout.as_secs_f64();
        self
    }

    /// The per-request timeout in seconds, as the command line gives it (validated by
    /// [`Suite::invalid_setting`]).
    #[doc(hidden)]
    pub fn timeout_secs(mut self, seconds: f64) -> Suite {
        self.timeout = seconds;
        self
    }

    /// What only the command line sets (see [`RunExtras`]).
    #[doc(hidden)]
    pub fn extras(mut self, extras: RunExtras) -> Suite {
        self.extras = extras;
        self
    }

    /// How requests are signed (default [`Signing::Fake`]).
    pub fn signing(mut self, signing: Signing) -> Suite {
        self.signing = signing;
        self
    }

    /// Runs the suite. An `Err` only when it could not do its job (a bad configuration, an
    /// endpoint that cannot be reached at all); findings are in the report.
    pub async fn run(self) -> Result<SuiteReport, SuiteError> {
        let baseline = self.baseline.as_deref().map(Baseline::load).transpose()?;
        let (endpoint, seed) = (self.endpoint.clone(), self.seed);
        let prepared = self.prepare().await?;
        let started = Instant::now();
        let run = runner::run(&prepared.client, &prepared.plan).await?;
        Ok(SuiteReport::new(endpoint, seed, started.elapsed(), run, baseline))
    }

    /// The first setting outside its range, in the order the command line checks them; `None`
    /// when every one is fine. The one validation of both front ends.
    #[doc(hidden)]
    pub fn invalid_setting(&self) -> Option<Invalid> {
        if !(1..=256).contains(&self.concurrency) {
            return Some(Invalid::Concurrency(self.concurrency));
        }
        if let Some(b) = self.extras.property_budget.filter(|b| !(*b >= 0.0 && *b <= 86_400.0)) {
            return Some(Invalid::PropertyBudget(b));
        }
        if let Some(rate) = self.extras.rate.filter(|r| !(*r >= 0.1 && *r <= 100_000.0)) {
            return Some(Invalid::Rate(rate));
        }
        if !(self.timeout > 0.0 && self.timeout <= 3600.0) {
            return Some(Invalid::Timeout(self.timeout));
        }
        let bad = self.execution_ids.iter().find(|id| !crate::contract::is_valid_id(id));
        bad.map(|id| Invalid::ExecutionId(id.clone()))
    }

    /// The client and the plan of this suite: settings validated, credentials found, pacing set
    /// for the endpoint. The one composition root of both front ends: `Suite::run` and the
    /// command line (which adds its [`RunExtras`], and runs or replays with what this returns).
    #[doc(hidden)]
    pub async fn prepare(self) -> Result<Prepared, SuiteError> {
        if let Some(invalid) = self.invalid_setting() {
            return Err(SuiteError::Config(invalid.describe(false)));
        }
        crate::transport::check_url(&self.endpoint).map_err(SuiteError::Config)?;
        let cases = match self.extras.cases.clone() {
            Some(cases) => cases,
            None => source::builtin_cases().map_err(|e| SuiteError::Cases(Box::new(e)))?,
        };
        let signer = self.signer().await?;
        let notes = signing_notes(signer.as_ref());
        let timeout = Duration::from_secs_f64(self.timeout);
        let config = ClientConfig {
            options: TransportOptions::for_concurrency(timeout, self.concurrency),
            signer,
            recorder: self.extras.recorder.clone(),
            pacing: endpoint::pacing(self.extras.rate, !self.extras.fixed_pacing, &self.endpoint),
            retry: RetryPolicy::default(),
        };
        let client = Client::new(&self.endpoint, config)?;
        let budget = self.extras.property_budget.map_or(runner::generated::DEFAULT_BUDGET, Duration::from_secs_f64);
        let plan = RunPlan {
            cases,
            discover: self.discover.unwrap_or(self.execution_ids.is_empty()),
            execution_ids: self.execution_ids,
            concurrency: self.concurrency,
            check: CheckOptions { strict_messages: self.strict_messages },
            seed: self.seed,
            snapshots: self.extras.snapshots,
            progress: self.extras.progress,
            generated: GeneratedPlan {
                cases: self.property_cases,
                seed: self.seed,
                save_failures: self.extras.save_failures,
                budget,
                concurrency: self.concurrency,
            },
            stop: self.extras.stop,
            operations: self.operations,
        };
        Ok(Prepared { client, plan, notes })
    }

    /// The signer its [`Signing`] asks for.
    async fn signer(&self) -> Result<Option<Signer>, SuiteError> {
        match &self.signing {
            Signing::Fake => Ok(Some(Signer::fake("us-east-1"))),
            Signing::FromEnvironment { region } => Ok(Some(Signer::from_chain(region).await?)),
            Signing::Unsigned => Ok(None),
            Signing::Standard { region, required } => {
                let region = endpoint::signing_region(region.as_deref(), &self.endpoint);
                match Signer::from_chain(&region).await {
                    Ok(s) => Ok(Some(s)),
                    Err(e) if *required || endpoint::is_aws_host(&self.endpoint) => Err(e.into()),
                    Err(_) => Ok(Some(Signer::fake(&region))),
                }
            }
        }
    }
}

/// The note under the report's header when requests are signed with fake credentials.
fn signing_notes(signer: Option<&Signer>) -> Vec<String> {
    signer
        .filter(|s| *s.source() == CredentialSource::Fake)
        .map(|_| {
            "requests are signed with fake credentials: no AWS credentials were found (environment, AWS_PROFILE, shared files); --no-sign sends them unsigned".to_owned()
        })
        .into_iter()
        .collect()
}
