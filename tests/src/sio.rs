//! A raw Socket.IO client (Engine.IO 4 over WebSocket, Socket.IO 5), for tests that send
//! what no well-behaved client would: frames back to back, spoofed fields, floods. The
//! real `socket.io-client` from npm is driven by tests/socketio.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct SioClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_ack: u64,
    /// Events read while waiting for something else, oldest first.
    pub events: Vec<(String, Value)>,
}

/// What a CONNECT got back.
#[derive(Debug)]
pub enum Connected {
    Ok(Value),
    Refused(Value),
}

/// How long a test waits for something the server must send; a failure, not a timing.
const WAIT: Duration = Duration::from_secs(10);

impl SioClient {
    /// Opens the Engine.IO session over WebSocket (no credentials on the upgrade).
    pub async fn open(base: &str) -> SioClient {
        let url = format!("{}/socket.io/?EIO=4&transport=websocket", base.replacen("http", "ws", 1));
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("socket.io upgrade");
        let mut c = SioClient { ws, next_ack: 1, events: Vec::new() };
        let open = c.packet().await;
        assert!(open.starts_with('0'), "engine.io open, got {open}");
        c
    }

    async fn send(&mut self, text: String) {
        self.ws.send(Message::text(text)).await.expect("send");
    }

    /// The next Engine.IO packet, answering pings on the way.
    async fn packet(&mut self) -> String {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next()).await.expect("a packet in time");
            match msg.expect("socket open").expect("frame") {
                Message::Text(t) if t.as_str() == "2" => self.send("3".into()).await,
                Message::Text(t) => return t.to_string(),
                Message::Close(_) => return "1".into(),
                _ => {}
            }
        }
    }

    /// CONNECT to the main namespace, with `auth` as its payload.
    pub async fn connect(&mut self, auth: Value) -> Connected {
        self.send(format!("40{auth}")).await;
        loop {
            let p = self.packet().await;
            if let Some(data) = p.strip_prefix("40") {
                return Connected::Ok(serde_json::from_str(data).unwrap_or(Value::Null));
            }
            if let Some(data) = p.strip_prefix("44") {
                return Connected::Refused(serde_json::from_str(data).unwrap_or(Value::Null));
            }
        }
    }

    pub async fn emit(&mut self, event: &str, data: Value) {
        self.send(format!("42{}", json!([event, data]))).await;
    }

    /// Emits with an ack id; returns the id to wait for.
    pub async fn emit_ack(&mut self, event: &str, data: Value) -> u64 {
        let id = self.next_ack;
        self.next_ack += 1;
        self.send(format!("42{id}{}", json!([event, data]))).await;
        id
    }

    /// Waits for the ack `id`; events read meanwhile are kept in `events`.
    pub async fn ack(&mut self, id: u64) -> Value {
        loop {
            let p = self.packet().await;
            if let Some(rest) = p.strip_prefix("43") {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if digits.parse::<u64>().ok() == Some(id) {
                    let data: Value = serde_json::from_str(&rest[digits.len()..]).expect("ack json");
                    return data[0].clone();
                }
            } else {
                self.keep(&p);
            }
        }
    }

    /// Every ack, in any order, of ids `1..=n`: how many said ok.
    pub async fn acks(&mut self, n: u64) -> Vec<Value> {
        let mut got = vec![Value::Null; n as usize];
        let mut left = n;
        while left > 0 {
            let p = self.packet().await;
            if let Some(rest) = p.strip_prefix("43") {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let id: usize = digits.parse().expect("ack id");
                let data: Value = serde_json::from_str(&rest[digits.len()..]).expect("ack json");
                if got[id - 1].is_null() {
                    left -= 1;
                }
                got[id - 1] = data[0].clone();
            } else {
                self.keep(&p);
            }
        }
        got
    }

    fn keep(&mut self, p: &str) {
        if let Some(data) = p.strip_prefix("42") {
            if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(data) {
                let name = items.first().and_then(Value::as_str).unwrap_or_default().to_owned();
                self.events.push((name, items.get(1).cloned().unwrap_or(Value::Null)));
            }
        }
    }

    /// Waits for the next event named `event` (or one kept already).
    pub async fn event(&mut self, event: &str) -> Value {
        if let Some(i) = self.events.iter().position(|(n, _)| n == event) {
            return self.events.remove(i).1;
        }
        loop {
            let p = self.packet().await;
            self.keep(&p);
            if let Some(i) = self.events.iter().position(|(n, _)| n == event) {
                return self.events.remove(i).1;
            }
        }
    }

    /// Joins a production and waits for the answer (`{"ok": …}`).
    pub async fn join(&mut self, production: &str) -> Value {
        let id = self.emit_ack("production:join", json!({"productionId": production})).await;
        self.ack(id).await
    }

    /// A round trip: everything the server sent before its answer has been read.
    pub async fn sync(&mut self) {
        let id = self.emit_ack("production-list:leave", json!({})).await;
        self.ack(id).await;
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
