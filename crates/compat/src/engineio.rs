//! Engine.IO protocol 4 packets (https://socket.io/docs/v4/engine-io-protocol/): the
//! transport framing under Socket.IO. Text only: the original app sends no binary.

/// One Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Open(String),
    Close,
    Ping(String),
    Pong(String),
    Message(String),
    Upgrade,
    Noop,
}

/// Separates packets in a long-polling payload (ASCII record separator).
pub const SEPARATOR: char = '\u{1e}';

impl Packet {
    pub fn encode(&self) -> String {
        match self {
            Packet::Open(json) => format!("0{json}"),
            Packet::Close => "1".into(),
            Packet::Ping(data) => format!("2{data}"),
            Packet::Pong(data) => format!("3{data}"),
            Packet::Message(data) => format!("4{data}"),
            Packet::Upgrade => "5".into(),
            Packet::Noop => "6".into(),
        }
    }

    pub fn decode(text: &str) -> Result<Packet, String> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or("empty packet")?;
        let data = chars.as_str().to_owned();
        Ok(match kind {
            '0' => Packet::Open(data),
            '1' => Packet::Close,
            '2' => Packet::Ping(data),
            '3' => Packet::Pong(data),
            '4' => Packet::Message(data),
            '5' => Packet::Upgrade,
            '6' => Packet::Noop,
            // Base64 binary over polling: not used by the original app.
            'b' => return Err("binary packets are not supported".into()),
            other => return Err(format!("unknown packet type {other:?}")),
        })
    }
}

/// A polling payload: packets joined by the record separator.
pub fn encode_payload(packets: &[String]) -> String {
    let mut out = String::new();
    for (i, p) in packets.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.push_str(p);
    }
    out
}

pub fn decode_payload(body: &str) -> Result<Vec<Packet>, String> {
    body.split(SEPARATOR).map(Packet::decode).collect()
}

/// The handshake's open packet data.
pub fn open_json(
    sid: &str,
    upgrades: &[&str],
    ping_interval_ms: u64,
    ping_timeout_ms: u64,
    max_payload: usize,
) -> String {
    serde_json::json!({
        "sid": sid,
        "upgrades": upgrades,
        "pingInterval": ping_interval_ms,
        "pingTimeout": ping_timeout_ms,
        "maxPayload": max_payload,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The protocol document's own examples.
    #[test]
    fn packets_as_the_protocol_spells_them() {
        let table = [
            ("4hello", Packet::Message("hello".into())),
            ("2probe", Packet::Ping("probe".into())),
            ("3probe", Packet::Pong("probe".into())),
            ("2", Packet::Ping(String::new())),
            ("5", Packet::Upgrade),
            ("6", Packet::Noop),
            ("1", Packet::Close),
            (r#"0{"sid":"lv_VI97HAXpY6yYWAAAC"}"#, Packet::Open(r#"{"sid":"lv_VI97HAXpY6yYWAAAC"}"#.into())),
        ];
        for (text, packet) in table {
            assert_eq!(Packet::decode(text).unwrap(), packet, "{text}");
            assert_eq!(packet.encode(), text);
        }
        assert!(Packet::decode("").is_err());
        assert!(Packet::decode("9x").is_err());
        assert!(Packet::decode("bAQID").is_err());
    }

    #[test]
    fn polling_payloads_are_joined_by_the_record_separator() {
        let body = "4hello\u{1e}4€\u{1e}2";
        let packets = decode_payload(body).unwrap();
        assert_eq!(
            packets,
            vec![Packet::Message("hello".into()), Packet::Message("€".into()), Packet::Ping(String::new())]
        );
        let encoded: Vec<String> = packets.iter().map(Packet::encode).collect();
        assert_eq!(encode_payload(&encoded), body);
    }
}
