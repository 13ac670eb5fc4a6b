//! A WebSocket test client speaking the server's frames.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{client_async, WebSocketStream};

pub struct WsClient {
    pub socket: WebSocketStream<TcpStream>,
    /// Off by default: `presence:*` frames are passed over, so tests of other things need
    /// not care who else is in the room. Presence tests turn it on.
    pub see_presence: bool,
    /// The `presence:state` of the last join, when `see_presence` is on.
    pub presence_state: Option<Value>,
}

/// What reading produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    Frame(Value),
    Closed { code: u16, reason: String },
    Timeout,
}

impl WsClient {
    pub async fn connect(url: &str) -> WsClient {
        Self::connect_with_buffer(url, None).await
    }

    /// The upgrade's HTTP status when the server refuses it.
    pub async fn try_connect(url: &str) -> Result<WsClient, u16> {
        let addr = url.trim_start_matches("ws://").split('/').next().expect("host:port").to_owned();
        let stream = TcpStream::connect(addr).await.expect("tcp connect");
        match client_async(url, stream).await {
            Ok((socket, _)) => {
                let mut c = WsClient { socket, see_presence: false, presence_state: None };
                let status = c.expect_event("connection-status").await;
                assert_eq!(status["status"], "connected");
                Ok(c)
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("websocket handshake failed without an HTTP answer: {e}"),
        }
    }

    /// With a small receive buffer, a client that stops reading pushes back on the server
    /// after a few frames rather than after megabytes.
    pub async fn connect_with_buffer(url: &str, recv_buffer: Option<u32>) -> WsClient {
        let addr = url.trim_start_matches("ws://").split('/').next().expect("host:port").to_owned();
        let socket = TcpSocket::new_v4().expect("socket");
        if let Some(size) = recv_buffer {
            socket.set_recv_buffer_size(size).expect("SO_RCVBUF");
        }
        let stream = socket.connect(addr.parse().expect("addr")).await.expect("tcp connect");
        let (socket, _) = client_async(url, stream).await.expect("websocket handshake");
        let mut c = WsClient { socket, see_presence: false, presence_state: None };
        let status = c.expect_event("connection-status").await;
        assert_eq!(status["status"], "connected");
        c
    }

    pub async fn send(&mut self, event: &str, data: Value) {
        self.send_text(json!({"event": event, "data": data}).to_string()).await;
    }

    /// Several frames in one write: the server finds them all waiting at once.
    pub async fn send_together(&mut self, frames: &[(&str, Value)]) {
        for (event, data) in frames {
            let text = json!({"event": event, "data": data}).to_string();
            self.socket.feed(Message::text(text)).await.expect("ws send");
        }
        self.socket.flush().await.expect("ws flush");
    }

    pub async fn send_text(&mut self, text: String) {
        self.socket.send(Message::text(text)).await.expect("ws send");
    }

    /// The next text frame as JSON, answering pings on the way.
    pub async fn next(&mut self, within: Duration) -> Got {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let msg = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Got::Timeout,
                Ok(None) => return Got::Closed { code: 1006, reason: "stream ended".into() },
                Ok(Some(Err(e))) => return Got::Closed { code: 1006, reason: e.to_string() },
                Ok(Some(Ok(m))) => m,
            };
            match msg {
                Message::Text(t) => {
                    let frame: Value = serde_json::from_str(t.as_str()).expect("frames are JSON");
                    let presence = frame["event"].as_str().is_some_and(|e| e.starts_with("presence:"));
                    if presence && !self.see_presence {
                        continue;
                    }
                    return Got::Frame(frame);
                }
                Message::Close(Some(f)) => {
                    return Got::Closed { code: u16::from(f.code), reason: f.reason.to_string() }
                }
                Message::Close(None) => {
                    return Got::Closed { code: u16::from(CloseCode::Status), reason: String::new() }
                }
                _ => continue,
            }
        }
    }

    /// The next text frame exactly as it came over the wire (presence frames skipped
    /// unless `see_presence`).
    pub async fn raw(&mut self, within: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.socket.next()).await.ok()??.ok()?;
            if let Message::Text(t) = msg {
                let presence = t.as_str().starts_with(r#"{"event":"presence:"#);
                if !presence || self.see_presence {
                    return Some(t.as_str().to_owned());
                }
            }
        }
    }

    pub async fn frame(&mut self) -> Value {
        match self.next(Duration::from_secs(10)).await {
            Got::Frame(v) => v,
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    /// Reads until an event of this name, returning its data; panics on anything else.
    pub async fn expect_event(&mut self, name: &str) -> Value {
        let f = self.frame().await;
        assert_eq!(f["event"], name, "unexpected frame {f}");
        f["data"].clone()
    }

    /// Joins and returns (events replayed before `joined`, the joined data).
    pub async fn join(&mut self, production_id: &str, since: Option<i64>) -> (Vec<Value>, Value) {
        self.send("join-production", json!({"productionId": production_id, "since": since})).await;
        let mut replayed = Vec::new();
        loop {
            let f = self.frame().await;
            if f["event"] == "joined" {
                if self.see_presence {
                    let state = self.expect_event("presence:state").await;
                    assert_eq!(state["productionId"], json!(production_id));
                    self.presence_state = Some(state);
                }
                let status = self.expect_event("connection-status").await;
                assert!(status["rooms"].as_array().unwrap().contains(&json!(production_id)));
                return (replayed, f["data"].clone());
            }
            assert!(f["data"]["seq"].is_i64(), "expected an event or joined, got {f}");
            replayed.push(f);
        }
    }

    /// Collects change events until one with `seq >= until`, failing after `within`.
    pub async fn events_until(&mut self, until: i64, within: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + within;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Got::Frame(f) => {
                    let seq = f["data"]["seq"].as_i64().unwrap_or_else(|| panic!("not an event: {f}"));
                    out.push(f);
                    if seq >= until {
                        return out;
                    }
                }
                other => panic!("waiting for seq {until}: {other:?} after {} events", out.len()),
            }
        }
    }
}

pub fn seqs(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["data"]["seq"].as_i64().expect("seq")).collect()
}
