//! The frames on the wire: `{"event": "<name>", "data": <payload>}` both ways.

use bytestring::ByteString;
use prodsync_domain::presence::{parse_focus, Focus};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// Close codes (4000-4999 are the application's).
pub mod close_codes {
    /// The socket fell too far behind; rejoin with `since` = the last seq you processed.
    pub const RESYNC: u16 = 4001;
    /// No frame (not even a pong) within the client timeout.
    pub const TIMEOUT: u16 = 4002;
    /// RFC 6455: a frame larger than the server accepts.
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// RFC 6455 "service restart": this instance is shutting down; reconnect (to another
    /// instance) and rejoin with `since`.
    pub const SERVICE_RESTART: u16 = 1012;
}

/// What a client may send.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientFrame {
    JoinProduction { production_id: Uuid, since: Option<i64> },
    LeaveProduction { production_id: Uuid },
    JoinProductionList,
    LeaveProductionList,
    PresenceUpdate { production_id: Uuid, focus: Option<Focus> },
}

/// Why a client frame was refused; the socket stays usable.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameError {
    pub code: &'static str,
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> FrameError {
    FrameError { code, message: message.into() }
}

#[derive(Deserialize)]
struct Envelope {
    event: Value,
    #[serde(default)]
    data: Value,
}

pub fn parse(text: &str) -> Result<ClientFrame, FrameError> {
    let env: Envelope = serde_json::from_str(text)
        .map_err(|e| err("invalid_json", format!("frames are JSON objects {{\"event\", \"data\"}}: {e}")))?;
    let Some(event) = env.event.as_str() else {
        return Err(err("invalid_payload", "event must be a string"));
    };
    match event {
        "join-production" => Ok(ClientFrame::JoinProduction {
            production_id: production_id(&env.data)?,
            since: since(&env.data)?,
        }),
        "leave-production" => Ok(ClientFrame::LeaveProduction { production_id: production_id(&env.data)? }),
        "presence:update" => Ok(ClientFrame::PresenceUpdate {
            production_id: production_id(&env.data)?,
            focus: parse_focus(env.data.get("focus").unwrap_or(&Value::Null))
                .map_err(|m| err("invalid_payload", m))?,
        }),
        "join-production-list" => Ok(ClientFrame::JoinProductionList),
        "leave-production-list" => Ok(ClientFrame::LeaveProductionList),
        other => Err(err(
            "unknown_event",
            format!(
                "unknown event {other:?}; expected join-production, leave-production, presence:update, \
                 join-production-list or leave-production-list"
            ),
        )),
    }
}

fn production_id(data: &Value) -> Result<Uuid, FrameError> {
    match data.get("productionId") {
        Some(Value::String(s)) => Uuid::parse_str(s)
            .map_err(|_| err("invalid_payload", format!("productionId must be a UUID, got {s:?}"))),
        Some(other) => {
            Err(err("invalid_payload", format!("productionId must be a UUID string, got {other}")))
        }
        None => Err(err("invalid_payload", "data.productionId is required")),
    }
}

fn since(data: &Value) -> Result<Option<i64>, FrameError> {
    match data.get("since") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if n >= 0 => Ok(Some(n)),
            _ => {
                Err(err("invalid_payload", format!("since must be a non-negative integer (a seq), got {v}")))
            }
        },
    }
}

pub fn frame(event: &str, data: Value) -> ByteString {
    ByteString::from(json!({"event": event, "data": data}).to_string())
}

pub fn error_frame(e: &FrameError, production_id: Option<Uuid>) -> ByteString {
    frame("error", json!({"error": e.code, "message": e.message, "productionId": production_id}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_joins_and_names_what_is_wrong() {
        let id = Uuid::new_v4();
        let ok =
            parse(&format!(r#"{{"event":"join-production","data":{{"productionId":"{id}","since":4}}}}"#));
        assert_eq!(ok, Ok(ClientFrame::JoinProduction { production_id: id, since: Some(4) }));
        assert_eq!(parse("nope").unwrap_err().code, "invalid_json");
        assert_eq!(parse(r#"{"event":"dance"}"#).unwrap_err().code, "unknown_event");
        let bad = parse(r#"{"event":"join-production","data":{"productionId":7}}"#).unwrap_err();
        assert!(bad.message.contains("productionId"), "{}", bad.message);
        let bad =
            parse(&format!(r#"{{"event":"join-production","data":{{"productionId":"{id}","since":"x"}}}}"#));
        assert!(bad.unwrap_err().message.contains("since"));
        assert_eq!(parse(r#"{"event":"join-production-list"}"#), Ok(ClientFrame::JoinProductionList));
    }
}
