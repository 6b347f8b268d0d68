//! The JUnit report, built with quick-junit: a test suite per check family, a test case per
//! unit (its name, with the check id as the class name).

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunContext;
use crate::check::CheckFamily;
use crate::finding::Outcome;

/// The JUnit XML text.
pub fn write_junit(ctx: &RunContext<'_>) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("ssm-conform");
    for &family in CheckFamily::ALL {
        let mut suite = TestSuite::new(family.name());
        for r in ctx.report.results.iter().filter(|r| r.check.family() == family) {
            let status = match &r.outcome {
                Outcome::Passed { .. } | Outcome::Accepted(_) => TestCaseStatus::success(),
                Outcome::Skipped(why) => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(why.as_str());
                    s
                }
                Outcome::Failed(findings) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    if let Some(first) = findings.first() {
                        s.set_message(format!("[{}] expected {}", first.check, first.expected));
                    }
                    s.set_type(findings.first().map_or("finding", |f| f.check.name()));
                    let mut text: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
                    text.extend(findings.iter().filter_map(|f| f.detail.clone()));
                    if let Some(repro) = &r.repro {
                        text.push(format!("repro: {repro}"));
                    }
                    s.set_description(text.join("\n"));
                    s
                }
            };
            let mut case = TestCase::new(r.name.as_str(), status);
            case.set_classname(r.check.name());
            if let Outcome::Accepted(findings) = &r.outcome {
                let known: Vec<String> = findings.iter().map(|f| format!("accepted by the baseline: {f}")).collect();
                case.set_system_out(known.join("\n"));
            }
            suite.add_test_case(case);
        }
        if !suite.test_cases.is_empty() {
            report.add_test_suite(suite);
        }
    }
    report.to_string()
}
