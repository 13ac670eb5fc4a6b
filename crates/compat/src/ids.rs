//! The original app's production ids (`prod_<ms>_<random>`, or whatever a client chose)
//! and our UUIDs, both ways, with nothing to look up: the UUID is a version-5 UUID of the
//! original id (the same on every server and after every restart), and the original id
//! is kept as the production's `displayId`.

use uuid::Uuid;

/// Fixed for ever: changing it would move every production made through this layer.
const NAMESPACE: Uuid = Uuid::from_u128(0x8c0f_6a2e_51d4_4b8e_9d3a_7e25_c1f0_4b66);

/// Our id for an original production id. A UUID stays itself, so productions made
/// through our own API are reachable too.
pub fn production_uuid(original: &str) -> Uuid {
    Uuid::parse_str(original).unwrap_or_else(|_| Uuid::new_v5(&NAMESPACE, original.as_bytes()))
}

/// The original id to show for a production: its display id, or our UUID.
pub fn production_original(id: Uuid, display_id: Option<&str>) -> String {
    display_id.map_or_else(|| id.to_string(), str::to_owned)
}

/// A new id in the original's form, for a create that did not bring one.
pub fn new_production_id(now_ms: u128, random: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut r = random;
    let suffix: String = (0..9)
        .map(|_| {
            let c = DIGITS[(r % 36) as usize] as char;
            r /= 36;
            c
        })
        .collect();
    format!("prod_{now_ms}_{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_both_ways_and_stably() {
        let a = production_uuid("prod_1738000000000_abc123xyz");
        assert_eq!(a, production_uuid("prod_1738000000000_abc123xyz"), "deterministic");
        assert_ne!(a, production_uuid("prod_1738000000000_abc123xyw"));
        assert_eq!(a.get_version_num(), 5);
        let ours = Uuid::new_v4();
        assert_eq!(production_uuid(&ours.to_string()), ours);
        assert_eq!(
            production_original(a, Some("prod_1738000000000_abc123xyz")),
            "prod_1738000000000_abc123xyz"
        );
        assert_eq!(production_original(ours, None), ours.to_string());
        let fresh = new_production_id(1_738_000_000_000, 123_456_789);
        assert!(fresh.starts_with("prod_1738000000000_") && fresh.len() == "prod_1738000000000_".len() + 9);
    }
}
