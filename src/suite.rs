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
use crate::exit::StopFlag;
use crate::finding::{Baseline, BaselineError};
use crate::runner::{self, GeneratedPlan, RunError, RunPlan};
use crate::source::{self, CaseFileError};
use crate::transport::{Client, ClientConfig, SignError, Signer, TransportError, TransportOptions};

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
    timeout: Duration,
    signing: Signing,
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
            timeout: Duration::from_secs(10),
            signing: Signing::Fake,
        }
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
        self.timeout = timeout;
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
        self.validate()?;
        let baseline = self.baseline.as_deref().map(Baseline::load).transpose()?;
        let cases = source::builtin_cases().map_err(|e| SuiteError::Cases(Box::new(e)))?;
        let signer = match &self.signing {
            Signing::Fake => Some(Signer::fake("us-east-1")),
            Signing::FromEnvironment { region } => Some(Signer::from_chain(region).await?),
            Signing::Unsigned => None,
        };
        let options = TransportOptions::for_concurrency(self.timeout, self.concurrency);
        let client = Client::new(&self.endpoint, ClientConfig { options, signer, ..ClientConfig::default() })?;
        let plan = RunPlan {
            cases,
            discover: self.discover.unwrap_or(self.execution_ids.is_empty()),
            execution_ids: self.execution_ids,
            concurrency: self.concurrency,
            check: CheckOptions { strict_messages: self.strict_messages },
            seed: self.seed,
            snapshots: None,
            progress: None,
            generated: GeneratedPlan {
                cases: self.property_cases,
                seed: self.seed,
                save_failures: None,
                budget: runner::generated::DEFAULT_BUDGET,
                concurrency: self.concurrency,
            },
            stop: StopFlag::default(),
        };
        let started = Instant::now();
        let run = runner::run(&client, &plan).await?;
        Ok(SuiteReport::new(self.endpoint, self.seed, started.elapsed(), run, baseline))
    }

    /// The checks the command line makes before anything runs.
    fn validate(&self) -> Result<(), SuiteError> {
        crate::transport::check_url(&self.endpoint).map_err(SuiteError::Config)?;
        if !(1..=256).contains(&self.concurrency) {
            return Err(SuiteError::Config(format!("concurrency {} is outside 1..=256", self.concurrency)));
        }
        if self.timeout.is_zero() {
            return Err(SuiteError::Config("the timeout is zero".to_owned()));
        }
        match self.execution_ids.iter().find(|id| !crate::contract::is_valid_id(id)) {
            Some(bad) => Err(SuiteError::Config(format!("execution id {bad:?} is not a well-formed execution id"))),
            None => Ok(()),
        }
    }
}
