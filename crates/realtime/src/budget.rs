//! A token bucket: what one client may do in a while (joins and presence updates on a
//! socket, the compatibility layer's relays). Shared so that every limit refills alike.

use std::time::Instant;

/// What a socket may do in a while: `burst` at once, then `per_second` (a token bucket).
pub struct Budget {
    tokens: f64,
    burst: f64,
    per_second: f64,
    at: Instant,
}

impl Budget {
    pub fn new(burst: u32, per_second: u32) -> Budget {
        Budget {
            tokens: f64::from(burst),
            burst: f64::from(burst),
            per_second: f64::from(per_second),
            at: Instant::now(),
        }
    }

    pub fn take(&mut self) -> bool {
        let now = Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.at).as_secs_f64() * self.per_second).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return true;
        }
        false
    }
}
