//! One departure from the contract. A finding is data for reporters; a harness failure is an
//! error type elsewhere and never a finding.

use std::fmt;

use crate::check_id::CheckId;

/// How much a finding matters. Both kinds fail the run; the contract marks some rules as
/// lower severity because SDKs tolerate the deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Clients break or misread the answer.
    Error,
    /// Clients tolerate it, but the contract is broken.
    Warning,
}

/// One departure from the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check that found it.
    pub check: CheckId,
    /// How much it matters.
    pub severity: Severity,
    /// What the contract requires.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// More lines, such as a snapshot diff.
    pub detail: Option<String>,
    /// The deviation the check recognised, named by the reference fault that reproduces it
    /// (`timestamps-iso`): the key of its measured SDK impact.
    pub deviation: Option<&'static str>,
}

impl Finding {
    /// An error-severity finding.
    pub fn new(check: CheckId, expected: impl Into<String>, actual: impl Into<String>) -> Finding {
        Finding {
            check,
            severity: Severity::Error,
            expected: expected.into(),
            actual: actual.into(),
            detail: None,
            deviation: None,
        }
    }

    /// The same finding, recognised as `deviation` (a fault name), so that reports carry what
    /// the SDKs were measured to do with it; `None` leaves it unrecognised.
    pub fn deviating(mut self, deviation: impl Into<Option<&'static str>>) -> Finding {
        self.deviation = deviation.into();
        self
    }

    /// What the probed SDKs were measured to do with this deviation, in one sentence; `None`
    /// when the check did not recognise the deviation or it was not measured.
    pub fn sdk_impact(&self) -> Option<String> {
        Some(crate::sdk_impact::sentence(self.deviation?)).filter(|s| !s.is_empty())
    }

    /// The same finding with more lines of detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(detail.into());
        self
    }

    /// The same finding at warning severity.
    pub fn warning(mut self) -> Finding {
        self.severity = Severity::Warning;
        self
    }
}

/// `[check] expected …; got …` and the measured SDK impact; the alternate form (`{:#}`) says
/// "SDK impact as above" instead, for a finding after one of the same deviation.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "",
            Severity::Warning => " (lower severity)",
        };
        write!(f, "[{}]{sev} expected {}; got {}", self.check, self.expected, self.actual)?;
        match self.sdk_impact() {
            Some(impact) if !f.alternate() => write!(f, "; {impact}"),
            Some(_) => write!(f, "; SDK impact as above"),
            None => Ok(()),
        }
    }
}
