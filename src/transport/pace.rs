//! The rate the harness keeps: a token bucket every request of the run passes (probe, discovery,
//! cases, walks, generated requests, retries), and adaptive pacing that lowers its rate when the
//! endpoint throttles and raises it again, as the AWS SDKs' adaptive retry mode does.
//!
//! The algorithm is botocore's and the AWS Rust SDK's `ClientRateLimiter` (CUBIC: on a throttle
//! the rate drops to 0.7 × the rate measured when it came; then it grows back along a cubic that
//! regains the old rate after `K = ∛(rate × 0.3 / 0.4)` seconds and probes above it). It is
//! ported, not called: the Rust SDK exposes only that limiter's builder (acquiring and updating
//! are crate-private), and `governor`'s quota is fixed when the limiter is built. Three changes:
//! a ceiling (`--rate`) the adaptive rate never passes; the send rate measured from the first
//! request (the SDKs' half-second buckets read 0 until one has passed, which after an early
//! throttle drops the rate to its floor of 0.5/s); and a lone throttle does not cut the rate.
//!
//! Why the third: a rate limiter that is passed throttles a share of the answers that grows with
//! the excess ((rate − limit) / rate), so throttles come in runs. An endpoint that sheds a small
//! share of requests whatever the rate (a chaos layer, a flaky fake, the reference's
//! `throttle-type-header-only` fault, one in twenty) throttles one answer now and then; cutting
//! by 0.3 on each of them, before the cubic has regained the rate, walked the rate down to a
//! few requests a second (1,870 requests: 199 s instead of 6). So a throttle cuts only when
//! another one came among the last [`RECENT`] answers: a limiter passed by more than about
//! 1 / [`RECENT`] still is cut at its second throttle; one passed by less keeps a few throttles
//! that the retries absorb.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The smallest fill rate (requests a second) adaptive pacing goes down to.
const MIN_FILL_RATE: f64 = 0.5;
/// The smallest bucket.
const MIN_CAPACITY: f64 = 1.0;
/// Weight of the newest half-second in the measured send rate.
const SMOOTH: f64 = 0.8;
/// The rate kept after a throttle, as a share of the rate that met it.
const BETA: f64 = 0.7;
/// The cubic's scale.
const SCALE_CONSTANT: f64 = 0.4;
/// How many of the latest answers a throttle needs a companion among to cut the rate.
pub const RECENT: u32 = 16;

/// How the run is paced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacingOptions {
    /// The most requests a second (`--rate`); `None`: no limit until the endpoint throttles.
    pub ceiling: Option<f64>,
    /// Whether a throttle lowers the rate (and success raises it back toward the ceiling).
    pub adaptive: bool,
}

impl Default for PacingOptions {
    fn default() -> Self {
        PacingOptions { ceiling: None, adaptive: true }
    }
}

/// The pacing state, shared by every request of a run.
#[derive(Debug)]
pub struct Pacer {
    options: PacingOptions,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Whether requests wait for tokens: from the start with a ceiling, else after a throttle.
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
    /// The smoothed send rate, requests a second.
    measured_rate: f64,
    /// When the current measuring bucket began, and how many requests it holds.
    bucket_start: Option<f64>,
    bucket_count: u64,
    /// Whether a measuring bucket has closed yet.
    bucket_closed: bool,
    /// The rate when the last throttle came, and when.
    last_max_rate: f64,
    last_throttle: f64,
    /// Whether any throttle cut the rate yet (before one, a ceiling is kept as it is).
    throttled_once: bool,
    /// The latest answers, newest in the lowest bit: 1 for a throttle.
    recent: u32,
    /// The moment times are measured from.
    origin: Instant,
}

impl Pacer {
    /// A pacer with `options`; with a ceiling the bucket is on from the first request.
    pub fn new(options: PacingOptions) -> Pacer {
        let rate = options.ceiling.unwrap_or(0.0);
        let state = State {
            enabled: options.ceiling.is_some(),
            fill_rate: rate.max(MIN_FILL_RATE),
            max_capacity: rate.max(MIN_CAPACITY),
            capacity: rate.max(MIN_CAPACITY),
            last_refill: None,
            measured_rate: 0.0,
            bucket_start: None,
            bucket_count: 0,
            bucket_closed: false,
            last_max_rate: rate,
            last_throttle: 0.0,
            throttled_once: false,
            recent: 0,
            origin: Instant::now(),
        };
        Pacer { options, state: Mutex::new(state) }
    }

    /// The options it was made with.
    pub fn options(&self) -> PacingOptions {
        self.options
    }

    /// Waits until a request may be sent; returns how long it waited.
    pub async fn acquire(&self) -> Duration {
        let mut waited = Duration::ZERO;
        loop {
            let wait = self.lock().try_take();
            match wait {
                None => return waited,
                Some(d) => {
                    tokio::time::sleep(d).await;
                    waited += d;
                }
            }
        }
    }

    /// Tells the pacer what came back: a throttle lowers the rate, anything else lets it grow.
    pub fn update(&self, throttled: bool) {
        let adaptive = self.options.adaptive;
        let ceiling = self.options.ceiling;
        self.lock().update(throttled, adaptive, ceiling);
    }

    /// The rate requests are held to now (requests a second), or `None` while nothing limits it.
    pub fn rate(&self) -> Option<f64> {
        let s = self.lock();
        s.enabled.then_some(s.fill_rate)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    /// Takes a token, or says how long to wait for one.
    fn try_take(&mut self) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let now = self.now();
        self.refill(now);
        if self.capacity >= 1.0 {
            self.capacity -= 1.0;
            return None;
        }
        let wait = Duration::from_secs_f64((1.0 - self.capacity) / self.fill_rate);
        if wait.is_zero() {
            // A sub-nanosecond shortfall: waiting 0 would never refill.
            self.capacity = 0.0;
            return None;
        }
        Some(wait)
    }

    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_refill {
            self.capacity = (self.capacity + (now - last) * self.fill_rate).min(self.max_capacity);
        }
        self.last_refill = Some(now);
    }

    fn update(&mut self, throttled: bool, adaptive: bool, ceiling: Option<f64>) {
        let now = self.now();
        self.measure(now);
        if !adaptive || self.lone_throttle(throttled) {
            return;
        }
        let rate = if throttled {
            let at = if self.enabled { self.measured_rate.min(self.fill_rate) } else { self.measured_rate };
            self.last_max_rate = at;
            self.last_throttle = now;
            self.throttled_once = true;
            self.enabled = true;
            at * BETA
        } else if self.throttled_once {
            let window = (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt();
            let dt = now - self.last_throttle - window;
            SCALE_CONSTANT * dt.powi(3) + self.last_max_rate
        } else {
            return;
        };
        let rate = rate.min(2.0 * self.measured_rate).min(ceiling.unwrap_or(f64::INFINITY));
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(MIN_CAPACITY);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    /// Records an answer; whether it is a throttle with no other among the last [`RECENT`].
    fn lone_throttle(&mut self, throttled: bool) -> bool {
        let window = (1u32 << RECENT) - 1;
        self.recent = ((self.recent << 1) | u32::from(throttled)) & window;
        throttled && self.recent.count_ones() < 2
    }

    /// The send rate, smoothed over half-second buckets; the first bucket counts from the first
    /// answer, so a throttle in the first half-second sees the real rate, not 0.
    fn measure(&mut self, now: f64) {
        let start = *self.bucket_start.get_or_insert(now);
        self.bucket_count += 1;
        let span = now - start;
        if !self.bucket_closed && span > 0.0 {
            // Until the first half-second has passed, the rate so far.
            self.measured_rate = self.bucket_count as f64 / span.max(0.05);
        }
        if span >= 0.5 {
            let current = self.bucket_count as f64 / span;
            self.measured_rate = current * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.bucket_count = 0;
            self.bucket_start = Some(now);
            self.bucket_closed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pacer's state whose measured rate the test sets (no first half-second estimate).
    fn state(ceiling: Option<f64>) -> State {
        let mut s = Pacer::new(PacingOptions { ceiling, adaptive: true }).state.into_inner().unwrap();
        s.bucket_closed = true;
        s
    }

    impl State {
        /// Records `n` unthrottled answers without adapting to them.
        fn adaptive_quiet(&mut self, n: u32) {
            for _ in 0..n {
                self.lone_throttle(false);
            }
        }
    }

    #[test]
    fn a_throttle_lowers_the_rate_and_success_raises_it_to_the_ceiling() {
        let mut s = state(Some(100.0));
        s.measured_rate = 80.0;
        s.recent = 1; // a throttle a moment ago: this one is not alone
        s.update(true, true, Some(100.0));
        assert!((s.fill_rate - 56.0).abs() < 1.0, "0.7 × the measured rate: {}", s.fill_rate);
        s.measured_rate = 56.0;
        s.last_throttle -= 20.0; // twenty seconds of answers later
        s.update(false, true, Some(100.0));
        assert!((s.fill_rate - 100.0).abs() < 1e-9, "grown back, held at the ceiling: {}", s.fill_rate);
    }

    #[test]
    fn without_a_ceiling_nothing_waits_until_a_throttle() {
        let mut s = state(None);
        assert_eq!(s.try_take(), None);
        s.update(false, true, None);
        assert_eq!(s.try_take(), None);
        assert!(!s.enabled);
        s.measured_rate = 10.0;
        s.recent = 1;
        s.update(true, true, None);
        assert!(s.enabled);
        assert!(s.fill_rate >= MIN_FILL_RATE && s.fill_rate <= 7.0 + 1e-9, "{}", s.fill_rate);
        // The bucket drains, then a request waits about one token's time.
        while s.try_take().is_none() {}
        let wait = s.try_take().unwrap();
        assert!(wait <= Duration::from_secs_f64(1.0 / s.fill_rate) + Duration::from_millis(1), "{wait:?}");
    }

    #[test]
    fn the_first_half_second_is_measured_as_it_goes() {
        let mut s = Pacer::new(PacingOptions::default()).state.into_inner().unwrap();
        s.origin -= Duration::from_millis(200);
        s.bucket_start = Some(0.0);
        s.bucket_count = 99;
        s.measure(0.2);
        assert!((s.measured_rate - 500.0).abs() < 1e-6, "100 answers in 0.2 s: {}", s.measured_rate);
    }

    #[test]
    fn without_adaptive_pacing_a_throttle_changes_nothing() {
        let mut s = state(Some(5.0));
        s.measured_rate = 5.0;
        s.update(true, false, Some(5.0));
        assert_eq!(s.fill_rate, 5.0);
    }

    #[test]
    fn a_lone_throttle_now_and_then_keeps_the_rate_and_a_run_of_them_cuts_it() {
        let mut s = state(Some(100.0));
        s.measured_rate = 100.0;
        // One answer in twenty throttled, whatever the rate: never a cut (the last, 17 ago).
        for n in 1..=217 {
            s.update(n % 20 == 0, true, Some(100.0));
        }
        assert_eq!(s.fill_rate, 100.0, "a lone throttle cut the rate");
        assert!(!s.throttled_once);
        // Two within the window, as a passed limiter sends them: the second cuts.
        s.update(true, true, Some(100.0));
        assert_eq!(s.fill_rate, 100.0, "the first of the run is alone yet");
        s.update(false, true, Some(100.0));
        s.update(true, true, Some(100.0));
        assert!(s.fill_rate < 100.0 * BETA + 1e-9, "the second did not cut: {}", s.fill_rate);
        // The window forgets: sixteen answers later a throttle is alone again.
        let cut = s.fill_rate;
        s.last_throttle = s.now(); // (keep the cubic from moving the rate meanwhile)
        s.adaptive_quiet(RECENT);
        s.update(true, true, Some(100.0));
        assert!((s.fill_rate - cut).abs() < 1.0, "{} after {cut}", s.fill_rate);
    }
}
