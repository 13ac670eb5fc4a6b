//! Socket.IO protocol 5 packets (https://socket.io/docs/v4/socket-io-protocol/), carried
//! in Engine.IO messages: `<type>[<namespace>,][<ack id>][<JSON>]`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Connect,
    Disconnect,
    Event,
    Ack,
    ConnectError,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    pub kind: Kind,
    /// "/" for the main namespace.
    pub namespace: String,
    pub ack: Option<u64>,
    pub data: Option<Value>,
}

impl Packet {
    pub fn event(namespace: &str, name: &str, data: Value) -> Packet {
        Packet {
            kind: Kind::Event,
            namespace: namespace.into(),
            ack: None,
            data: Some(Value::Array(vec![Value::from(name), data])),
        }
    }

    pub fn encode(&self) -> String {
        let mut out = String::from(match self.kind {
            Kind::Connect => "0",
            Kind::Disconnect => "1",
            Kind::Event => "2",
            Kind::Ack => "3",
            Kind::ConnectError => "4",
        });
        if self.namespace != "/" {
            out.push_str(&self.namespace);
            out.push(',');
        }
        if let Some(id) = self.ack {
            out.push_str(&id.to_string());
        }
        if let Some(data) = &self.data {
            out.push_str(&data.to_string());
        }
        out
    }

    pub fn decode(text: &str) -> Result<Packet, String> {
        let mut rest = text;
        let kind = match rest.chars().next() {
            Some('0') => Kind::Connect,
            Some('1') => Kind::Disconnect,
            Some('2') => Kind::Event,
            Some('3') => Kind::Ack,
            Some('4') => Kind::ConnectError,
            Some('5' | '6') => return Err("binary packets are not supported".into()),
            _ => return Err(format!("not a Socket.IO packet: {text:?}")),
        };
        rest = &rest[1..];
        let mut namespace = "/".to_owned();
        if rest.starts_with('/') {
            let end = rest.find(',').unwrap_or(rest.len());
            namespace = rest[..end].to_owned();
            rest = rest.get(end + 1..).unwrap_or("");
        }
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let ack = if digits > 0 {
            Some(rest[..digits].parse::<u64>().map_err(|e| format!("ack id: {e}"))?)
        } else {
            None
        };
        rest = &rest[digits..];
        let data = if rest.is_empty() {
            None
        } else {
            Some(serde_json::from_str(rest).map_err(|e| format!("packet data is not JSON: {e}"))?)
        };
        if kind == Kind::Event
            && !data
                .as_ref()
                .and_then(Value::as_array)
                .is_some_and(|a| a.first().is_some_and(Value::is_string))
        {
            return Err("an event's data must be an array starting with its name".into());
        }
        Ok(Packet { kind, namespace, ack, data })
    }

    /// An event's name and first argument.
    pub fn event_parts(&self) -> Option<(&str, &Value)> {
        let items = self.data.as_ref()?.as_array()?;
        let name = items.first()?.as_str()?;
        Some((name, items.get(1).unwrap_or(&Value::Null)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The protocol document's examples.
    #[test]
    fn packets_as_the_protocol_spells_them() {
        let table = [
            ("0", Packet { kind: Kind::Connect, namespace: "/".into(), ack: None, data: None }),
            (
                r#"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#,
                Packet {
                    kind: Kind::Connect,
                    namespace: "/admin".into(),
                    ack: None,
                    data: Some(json!({"sid": "oSO0OpakMV_3jnilAAAA"})),
                },
            ),
            (
                r#"2["foo"]"#,
                Packet { kind: Kind::Event, namespace: "/".into(), ack: None, data: Some(json!(["foo"])) },
            ),
            (
                r#"2/admin,456["project:delete",123]"#,
                Packet {
                    kind: Kind::Event,
                    namespace: "/admin".into(),
                    ack: Some(456),
                    data: Some(json!(["project:delete", 123])),
                },
            ),
            (
                r#"3/admin,456[]"#,
                Packet { kind: Kind::Ack, namespace: "/admin".into(), ack: Some(456), data: Some(json!([])) },
            ),
            (
                "1/admin,",
                Packet { kind: Kind::Disconnect, namespace: "/admin".into(), ack: None, data: None },
            ),
            (
                r#"4{"message":"Not authorized"}"#,
                Packet {
                    kind: Kind::ConnectError,
                    namespace: "/".into(),
                    ack: None,
                    data: Some(json!({"message": "Not authorized"})),
                },
            ),
        ];
        for (text, packet) in table {
            assert_eq!(Packet::decode(text).unwrap(), packet, "{text}");
            assert_eq!(packet.encode(), text);
        }
    }

    #[test]
    fn malformed_packets_are_refused() {
        for bad in ["", "9", "2", "2{}", "2[1]", "2[\"x\"", "51-[\"x\",{\"_placeholder\":true,\"num\":0}]"] {
            assert!(Packet::decode(bad).is_err(), "{bad:?}");
        }
    }
}
