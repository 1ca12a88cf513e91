//! When to try a lost connection again: exponential backoff with full
//! jitter, reset after a healthy spell, and a deadline after which the
//! outage is reported (the roadmap's numbers are the defaults). Shared by
//! every network handler.

use std::time::{Duration, Instant};

/// The reconnection policy of a network handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry waits up to this long (default 100 ms).
    pub base: Duration,
    /// No retry waits longer (default 10 s).
    pub cap: Duration,
    /// A connection healthy this long starts the next outage from `base`
    /// again (default 30 s).
    pub reset_after: Duration,
    /// An outage this long is reported as an error and what was held for
    /// it is dropped (default 2 minutes). Retries go on after it.
    pub deadline: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(10),
            reset_after: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
        }
    }
}

impl Backoff {
    /// Checks that the numbers make a schedule: `base` above zero and not
    /// above `cap`.
    pub fn validate(&self) -> Result<(), String> {
        if self.base.is_zero() {
            return Err("backoff_base must be above zero".into());
        }
        if self.base > self.cap {
            return Err(format!(
                "backoff_base ({:?}) is above backoff_cap ({:?})",
                self.base, self.cap
            ));
        }
        Ok(())
    }

    /// The longest wait before retry `attempt` (0-based): `base * 2^attempt`,
    /// at most `cap`. The wait itself is drawn from `0..=` this.
    pub fn interval(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// One handler's state under its [`Backoff`] policy.
#[derive(Debug)]
pub(crate) struct Retry {
    policy: Backoff,
    /// Failed attempts since the last reset.
    attempt: u32,
    /// When the current outage began.
    outage_since: Option<Instant>,
    /// When the current connection was made.
    connected_at: Option<Instant>,
    /// No attempt before this.
    next_attempt: Option<Instant>,
    /// Whether this outage passed its deadline.
    past_deadline: bool,
    rng: fastrand::Rng,
}

impl Retry {
    pub(crate) fn new(policy: Backoff) -> Self {
        Retry {
            policy,
            attempt: 0,
            outage_since: None,
            connected_at: None,
            next_attempt: None,
            past_deadline: false,
            rng: fastrand::Rng::new(),
        }
    }

    /// Whether an attempt may be made at `now`.
    pub(crate) fn may_try(&self, now: Instant) -> bool {
        self.next_attempt.is_none_or(|at| at <= now)
    }

    /// When the next attempt may be made, while waiting for one.
    pub(crate) fn next_attempt(&self) -> Option<Instant> {
        self.next_attempt
    }

    /// An attempt (or a connection) failed at `now`: returns the wait
    /// drawn for the next attempt.
    pub(crate) fn failed(&mut self, now: Instant) -> Duration {
        self.connected_at = None;
        self.outage_since.get_or_insert(now);
        let ceiling = self.policy.interval(self.attempt);
        self.attempt = self.attempt.saturating_add(1);
        let wait = Duration::from_nanos(
            self.rng
                .u64(0..=u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX)),
        );
        self.next_attempt = Some(now + wait);
        wait
    }

    /// An attempt failed at `now` and the other end said when to try
    /// again (HTTP's `Retry-After`): that wait, not a drawn one. The
    /// attempt count still grows, for the waits that follow.
    pub(crate) fn failed_until(&mut self, now: Instant, wait: Duration) {
        self.failed(now);
        self.next_attempt = Some(now + wait);
    }

    /// A connection was made at `now`: returns how long the outage that
    /// ended lasted, if there was one. The attempt count is kept until the
    /// connection has been healthy for `reset_after` (see [`Self::healthy`]).
    pub(crate) fn connected(&mut self, now: Instant) -> Option<Duration> {
        self.connected_at = Some(now);
        self.next_attempt = None;
        self.past_deadline = false;
        self.outage_since.take().map(|since| now - since)
    }

    /// Writes succeeded at `now`: after `reset_after` of them on one
    /// connection, the next outage starts from `base` again.
    pub(crate) fn healthy(&mut self, now: Instant) {
        if self
            .connected_at
            .is_some_and(|at| now.duration_since(at) >= self.policy.reset_after)
        {
            self.attempt = 0;
        }
    }

    /// Whether the current outage has just passed its deadline (true once
    /// per outage).
    pub(crate) fn passed_deadline(&mut self, now: Instant) -> bool {
        let Some(since) = self.outage_since else {
            return false;
        };
        if self.past_deadline || now.duration_since(since) < self.policy.deadline {
            return false;
        }
        self.past_deadline = true;
        true
    }

    /// Whether an outage is under way (an attempt failed and none has
    /// succeeded since).
    pub(crate) fn in_outage(&self) -> bool {
        self.outage_since.is_some()
    }

    /// Whether the current outage is past its deadline.
    pub(crate) fn is_past_deadline(&self) -> bool {
        self.past_deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    fn defaults_are_the_roadmaps() {
        let policy = Backoff::default();
        assert_eq!(policy.base, Duration::from_millis(100));
        assert_eq!(policy.cap, Duration::from_secs(10));
        assert_eq!(policy.reset_after, Duration::from_secs(30));
        assert_eq!(policy.deadline, Duration::from_secs(120));
    }

    #[rstest]
    #[case(0, 100)]
    #[case(1, 200)]
    #[case(6, 6_400)]
    #[case(7, 10_000)]
    #[case(40, 10_000)]
    fn interval_doubles_up_to_the_cap(#[case] attempt: u32, #[case] millis: u64) {
        assert_eq!(
            Backoff::default().interval(attempt),
            Duration::from_millis(millis)
        );
    }

    #[rstest]
    fn waits_are_full_jitter_under_the_interval() {
        let policy = Backoff::default();
        let mut retry = Retry::new(policy);
        let now = Instant::now();
        let mut waits = Vec::new();
        for attempt in 0..2_000 {
            let wait = retry.failed(now);
            assert!(wait <= policy.interval(attempt), "{attempt}: {wait:?}");
            waits.push(wait);
        }
        // Full jitter spreads waits over the whole range: at the cap, about
        // half fall below cap/2.
        let capped = &waits[100..];
        let low = capped.iter().filter(|w| **w < policy.cap / 2).count();
        assert!(
            (capped.len() * 4 / 10..capped.len() * 6 / 10).contains(&low),
            "{low} of {} below cap/2",
            capped.len()
        );
    }

    #[rstest]
    fn reset_needs_a_healthy_spell() {
        let policy = Backoff::default();
        let mut retry = Retry::new(policy);
        let t0 = Instant::now();
        for _ in 0..5 {
            retry.failed(t0);
        }
        assert_eq!(
            retry.connected(t0 + Duration::from_secs(1)),
            Some(Duration::from_secs(1))
        );
        retry.healthy(t0 + Duration::from_secs(10));
        assert!(retry.failed(t0 + Duration::from_secs(11)) <= policy.interval(5));
        retry.connected(t0 + Duration::from_secs(12));
        retry.healthy(t0 + Duration::from_secs(43));
        assert!(retry.failed(t0 + Duration::from_secs(44)) <= policy.base);
    }

    #[rstest]
    fn the_deadline_passes_once_per_outage() {
        let mut retry = Retry::new(Backoff::default());
        let t0 = Instant::now();
        retry.failed(t0);
        assert!(!retry.passed_deadline(t0 + Duration::from_secs(119)));
        assert!(retry.passed_deadline(t0 + Duration::from_secs(121)));
        assert!(!retry.passed_deadline(t0 + Duration::from_secs(122)));
        assert!(retry.is_past_deadline());
        retry.connected(t0 + Duration::from_secs(130));
        assert!(!retry.is_past_deadline());
    }

    #[rstest]
    #[case(Duration::ZERO, Duration::from_secs(1))]
    #[case(Duration::from_secs(2), Duration::from_secs(1))]
    fn bad_policies_are_refused(#[case] base: Duration, #[case] cap: Duration) {
        let policy = Backoff {
            base,
            cap,
            ..Backoff::default()
        };
        assert!(policy.validate().is_err());
    }
}
