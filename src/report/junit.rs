//! The JUnit report, built with quick-junit: a test suite per check family, a test case per
//! unit (its name, with the check id as the class name).

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{escape, RunContext};
use crate::check::CheckFamily;
use crate::finding::{CaseResult, Finding, Outcome};

/// The failure status of a unit with `findings` (XML cannot carry every character an endpoint
/// may send: those become escapes).
fn failure(r: &CaseResult, findings: &[Finding]) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
    if let Some(first) = findings.first() {
        let blocked = if matches!(r.outcome, Outcome::Blocked(_)) {
            format!(" ({} could not be evaluated)", r.check)
        } else {
            String::new()
        };
        s.set_message(escape::xml(&format!("[{}] expected {}{blocked}", first.check, first.expected)));
    }
    s.set_type(findings.first().map_or("finding", |f| f.check.name()));
    let mut text: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    text.extend(findings.iter().filter_map(|f| f.detail.clone()));
    if let Some(repro) = &r.repro {
        text.push(format!("repro: {repro}"));
    }
    s.set_description(escape::xml(&text.join("\n")));
    s
}

/// The suite of deviations: one test case per rule the endpoint breaks (named by its id), failed
/// unless the baseline accepts it, beside the units' suites.
fn deviations(ctx: &RunContext<'_>) -> TestSuite {
    let mut suite = TestSuite::new("deviations");
    for d in ctx.report.deviations() {
        let status = if d.accepted {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(escape::xml(&format!("{} ({})", d.title(), d.rule())));
            s.set_type(d.id());
            let mut text =
                vec![format!("shows up in {}: {}", d.units_label(), d.checks_label()), format!("e.g. {}", d.example)];
            text.extend(d.repro.iter().map(|r| format!("repro: {r}")));
            s.set_description(escape::xml(&text.join("\n")));
            s
        };
        let mut case = TestCase::new(d.id(), status);
        case.set_classname("deviation");
        suite.add_test_case(case);
    }
    suite
}

/// The JUnit XML text.
pub fn write_junit(ctx: &RunContext<'_>) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("ssm-conform");
    let deviations = deviations(ctx);
    if !deviations.test_cases.is_empty() {
        report.add_test_suite(deviations);
    }
    for &family in CheckFamily::ALL {
        let mut suite = TestSuite::new(family.name());
        for r in ctx.report.results.iter().filter(|r| r.check.family() == family) {
            let status = match &r.outcome {
                Outcome::Passed { .. } | Outcome::Accepted(_) => TestCaseStatus::success(),
                Outcome::Skipped(why) => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(escape::xml(why));
                    s
                }
                Outcome::Failed(findings) | Outcome::Blocked(findings) => failure(r, findings),
            };
            let mut case = TestCase::new(escape::xml(&r.name), status);
            case.set_classname(r.check.name());
            if let Outcome::Accepted(findings) = &r.outcome {
                let known: Vec<String> = findings.iter().map(|f| format!("accepted by the baseline: {f}")).collect();
                case.set_system_out(escape::xml(&known.join("\n")));
            }
            suite.add_test_case(case);
        }
        if !suite.test_cases.is_empty() {
            report.add_test_suite(suite);
        }
    }
    report.to_string()
}
