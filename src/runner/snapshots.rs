//! Snapshot files: reading the accepted `.snap`, writing a pending `.snap.new` for review (never
//! overwriting an accepted file), and turning a difference into a `snapshot` finding. The pure
//! half (rendering, the file format, the diff) is `check::snapshot`.

use std::path::{Path, PathBuf};

use crate::check::snapshot;
use crate::check::CheckId;
use crate::finding::Finding;
use crate::request::{Bindings, WireRequest};
use crate::response::WireResponse;
use crate::source::Case;

/// What to do with snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnapshotMode {
    /// Compare with the accepted snapshot; a difference or a missing snapshot is a finding.
    #[default]
    Check,
    /// Write a pending `.snap.new` wherever the response differs from the accepted snapshot.
    Update,
    /// Do not look at snapshots.
    Off,
}

/// Where the accepted snapshots are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotSource {
    /// The built-in set, recorded against the reference (read-only).
    Builtin,
    /// A folder of `.snap` files (`--snapshot-dir`), e.g. one recorded against real AWS.
    Dir(PathBuf),
}

/// Snapshot settings of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPlan {
    /// Where the accepted snapshots are.
    pub source: SnapshotSource,
    /// Check, update or off.
    pub mode: SnapshotMode,
}

/// Why a snapshot could not be read or written (a harness error: we could not do our job).
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct SnapshotError {
    /// The snapshot file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

/// The accepted file of snapshot `name` in `dir`.
pub fn snap_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.snap"))
}

impl SnapshotSource {
    /// Where snapshot `name` is (built-in ones are cited under `snapshots/`).
    pub fn path(&self, name: &str) -> PathBuf {
        match self {
            SnapshotSource::Builtin => snap_path(Path::new(crate::builtin::SNAPSHOTS_DIR), name),
            SnapshotSource::Dir(dir) => snap_path(dir, name),
        }
    }

    /// The contents of accepted snapshot `name`, or `None` if there is none.
    pub fn accepted(&self, name: &str) -> Result<Option<String>, SnapshotError> {
        match self {
            SnapshotSource::Builtin => Ok(crate::builtin::snapshot(&format!("{name}.snap")).map(snapshot::contents_of)),
            SnapshotSource::Dir(_) => read_accepted(&self.path(name)),
        }
    }
}

/// The contents of a `.snap` file (what follows the metadata block), or `None` if absent.
pub fn read_accepted(path: &Path) -> Result<Option<String>, SnapshotError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SnapshotError { path: path.to_owned(), source }),
    };
    Ok(Some(snapshot::contents_of(&text)))
}

/// Writes the pending `.snap.new` beside the accepted file; returns its path.
pub fn write_pending(path: &Path, text: &str) -> Result<PathBuf, SnapshotError> {
    let pending = path.with_extension("snap.new");
    if let Some(dir) = pending.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SnapshotError { path: dir.to_owned(), source })?;
    }
    std::fs::write(&pending, text).map_err(|source| SnapshotError { path: pending.clone(), source })?;
    Ok(pending)
}

/// What comparing one case's response with its snapshot gave.
#[derive(Debug, Default)]
pub struct SnapshotOutcome {
    /// A `snapshot` finding, in check mode.
    pub finding: Option<Finding>,
    /// The pending file written, in update mode.
    pub pending: Option<PathBuf>,
}

/// Compares a case's response with its accepted snapshot `name`, or writes a pending one.
pub fn compare(
    case: &Case,
    name: &str,
    plan: &SnapshotPlan,
    bindings: &Bindings,
    req: &WireRequest,
    resp: &WireResponse,
) -> Result<SnapshotOutcome, SnapshotError> {
    let redactions = bindings.redactions();
    let actual = snapshot::render(&crate::response::Received::new(resp), &redactions);
    let path = plan.source.path(name);
    let accepted = plan.source.accepted(name)?;
    if accepted.as_deref() == Some(actual.as_str()) {
        return Ok(SnapshotOutcome::default());
    }
    match plan.mode {
        SnapshotMode::Off => Ok(SnapshotOutcome::default()),
        SnapshotMode::Update => {
            let rules = snapshot::Redactions::new(&redactions);
            let expression = match serde_json::from_slice::<serde_json::Value>(&req.body) {
                Ok(mut v) => {
                    rules.apply_json(&mut v);
                    v.to_string()
                }
                Err(_) => rules.apply_text(&String::from_utf8_lossy(&req.body)),
            };
            let source = case.origin.to_string();
            let description = format!("{}: {}", case.name, case.description.as_deref().unwrap_or(""));
            let text = snapshot::file_text(&source, description.trim_end_matches(": "), &expression, &actual);
            Ok(SnapshotOutcome { finding: None, pending: Some(write_pending(&path, &text)?) })
        }
        SnapshotMode::Check => {
            let finding = match accepted {
                None => Finding::new(
                    CheckId::Snapshot,
                    format!("an accepted snapshot at {}", path.display()),
                    "none yet: run with --snapshots update, then review the .snap.new (cargo insta review)",
                ),
                Some(acc) => Finding::new(
                    CheckId::Snapshot,
                    format!("the response recorded in {}", path.display()),
                    "a different response (diff: - accepted, + this endpoint)",
                )
                .with_detail(snapshot::diff(&acc, &actual)),
            };
            Ok(SnapshotOutcome { finding: Some(finding), pending: None })
        }
    }
}
