//! Reporters: one writer per format, each seeing only results, never transport types.

mod terminal;

pub use terminal::TerminalReport;
