//! The `response_checks` seed corpus: every case in `cases/*.toml` is built into a request (as
//! the runner builds it) and answered in-process by the reference endpoint — faithful, with each
//! fault, and with each variant — and the first, second and last pages of a few pagination walks
//! are added. Each answer is written as the bytes that the fuzz target's `arbitrary` decoding
//! turns back into exactly that response (and the request's WindowExecutionId and MaxResults).
//!
//! Files are named by a hash of their contents, so identical answers collapse into one seed and
//! re-running is idempotent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use ssm_conform_core::check::response_shape::PageRequest;
use ssm_conform_core::contract;
use ssm_conform_core::reference::{Fault, Reference, Variant};
use ssm_conform_core::request::{self, page_request, Bindings, WireRequest};
use ssm_conform_core::response::{next_token_of, WireResponse};
use ssm_conform_core::source::load_cases;

use crate::ResponseInput;

/// Seeds larger than this are left out: libFuzzer sizes its inputs after the largest seed, and
/// a 100-item page is no more interesting to mutate than a 37-item one.
const MAX_SEED_BYTES: usize = 16 * 1024;

/// Pages per walk, at most (the largest fixture has 237 tasks: 24 pages at MaxResults 10).
const MAX_PAGES: usize = 30;

/// New seeds kept per fault or variant: each is one deviation, and a few answers show it; the
/// faithful reference contributes every distinct answer.
const PER_DEVIATION: usize = 6;

/// The request id every seed carries. The reference derives its ids from a per-instance counter;
/// one fixed id lets an answer that a fault leaves unchanged deduplicate with the faithful one.
const SEED_REQUEST_ID: &str = "5eed5eed-0000-4000-8000-000000000001";

struct Seeds {
    dir: PathBuf,
    written: BTreeSet<u64>,
    /// How many more new seeds the current configuration may add (`None`: no limit).
    budget: Option<usize>,
    too_big: usize,
    unencodable: usize,
}

impl Seeds {
    fn full(&self) -> bool {
        self.budget == Some(0)
    }

    fn add(&mut self, req: &WireRequest, resp: &WireResponse) -> std::io::Result<()> {
        if self.full() {
            return Ok(());
        }
        let page = PageRequest::of(req.json_body().as_ref());
        let headers = resp
            .headers
            .iter()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case(contract::REQUEST_ID_HEADER) { SEED_REQUEST_ID } else { v };
                (k.clone(), v.to_owned())
            })
            .collect();
        let input = ResponseInput {
            status: resp.status,
            window_execution_id: page.window_execution_id,
            max_results: page.max_results,
            headers,
            body: &resp.body,
        };
        let Some(bytes) = input.to_fuzz_bytes() else {
            self.unencodable += 1;
            return Ok(());
        };
        if bytes.len() > MAX_SEED_BYTES {
            self.too_big += 1;
            return Ok(());
        }
        let key = fnv1a(&bytes);
        if self.written.insert(key) {
            std::fs::write(self.dir.join(format!("ref-{key:016x}")), &bytes)?;
            if let Some(n) = &mut self.budget {
                *n -= 1;
            }
        }
        Ok(())
    }
}

/// FNV-1a, 64 bits: a file name that is the same whatever toolchain built this.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Walks an execution's pages; seeds the first two and the last (the middle pages differ only
/// in their items).
fn walk(
    seeds: &mut Seeds,
    reference: &Reference,
    exec: &str,
    size: Option<i64>,
    filters: Option<&Value>,
) -> std::io::Result<()> {
    let mut token: Option<String> = None;
    let mut last = None;
    for i in 0..MAX_PAGES {
        if seeds.full() {
            return Ok(());
        }
        let req = page_request(exec, size, filters, token.as_deref());
        let resp = reference.handle(&req);
        let next = next_token_of(&resp);
        if i < 2 {
            seeds.add(&req, &resp)?;
        } else {
            last = Some((req, resp));
        }
        match next {
            Some(t) if Some(&t) != token.as_ref() => token = Some(t),
            _ => break,
        }
    }
    if let Some((req, resp)) = last {
        seeds.add(&req, &resp)?;
    }
    Ok(())
}

/// Writes the `response_checks` seeds for the cases in `cases_dir` (a directory of `*.toml` or
/// one file) into `out`, and says how many on stderr.
pub fn write_response_seeds(cases_dir: &Path, out: &Path) -> Result<(), String> {
    let cases = load_cases(cases_dir).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let faithful = Reference::new(None);
    let ids: Vec<String> = faithful.executions().iter().map(|e| e.window_execution_id.clone()).collect();
    let mut rng = ssm_conform_core::rng::SplitMix64::new(0x5eed);
    let random_id = loop {
        let id = rng.well_formed_id();
        if !ids.iter().any(|e| e.eq_ignore_ascii_case(&id)) {
            break id;
        }
    };
    // Like the runner: the first execution (the largest fixture) and a second one; a real token
    // from the first page of the first at MaxResults 10.
    let mut bindings = Bindings { execution_ids: ids.iter().take(2).cloned().collect(), random_id, next_token: None };
    let first = faithful.handle(&page_request(&ids[0], Some(10), None, None));
    bindings.next_token = next_token_of(&first);
    let requests: Vec<WireRequest> = cases.iter().filter_map(|c| request::build(c, &bindings).ok()).collect();
    let failed_or_timed_out = json!([{ "Key": "STATUS", "Values": ["FAILED", "TIMED_OUT"] }]);

    // The faithful reference first, so that a deviation's budget goes to answers it changes.
    let configs = std::iter::once(faithful)
        .chain(Fault::ALL.iter().map(|&f| Reference::new(Some(f))))
        .chain(Variant::ALL.iter().map(|&v| Reference::with_variant(v)));
    let mut seeds = Seeds { dir: out.to_owned(), written: BTreeSet::new(), budget: None, too_big: 0, unencodable: 0 };
    let io = |e: std::io::Error| format!("{}: {e}", out.display());
    let mut n_configs = 0;
    for (i, reference) in configs.enumerate() {
        n_configs += 1;
        seeds.budget = (i > 0).then_some(PER_DEVIATION);
        for req in &requests {
            if seeds.full() {
                break;
            }
            seeds.add(req, &reference.handle(req)).map_err(io)?;
        }
        for exec in &ids {
            walk(&mut seeds, &reference, exec, Some(10), None).map_err(io)?;
        }
        walk(&mut seeds, &reference, &ids[0], Some(37), None).map_err(io)?;
        walk(&mut seeds, &reference, &ids[0], None, None).map_err(io)?;
        walk(&mut seeds, &reference, &ids[0], Some(10), Some(&failed_or_timed_out)).map_err(io)?;
    }
    eprintln!(
        "make_seeds: {} cases ({} buildable) x {} reference configurations: {} distinct seeds in {} \
         ({} answers over {} bytes left out, {} not encodable)",
        cases.len(),
        requests.len(),
        n_configs,
        seeds.written.len(),
        out.display(),
        seeds.too_big,
        MAX_SEED_BYTES,
        seeds.unencodable,
    );
    if seeds.unencodable > 0 {
        return Err("the seed encoder disagrees with the linked `arbitrary` version".to_owned());
    }
    Ok(())
}
