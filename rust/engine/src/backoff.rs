//! Retry delays after a conflict: exponential with jitter, so that
//! transactions that collided do not collide again in lockstep.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BackoffPolicy {
    pub base_ms: f64,
    pub max_ms: f64,
}

impl Default for BackoffPolicy {
    fn default() -> BackoffPolicy {
        BackoffPolicy {
            base_ms: 1.0,
            max_ms: 100.0,
        }
    }
}

/// The policy plus its random source. The seed comes from the host (wasm has
/// no entropy of its own); xorshift is plenty for jitter.
#[derive(Debug)]
pub struct Backoff {
    policy: BackoffPolicy,
    state: u64,
}

impl Backoff {
    pub fn new(policy: BackoffPolicy, seed: u64) -> Backoff {
        Backoff {
            policy,
            state: seed | 1,
        }
    }

    /// The delay before attempt `conflicts + 1`: the cap doubles with each
    /// conflict up to `max_ms`, and the delay is drawn from [cap/2, cap].
    pub fn delay_ms(&mut self, conflicts: u32) -> f64 {
        let cap =
            (self.policy.base_ms * 2f64.powi(conflicts.min(60) as i32)).min(self.policy.max_ms);
        cap * (0.5 + 0.5 * self.next_unit())
    }

    fn next_unit(&mut self) -> f64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter() {
        let mut b = Backoff::new(
            BackoffPolicy {
                base_ms: 2.0,
                max_ms: 20.0,
            },
            42,
        );
        for (conflicts, cap) in [
            (0, 2.0),
            (1, 4.0),
            (2, 8.0),
            (3, 16.0),
            (4, 20.0),
            (30, 20.0),
            (500, 20.0),
        ] {
            for _ in 0..50 {
                let d = b.delay_ms(conflicts);
                assert!(
                    d >= cap / 2.0 && d <= cap,
                    "{conflicts}: {d} outside [{}, {cap}]",
                    cap / 2.0
                );
            }
        }
    }

    #[test]
    fn jitter_varies() {
        let mut b = Backoff::new(BackoffPolicy::default(), 7);
        let draws: Vec<f64> = (0..20).map(|_| b.delay_ms(5)).collect();
        assert!(draws.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn zero_base_means_no_delay() {
        let mut b = Backoff::new(
            BackoffPolicy {
                base_ms: 0.0,
                max_ms: 0.0,
            },
            1,
        );
        assert_eq!(b.delay_ms(3), 0.0);
    }
}
