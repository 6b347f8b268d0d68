//! Retries, as the AWS SDKs make them (contract §8): a throttle is retried with exponential
//! backoff and full jitter until the answer is not a throttle or [`RetryPolicy::throttle_attempts`]
//! is reached; a transient server error (500, 502, 503, 504) or a connection that broke before
//! the response head is retried as the SDKs' standard mode does (3 attempts, under a retry
//! quota); the final answer is the one judged. A 5xx that every attempt repeats is judged as any
//! answer, so every fault that answers 5xx still fails its check.
//!
//! What the retries met is kept in the [`RetryLedger`]: counts for the report, and the throttle
//! answers themselves (a few of each shape) for the `throttle-shape` check.
//!
//! The classification is wider than an SDK's, on purpose: anything that looks like a throttle
//! (a throttling code in `__type`, in `X-Amzn-ErrorType` or in a `code` member, or HTTP 429) is
//! retried, so that the rest of the suite can be evaluated; whether the SDKs would recognise it
//! is then one finding under `throttle-shape`, not a symptom in every unit.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::request::WireRequest;
pub use crate::response::{classify, looks_throttled, AnswerClass};
use crate::response::{ErrorShape, WireResponse};

/// How many retries and how long between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most attempts of one request that may be throttled; after them the request is given
    /// up and its unit not evaluated.
    pub throttle_attempts: u32,
    /// The most attempts of a request answered with a transient error (the SDKs' standard: 3).
    pub transient_attempts: u32,
    /// The first backoff's ceiling after a throttle; each retry doubles it (full jitter: a
    /// uniform draw below it).
    pub base: Duration,
    /// The most one backoff after a throttle may be.
    pub cap: Duration,
    /// The first backoff's ceiling after a transient error (shorter than a throttle's: nothing
    /// asks the harness to slow down, and an endpoint whose 5xx are not transient should not
    /// cost a run minutes before the quota runs out).
    pub transient_base: Duration,
    /// The retry quota (the SDKs' standard mode: 500): a transient retry costs 5, a connection
    /// retry 10, an answer that needed no retry gives 1 back. Spent, transient errors are no
    /// longer retried (an endpoint whose 5xx are not transient stops costing time).
    pub quota: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            throttle_attempts: 12,
            transient_attempts: 3,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
            transient_base: Duration::from_millis(25),
            quota: 500,
        }
    }
}

impl RetryPolicy {
    /// The backoff before throttle retry `n` (1 for the first): full jitter, a uniform draw in
    /// `[0, min(cap, base × 2^(n-1)))`.
    pub fn backoff(&self, n: u32) -> Duration {
        Self::jittered(self.base, n, self.cap)
    }

    /// The backoff before transient retry `n`, as [`RetryPolicy::backoff`] from `transient_base`.
    pub fn transient_backoff(&self, n: u32) -> Duration {
        Self::jittered(self.transient_base, n, self.cap)
    }

    fn jittered(base: Duration, n: u32, cap: Duration) -> Duration {
        let ceiling = base.saturating_mul(1u32 << n.saturating_sub(1).min(20)).min(cap);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// The most throttle answers of one shape the ledger keeps.
const SAMPLES_PER_SHAPE: usize = 2;
/// The most shapes it keeps.
const SHAPES: usize = 8;

/// What the run's retries met, shared by every request of it.
#[derive(Debug, Default)]
pub struct RetryLedger {
    inner: Mutex<LedgerInner>,
}

#[derive(Debug, Default)]
struct LedgerInner {
    counts: RetryCounts,
    quota_spent: u32,
    /// Throttle answers, a few of each shape (status, `__type`, header type, code member).
    throttles: Vec<(String, Vec<(WireRequest, WireResponse)>)>,
}

/// The counts a report shows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RetryCounts {
    /// Requests sent, retries included.
    pub attempts: u64,
    /// Throttle answers met.
    pub throttled: u64,
    /// Transient errors (5xx, broken connections) a retry got past.
    pub transient_retried: u64,
    /// Requests whose transient error every attempt repeated (judged as answers).
    pub transient_repeated: u64,
    /// Requests given up after [`RetryPolicy::throttle_attempts`] throttles.
    pub given_up: u64,
    /// Time spent in backoff, summed over every request.
    pub backoff: Duration,
    /// Time spent waiting for the pacer, summed over every request.
    pub paced: Duration,
}

impl RetryLedger {
    fn lock(&self) -> std::sync::MutexGuard<'_, LedgerInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The counts so far.
    pub fn counts(&self) -> RetryCounts {
        self.lock().counts
    }

    /// The throttle answers kept, a few of each shape.
    pub fn throttle_samples(&self) -> Vec<(WireRequest, WireResponse)> {
        self.lock().throttles.iter().flat_map(|(_, v)| v.iter().cloned()).collect()
    }

    pub(super) fn attempt(&self, paced: Duration) {
        let mut l = self.lock();
        l.counts.attempts += 1;
        l.counts.paced += paced;
    }

    pub(super) fn throttle(&self, req: &WireRequest, resp: &WireResponse) {
        let mut l = self.lock();
        l.counts.throttled += 1;
        let shape = ErrorShape::of(resp);
        let key = format!("{} {:?} {:?} {:?}", resp.status, shape.resolved_type, shape.header_type, shape.code_member);
        let at = l.throttles.iter().position(|(k, _)| *k == key);
        match at {
            Some(i) if l.throttles[i].1.len() < SAMPLES_PER_SHAPE => l.throttles[i].1.push((req.clone(), resp.clone())),
            None if l.throttles.len() < SHAPES => l.throttles.push((key, vec![(req.clone(), resp.clone())])),
            _ => {}
        }
    }

    pub(super) fn backoff(&self, waited: Duration) {
        self.lock().counts.backoff += waited;
    }

    /// Takes `cost` from the retry quota of `policy`; `false` when it is spent.
    pub(super) fn take_quota(&self, policy: &RetryPolicy, cost: u32) -> bool {
        let mut l = self.lock();
        if l.quota_spent + cost > policy.quota {
            return false;
        }
        l.quota_spent += cost;
        true
    }

    /// An answer (not a transient error) that needed no retry gives 1 back to the quota; one
    /// that got past transient errors, what they cost.
    pub(super) fn answered(&self, retried_transient: u32, cost: u32) {
        let mut l = self.lock();
        l.counts.transient_retried += u64::from(retried_transient);
        let back = if retried_transient > 0 { cost } else { 1 };
        l.quota_spent = l.quota_spent.saturating_sub(back);
    }

    pub(super) fn repeated(&self) {
        self.lock().counts.transient_repeated += 1;
    }

    pub(super) fn given_up(&self) {
        self.lock().counts.given_up += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_below_a_doubling_ceiling() {
        let p = RetryPolicy::default();
        for n in 1..30 {
            let ceiling = (p.base * 2u32.pow((n - 1).min(20))).min(p.cap);
            assert!(p.backoff(n) <= ceiling, "retry {n}");
        }
    }

    #[test]
    fn the_quota_runs_out_and_answers_refill_it() {
        let (ledger, p) = (RetryLedger::default(), RetryPolicy { quota: 10, ..RetryPolicy::default() });
        assert!(ledger.take_quota(&p, 5) && ledger.take_quota(&p, 5));
        assert!(!ledger.take_quota(&p, 5));
        ledger.answered(0, 0);
        ledger.answered(0, 0);
        ledger.answered(0, 0);
        ledger.answered(0, 0);
        ledger.answered(0, 0);
        assert!(ledger.take_quota(&p, 5));
    }
}
