//! Which web pages may use this server from a browser: the one rule behind CORS answers,
//! `/ws` upgrades and every Socket.IO request.
//!
//! A browser opens a WebSocket (or sends a Socket.IO polling request) to any address a
//! page names, with the user's network position, and the server is the only one that can
//! refuse: CORS does not apply to WebSockets. So a request that carries `Origin` is served
//! only for the server's own pages (same host), the configured origins, or any page when
//! the operator opens it up. A request without `Origin` comes from no browser page (a
//! native client, a script, a test), which the page of another site cannot send.

/// The configured rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// `scheme://host[:port]`, compared without a trailing slash.
    allowed: Vec<String>,
    /// Every page may: a public server with tokens, or a lab that wants it.
    any: bool,
}

impl OriginPolicy {
    pub fn new(allowed: &[String], any: bool) -> OriginPolicy {
        let allowed = allowed.iter().map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()).collect();
        OriginPolicy { allowed, any }
    }

    /// May a request with this `Origin` header (if any), sent to `host` (its `Host`
    /// header), be served?
    pub fn allows(&self, origin: Option<&str>, host: Option<&str>) -> bool {
        let Some(origin) = origin else { return true };
        if self.any {
            return true;
        }
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        let same_host = match (origin.split_once("://"), host) {
            (Some((_, rest)), Some(host)) => !host.is_empty() && rest == host.to_ascii_lowercase(),
            _ => false,
        };
        same_host || self.allowed.contains(&origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_as_a_table() {
        let listed = OriginPolicy::new(&["https://plan.example/".into()], false);
        let open = OriginPolicy::new(&[], true);
        let closed = OriginPolicy::default();
        let host = Some("prodsync.local:3010");
        let cases = [
            // (policy, Origin, allowed)
            (&closed, None, true),
            (&closed, Some("http://prodsync.local:3010"), true),
            (&closed, Some("HTTP://ProdSync.local:3010"), true),
            (&closed, Some("https://evil.example"), false),
            (&closed, Some("null"), false),
            (&closed, Some("http://prodsync.local:3011"), false),
            (&closed, Some("http://prodsync.local:3010.evil.example"), false),
            (&listed, Some("https://plan.example"), true),
            (&listed, Some("https://plan.example.evil.example"), false),
            (&listed, Some("http://plan.example"), false),
            (&listed, Some("https://evil.example"), false),
            (&open, Some("https://evil.example"), true),
            (&open, None, true),
        ];
        for (policy, origin, want) in cases {
            assert_eq!(policy.allows(origin, host), want, "{policy:?} {origin:?}");
        }
        assert!(!closed.allows(Some("http://prodsync.local:3010"), None), "no Host, no same origin");
    }
}
