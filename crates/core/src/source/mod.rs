//! Where cases come from: case files, the generator, fuzz inputs. Pure: nothing here knows HTTP.

mod case;
mod file;
mod file_error;
#[cfg(feature = "fuzzing")]
pub mod fuzz;
pub mod generate;
pub mod model_gen;
mod placeholder;
mod write;

pub use case::{
    BodyTemplate, Case, ErrorExpectation, Expectation, Origin, RequestSpec, StatusExpectation, ViolationSpec,
};
pub use file::{builtin_cases, load_cases, parse_case_file};
pub use file_error::{CaseFileError, CaseFileErrorKind};
pub use placeholder::{scan as scan_placeholders, substitute, Placeholder, BODY_MAX};
pub use write::case_to_toml;
