//! Where cases come from. Pure: nothing here knows HTTP.

mod case;
mod file;
mod placeholder;

pub use case::{
    BodyTemplate, Case, ErrorExpectation, Expectation, Origin, RequestSpec, StatusExpectation, ViolationSpec,
};
pub use file::{load_cases, parse_case_file, CaseFileError};
pub use placeholder::{scan as scan_placeholders, substitute, Placeholder};
