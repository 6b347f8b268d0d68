//! The real service's operational habits (contract §8, §1), which the reference can take on at
//! its HTTP layer: throttling (a token bucket), latency, transient 5xx that a retry does not
//! repeat, `Connection: close` or a keep-alive limit, chunked bodies. None of them is a
//! deviation: a conformant client copes with each, and so must the harness (the variants test
//! runs the whole suite against each and demands a pass).
//!
//! [`Habits`] is the setting (part of [`super::Choices`], so a variant names it like any other
//! choice); [`HabitState`] is what a running server keeps to act on it.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::contract::ThrottleForm;
use crate::request::WireRequest;

/// A token bucket: `rate` requests a second, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Requests a second the bucket refills with.
    pub rate: u32,
    /// The most requests it lets through at once.
    pub burst: u32,
    /// How a throttle is spelt (SSM's own: 400 `ThrottlingException`).
    pub form: ThrottleForm,
}

impl std::str::FromStr for Throttle {
    type Err = String;

    /// `RATE/BURST` (`50/100`), or `RATE` (a burst of one second's requests).
    fn from_str(s: &str) -> Result<Throttle, String> {
        let (rate, burst) = s.split_once('/').unwrap_or((s, s));
        let parse = |what: &str, v: &str| {
            v.trim().parse::<u32>().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| {
                format!("--throttle {s:?}: the {what} must be a whole number in 1..=1000000 (RATE/BURST, e.g. 50/100)")
            })
        };
        Ok(Throttle { rate: parse("rate", rate)?, burst: parse("burst", burst)?, form: ThrottleForm::Ssm })
    }
}

/// The bucket of the `throttling` variants and the `throttle-type-header-only` fault: enough
/// throttles to exercise retries and pacing, at a rate that keeps a test run within seconds
/// (`serve --throttle 50/100` for AWS-like rates).
pub const TEST_THROTTLE: Throttle = Throttle { rate: 400, burst: 40, form: ThrottleForm::Ssm };

/// Throttles that do not depend on timing: every `every`-th request is throttled in `form` if
/// the same request (its target and body) was not throttled so before, so a retry gets through.
/// With `every` 1, each distinct request is throttled once: a client that retries the form gets
/// every answer on its second attempt, one that does not sees the throttle (how
/// `clients/impact.py` measures which forms each SDK retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleOnce {
    /// How the throttles are spelt.
    pub form: ThrottleForm,
    /// Which requests: every `every`-th (1: all).
    pub every: u64,
}

/// How the reference's HTTP layer behaves besides answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Habits {
    /// Throttle past this rate (400 or 429 `ThrottlingException`, "Rate exceeded").
    pub throttle: Option<Throttle>,
    /// Throttle requests once each, on their first attempt (see [`ThrottleOnce`]).
    pub throttle_once: Option<ThrottleOnce>,
    /// Wait this long before every answer.
    pub latency: Duration,
    /// Answer every `n`-th request with a 500 `InternalServerError` — never the same request
    /// twice, so that a retry gets through.
    pub transient_every: Option<u64>,
    /// Send `Connection: close` with every answer.
    pub connection_close: bool,
    /// Close a connection after this many answers on it (`Connection: close` on the last).
    pub keep_alive_limit: Option<u32>,
    /// Send every body chunked, in pieces.
    pub chunked: bool,
}

impl Habits {
    /// None of them: answers as fast as it can, one body each, connections kept.
    pub const NONE: Habits = Habits {
        throttle: None,
        throttle_once: None,
        latency: Duration::ZERO,
        transient_every: None,
        connection_close: false,
        keep_alive_limit: None,
        chunked: false,
    };
}

/// What a running server does with a request before the handler sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    /// Answer it.
    Answer,
    /// Throttle it, spelt so.
    Throttle(ThrottleForm),
    /// Fail it with a transient 500.
    Transient,
}

/// A running server's state for its [`Habits`].
#[derive(Debug)]
pub struct HabitState {
    habits: Habits,
    bucket: Mutex<(f64, Instant)>,
    requests: AtomicU64,
    /// Requests already failed once (by their bytes' digest): a retry of one gets through.
    failed: Mutex<HashSet<u64>>,
    /// Answers sent per connection, for the keep-alive limit.
    per_connection: Mutex<HashMap<SocketAddr, u32>>,
}

/// The most failed-request digests kept; past it the set starts over (a request failed long
/// ago may then fail once more, which a retry still gets past).
const FAILED_KEPT: usize = 100_000;

impl HabitState {
    /// The state for `habits`, its bucket full.
    pub fn new(habits: Habits) -> HabitState {
        let full = habits.throttle.map_or(0.0, |t| f64::from(t.burst));
        HabitState {
            habits,
            bucket: Mutex::new((full, Instant::now())),
            requests: AtomicU64::new(0),
            failed: Mutex::new(HashSet::new()),
            per_connection: Mutex::new(HashMap::new()),
        }
    }

    /// The habits it acts on.
    pub fn habits(&self) -> &Habits {
        &self.habits
    }

    /// Whether `req` is answered, throttled or failed.
    pub fn gate(&self, req: &WireRequest) -> Gate {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(t) = self.habits.throttle {
            if !self.take_token(t) {
                return Gate::Throttle(t.form);
            }
        }
        if let Some(ThrottleOnce { form, every }) = self.habits.throttle_once {
            if n % every.max(1) == 0 && self.fail_first_time(req, Gate::Throttle(form)) {
                return Gate::Throttle(form);
            }
        }
        match self.habits.transient_every {
            Some(every) if n % every == 0 && self.fail_first_time(req, Gate::Transient) => Gate::Transient,
            _ => Gate::Answer,
        }
    }

    fn take_token(&self, t: Throttle) -> bool {
        let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let (tokens, last) = *bucket;
        let now = Instant::now();
        let tokens = (tokens + now.duration_since(last).as_secs_f64() * f64::from(t.rate)).min(f64::from(t.burst));
        let (left, granted) = if tokens >= 1.0 { (tokens - 1.0, true) } else { (tokens, false) };
        *bucket = (left, now);
        granted
    }

    /// Whether `req` (its target and body) has not yet been failed with `how`, marking it so.
    fn fail_first_time(&self, req: &WireRequest, how: Gate) -> bool {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        how.hash(&mut h);
        req.body.hash(&mut h);
        req.header(crate::contract::TARGET_HEADER).hash(&mut h);
        let mut failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
        if failed.len() >= FAILED_KEPT {
            failed.clear();
        }
        failed.insert(h.finish())
    }

    /// Whether the answer on the connection from `peer` ends that connection.
    pub fn closes(&self, peer: Option<SocketAddr>) -> bool {
        if self.habits.connection_close {
            return true;
        }
        let (Some(limit), Some(peer)) = (self.habits.keep_alive_limit, peer) else { return false };
        let mut counts = self.per_connection.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(peer).or_insert(0);
        *count += 1;
        if *count >= limit {
            counts.remove(&peer);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_its_burst_through_then_throttles() {
        let t = Throttle { rate: 1, burst: 3, form: ThrottleForm::Ssm };
        let state = HabitState::new(Habits { throttle: Some(t), ..Habits::NONE });
        let req = WireRequest::json(&serde_json::json!({}));
        let gates: Vec<Gate> = (0..5).map(|_| state.gate(&req)).collect();
        assert_eq!(&gates[..3], &[Gate::Answer; 3]);
        assert_eq!(gates[3], Gate::Throttle(ThrottleForm::Ssm));
        assert_eq!("50/100".parse::<Throttle>(), Ok(Throttle { rate: 50, burst: 100, form: ThrottleForm::Ssm }));
        assert_eq!("7".parse::<Throttle>(), Ok(Throttle { rate: 7, burst: 7, form: ThrottleForm::Ssm }));
        assert!("0/1".parse::<Throttle>().unwrap_err().contains("RATE/BURST"));
    }

    #[test]
    fn a_transient_failure_never_hits_the_same_request_twice() {
        let state = HabitState::new(Habits { transient_every: Some(1), ..Habits::NONE });
        let a = WireRequest::json(&serde_json::json!({"a": 1}));
        let b = WireRequest::json(&serde_json::json!({"b": 1}));
        assert_eq!(state.gate(&a), Gate::Transient);
        assert_eq!(state.gate(&a), Gate::Answer, "the retry gets through");
        assert_eq!(state.gate(&b), Gate::Transient);
    }

    #[test]
    fn throttle_once_throttles_each_distinct_request_on_its_first_attempt_only() {
        let form = ThrottleForm::HeaderOnly;
        let once = ThrottleOnce { form, every: 1 };
        let both = Habits { throttle_once: Some(once), transient_every: Some(1), ..Habits::NONE };
        let state = HabitState::new(both);
        let a = WireRequest::json(&serde_json::json!({"a": 1}));
        let b = WireRequest::json(&serde_json::json!({"b": 1}));
        assert_eq!(state.gate(&a), Gate::Throttle(form));
        assert_eq!(state.gate(&a), Gate::Transient, "then the other habit, once");
        assert_eq!(state.gate(&a), Gate::Answer);
        assert_eq!(state.gate(&b), Gate::Throttle(form));
    }

    #[test]
    fn a_keep_alive_limit_closes_every_nth_answer_of_a_connection() {
        let state = HabitState::new(Habits { keep_alive_limit: Some(2), ..Habits::NONE });
        let peer = Some(SocketAddr::from(([127, 0, 0, 1], 5000)));
        let closes: Vec<bool> = (0..4).map(|_| state.closes(peer)).collect();
        assert_eq!(closes, [false, true, false, true]);
    }
}
